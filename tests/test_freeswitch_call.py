"""Whole calls through the fake FreeSWITCH, the bridge and the real call layer and models.

The caller's speech is synthesized (Piper), put through an 8 kHz phone line and sent as
unicast datagrams by the fake switch; what the agent says comes back as datagrams and is
transcribed. The media clock runs SPEED times faster than real time on both sides; all
the call layer's timing is counted in frames, so the call is the same at any speed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from receptionist.app.daemon import Daemon
from receptionist.app.runtime import Runtime
from receptionist.bridges.freeswitch import FreeSwitchBridge, FreeSwitchLeg
from receptionist.call import Call
from receptionist.dialog.conversation import Conversation
from receptionist.harness.report import call_summary
from receptionist.media.audio import array_to_pcm, phone_line, split_frames
from receptionist.media.leg import CallLeg
from receptionist.media.models import Models
from tests.fake_freeswitch import FRAME, FakeCall, FakeSwitch, StaffPhone, running_switch
from tests.pbx.audio import hear
from tests.test_freeswitch_bridge import settings_for

pytestmark = pytest.mark.timeout(120)

SPEED = 2.0  # the fixtures (tests/conftest_media.py) set today to Tuesday 2026-11-24


@dataclass
class Line:
    audio: list[bytes] = field(default_factory=list)
    dtmf: str = ""


class ScriptedCaller:
    """The fake switch's audio source: a caller who waits for the agent to finish, then
    says the next line (or presses a key). Counted in 20 ms ticks of the switch's clock.

    ``quiet_ticks`` is long (3 s of line time) because the clock runs SPEED times faster
    than the models compute: after "one moment while I check that for you" the booking
    and the next sentence's speech take wall-clock time, and a caller who speaks into
    that pause barges in on the confirmation."""

    def __init__(self, lines: list[Line], quiet_ticks: int = 150) -> None:
        self.lines = list(lines)
        self.quiet_ticks = quiet_ticks
        self.call: FakeCall | None = None
        self._speaking: list[bytes] = []
        self._last_heard = 0
        self._quiet = 0
        self._agent_answered = False
        self.said_at: list[int] = []

    def __call__(self, tick: int) -> bytes:
        assert self.call is not None
        heard = len(self.call.played)
        if heard != self._last_heard:
            self._last_heard, self._quiet, self._agent_answered = heard, 0, True
        else:
            self._quiet += 1
        if self._speaking:
            return self._speaking.pop(0)
        if self.lines and self._agent_answered and self._quiet >= self.quiet_ticks:
            line = self.lines.pop(0)
            self._agent_answered = False
            self.said_at.append(tick)
            if line.dtmf:
                asyncio.get_running_loop().create_task(self.call.press(line.dtmf))
            self._speaking = list(line.audio)
        return bytes(FRAME)


def spoken(models: Models, text: str) -> Line:
    speech = models.tts.speak_sync(text, 16000)
    samples = phone_line(np.frombuffer(speech.pcm, dtype="<i2"), 16000)
    return Line(audio=list(split_frames(array_to_pcm(samples), 8000)))


def words(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower())


async def place_call(
    runtime: Runtime, switch: FakeSwitch, caller: ScriptedCaller, tmp_path: Path
) -> tuple[FakeCall, FreeSwitchLeg, Conversation]:
    sessions: list[Conversation] = []
    legs: list[FreeSwitchLeg] = []
    finished = asyncio.Event()

    async def on_call(leg: CallLeg) -> None:
        assert isinstance(leg, FreeSwitchLeg)
        legs.append(leg)
        # As the daemon does (app/daemon.py): the runtime's parts and model fingerprints.
        call = Call.on(leg, runtime, bridge="freeswitch",
                       recordings_dir=str(tmp_path / "recordings"))  # fmt: skip
        sessions.append(await call.run())
        finished.set()

    bridge = FreeSwitchBridge(settings_for(switch), on_call, clock_speed=SPEED)
    await bridge.start()
    try:
        fake = FakeCall(switch, caller_id="5551234567", audio=caller)
        caller.call = fake
        await fake.dial("127.0.0.1", bridge.listen_port)
        await finished.wait()
        await asyncio.wait_for(fake.closed.wait(), 10)
    finally:
        await bridge.stop()
    return fake, legs[0], sessions[0]


def heard_by_caller(runtime: Runtime, fake: FakeCall) -> str:
    samples = np.frombuffer(b"".join(fake.played), dtype="<i2")
    return words(hear(runtime.models.stt, samples, 8000))


async def test_booking_call_through_freeswitch(runtime: Runtime, tmp_path: Path) -> None:
    models = runtime.models
    caller = ScriptedCaller([
        spoken(models, "Hi, I'd like to book a haircut on Thursday at three, "
                       "my name is John Smith."),
        spoken(models, "No, that's all, thank you."),
    ])  # fmt: skip
    async with running_switch(speed=SPEED) as switch:
        fake, leg, session = await place_call(runtime, switch, caller, tmp_path)

    bookings = runtime.store.rows("bookings")
    assert len(bookings) == 1, call_summary(runtime.store, leg.call_id)
    booking = bookings[0]
    assert (booking["status"], booking["service"], booking["start"], booking["name"]) == (
        "booked",
        "haircut",
        "2026-11-26T15:00",
        "John Smith",
    )
    summary = call_summary(runtime.store, leg.call_id)
    assert summary["caller_id"] == "5551234567"
    assert summary["outcome"]["kind"] == "completed"
    assert summary["outcome"]["hung_up_by"] == "agent"
    assert leg.hangup_by == "agent" and fake.hangup_cause == "NORMAL_CLEARING"
    # recorded through record_session after the notice; the path is stored with the call
    assert summary["recording"] and summary["recording"].endswith(f"{leg.call_id}.wav")
    apps = [h.get("execute-app-name") for line, h in fake.commands if line == "sendmsg"]
    assert "record_session" in apps
    assert "playback" not in apps  # every word went through unicast
    # what the caller heard: whole 320-byte frames only, the switch never went deaf
    assert fake.media is not None and not fake.media.deaf
    assert {len(f) for f in fake.played} == {FRAME}
    heard = heard_by_caller(runtime, fake)
    # whisper-tiny hears "you're booked" as "your book": accept both
    for expected in ("book", "haircut", "thursday", "john smith"):
        assert expected in heard, heard


async def test_dtmf_0_warm_transfer_to_the_front_desk(runtime: Runtime, tmp_path: Path) -> None:
    caller = ScriptedCaller([Line(dtmf="0")])
    async with running_switch(speed=SPEED) as switch:
        switch.phones["200"] = StaffPhone()  # the salon's front desk answers
        task = asyncio.get_running_loop().create_task(place_call(runtime, switch, caller, tmp_path))
        while not any(s.bridged_to for s in switch.staff.values()):
            await asyncio.sleep(0.05)
            assert not task.done(), task
        staff = next(iter(switch.staff.values()))
        summary_heard = list(staff.media.received) if staff.media else []
        bridged = time.time()
        await asyncio.sleep(1.5)  # caller and staff talk
        caller_side = next(iter(switch.calls.values()))
        caller_side.staff_hang_up()
        hung_up = time.time()
        await asyncio.wait_for(caller_side.hung_up.wait(), 5)  # the caller isn't left there
        # ... by the switch itself, before the dialplan's next action (the front desk again)
        assert caller_side.after_bridge == "hung up"
        fake, leg, session = await asyncio.wait_for(task, 30)

    assert session.outcome == "transferred"
    assert staff.extension == "200" and fake.bridged_to == staff.uuid
    assert len(summary_heard) > 25  # a spoken summary, to the staff member alone
    transfers = runtime.store.rows("transfers")
    assert [(t["extension"], t["outcome"]) for t in transfers] == [("200", "answered")]
    assert leg.hangup_by == "transfer"
    assert "exit" not in [line for line, _ in fake.commands]
    # The record ends when caller and staff hang up, not at the bridge (defect 4).
    (row,) = runtime.store.rows("calls")
    bridged_at = datetime.fromisoformat(row["bridged_at"]).timestamp()
    ended_at = datetime.fromisoformat(row["ended_at"]).timestamp()
    assert abs(bridged_at - bridged) < 1.0
    assert ended_at - bridged_at >= 1.4 and abs(ended_at - hung_up) < 1.0, row
    started = datetime.fromisoformat(row["started_at"]).timestamp()
    assert abs(row["duration_s"] - (ended_at - started)) < 0.01


async def test_the_daemon_answers_a_freeswitch_call(runtime: Runtime) -> None:
    """The wiring `receptionist serve` uses: [freeswitch] table -> bridge -> Call -> store."""
    async with running_switch() as switch:
        table = dataclasses.asdict(settings_for(switch))
        del table["ring_seconds"]  # [transfer] ring_seconds sets it
        runtime.settings.freeswitch = {"enabled": True, **table}
        daemon = Daemon(runtime)
        started = await daemon.start_bridges()
        try:
            assert started and started[0].startswith("freeswitch (")
            bridge = daemon.bridges[0]
            fake = FakeCall(switch, caller_id="5550001")
            await fake.dial("127.0.0.1", bridge.listen_port)
            for _ in range(500):  # the greeting is playing
                if len(fake.played) > 50:
                    break
                await asyncio.sleep(0.02)
            await fake.hang_up()
            for _ in range(250):
                if not daemon.calls:
                    break
                await asyncio.sleep(0.02)
        finally:
            await daemon.stop()
    summary = call_summary(runtime.store, fake.uuid)
    assert summary["caller_id"] == "5550001"
    assert summary["outcome"]["hung_up_by"] == "caller", summary
    assert len(fake.played) > 50 and {len(f) for f in fake.played} == {FRAME}


async def test_esl_drop_mid_call_is_in_the_call_record(runtime: Runtime, tmp_path: Path) -> None:
    caller = ScriptedCaller([])  # says nothing: the greeting plays, then the socket dies
    async with running_switch(speed=SPEED) as switch:
        task = asyncio.get_running_loop().create_task(place_call(runtime, switch, caller, tmp_path))
        for _ in range(500):
            if caller.call is not None and len(caller.call.played) > 50:
                break
            await asyncio.sleep(0.02)
        assert caller.call is not None
        caller.call.drop()
        fake, leg, session = await asyncio.wait_for(task, 20)  # nothing hangs
    summary = call_summary(runtime.store, leg.call_id)
    assert summary["outcome"]["kind"] == "failed", summary
    assert "closed the connection" in summary["outcome"]["reason"]
    assert summary["outcome"]["hung_up_by"] == "link"
