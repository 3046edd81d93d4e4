"""A whole booking call through the Asterisk bridge and the fake Asterisk, with real models.

The caller's lines are spoken by Piper, put through a G.711 line, and sent as AudioSocket
frames; the agent's audio comes back as AudioSocket frames; the booking must be in the
store. Skipped when the models aren't installed (``make models``; or point
RECEPTIONIST_MODELS_DIR at a folder holding them).
"""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from receptionist.app.config import Settings, load_settings
from receptionist.app.runtime import build_runtime, models_from_settings
from receptionist.bridges.asterisk import AsteriskBridge, AsteriskSettings
from receptionist.call import Call
from receptionist.dialog.conversation import Conversation
from receptionist.harness.report import call_summary
from receptionist.media.audio import array_to_pcm, phone_line, split_frames
from receptionist.media.leg import CallLeg
from receptionist.media.models import Models
from receptionist.store.db import Store
from tests.fake_asterisk import FakeAsterisk, FakeCall, StaffBehaviour

MODELS_DIR = Path(
    os.environ.get("RECEPTIONIST_MODELS_DIR", Path(__file__).parent.parent / "models")
)
TODAY = date(2026, 11, 24)  # a Tuesday: Thursday is the 26th
SPEED = 2.0  # the line's clock runs twice as fast as the wall clock


@pytest.fixture(scope="module")
def settings() -> Settings:
    s = load_settings()
    for key in ("stt", "tts", "vad"):
        path = MODELS_DIR / Path(getattr(s.models, key)).relative_to("models")
        if not path.exists():
            pytest.skip(f"{key} model not installed at {path} (make models)")
        setattr(s.models, key, str(path))
    return s


@pytest.fixture(scope="module")
def models(settings: Settings) -> Models:
    return models_from_settings(settings, with_llm=False)  # rules carry the call


def spoken(models: Models, text: str) -> list[bytes]:
    speech = models.tts.speak_sync(text, 16000)
    line = phone_line(np.frombuffer(speech.pcm, dtype="<i2"), 16000)
    return list(split_frames(array_to_pcm(line), 8000))


class Line:
    """The bridge, the fake Asterisk and the call layer wired as the daemon wires them."""

    def __init__(self, settings: Settings, models: Models, tmp_path: Path) -> None:
        settings.recording.dir = str(tmp_path / "recordings")
        self.tmp_path = tmp_path
        self.store = Store(tmp_path / "receptionist.db")
        self.runtime = build_runtime(settings, models=models, store=self.store, today=lambda: TODAY)
        self.fake = FakeAsterisk()
        self.sessions: list[Conversation] = []
        self.bridge: AsteriskBridge | None = None

    async def on_call(self, leg: CallLeg) -> None:
        r = self.runtime
        call = Call(leg, r.settings, r.store, r.models, r.bookings, bridge="asterisk",
                    today=r.today)  # fmt: skip
        self.sessions.append(await call.run())

    async def place(self, call: FakeCall) -> dict[str, Any]:
        await self.fake.start()
        self.bridge = AsteriskBridge(
            AsteriskSettings(
                agi_port=0,
                audiosocket_port=0,
                ami_port=self.fake.ami_port,
                ami_secret="s3cret",
                pacer_speed=SPEED,
                ring_seconds=2.0,
                stop_grace_s=5.0,
            ),  # fmt: skip
            self.on_call,
        )
        await self.bridge.start()
        self.fake.agi_address = self.bridge.agi_address
        self.fake.audiosocket_address = self.bridge.audiosocket_address
        try:
            await asyncio.wait_for(call.run(), 120)
            for _ in range(200):
                if self.sessions:
                    break
                await asyncio.sleep(0.05)
        finally:
            await self.bridge.stop()
            await self.fake.stop()
        summary = call_summary(self.store, call.uuid)
        self.store.close()
        return summary


async def test_a_whole_booking_call(settings: Settings, models: Models, tmp_path: Path) -> None:
    line = Line(settings, models, tmp_path)
    lines = [
        spoken(models, "Hi, I'd like to book a haircut on Thursday at 3 pm."),
        spoken(models, "My name is Dana Smith."),
        spoken(models, "No, that's all, thank you."),
    ]
    call = line.fake.call(lines=lines, speed=SPEED, caller_id="5551234", agent_gap_frames=75)
    summary = await line.place(call)
    fake = line.fake
    turns = [(t["speaker"], t["text"]) for t in summary["turns"]]
    assert summary["caller_id"] == "5551234", turns
    assert [(b["service"], b["start"], b["name"], b["status"]) for b in summary["bookings"]] == [
        ("haircut", "2026-11-26T15:00", "Dana Smith", "booked")
    ], turns
    # the confirmation was spoken from the committed record, and saved as a claim on it
    (claim,) = [c for c in summary["claims"] if c["kind"] == "booked"]
    assert claim["record"] == f"bookings/{summary['bookings'][0]['id']}"
    assert "Thursday November 26 at 3 PM" in claim["sentence"]
    assert summary["outcome"]["hung_up_by"] == "agent", summary["outcome"]
    # the agent's voice came back as AudioSocket frames, and the call ended with our 0x00
    assert call.media is not None
    assert len([f for f in call.media.audio if f.strip(b"\0")]) > 200
    assert call.media.closed_by == "us-hangup-frame"
    # recording: MixMonitor after the notice, on the caller's channel
    (mix,) = fake.actions_named("MixMonitor")
    assert mix.get("Channel") == call.channel and mix.get("File").startswith(str(tmp_path))
    assert summary["recording"] == mix.get("File")


async def test_dtmf_zero_reaches_the_front_desk_with_a_summary(
    settings: Settings, models: Models, tmp_path: Path
) -> None:
    line = Line(settings, models, tmp_path)
    line.fake.staff["200"] = StaffBehaviour("answer")
    call = line.fake.call(lines=["0"], speed=SPEED, caller_id="5551234", agent_gap_frames=40)
    summary = await line.place(call)
    assert summary["outcome"]["kind"] == "transferred", summary
    assert [(t["extension"], t["outcome"]) for t in summary["transfers"]] == [("200", "answered")]
    (staff,) = line.fake.staff_legs.values()
    assert staff.media is not None
    # the summary went to the front desk alone, as speech, before the bridge
    assert len([f for f in staff.media.audio if f.strip(b"\0")]) > 50
    assert staff.bridged_with == call.channel and call.bridged_with == staff.channel
