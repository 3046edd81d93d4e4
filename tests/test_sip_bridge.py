"""The SIP bridge against a real SIP phone (baresip over ctrl_tcp, on loopback), with a
small call handler in place of the daemon's models: what crosses the wire both ways,
DTMF, hang-ups from either side, CANCEL while ringing, hold, and who may call."""

from __future__ import annotations

import asyncio
import math
import shutil
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from receptionist.bridges.sip import SipBridge, SipSettings
from receptionist.media.leg import CallerHungUp, CallLeg, DtmfPressed, LegEvent
from tests.pbx.audio import LOUD, frame_levels, read_growing_wav
from tests.pbx.baresip import Baresip
from tests.pbx.shared import free_block, in_ci

pytestmark = pytest.mark.timeout(60)


def tone(seconds: float, hz: float = 440.0) -> list[bytes]:
    t = np.arange(int(seconds * 8000)) / 8000
    samples = (8000 * np.sin(2 * math.pi * hz * t)).astype("<i2").tobytes()
    return [samples[i : i + 320] for i in range(0, len(samples), 320)]


class Handler:
    """What a call does here: play ``script`` to the caller, collect what comes back."""

    def __init__(self, seconds: float = 1.0, hang_up: bool = True, record: str = "") -> None:
        self.record = record
        self.legs: list[CallLeg] = []
        self.frames: list[bytes] = []
        self.events: list[LegEvent] = []
        self.started = asyncio.Event()
        self.ended = asyncio.Event()
        self.seconds = seconds
        self.hang_up = hang_up

    async def __call__(self, leg: CallLeg) -> None:
        self.legs.append(leg)
        self.started.set()

        async def listen() -> None:
            async for frame in leg.audio_in():
                self.frames.append(frame)

        async def watch() -> None:
            async for event in leg.events():
                self.events.append(event)

        tasks = [asyncio.ensure_future(listen()), asyncio.ensure_future(watch())]
        if self.record:
            await leg.start_recording(self.record)
        try:
            for frame in tone(self.seconds):
                await leg.play(frame)
            await leg.wait_played()
            if self.hang_up:
                await leg.stop_recording()
                await leg.hangup()
            else:
                await asyncio.wait(tasks, timeout=30)
        finally:
            for task in tasks:
                task.cancel()
            self.ended.set()


def need_baresip() -> None:
    """Skip without baresip, naming it; in CI (CI=true) fail instead."""
    if shutil.which("baresip") is None:
        message = "baresip is not installed (apt-get install baresip-core)"
        if in_ci():
            pytest.fail(message + " (CI=true: a missing phone is a failure, not a skip)")
        pytest.skip(message)


@pytest.fixture
def phone(tmp_path: Path) -> AsyncIterator[Baresip]:
    need_baresip()
    ports = free_block(3)
    caller = Baresip(tmp_path / "phone", "5551234567", ports[0], ports[2], "auto")
    caller.start()
    yield caller  # type: ignore[misc]
    caller.stop()


async def start_bridge(handler: Handler, **options: object) -> SipBridge:
    rtp = free_block(20)
    settings = SipSettings(port=0, rtp_port_min=rtp[0], rtp_port_max=rtp[19], **options)  # type: ignore[arg-type]
    bridge = SipBridge(settings, handler)
    await bridge.start()
    return bridge


async def wait_for(predicate, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


def pitch(samples: np.ndarray) -> int:
    """The strongest frequency in ``samples`` (8 kHz), to the nearest 10 Hz."""
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return int(round(np.fft.rfftfreq(len(samples), 1 / 8000)[int(np.argmax(spectrum))], -1))


def heard_loud(samples: np.ndarray) -> float:
    return float(np.count_nonzero(frame_levels(samples) > LOUD) * 0.02)


def heard_seconds(path: Path | None) -> float:
    if path is None:
        return 0.0
    return float(np.count_nonzero(frame_levels(read_growing_wav(path)) > LOUD) * 0.02)


async def test_call_audio_both_ways_and_our_bye(phone: Baresip, tmp_path: Path) -> None:
    handler = Handler(seconds=1.0, record=str(tmp_path / "recordings" / "call.wav"))
    speech = tmp_path / "hello.wav"
    with wave.open(str(speech), "wb") as w:  # what the phone says: a 880 Hz second, then quiet
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(tone(1.0, 880.0)) + b"\0" * 16000 * 30)
    phone.say(speech)
    bridge = await start_bridge(handler)
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.wait_for(handler.ended.wait(), 15)
        await asyncio.to_thread(phone.wait_event, "CALL_CLOSED", 5)  # our BYE ended it
        leg = handler.legs[0]
        assert leg.caller_id == "5551234567"
        assert leg.called_number == "receptionist"
        # The phone heard our tone (about 1 s of it), and we got 20 ms frames from it.
        assert 0.8 <= heard_seconds(phone.heard()) <= 1.3
        assert handler.frames and {len(f) for f in handler.frames} == {320}
        # The recording has both sides: the phone's tone on the left, ours on the right.
        with wave.open(str(tmp_path / "recordings" / "call.wav")) as w:
            assert (w.getnchannels(), w.getframerate()) == (2, 8000)
            both = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2)
        caller_side, agent_side = (both[:, ch] for ch in (0, 1))
        assert heard_loud(caller_side) >= 0.5 and 0.8 <= heard_loud(agent_side) <= 1.3
        assert (pitch(caller_side), pitch(agent_side)) == (880, 440)
    finally:
        await bridge.stop()


async def test_rfc4733_digit_and_caller_hangup(phone: Baresip) -> None:
    handler = Handler(seconds=0.2, hang_up=False)
    bridge = await start_bridge(handler)
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.wait_for(handler.started.wait(), 10)
        await asyncio.to_thread(phone.wait_event, "CALL_ESTABLISHED", 5)
        await asyncio.to_thread(phone.press, "0")
        await wait_for(lambda: any(isinstance(e, DtmfPressed) for e in handler.events))
        await asyncio.to_thread(phone.hangup)
        await asyncio.wait_for(handler.ended.wait(), 10)
        digits = [e.digit for e in handler.events if isinstance(e, DtmfPressed)]
        assert digits == ["0"]
        assert any(isinstance(e, CallerHungUp) for e in handler.events)
    finally:
        await bridge.stop()


async def test_invite_from_outside_the_allow_list_is_refused(phone: Baresip) -> None:
    handler = Handler()
    bridge = await start_bridge(handler, allow=["10.0.0.0/8"])
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        closed = await asyncio.to_thread(phone.wait_event, "CALL_CLOSED", 10)
        assert "403" in str(closed.get("param", "")), closed
        assert not handler.legs
    finally:
        await bridge.stop()


class Transferring(Handler):
    """Plays a short tone, then transfers the caller to ``extension`` on their first key."""

    def __init__(self, extension: str, warm: bool = True) -> None:
        super().__init__(seconds=0.2, hang_up=False)
        self.extension = extension
        self.warm = warm
        self.results: list[object] = []
        self.after: list[str] = []  # what we could still do with the caller afterwards

    async def __call__(self, leg: CallLeg) -> None:
        self.legs.append(leg)
        self.started.set()
        try:
            async for event in leg.events():
                self.events.append(event)
                if isinstance(event, DtmfPressed):
                    result = await leg.transfer(
                        self.extension, "caller pressed 0", self.warm, tone(1.5, 660.0)
                    )
                    self.results.append(result)
                    if not result.connected:  # still ours: we can talk to them
                        for frame in tone(0.5):
                            await leg.play(frame)
                        self.after.append("played")
                        await leg.hangup()
        finally:
            self.ended.set()


@pytest.fixture
def staff(tmp_path: Path) -> AsyncIterator[tuple[Baresip, Baresip]]:
    need_baresip()
    ports = free_block(6)
    desk = Baresip(tmp_path / "desk", "desk", ports[0], ports[4], "auto")
    sarah = Baresip(tmp_path / "sarah", "sarah", ports[2], ports[5], "manual")
    desk.start()
    sarah.start()
    yield desk, sarah  # type: ignore[misc]
    desk.stop()
    sarah.stop()


async def test_warm_transfer_speaks_to_staff_then_refers_the_caller(
    phone: Baresip, staff: tuple[Baresip, Baresip]
) -> None:
    desk, _sarah = staff
    handler = Transferring("200")
    bridge = await start_bridge(handler, staff={"200": desk.uri}, ring_seconds=5.0)
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.to_thread(phone.wait_event, "CALL_ESTABLISHED", 10)
        await asyncio.to_thread(phone.press, "0")
        await asyncio.wait_for(handler.ended.wait(), 30)
        (result,) = handler.results
        assert result.outcome == "answered", result  # type: ignore[attr-defined]
        # Staff heard the summary (1.5 s of tone) on our own call, before the caller came.
        first = min(desk.folder.glob("dump-*-dec.wav"))  # named by the time the call began
        assert heard_seconds(first) >= 1.2
        # The caller's phone now has its own call with the desk phone.
        await asyncio.to_thread(
            desk.wait_event,
            "CALL_ESTABLISHED",
            10,
            lambda e: f":{phone.sip_port}" in str(e.get("peeruri", "")),
        )
        # ... and our briefing call with staff is over: staff are left with the caller only.
        await asyncio.to_thread(
            desk.wait_event,
            "CALL_CLOSED",
            10,
            lambda e: f":{bridge.port}" in str(e.get("peeruri", "")),
        )
        assert handler.legs[0].hangup_by == "transfer"  # type: ignore[attr-defined]
    finally:
        await bridge.stop()


async def test_staff_not_answering_leaves_the_caller_with_us(
    phone: Baresip, staff: tuple[Baresip, Baresip]
) -> None:
    _desk, sarah = staff
    handler = Transferring("201")
    bridge = await start_bridge(handler, staff={"201": sarah.uri}, ring_seconds=2.0)
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.to_thread(phone.wait_event, "CALL_ESTABLISHED", 10)
        await asyncio.to_thread(phone.press, "0")
        await asyncio.to_thread(sarah.wait_event, "CALL_INCOMING", 10)  # her phone rang
        await asyncio.wait_for(handler.ended.wait(), 20)
        (result,) = handler.results
        assert result.outcome == "no_answer", result  # type: ignore[attr-defined]
        assert handler.after == ["played"]  # the caller was still ours
        await asyncio.to_thread(sarah.wait_event, "CALL_CLOSED", 5)  # her phone stopped ringing
    finally:
        await bridge.stop()


async def test_hold_and_resume_by_reinvite(phone: Baresip) -> None:
    handler = Handler(seconds=0.2, hang_up=False)
    bridge = await start_bridge(handler)
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.wait_for(handler.started.wait(), 10)
        await asyncio.to_thread(phone.wait_event, "CALL_ESTABLISHED", 5)
        leg = bridge.legs[0]
        assert leg.media is not None
        await asyncio.to_thread(phone.command, "hold")  # re-INVITE a=sendonly
        await wait_for(lambda: leg.media is not None and not leg.media.sending)
        await asyncio.to_thread(phone.command, "resume")  # re-INVITE a=sendrecv
        await wait_for(lambda: leg.media is not None and leg.media.sending)
        assert leg.state == "active" and phone.count("CALL_CLOSED") == 0
        await asyncio.to_thread(phone.hangup)
        await asyncio.wait_for(handler.ended.wait(), 10)
    finally:
        await bridge.stop()


async def test_blind_transfer_refers_the_caller_straight_to_staff(
    phone: Baresip, staff: tuple[Baresip, Baresip]
) -> None:
    desk, _sarah = staff
    handler = Transferring("200", warm=False)
    bridge = await start_bridge(handler, staff={"200": desk.uri})
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.to_thread(phone.wait_event, "CALL_ESTABLISHED", 10)
        await asyncio.to_thread(phone.press, "0")
        await asyncio.wait_for(handler.ended.wait(), 30)
        (result,) = handler.results
        assert result.outcome == "answered", result  # type: ignore[attr-defined]
        established = await asyncio.to_thread(desk.wait_event, "CALL_ESTABLISHED", 10)
        assert f":{phone.sip_port}" in str(established.get("peeruri"))  # the caller's phone
        assert desk.count("CALL_ESTABLISHED") == 1
        assert not list(desk.folder.glob("dump-*-dec.wav"))[1:]  # one call only: no briefing
    finally:
        await bridge.stop()


async def test_caller_hanging_up_while_staff_ring_stops_the_ringing(
    phone: Baresip, staff: tuple[Baresip, Baresip]
) -> None:
    _desk, sarah = staff
    handler = Transferring("201")
    bridge = await start_bridge(handler, staff={"201": sarah.uri}, ring_seconds=20.0)
    try:
        await asyncio.to_thread(phone.dial, bridge.dial_address)
        await asyncio.to_thread(phone.wait_event, "CALL_ESTABLISHED", 10)
        await asyncio.to_thread(phone.press, "0")
        await asyncio.to_thread(sarah.wait_event, "CALL_INCOMING", 10)
        hung_up = asyncio.get_running_loop().time()
        await asyncio.to_thread(phone.hangup)
        await asyncio.to_thread(sarah.wait_event, "CALL_CLOSED", 5)  # CANCEL, not 20 s of ring
        assert asyncio.get_running_loop().time() - hung_up < 5
        await asyncio.wait_for(handler.ended.wait(), 10)
        (result,) = handler.results
        assert result.outcome == "failed" and "ended" in result.detail  # type: ignore[attr-defined]
    finally:
        await bridge.stop()
