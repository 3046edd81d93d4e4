"""The FreeSWITCH bridge against the fake switch (real TCP + UDP on loopback)."""

from __future__ import annotations

import asyncio
import random
import re
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from receptionist.bridges.freeswitch import (
    FreeSwitchBridge,
    FreeSwitchCommandError,
    FreeSwitchLeg,
    FreeSwitchSettings,
    FreeSwitchStartError,
)
from receptionist.media.leg import (
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
    LegFailed,
)
from tests.fake_freeswitch import FRAME, FakeCall, FakeSwitch, StaffPhone, running_switch

pytestmark = pytest.mark.timeout(30)

Handler = Callable[[FreeSwitchLeg], Awaitable[None]]


def tone(value: int) -> Callable[[int], bytes]:
    """A frame whose every sample is ``value`` (identifies whose audio it is)."""
    frame = struct.pack("<h", value) * (FRAME // 2)
    return lambda _index: frame


def _port_base() -> int:
    return random.randrange(20000, 30000, 200)


def settings_for(switch: FakeSwitch, **overrides: object) -> FreeSwitchSettings:
    base = _port_base()
    settings = FreeSwitchSettings(
        listen_port=0,
        esl_port=switch.port,
        media_port_min=base,
        media_port_max=base + 99,
        switch_port_min=base + 100,
        switch_port_max=base + 199,
        linger_s=1,
        esl_timeout_s=2.0,
        ring_seconds=1.0,
        accept_wait_s=1.0,
        stop_grace_s=0.5,
    )
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


class Harness:
    """A bridge wired to a fake switch; ``handler`` plays the call layer for each leg."""

    def __init__(self, switch: FakeSwitch, bridge: FreeSwitchBridge) -> None:
        self.switch = switch
        self.bridge = bridge
        self.legs: asyncio.Queue[FreeSwitchLeg] = asyncio.Queue()
        self.handler: Handler = hold_until_end
        self.done: dict[str, asyncio.Event] = {}

    async def on_call(self, leg: CallLeg) -> None:
        assert isinstance(leg, FreeSwitchLeg)
        self.done[leg.call_id] = asyncio.Event()
        await self.legs.put(leg)
        try:
            await self.handler(leg)
        finally:
            self.done[leg.call_id].set()

    async def dial(self, **kwargs: object) -> tuple[FakeCall, FreeSwitchLeg]:
        call = FakeCall(self.switch, **kwargs)  # type: ignore[arg-type]
        await call.dial("127.0.0.1", self.bridge.listen_port)
        leg = await asyncio.wait_for(self.legs.get(), 5)
        assert leg.call_id == call.uuid
        return call, leg


async def hold_until_end(leg: FreeSwitchLeg) -> None:
    async for _frame in leg.audio_in():
        pass


async def wait_for_end(leg: FreeSwitchLeg) -> None:
    await leg.done.wait()


async def collect_events(leg: CallLeg) -> list[LegEvent]:
    return [event async for event in leg.events()]


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(settings_for(switch), lambda leg: holder[0].on_call(leg))
        holder.append(Harness(switch, bridge))
        await bridge.start()
        try:
            yield holder[0]
        finally:
            await bridge.stop()


async def test_call_is_answered_with_unicast_and_audio_flows_both_ways(harness: Harness) -> None:
    received: list[bytes] = []

    async def echo(leg: FreeSwitchLeg) -> None:
        async for frame in leg.audio_in():
            received.append(frame)
            if len(received) <= 25:
                await leg.play(tone(-7)(0))
            if len(received) == 30:
                await leg.hangup()

    harness.handler = echo
    call, leg = await harness.dial(caller_id="0612345678", audio=tone(1234))
    await asyncio.wait_for(harness.done[leg.call_id].wait(), 5)
    assert leg.caller_id == "0612345678"
    assert leg.called_number == "1000"
    assert leg.variables["ai_test_var"] == "hello world & more"  # URL-decoded channel data
    assert len(received) >= 30 and set(received) == {tone(1234)(0)}
    assert call.played == [tone(-7)(0)] * 25  # every frame arrived, none empty, none extra
    assert call.media is not None and not call.media.deaf
    lines = [line for line, _ in call.commands]
    assert lines[:5] == ["connect", "myevents", "linger 1", "sendmsg", "sendmsg"]
    watchdog = call.commands[3][1]  # the dialplan's sched_transfer: we answer, cancel it
    assert watchdog["execute-app-name"] == "sched_cancel"
    answer = call.commands[4][1]
    assert answer["execute-app-name"] == "answer" and answer["Event-UUID"]
    unicast = call.commands[5][1]
    assert unicast["call-command"] == "unicast" and unicast["transport"] == "udp"
    await asyncio.wait_for(call.closed.wait(), 5)
    assert leg.hangup_by == "agent" and call.hangup_cause == "NORMAL_CLEARING"
    assert call.media.sources == {("127.0.0.1", int(unicast["remote-port"]))}


async def test_dtmf_reaches_events_url_decoded(harness: Harness) -> None:
    call, leg = await harness.dial()
    events = asyncio.get_running_loop().create_task(collect_events(leg))
    for digit in "0#*5":
        await call.press(digit)
    await asyncio.sleep(0.1)
    await call.hang_up()
    got = await asyncio.wait_for(events, 5)
    assert got[:4] == [DtmfPressed("0"), DtmfPressed("#"), DtmfPressed("*"), DtmfPressed("5")]
    assert isinstance(got[4], CallerHungUp) and "NORMAL_CLEARING" in got[4].reason
    assert leg.hangup_by == "caller" and leg.ended_at is not None


async def test_bad_password_is_a_clear_start_error() -> None:
    async with running_switch(password="secret") as switch:
        bridge = FreeSwitchBridge(settings_for(switch), lambda leg: asyncio.sleep(0))
        with pytest.raises(FreeSwitchStartError, match=r"refused the password \(-ERR invalid\)"):
            await bridge.start()


async def test_listen_port_taken_is_a_clear_start_error() -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        async with running_switch() as switch:
            bridge = FreeSwitchBridge(
                settings_for(switch, listen_port=port), lambda leg: asyncio.sleep(0)
            )
            with pytest.raises(FreeSwitchStartError, match=f"127.0.0.1:{port}"):
                await bridge.start()
    finally:
        blocker.close()


async def test_recording_waits_for_its_own_execute_complete(harness: Harness) -> None:
    call, leg = await harness.dial()
    await leg.start_recording("/var/lib/receptionist/rec/a.wav")
    assert leg.recording_path == "/var/lib/receptionist/rec/a.wav"
    await leg.stop_recording()
    sent = [h for line, h in call.commands if line == "sendmsg"]
    record, stop = sent[-2], sent[-1]
    assert record["execute-app-name"] == "record_session"
    assert record["execute-app-arg"] == "/var/lib/receptionist/rec/a.wav"
    assert stop["execute-app-name"] == "stop_record_session"
    assert record["Event-UUID"] != stop["Event-UUID"]
    assert leg.state == "active"
    await call.hang_up()


async def test_err_reply_raises_and_the_call_goes_on(harness: Harness) -> None:
    call, leg = await harness.dial(audio=tone(99))
    call.reject_apps["record_session"] = "-ERR no reply"
    with pytest.raises(FreeSwitchCommandError, match="record_session refused: -ERR no reply"):
        await leg.start_recording("/tmp/x.wav")
    assert leg.recording_path is None
    before = call.media.frames_sent if call.media else 0
    frames = leg.audio_in()
    for _ in range(5):  # media still flows after the refusal
        assert await asyncio.wait_for(anext(frames), 1) == tone(99)(0)
    assert leg.state == "active" and call.media is not None and call.media.frames_sent > before
    await call.hang_up()


async def test_caller_hangup_mid_sentence_ends_audio_and_playback(harness: Harness) -> None:
    spoken = asyncio.Event()
    outcome: list[str] = []

    async def talk(leg: FreeSwitchLeg) -> None:
        events = asyncio.get_running_loop().create_task(collect_events(leg))
        with pytest.raises(LegClosedError):  # play() on an ended leg raises, never spins
            for i in range(500):  # a 10 s sentence
                await leg.play(tone(500)(0))
                if i == 10:
                    spoken.set()
        async for _ in leg.audio_in():
            pass
        outcome.extend(type(e).__name__ for e in await events)

    harness.handler = talk
    call, leg = await harness.dial()
    await asyncio.wait_for(spoken.wait(), 5)
    while len(call.played) < 5:  # the caller has heard the sentence begin
        await asyncio.sleep(0.01)
    await call.hang_up("NORMAL_CLEARING")
    await asyncio.wait_for(harness.done[leg.call_id].wait(), 5)
    assert outcome == ["CallerHungUp"]
    assert leg.hangup_by == "caller" and leg.state == "ended"
    # stopped at once, not the whole sentence (what was queued ahead is dropped)
    assert 5 <= len(call.played) < 40
    await asyncio.wait_for(call.closed.wait(), 5)
    assert [line for line, _ in call.commands][-1] == "exit"


async def test_esl_socket_dropping_mid_call_fails_the_leg_without_hanging(harness: Harness) -> None:
    call, leg = await harness.dial()
    events = asyncio.get_running_loop().create_task(collect_events(leg))
    await asyncio.sleep(0.1)
    call.drop()
    got = await asyncio.wait_for(events, 5)
    assert len(got) == 1 and isinstance(got[0], LegFailed)
    assert "closed the connection" in got[0].reason
    await asyncio.wait_for(harness.done[leg.call_id].wait(), 5)  # audio_in ended
    assert leg.state == "failed" and leg.hangup_by == "link" and leg.failure
    with pytest.raises(Exception, match="has ended|closed"):
        await asyncio.wait_for(leg.start_recording("/tmp/y.wav"), 5)


async def test_malformed_frame_fails_that_call_only(harness: Harness) -> None:
    bad, bad_leg = await harness.dial(audio=tone(1))
    good, good_leg = await harness.dial(audio=tone(2))
    events = asyncio.get_running_loop().create_task(collect_events(bad_leg))
    bad.write(b"Content-Type: text/event-plain\nContent-Length: 12x\n\n")
    got = await asyncio.wait_for(events, 5)
    assert isinstance(got[0], LegFailed)
    assert "malformed ESL frame" in got[0].reason
    assert "Content-Length is not a number: '12x'" in got[0].reason
    await asyncio.wait_for(bad.closed.wait(), 5)
    # the other call is untouched: its audio and control still work
    frames = good_leg.audio_in()
    for _ in range(10):
        assert await asyncio.wait_for(anext(frames), 1) == tone(2)(0)
    await good_leg.start_recording("/tmp/good.wav")
    await good.press("7")
    await good.hang_up()
    assert [
        e for e in await asyncio.wait_for(collect_events(good_leg), 5) if isinstance(e, DtmfPressed)
    ] == [DtmfPressed("7")]


async def test_simultaneous_calls_each_get_their_own_audio(harness: Harness) -> None:
    heard: dict[str, list[bytes]] = {}

    async def echo(leg: FreeSwitchLeg) -> None:
        mine = heard.setdefault(leg.call_id, [])
        async for frame in leg.audio_in():
            mine.append(frame)
            if len(mine) <= 40:
                await leg.play(frame)  # echo: the caller must hear only their own voice
            elif len(mine) == 41:
                await leg.wait_played()
                await leg.hangup()

    harness.handler = echo
    dialled = [await harness.dial(audio=tone(100 + i)) for i in range(5)]
    for _call, leg in dialled:
        await asyncio.wait_for(harness.done[leg.call_id].wait(), 10)
    for i, (call, leg) in enumerate(dialled):
        mine = tone(100 + i)(0)
        assert len(heard[leg.call_id]) >= 41 and set(heard[leg.call_id]) == {mine}
        assert call.played == [mine] * 40, f"call {i} got {len(call.played)} frames"


def summary_frames(n: int = 25) -> list[bytes]:
    return [tone(3000)(0)] * n


async def run_transfer(
    harness: Harness, extension: str, *, warm: bool = True, summary_n: int = 25
) -> tuple[FakeCall, FreeSwitchLeg, list[object], list[bytes]]:
    """The call layer's part: hold words to the caller while the transfer runs."""
    results: list[object] = []
    caller_heard_during: list[bytes] = []

    async def transfer_call(leg: FreeSwitchLeg) -> None:
        events = asyncio.get_running_loop().create_task(collect_events(leg))
        transfer = asyncio.get_running_loop().create_task(
            leg.transfer(
                extension,
                "Caller John Smith, wants a refund",
                warm=warm,
                summary_audio=summary_frames(summary_n),
            )
        )
        try:
            while not transfer.done():  # hold message through our own media, never `playback`
                await leg.play(tone(-1000)(0))
        except LegClosedError:
            pass  # handed over (or hung up): the leg is no longer ours to play on
        results.append(await transfer)
        if not transfer.result().connected:
            for _ in range(10):  # "I'll take a message": the caller's media still works
                await leg.play(tone(-2000)(0))
            await leg.wait_played()
            await leg.hangup()
        results.append([type(e).__name__ for e in await events])

    harness.handler = transfer_call
    call, leg = await harness.dial(audio=tone(42))
    await asyncio.wait_for(harness.done[leg.call_id].wait(), 10)
    caller_heard_during.extend(call.played)
    return call, leg, results, caller_heard_during


async def test_warm_transfer_accepted_speaks_summary_to_staff_alone(harness: Harness) -> None:
    harness.switch.phones["201"] = StaffPhone(answer=True)
    call, leg, results, heard = await run_transfer(harness, "201")
    result = results[0]
    assert result.outcome == "answered" and result.connected  # type: ignore[attr-defined]
    staff = harness.switch.staff[result.detail]  # type: ignore[attr-defined]
    assert staff.bridged_to == call.uuid and call.bridged_to == staff.uuid
    assert staff.media is not None and staff.media.received == summary_frames()
    assert set(heard) == {tone(-1000)(0)}  # the caller heard hold words, never the summary
    assert leg.state == "bridged" and leg.hangup_by == "transfer"
    assert results[1] == ["TransferResult"]
    originate = next(c for c in harness.switch.api_log if c.startswith("originate"))
    assert f"origination_uuid={staff.uuid}" in originate and "originate_timeout=1" in originate
    assert originate.endswith("}user/201 &park()")
    assert f"uuid_bridge {call.uuid} {staff.uuid}" in harness.switch.api_log
    # the session stays until the bridged caller hangs up; we never send exit (it would hang up)
    assert "exit" not in [line for line, _ in call.commands]
    await call.hang_up()
    await asyncio.wait_for(call.closed.wait(), 5)
    assert "exit" not in [line for line, _ in call.commands]


async def test_warm_transfer_not_answered_keeps_the_caller(harness: Harness) -> None:
    harness.switch.phones["202"] = StaffPhone(answer=False, cause="NO_ANSWER", ring_s=0.3)
    call, leg, results, heard = await run_transfer(harness, "202")
    result = results[0]
    assert result.outcome == "no_answer" and result.detail == "NO_ANSWER"  # type: ignore[attr-defined]
    assert results[1] == ["TransferResult"]
    assert heard[-10:] == [tone(-2000)(0)] * 10  # message-taking audio after the failure
    assert leg.hangup_by == "agent" and call.bridged_to == ""


async def test_warm_transfer_to_nobody_registered_fails(harness: Harness) -> None:
    call, leg, results, heard = await run_transfer(harness, "299")  # no phone: -ERR (captured)
    assert results[0].outcome == "failed"  # type: ignore[attr-defined]
    assert results[0].detail == "NORMAL_TEMPORARY_FAILURE"  # type: ignore[attr-defined]
    assert heard[-10:] == [tone(-2000)(0)] * 10


async def test_warm_transfer_declined_when_staff_hangs_up_during_summary(
    harness: Harness,
) -> None:
    harness.switch.phones["203"] = StaffPhone(hang_up_after_frames=10)
    call, leg, results, heard = await run_transfer(harness, "203", summary_n=100)
    assert results[0].outcome == "declined", results  # type: ignore[attr-defined]
    assert results[0].detail == "staff hung up during the summary"  # type: ignore[attr-defined]
    staff = next(iter(harness.switch.staff.values()))
    assert 10 <= len(staff.media.received) < 30  # type: ignore[union-attr]  # stopped talking
    assert call.bridged_to == ""


async def test_cold_transfer_hands_the_caller_to_the_dialplan(harness: Harness) -> None:
    call, leg, results, heard = await run_transfer(harness, "200", warm=False)
    assert results[0].outcome == "answered"  # type: ignore[attr-defined]
    assert call.transferred_to == "200"
    assert f"uuid_transfer {call.uuid} 200 XML default" in harness.switch.api_log


async def test_accept_digit_required(tmp_path: object) -> None:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(
            settings_for(switch, accept_digit="1"), lambda leg: holder[0].on_call(leg)
        )
        holder.append(Harness(switch, bridge))
        await bridge.start()
        try:
            switch.phones["204"] = StaffPhone(press="1")
            switch.phones["205"] = StaffPhone(press=None)  # answers, listens, never presses
            _, _, accepted, _ = await run_transfer(holder[0], "204")
            _, _, ignored, _ = await run_transfer(holder[0], "205")
        finally:
            await bridge.stop()
    assert accepted[0].outcome == "answered"  # type: ignore[attr-defined]
    assert ignored[0].outcome == "declined"  # type: ignore[attr-defined]
    assert "did not press 1" in ignored[0].detail  # type: ignore[attr-defined]
    killed = [s for s in switch.staff.values() if s.extension == "205"]
    assert killed and killed[0].killed


async def test_inbound_esl_drop_fails_transfer_then_reconnects() -> None:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(
            settings_for(switch, esl_reconnect_s=0.1), lambda leg: holder[0].on_call(leg)
        )
        holder.append(Harness(switch, bridge))
        await bridge.start()
        try:
            switch.phones["201"] = StaffPhone()
            switch.drop_inbound()
            await asyncio.sleep(0.05)
            _, _, down, heard = await run_transfer(holder[0], "201")
            assert down[0].outcome == "failed"  # type: ignore[attr-defined]
            assert "inbound ESL" in down[0].detail  # type: ignore[attr-defined]
            assert heard[-10:] == [tone(-2000)(0)] * 10  # the caller was kept
            for _ in range(50):
                if await bridge.api("status"):
                    break
            _, _, back, _ = await run_transfer(holder[0], "201")
            assert back[0].outcome == "answered"  # type: ignore[attr-defined]
        finally:
            await bridge.stop()


async def test_busy_switch_port_gets_a_second_unicast(harness: Harness) -> None:
    first = harness.bridge.settings.switch_port_min
    harness.switch.busy_ports.add(first)  # the switch can't bind it: +OK, then silence
    harness.bridge._next_switch_port = first
    call, leg = await harness.dial(audio=tone(5))
    assert [h["local-port"] for line, h in call.commands if h.get("call-command") == "unicast"] == [
        str(first),
        str(first + 1),
    ]
    frames = leg.audio_in()
    assert await asyncio.wait_for(anext(frames), 1) == tone(5)(0)
    await call.hang_up()


async def test_no_media_at_all_sends_the_caller_to_the_fallback() -> None:
    async with running_switch() as switch:
        settings = settings_for(switch, fallback_extension="200", unicast_attempts=1)
        called: list[CallLeg] = []

        async def never(leg: CallLeg) -> None:
            called.append(leg)

        bridge = FreeSwitchBridge(settings, never)
        await bridge.start()
        try:
            switch.busy_ports.update(range(settings.switch_port_min, settings.switch_port_max + 1))
            call = FakeCall(switch)
            await call.dial("127.0.0.1", bridge.listen_port)
            for _ in range(100):
                if call.transferred_to:
                    break
                await asyncio.sleep(0.02)
            assert call.transferred_to == "200 XML default"
            assert not called  # the call layer never saw a leg without media
        finally:
            await bridge.stop()


async def test_stop_lets_a_call_in_progress_finish_and_refuses_new_ones() -> None:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(
            settings_for(switch, stop_grace_s=5.0), lambda leg: holder[0].on_call(leg)
        )
        holder.append(Harness(switch, bridge))
        await bridge.start()
        goodbye = asyncio.Event()

        async def say_goodbye(leg: FreeSwitchLeg) -> None:
            await goodbye.wait()
            for _ in range(20):
                await leg.play(tone(77)(0))
            await leg.wait_played()
            await leg.hangup()

        holder[0].handler = say_goodbye
        call, leg = await holder[0].dial()
        stopping = asyncio.get_running_loop().create_task(bridge.stop())
        await asyncio.sleep(0.2)
        assert not stopping.done()  # waiting for the call, not cutting it off
        with pytest.raises(OSError):
            await FakeCall(switch).dial("127.0.0.1", bridge.listen_port)
        goodbye.set()
        await asyncio.wait_for(stopping, 5)
        assert call.played == [tone(77)(0)] * 20 and leg.hangup_by == "agent"


async def test_execute_waits_for_its_own_application_uuid_not_the_app_name(
    harness: Harness,
) -> None:
    call, leg = await harness.dial()
    call.hold_apps.add("record_session")
    recording = asyncio.get_running_loop().create_task(leg.start_recording("/tmp/r.wav"))
    for _ in range(200):
        if any(h.get("execute-app-name") == "record_session" for _, h in call.commands):
            break
        await asyncio.sleep(0.01)
    sent = next(h for _, h in call.commands if h.get("execute-app-name") == "record_session")
    # another record_session's completion (what greenswitch's block=True would take)
    call.event(
        "CHANNEL_EXECUTE_COMPLETE",
        **{
            "Application": "record_session",
            "Application-Data": "/tmp/other.wav",
            "Application-UUID": "00000000-0000-0000-0000-000000000000",
        },
    )
    await asyncio.sleep(0.1)
    assert not recording.done()
    call.event(
        "CHANNEL_EXECUTE_COMPLETE",
        **{
            "Application": "record_session",
            "Application-Data": "/tmp/r.wav",
            "Application-UUID": sent["Event-UUID"],
        },
    )
    await asyncio.wait_for(recording, 2)
    assert leg.recording_path == "/tmp/r.wav"
    await call.hang_up()


async def test_a_missing_reply_breaks_the_link_instead_of_shifting_replies() -> None:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(
            settings_for(switch, esl_timeout_s=0.3), lambda leg: holder[0].on_call(leg)
        )
        holder.append(Harness(switch, bridge))
        await bridge.start()
        try:
            call, leg = await holder[0].dial()
            events = asyncio.get_running_loop().create_task(collect_events(leg))
            call.silent_apps.add("record_session")
            with pytest.raises(Exception, match="no reply to 'sendmsg' within 0.3 s"):
                await leg.start_recording("/tmp/never.wav")
            got = await asyncio.wait_for(events, 5)
            assert isinstance(got[-1], LegFailed)
            assert "replies are matched in order" in got[-1].reason
            await asyncio.wait_for(holder[0].done[leg.call_id].wait(), 5)
        finally:
            await bridge.stop()


async def test_socket_closed_mid_body_fails_the_leg_instead_of_spinning(
    harness: Harness,
) -> None:
    call, leg = await harness.dial()
    events = asyncio.get_running_loop().create_task(collect_events(leg))
    call.write(b"Content-Length: 100\nContent-Type: text/event-plain\n\nEvent-Name: DTMF\n")
    await asyncio.sleep(0.05)
    call.drop()
    got = await asyncio.wait_for(events, 5)
    assert isinstance(got[-1], LegFailed)
    assert "closed mid-body, 17 of 100 body bytes arrived" in got[-1].reason


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"media_port_min": 5000, "media_port_max": 4000}, "media_port_min..media_port_max"),
        ({"switch_port_min": 40500, "switch_port_max": 41500}, "overlap on the same host"),
        ({"accept_digit": "11"}, "accept_digit = '11' is not one DTMF digit"),
        ({"transfer_dial_string": "user/200"}, "has no {extension}"),
        ({"linger_s": 0}, "linger_s = 0 must be at least 1"),
    ],
)
async def test_bad_settings_are_a_clear_start_error(
    overrides: dict[str, object], message: str
) -> None:
    settings = FreeSwitchSettings(**overrides)  # type: ignore[arg-type]
    bridge = FreeSwitchBridge(settings, lambda leg: asyncio.sleep(0))
    with pytest.raises(FreeSwitchStartError, match=re.escape(message)):
        await bridge.start()


async def test_datagrams_from_elsewhere_are_dropped(harness: Harness) -> None:
    call, leg = await harness.dial(audio=tone(11))
    assert leg.media is not None and call.media is not None
    intruder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        intruder.bind(("127.0.0.1", 0))
        for _ in range(20):
            intruder.sendto(tone(666)(0), ("127.0.0.1", leg.media.port))
            await asyncio.sleep(0.005)
    finally:
        intruder.close()
    frames = leg.audio_in()
    got = [await asyncio.wait_for(anext(frames), 1) for _ in range(30)]
    assert set(got) == {tone(11)(0)}
    assert leg.media.dropped_foreign == 20
    await call.hang_up()


async def test_a_stalled_command_on_one_call_does_not_stall_anothers_audio() -> None:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(
            settings_for(switch, esl_timeout_s=1.0), lambda leg: holder[0].on_call(leg)
        )
        holder.append(Harness(switch, bridge))
        holder[0].handler = wait_for_end  # the test reads the audio itself
        await bridge.start()
        try:
            stuck, stuck_leg = await holder[0].dial(audio=tone(1))
            other, other_leg = await holder[0].dial(audio=tone(2))
            stuck.silent_apps.add("record_session")
            stalled = asyncio.get_running_loop().create_task(
                stuck_leg.start_recording("/tmp/stuck.wav")
            )
            frames = other_leg.audio_in()
            got = []
            while not stalled.done():  # during the whole 1 s stall
                got.append(await asyncio.wait_for(anext(frames), 0.5))
                await other_leg.play(got[-1])
            assert len(got) >= 40 and set(got) == {tone(2)(0)}  # ~50 frames a second
            assert isinstance(stalled.exception(), Exception)
            await other_leg.wait_played()
            assert len(other.played) >= 40
            assert other_leg.state == "active" and stuck_leg.state == "failed"
            await other.hang_up()
        finally:
            await bridge.stop()


async def test_caller_hanging_up_during_the_summary_fails_the_transfer(
    harness: Harness,
) -> None:
    harness.switch.phones["201"] = StaffPhone()
    call, leg = await harness.dial()
    transfer = asyncio.get_running_loop().create_task(
        leg.transfer("201", "Caller John Smith", summary_audio=summary_frames(200))
    )
    for _ in range(200):
        staff = next(iter(harness.switch.staff.values()), None)
        if staff is not None and staff.media is not None and len(staff.media.received) > 5:
            break
        await asyncio.sleep(0.01)
    await call.hang_up()
    result = await asyncio.wait_for(transfer, 5)
    assert result.outcome == "failed" and "ended" in result.detail
    assert staff is not None and staff.killed and not staff.bridged_to
