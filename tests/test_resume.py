"""A call dropped mid-booking leaves its state keyed by the caller's number; a call-back
within the window is greeted as a return and can finish it, with one booking at the end."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from receptionist.app.config import Settings
from receptionist.dialog.second_detail import WELCOME_BACK
from receptionist.store.db import Store
from receptionist.tools.scripted_backend import ScriptedBackend
from tests.conftest_dialog import TODAY, start_call

CALLER = "5552223333"


def _missing_models(settings: Settings) -> str:
    for path in (settings.models.stt, settings.models.tts, settings.models.vad):
        if not Path(path).exists():
            return path
    return ""


def booked(store: Store) -> list[tuple[str, str, str, str]]:
    return [(b["service"], b["start"], b["name"], b["status"]) for b in store.rows("bookings")]


async def test_a_dropped_booking_is_finished_on_the_call_back(
    salon: Settings, store_file: Store
) -> None:
    first = start_call(salon, store_file, "drop-1", CALLER)
    said = await first.say("I'd like to book a haircut on Thursday at 3.")
    assert said[-1] == "Thursday at 3 PM is free. What name should I put the booking under?"
    await first.hang_up()
    saved = json.loads(store_file.call("drop-1")["state"])
    assert saved == {"intent": "book", "service": "haircut", "day": "2026-11-26",
                     "time": "15:00", "name": None}  # fmt: skip
    assert store_file.call("drop-1")["outcome"] == "caller_hung_up"

    back = start_call(salon, store_file, "drop-2", CALLER)
    assert back.said[-1] == WELCOME_BACK
    said = await back.say("Yes please, it was for Thursday.")
    assert said == [
        "Thanks. Let's finish booking your haircut on Thursday.",
        "Thursday at 3 PM is free. What name should I put the booking under?",
    ]
    said = await back.say("John Smith")
    assert said[1] == (
        "You're booked for a haircut on Thursday November 26 at 3 PM, under the name John Smith."
    )
    assert booked(store_file) == [("haircut", "2026-11-26T15:00", "John Smith", "booked")]
    # Offered once: a third call is greeted normally.
    third = start_call(salon, store_file, "drop-3", CALLER)
    assert third.said[-1] == salon.profile.greeting


async def test_no_resume_after_the_window_or_for_another_number(
    salon: Settings, store_file: Store
) -> None:
    first = start_call(salon, store_file, "old-1", CALLER)
    await first.say("Can I book a colour on Friday?")
    await first.hang_up()
    other = start_call(salon, store_file, "other-1", "5559998888")
    assert other.said[-1] == salon.profile.greeting
    long_ago = (datetime.now().astimezone() - timedelta(minutes=31)).isoformat()
    store_file.update("calls", "old-1", {"started_at": long_ago})
    late = start_call(salon, store_file, "old-2", CALLER)
    assert late.said[-1] == salon.profile.greeting


async def test_declining_the_resume_starts_afresh(salon: Settings, store_file: Store) -> None:
    first = start_call(salon, store_file, "no-1", CALLER)
    await first.say("I want a beard trim on Saturday at 10")
    await first.hang_up()
    back = start_call(salon, store_file, "no-2", CALLER)
    said = await back.say("No thanks.")
    assert said == ["No problem. How can I help you today?"]
    said = await back.say("What time do you close on Saturday?")
    assert said[0] == "On Saturday we're open from 9 AM to 2 PM."
    assert store_file.rows("bookings") == []


async def test_dropped_while_the_backend_hangs_then_asked_again_books_once(
    salon: Settings, store_file: Store
) -> None:
    backend = ScriptedBackend(["timeout"], hang_s=2.0)
    first = start_call(salon, store_file, "hang-1", CALLER, backend=backend, deadline_s=0.3)
    said = await first.say("A haircut on Thursday at 3, my name is John Smith.")
    assert any("a confirmation as soon as it goes through" in s for s in said)
    await first.hang_up()
    # The same request on the call-back carries the same idempotency key.
    back = start_call(salon, store_file, "hang-2", CALLER, backend=backend, deadline_s=0.3)
    said = await back.say("Hi, it's John Smith, a haircut on Thursday at 3 please.")
    assert any(s.startswith("You're booked for a haircut on Thursday") for s in said)
    assert booked(store_file) == [("haircut", "2026-11-26T15:00", "John Smith", "booked")]
    assert list(backend.commits.values()) == [1]
    # The outbox item of the first call is settled by this commit: nothing left to retry.
    assert store_file.rows("outbox", "status = 'pending'") == []


async def test_a_call_dropped_through_the_audio_path_resumes(
    salon: Settings, store_file: Store, tmp_path: Path
) -> None:
    from receptionist.app.runtime import Runtime, models_from_settings
    from receptionist.harness.eval_audio import heard
    from receptionist.harness.localcall import run_local_call, synthesized_line
    from receptionist.media.local_leg import LocalLeg
    from receptionist.tools.booking import BookingService
    from receptionist.tools.calendar import BuiltinCalendar

    missing = _missing_models(salon)
    if missing:
        pytest.skip(f"model {missing} not installed (run `make models`)")
    salon = dataclasses.replace(
        salon, recording=dataclasses.replace(salon.recording, dir=str(tmp_path / "rec"))
    )
    models = models_from_settings(salon, with_llm=False)
    bookings = BookingService(store_file, BuiltinCalendar(store_file), salon.profile)
    runtime = Runtime(salon, store_file, models, bookings, lambda: TODAY)
    line = synthesized_line(runtime, "I'd like to book a haircut on Thursday at three.")
    # The script ends after one line: the caller hangs up while asked for a name.
    leg = LocalLeg([line], caller_id=CALLER, call_id="audio-1", speed=4.0, hangup_after_ms=1500)
    summary = await run_local_call(runtime, leg)
    assert summary["outcome"]["kind"] == "caller_hung_up"
    assert leg.log.hung_up_by == "caller"
    saved = json.loads(store_file.call("audio-1")["state"])
    assert (saved["service"], saved["day"], saved["time"]) == ("haircut", "2026-11-26", "15:00")
    assert "what name" in heard(models, leg.agent_audio()).lower()

    back = start_call(salon, store_file, "audio-2", CALLER)
    assert back.said[-1] == WELCOME_BACK
    await back.say("Thursday.")
    await back.say("John Smith")
    assert booked(store_file) == [("haircut", "2026-11-26T15:00", "John Smith", "booked")]
