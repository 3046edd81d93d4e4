"""The Asterisk bridge against the fake Asterisk, over real loopback sockets.

Assertions are on frames and messages, not on wall-clock time.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from receptionist.bridges.asterisk import (
    AsteriskBridge,
    AsteriskSettings,
    AsteriskStartupError,
)
from receptionist.media.leg import (
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
    LegFailed,
    TransferResult,
)
from tests.fake_asterisk import FakeAsterisk, FakeCall, StaffBehaviour

SILENCE = b"\0" * 320


def tone(n: int) -> bytes:
    """A frame whose every sample is ``n``: tells frames (and calls) apart."""
    return n.to_bytes(2, "little", signed=True) * 160


def heard(frames: list[bytes]) -> list[bytes]:
    return [f for f in frames if f != SILENCE]


@pytest.fixture
async def fake() -> AsyncIterator[FakeAsterisk]:
    f = FakeAsterisk()
    await f.start()
    yield f
    await f.stop()


OnCall = Callable[[CallLeg], Awaitable[None]]


async def start_bridge(fake: FakeAsterisk, on_call: OnCall, **overrides: Any) -> AsteriskBridge:
    settings = AsteriskSettings(
        agi_port=0,
        audiosocket_port=0,
        ami_port=fake.ami_port,
        ami_secret="s3cret",
        ring_seconds=0.3,
        ami_reconnect_s=0.05,
        ami_timeout_s=2.0,
        media_timeout_s=2.0,
        stop_grace_s=0.5,
    )
    for key, value in overrides.items():
        setattr(settings, key, value)
    bridge = AsteriskBridge(settings, on_call)
    await bridge.start()
    fake.agi_address = bridge.agi_address
    fake.audiosocket_address = bridge.audiosocket_address
    return bridge


@pytest.fixture
async def bridges() -> AsyncIterator[list[AsteriskBridge]]:
    started: list[AsteriskBridge] = []
    yield started
    for b in started:
        await b.stop()


class Recorder:
    """An ``on_call`` that runs a scenario and keeps what the leg gave it."""

    def __init__(self, scenario: Callable[[CallLeg, Recorder], Awaitable[None]]) -> None:
        self.scenario = scenario
        self.legs: list[CallLeg] = []
        self.audio: dict[str, list[bytes]] = {}
        self.events: dict[str, list[LegEvent]] = {}
        self.done: dict[str, asyncio.Event] = {}
        self.errors: list[BaseException] = []

    async def __call__(self, leg: CallLeg) -> None:
        self.legs.append(leg)
        self.audio[leg.call_id] = []
        self.events[leg.call_id] = []
        self.done.setdefault(leg.call_id, asyncio.Event())
        try:
            await self.scenario(leg, self)
        except BaseException as e:
            self.errors.append(e)
            raise
        finally:
            self.done[leg.call_id].set()

    async def read_audio(self, leg: CallLeg, count: int) -> list[bytes]:
        """Read until ``count`` non-silent frames arrived (or the audio ended)."""
        got = self.audio[leg.call_id]
        async for frame in leg.audio_in():
            got.append(frame)
            if len(heard(got)) >= count:
                break
        return heard(got)

    async def drain_events(self, leg: CallLeg) -> list[LegEvent]:
        async for event in leg.events():
            self.events[leg.call_id].append(event)
        return self.events[leg.call_id]

    async def wait(self, call: FakeCall) -> None:
        self.done.setdefault(call.uuid, asyncio.Event())
        await asyncio.wait_for(self.done[call.uuid].wait(), 10.0)


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met within 5 s")


async def run_call(fake: FakeAsterisk, **kwargs: Any) -> tuple[FakeCall, asyncio.Task[None]]:
    call = fake.call(**kwargs)
    return call, asyncio.ensure_future(call.run())


# ---------------------------------------------------------------- media


async def test_frames_in_and_out_then_we_hang_up(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    said = [tone(i) for i in range(1, 26)]
    reply = [tone(-i) for i in range(1, 11)]

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        assert await rec.read_audio(leg, len(said)) == said
        for frame in reply:
            await leg.play(frame)
        await leg.wait_played()
        await leg.hangup()

    rec = Recorder(scenario)
    bridge = await start_bridge(fake, rec)
    bridges.append(bridge)
    call, task = await run_call(fake, script=said, caller_id="5551234", called="200")
    await rec.wait(call)
    await task
    assert not rec.errors
    leg = rec.legs[0]
    assert (leg.call_id, leg.caller_id, leg.called_number) == (call.uuid, "5551234", "200")
    assert leg.variables["channel"] == call.channel
    assert leg.variables["calleridname"] == "Fake Caller"
    assert call.agi_commands == ['SET VARIABLE RECEPTIONIST_STATUS "ok"']
    assert call.media is not None
    await asyncio.wait_for(call.media.closed.wait(), 2)
    assert heard(call.media.audio) == reply  # in order, none lost, none extra
    assert all(len(f) == 320 for f in call.media.audio)
    assert call.media.received[-1].kind == 0x00  # our hangup frame
    assert call.media.closed_by == "us-hangup-frame"
    assert call.media.bad_kinds == []
    # silence kept Asterisk's 2 s watchdog fed the whole time
    assert call.media.max_gap_s() < 0.5


async def test_dtmf_zero_and_a_short_frame(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        async for event in leg.events():
            rec.events[leg.call_id].append(event)
            if isinstance(event, DtmfPressed):
                break
        await rec.read_audio(leg, 4)
        await leg.hangup()

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    # a 40-byte audio frame before the digit, as audiosocket_app shows: re-chunked
    script: list[bytes | str | float] = [tone(1), tone(2)[:40], "0", tone(2)[40:], tone(3), tone(4)]
    call, task = await run_call(fake, script=script)
    await rec.wait(call)
    await task
    assert rec.events[call.uuid] == [DtmfPressed("0")]
    assert heard(rec.audio[call.uuid]) == [tone(1), tone(2), tone(3), tone(4)]


async def test_caller_hangs_up_mid_sentence(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    sentence = [tone(7)] * 200  # 4 s of agent speech

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        async def speak() -> None:
            for frame in sentence:
                await leg.play(frame)

        speaker = asyncio.ensure_future(speak())
        events = await rec.drain_events(leg)
        assert len(events) == 1 and isinstance(events[0], CallerHungUp)
        with pytest.raises(LegClosedError):  # play() raises once the caller is gone
            await asyncio.wait_for(speaker, 2)
        assert heard([f async for f in leg.audio_in()]) == [tone(1)] * 10  # then it ends

    rec = Recorder(scenario)
    bridge = await start_bridge(fake, rec)
    bridges.append(bridge)
    call, task = await run_call(fake, script=[tone(1)] * 10, ending="hangup")
    await rec.wait(call)
    await task
    assert not rec.errors
    assert call.media is not None
    assert 0 < len(heard(call.media.audio)) < len(sentence)
    await asyncio.sleep(0.05)
    assert bridge.legs == {}


async def test_truncated_frame_fails_one_call_not_the_others(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        events_task = asyncio.ensure_future(rec.drain_events(leg))
        frames = await rec.read_audio(leg, 30)
        for frame in frames[:5]:
            await leg.play(frame)
        await leg.wait_played()
        await events_task

    rec = Recorder(scenario)
    bridge = await start_bridge(fake, rec)
    bridges.append(bridge)
    bad, bad_task = await run_call(fake, script=[tone(1)] * 10, ending="truncate")
    good, good_task = await run_call(fake, script=[tone(2)] * 30 + [0.2], ending="hangup")
    await rec.wait(bad)
    await rec.wait(good)
    await asyncio.gather(bad_task, good_task)
    (failure,) = rec.events[bad.uuid]
    assert isinstance(failure, LegFailed)
    assert "AudioSocket frame declares 320 bytes, 12 arrived" in failure.reason
    assert bad.channel in failure.reason
    assert [type(e) for e in rec.events[good.uuid]] == [CallerHungUp]
    assert heard(rec.audio[good.uuid]) == [tone(2)] * 30
    assert good.media is not None and heard(good.media.audio) == [tone(2)] * 5
    assert bridge.counters.failed == 1


async def test_several_calls_each_with_their_own_audio(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    async def echo(leg: CallLeg, rec: Recorder) -> None:
        for frame in await rec.read_audio(leg, 20):
            await leg.play(frame)
        await leg.wait_played()
        await leg.hangup()

    rec = Recorder(echo)
    bridges.append(await start_bridge(fake, rec))
    calls = [
        await run_call(fake, script=[tone(100 * n + i + 1) for i in range(20)]) for n in range(4)
    ]
    for call, task in calls:
        await rec.wait(call)
        await task
    assert len({leg.call_id for leg in rec.legs}) == 4
    for n, (call, _) in enumerate(calls):
        assert call.media is not None
        assert heard(call.media.audio) == [tone(100 * n + i + 1) for i in range(20)]


async def test_silence_fills_a_gap_with_no_frames(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        await rec.read_audio(leg, 10)
        await leg.hangup()

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    # the phone sends nothing for 0.4 s (silence suppression, or the gap around a DTMF)
    call, task = await run_call(fake, script=[tone(1)] * 5 + [0.4] + [tone(2)] * 5)
    await rec.wait(call)
    await task
    frames = rec.audio[call.uuid]
    gap = frames.index(tone(2)) - frames.index(tone(1)) - 5
    assert frames[:5] == [tone(1)] * 5 and frames[-5:] == [tone(2)] * 5
    assert set(frames[5 : 5 + gap]) == {SILENCE}
    assert 10 <= gap <= 30  # about 20 frames for 0.4 s; the loop may be late, not early


# ---------------------------------------------------------------- transfers


async def test_warm_transfer_accepted(fake: FakeAsterisk, bridges: list[AsteriskBridge]) -> None:
    summary = [tone(500 + i) for i in range(15)]
    hold = [tone(9)] * 5
    fake.staff["201"] = StaffBehaviour("answer")
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        for frame in hold:
            await leg.play(frame)
        results.append(await leg.transfer("201", "Dana wants a Thursday slot", True, summary))
        await rec.drain_events(leg)

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await rec.wait(call)
    await task
    (result,) = results
    assert (result.outcome, result.extension, result.connected) == ("answered", "201", True)
    (originate,) = fake.actions_named("Originate")
    assert originate.get("Channel") == "Local/201@receptionist-staff/n"
    assert originate.get("Context") == "receptionist-summary"
    assert originate.get("Timeout") == "300"
    (staff,) = fake.staff_legs.values()
    assert staff.media is not None
    assert heard(staff.media.audio) == summary  # the summary went to the staff member alone
    assert call.media is not None
    assert heard(call.media.audio) == hold  # the caller heard hold audio, not the summary
    assert call.bridged_with == staff.channel and staff.bridged_with == call.channel
    # handed over: no hangup is reported for the socket Asterisk closed
    assert rec.events[call.uuid] == [result]


async def test_after_a_warm_transfer_the_talk_with_staff_is_recorded_and_ends_the_call(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    """Issue 10, defect 4: the caller's MixMonitor ends with its AudioSocket at the bridge, so
    the staff leg gets its own; the call ends when AMI reports the caller's Hangup."""
    fake.staff["201"] = StaffBehaviour("answer")
    released: list[float | None] = []
    bridged_at: list[float] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        await leg.start_recording("/var/spool/asterisk/monitor/call.wav")
        result = await leg.transfer("201", "Dana wants a Thursday slot", True, [tone(5)] * 5)
        assert result.connected
        bridged_at.append(time.time())
        released.append(await leg.wait_released())

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await until(lambda: bool(call.bridged_with))
    (staff,) = fake.staff_legs.values()
    await until(lambda: bool(staff.recording))
    await asyncio.sleep(0.5)  # caller and staff talk
    hung_up = time.time()
    fake.hang_up_bridged(call.channel)
    await rec.wait(call)
    await task
    assert [(a.get("Channel"), a.get("File")) for a in fake.actions_named("MixMonitor")] == [
        (call.channel, "/var/spool/asterisk/monitor/call.wav"),
        (staff.channel, "/var/spool/asterisk/monitor/call-staff.wav"),
    ]
    assert staff.recording == "/var/spool/asterisk/monitor/call-staff.wav"
    (end,) = released
    assert end is not None and end - bridged_at[0] >= 0.4 and abs(end - hung_up) < 0.5


@pytest.mark.parametrize("behaviour,outcome", [("no_answer", "no_answer"), ("busy", "declined")])
async def test_warm_transfer_not_answered_keeps_the_caller(
    fake: FakeAsterisk, bridges: list[AsteriskBridge], behaviour: str, outcome: str
) -> None:
    fake.staff["202"] = StaffBehaviour(behaviour)
    after = [tone(i) for i in range(40, 50)]
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        results.append(await leg.transfer("202", "summary", True, [tone(3)] * 5))
        for frame in after:  # "Sorry, nobody's free; can I take a message?"
            await leg.play(frame)
        await leg.wait_played()
        await leg.hangup()

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await rec.wait(call)
    await task
    assert not rec.errors
    (result,) = results
    assert result.outcome == outcome and not result.connected
    assert call.media is not None
    assert heard(call.media.audio) == after
    assert call.bridged_with == "" and fake.staff_legs == {}
    assert call.media.max_gap_s() < 0.5  # silence flowed while the staff phone rang


async def test_staff_hangs_up_during_the_summary(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    fake.staff["203"] = StaffBehaviour("hangup_during_summary")
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        results.append(await leg.transfer("203", "summary", True, [tone(3)] * 50))
        await leg.hangup()

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await rec.wait(call)
    await task
    (result,) = results
    assert result.outcome == "declined" and "hung up during the summary" in result.detail
    assert fake.actions_named("Bridge") == []


async def test_cold_transfer_redirects(fake: FakeAsterisk, bridges: list[AsteriskBridge]) -> None:
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        results.append(await leg.transfer("204", "summary", warm=False))
        await rec.drain_events(leg)

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await rec.wait(call)
    await task
    (result,) = results
    assert result.outcome == "answered"
    assert call.redirected_to == ("receptionist-transfer", "204")
    assert rec.events[call.uuid] == [result]  # no CallerHungUp for the redirect


async def test_recording_starts_and_stops_on_hangup(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        await leg.start_recording("/var/spool/asterisk/monitor/call.wav")
        await rec.drain_events(leg)

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec))
    call, task = await run_call(fake, script=[tone(1)] * 20, ending="hangup")
    await rec.wait(call)
    await task
    (mix,) = fake.actions_named("MixMonitor")
    assert mix.get("Channel") == call.channel
    assert mix.get("File") == "/var/spool/asterisk/monitor/call.wav"
    for _ in range(50):
        if fake.actions_named("StopMixMonitor"):
            break
        await asyncio.sleep(0.02)
    assert [a.get("Channel") for a in fake.actions_named("StopMixMonitor")] == [call.channel]


# ---------------------------------------------------------------- AMI and start-up


async def test_ami_disconnect_and_reconnect(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    proceed = asyncio.Event()
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        await proceed.wait()
        results.append(await leg.transfer("205", "summary", warm=False))

    rec = Recorder(scenario)
    bridge = await start_bridge(fake, rec)
    bridges.append(bridge)
    call, task = await run_call(fake, script=[tone(1)] * 5)
    assert fake.logins == 1
    fake.drop()
    for _ in range(100):
        if not bridge.ami.connected:
            break
        await asyncio.sleep(0.01)
    proceed.set()  # the transfer's Redirect waits for the new login
    await rec.wait(call)
    await task
    assert fake.logins == 2 and bridge.ami.disconnects == 1
    assert results[0].outcome == "answered"
    assert call.redirected_to == ("receptionist-transfer", "205")


async def test_wrong_ami_password_is_a_clear_error_at_start_up(fake: FakeAsterisk) -> None:
    bridge = AsteriskBridge(
        AsteriskSettings(agi_port=0, audiosocket_port=0, ami_port=fake.ami_port, ami_secret="no"),
        Recorder(lambda leg, rec: asyncio.sleep(0)),
    )
    with pytest.raises(AsteriskStartupError) as err:
        await bridge.start()
    message = str(err.value)
    assert f"AMI login to 127.0.0.1:{fake.ami_port} as 'receptionist' failed" in message
    assert "Authentication failed" in message
    await asyncio.sleep(0.3)
    assert fake.failed_logins == 1  # no reconnect loop after giving up
    assert bridge._servers == []  # listeners released


async def test_port_taken_and_ami_unreachable(fake: FakeAsterisk) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bridge = AsteriskBridge(
            AsteriskSettings(agi_port=port, ami_port=fake.ami_port, ami_secret="s3cret"),
            Recorder(lambda leg, rec: asyncio.sleep(0)),
        )
        with pytest.raises(
            AsteriskStartupError, match=f"cannot listen for FastAGI on 127.0.0.1:{port}"
        ):
            await bridge.start()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
    bridge = AsteriskBridge(
        AsteriskSettings(agi_port=0, audiosocket_port=0, ami_port=dead_port),
        Recorder(lambda leg, rec: asyncio.sleep(0)),
    )
    with pytest.raises(
        AsteriskStartupError, match=f"cannot reach Asterisk AMI at 127.0.0.1:{dead_port}"
    ):
        await bridge.start()


# ---------------------------------------------------------------- FastAGI


async def test_busy_when_at_capacity(fake: FakeAsterisk, bridges: list[AsteriskBridge]) -> None:
    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        await rec.drain_events(leg)

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec, max_calls=1))
    first, first_task = await run_call(fake, script=[tone(1)] * 50, ending="hangup")
    await asyncio.sleep(0.2)
    second, second_task = await run_call(fake, script=[tone(2)])
    await second_task
    assert second.agi_variables["RECEPTIONIST_STATUS"] == "busy"
    await rec.wait(first)
    await first_task
    assert [leg.call_id for leg in rec.legs] == [first.uuid]


async def test_agi_hangup_line_and_wrong_route(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    rec = Recorder(lambda leg, r: asyncio.sleep(0))
    bridges.append(await start_bridge(fake, rec))
    dead, task = await run_call(fake, hangup_during_agi=True)
    await task
    # HANGUP came before the reply; the reply to SET VARIABLE still arrived (200)
    assert dead.agi_variables["RECEPTIONIST_STATUS"] == "ok"
    wrong, task = await run_call(fake, agi_route="other")
    await task
    assert wrong.agi_variables["RECEPTIONIST_STATUS"] == "unknown-route"
    assert rec.legs == []


async def test_ami_drop_during_a_transfer_fails_it_without_a_second_ring(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    fake.staff["206"] = StaffBehaviour("no_answer")
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        results.append(await leg.transfer("206", "summary", True, [tone(3)] * 5))
        await leg.play(tone(8))  # the caller is still ours
        await leg.wait_played()
        await leg.hangup()

    rec = Recorder(scenario)
    bridge = await start_bridge(fake, rec, ring_seconds=2.0)
    bridges.append(bridge)
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await until(lambda: bool(fake.actions_named("Originate")))
    fake.drop()
    await rec.wait(call)
    await task
    (result,) = results
    assert result.outcome == "failed" and "AMI connection" in result.detail
    assert call.media is not None and heard(call.media.audio) == [tone(8)]
    await until(lambda: fake.logins == 2)
    await asyncio.sleep(0.1)
    assert len(fake.actions_named("Originate")) == 1  # panoramisk did not re-send it


async def test_agi_connection_closed_mid_environment_harms_nothing(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    # panoramisk 1.4's FastAGI handler spins forever here, freezing the event loop
    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        await rec.read_audio(leg, 3)
        await leg.hangup()

    rec = Recorder(scenario)
    bridge = await start_bridge(fake, rec)
    bridges.append(bridge)
    _, writer = await asyncio.open_connection(*bridge.agi_address)
    writer.write(b"agi_network: yes\nagi_network_script: receptionist\n")
    await writer.drain()
    writer.close()
    await asyncio.sleep(0.05)
    call, task = await run_call(fake, script=[tone(1)] * 3)
    await rec.wait(call)
    await task
    assert heard(rec.audio[call.uuid]) == [tone(1)] * 3
    assert bridge.counters.agi_sessions == 2


async def test_the_daemon_starts_the_bridge_from_the_asterisk_table(fake: FakeAsterisk) -> None:
    from types import SimpleNamespace

    from receptionist.app.config import ConfigError, load_settings
    from receptionist.app.daemon import Daemon

    settings = load_settings()
    settings.sip = {}  # the embedded SIP endpoint off: this site has Asterisk only
    settings.asterisk = {
        "enabled": True,
        "agi_port": 0,
        "audiosocket_port": 0,
        "ami_port": fake.ami_port,
        "ami_secret": "s3cret",
        "transfer_ring_s": 15,
        "gap_fill_s": 0,
    }
    daemon = Daemon(SimpleNamespace(settings=settings))  # type: ignore[arg-type]
    started = await daemon.start_bridges()
    try:
        assert started == [f"asterisk (agi_port=0, audiosocket_port=0, ami_port={fake.ami_port})"]
        (bridge,) = daemon.bridges
        assert isinstance(bridge, AsteriskBridge) and bridge.settings.ring_seconds == 15
        assert fake.logins == 1
    finally:
        await daemon.stop()
    settings.asterisk = {"enabled": True, "ami_pasword": "x"}
    with pytest.raises(ConfigError, match="unknown key 'asterisk.ami_pasword'"):
        await Daemon(SimpleNamespace(settings=settings)).start_bridges()  # type: ignore[arg-type]


async def test_without_call_events_a_warm_transfer_fails_with_a_hint(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    # "Events: off" (or a user without "read = call"): Asterisk sends no OriginateResponse
    fake.staff["207"] = StaffBehaviour("answer")
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        results.append(await leg.transfer("207", "summary", True, [tone(3)] * 5))
        await leg.hangup()

    rec = Recorder(scenario)
    bridges.append(
        await start_bridge(fake, rec, ami_events="off", ring_seconds=0.2, ami_timeout_s=0.3)
    )
    call, task = await run_call(fake, script=[tone(1)] * 5)
    await rec.wait(call)
    await task
    (result,) = results
    assert result.outcome == "failed" and "'read = call'" in result.detail
    # the staff phone that did answer was not left in our summary context
    (staff,) = fake.staff_legs.values()
    assert staff.media is not None
    await until(staff.media.closed.is_set)
    assert fake.actions_named("Bridge") == []


async def test_stop_lets_calls_finish_then_hangs_up_the_rest(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    async def finishing(leg: CallLeg, rec: Recorder) -> None:
        await rec.read_audio(leg, 3)
        for i in range(20):
            await leg.play(tone(30 + i))
        await leg.wait_played()
        await leg.hangup()

    rec = Recorder(finishing)
    bridge = await start_bridge(fake, rec, stop_grace_s=5.0)
    call, task = await run_call(fake, script=[tone(1)] * 3)
    await until(lambda: bool(bridge.legs))
    await bridge.stop()  # returns once the call has finished on its own
    await task
    assert call.media is not None
    assert heard(call.media.audio) == [tone(30 + i) for i in range(20)]

    async def endless(leg: CallLeg, rec: Recorder) -> None:
        await rec.drain_events(leg)

    fake.calls.clear()
    rec = Recorder(endless)
    bridge = await start_bridge(fake, rec, stop_grace_s=0.2)
    call, task = await run_call(fake, script=[tone(1)] * 3)
    await until(lambda: bool(bridge.legs))
    await bridge.stop()
    await task
    assert call.media is not None
    await until(call.media.closed.is_set)
    assert call.media.closed_by == "us-hangup-frame"


async def test_caller_hangs_up_while_the_staff_phone_rings(
    fake: FakeAsterisk, bridges: list[AsteriskBridge]
) -> None:
    fake.staff["208"] = StaffBehaviour("answer", answer_after_s=0.4)
    results: list[TransferResult] = []

    async def scenario(leg: CallLeg, rec: Recorder) -> None:
        results.append(await leg.transfer("208", "summary", True, [tone(3)] * 5))

    rec = Recorder(scenario)
    bridges.append(await start_bridge(fake, rec, ring_seconds=2.0))
    call, task = await run_call(fake, script=[tone(1)] * 5, ending="hangup")
    await rec.wait(call)
    await task
    (result,) = results
    assert result.outcome == "failed" and "caller hung up" in result.detail
    (staff,) = fake.staff_legs.values()
    # the ringing staff leg is hung up by the uniqueid we gave it (ChannelId), and one that
    # answered all the same is not left on the line: AMI Hangup of their channel
    (originate,) = fake.actions_named("Originate")
    hangups = [a.get("Channel") for a in fake.actions_named("Hangup")]
    assert hangups == [originate.get("ChannelId"), staff.channel]
    assert fake.actions_named("Bridge") == []
    # and their AudioSocket, connecting late, is not greeted as a new caller
    assert staff.media is not None
    await until(staff.media.closed.is_set)
    assert [leg.call_id for leg in rec.legs] == [call.uuid]
