"""A whole call through the audio pipeline, with real models and synthesized phone speech."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np

from receptionist.app.runtime import Runtime
from receptionist.harness.localcall import run_local_call
from receptionist.media.local_leg import CallerLine, LocalLeg
from tests.conftest_media import speak
from tests.pbx.audio import hear, words


async def test_booking_call_end_to_end(runtime: Runtime) -> None:
    models = runtime.models
    leg = LocalLeg(
        [
            CallerLine.from_samples(
                speak(
                    models,
                    "Hi, I'd like to book a haircut on Thursday at three, my name is John Smith.",
                ),
                16000,
            ),
            CallerLine.from_samples(speak(models, "No, that's all, thank you."), 16000),
        ],
        caller_id="5551234567",
        speed=1.0,  # real time, as on a phone line
        agent_gap_ms=2500,  # the caller waits for the agent to finish, even on a busy box
    )
    summary = await run_local_call(runtime, leg)

    caller_turns = [t["text"] for t in summary["turns"] if t["speaker"] == "caller"]
    # Every word of the first line was heard, in one turn or two: the line's comma after
    # "at three" is a 240 ms pause after a whole request, and on a fast box the agent takes
    # the turn there now and then (asks the name, then hears it: the same booking). Where
    # the turn ends at a pause is the bench's cut-off curve, not this test's to pin.
    first_line = words(" ".join(caller_turns[:-1]))
    assert "haircut" in first_line
    assert "thursday" in first_line
    assert "john smith" in first_line

    bookings = runtime.store.rows("bookings")
    assert len(bookings) == 1
    booking = bookings[0]
    assert booking["status"] == "booked"
    assert booking["service"] == "haircut"
    assert booking["start"] == "2026-11-26T15:00"  # Thursday at 3 PM
    assert booking["end"] == "2026-11-26T15:30"
    assert booking["name"] == "John Smith"

    claims = runtime.store.rows("claims")
    assert [(c["kind"], c["record_table"], c["record_id"]) for c in claims] == [
        ("booked", "bookings", booking["id"])
    ]
    # The confirmation was said only after the commit: the claim is younger than the row.
    assert claims[0]["at"] >= booking["created_at"]

    # What the caller heard, transcribed back from the agent's audio.
    heard = hear(runtime.models.stt, leg.agent_audio(), 8000)
    said = [t["text"] for t in summary["turns"] if t["speaker"] == "agent"]
    # The confirmation's wording is checked as said: tiny.en hears our own "you're booked"
    # as "your book", and now and then, on a busy box where the filler before it runs into
    # it, as neither (seen in the full suite). Its details are checked as heard.
    assert any("booked" in s.lower() for s in said), said
    assert "haircut" in words(heard)
    assert "thursday" in words(heard)
    assert "john smith" in words(heard)
    assert re.search(r"\b3 ?pm|three", words(heard))
    assert summary["outcome"]["kind"] == "completed"

    # Every turn stores its per-stage timings. A reply to the first half of a split line is
    # dropped unheard when the caller goes on (no audio, so no voice-to-voice figure): the
    # record says it was not spoken to its end; every reply the caller heard has its figure.
    agent_replies = [t for t in summary["turns"] if t["speaker"] == "agent" and t["timings_ms"]]
    heard_replies = [t for t in agent_replies if "v2v_ms" in t["timings_ms"]]
    assert heard_replies
    assert all(t["interrupted"] for t in agent_replies if t not in heard_replies), agent_replies
    assert any("booked" in t["text"].lower() for t in heard_replies)
    assert all("stt_ms" in t["timings_ms"] for t in summary["turns"] if t["speaker"] == "caller")


async def test_agent_audio_is_paced_one_frame_per_tick(runtime: Runtime) -> None:
    leg = LocalLeg([], speed=8.0, hangup_after_ms=200, first_wait_ms=10000)
    await run_local_call(runtime, leg)
    ticks = np.array(leg.log.agent_frames)
    assert len(ticks) > 100  # the greeting was spoken
    assert len(set(ticks.tolist())) == len(ticks)  # never two frames in one 20 ms tick
    # The greeting plays without gaps longer than a sentence break.
    assert np.max(np.diff(ticks)) < 40


async def test_a_caller_guessing_the_name_on_a_booking_is_sent_to_a_person(
    runtime: Runtime,
) -> None:
    """A booking found by the caller's number (spoofable) and two names that aren't on it:
    the caller goes to the front desk, the escalation is recorded, and nothing of the
    booking was said or changed (the second-detail cap, receptionist/dialog/second_detail.py)."""
    owner = "5552223333"
    haircut = runtime.settings.profile.service("haircut")
    assert haircut is not None
    await runtime.bookings.book("earlier-call", owner, haircut, datetime(2026, 11, 26, 15, 0),
                                "John Smith", owner)  # fmt: skip
    models = runtime.models
    leg = LocalLeg(
        [
            CallerLine.from_samples(speak(models, "Hi, I need to cancel my appointment."), 16000),
            CallerLine.from_samples(speak(models, "It's Mary Jones."), 16000),
            CallerLine.from_samples(
                speak(models, "Cancel it please, the name is Peter Parker."), 16000
            ),
        ],
        caller_id=owner,
        speed=1.0,
        agent_gap_ms=2500,
        transfer_outcome="answered",
    )
    summary = await run_local_call(runtime, leg)

    escalations = [(e["rule"], e["target"]) for e in runtime.store.rows("escalations")]
    assert escalations == [("second detail not confirmed", "front desk")], summary["turns"]
    assert [t[0] for t in leg.log.transfers] == ["200"]
    assert summary["outcome"]["kind"] == "transferred"
    assert [b["status"] for b in runtime.store.rows("bookings")] == ["booked"]
    heard = words(hear(runtime.models.stt, leg.agent_audio(), 8000))
    assert "haircut" not in heard and "thursday" not in heard, heard
    assert "cant confirm" in heard or "can not confirm" in heard, heard
