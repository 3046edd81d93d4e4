"""Fixtures for tests that need the real models (placed by `make models`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from receptionist.app.config import Settings, load_settings
from receptionist.app.runtime import Runtime, build_runtime, models_from_settings
from receptionist.call import Call
from receptionist.media.local_leg import LocalLeg
from receptionist.media.models import Models
from receptionist.store.db import Store

# A Tuesday: "Thursday" is 2026-11-26, the salon is open, nothing is booked.
TODAY = date(2026, 11, 24)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def models(settings: Settings) -> Iterator[Models]:
    # The real models, no language model: the rules carry the call (and keep tests stable).
    models = models_from_settings(settings, with_llm=False)
    yield models
    models.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "receptionist.db")
    yield s
    s.close()


@pytest.fixture
def runtime(settings: Settings, models: Models, store: Store, tmp_path: Path) -> Runtime:
    settings.recording.dir = str(tmp_path / "recordings")
    # The embedded SIP endpoint stays off here: a test that starts bridges names the switch
    # it tests (SIP's own tests start theirs on free ports).
    settings.sip = {}
    return build_runtime(settings, models=models, store=store, today=lambda: TODAY)


def speak(models: Models, text: str) -> np.ndarray:
    """Caller speech: Piper at 16 kHz, put through an 8 kHz G.711 line by LocalLeg."""
    speech = models.tts.speak_sync(text, 16000)
    return np.frombuffer(speech.pcm, dtype="<i2")


async def run_call(runtime: Runtime, leg: LocalLeg) -> Call:
    """One call on ``leg`` through the runtime's call layer, to its end."""
    call = Call(
        leg, runtime.settings, runtime.store, runtime.models, runtime.bookings, today=runtime.today
    )
    try:
        await call.run()
    finally:
        await leg.close()
    return call
