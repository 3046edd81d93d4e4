"""The mechanisms behind the latency figures: speculative transcripts, the sentence cache."""

from __future__ import annotations

import numpy as np

from receptionist.app.runtime import Runtime
from receptionist.call import Call
from receptionist.media.listener import default_judge, sounds_hesitant
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.models import Models
from tests.conftest_media import speak


def test_hesitations_wait_longer() -> None:
    assert sounds_hesitant("I'd like to book um")
    assert sounds_hesitant("a haircut on Thursday and")
    assert sounds_hesitant("Can I come in at")
    assert sounds_hesitant("How much is?")  # Whisper's punctuation on a fragment
    assert not sounds_hesitant("A haircut on Thursday at three.")
    assert default_judge("What are your hours?") == "complete"
    assert default_judge("I'd like to, uh") == "hesitant"


async def test_the_cache_serves_a_fixed_sentence_without_calling_tts(models: Models) -> None:
    sentence = "Is there anything else I can help you with today, friend?"
    first = await models.tts.speak(sentence, 8000, cache=True)
    count = models.tts.synth_count
    second = await models.tts.speak(sentence, 8000, cache=True)
    assert models.tts.synth_count == count
    assert second.cached and not first.cached
    assert second.pcm == first.pcm and len(second.pcm) > 8000


async def test_a_resumed_pause_discards_the_speculative_transcript(runtime: Runtime) -> None:
    models = runtime.models
    first = speak(models, "I'd like to book")
    second = speak(models, "a haircut on Thursday at three, my name is Ann Lee.")
    gap = np.zeros(int(16000 * 0.35), np.int16)  # long enough to transcribe, too short to end
    line = CallerLine.from_samples(np.concatenate([first, gap, second]), 16000)
    leg = LocalLeg([line], speed=2.0, hangup_after_ms=1500)
    call = Call(
        leg, runtime.settings, runtime.store, runtime.models, runtime.bookings, today=runtime.today
    )
    try:
        await call.run()
    finally:
        await leg.close()
    assert call.listener.discarded_speculations >= 1
    caller = [t["text"] for t in runtime.store.turns(leg.call_id) if t["speaker"] == "caller"]
    assert len(caller) == 1, caller  # one turn: the pause did not end it
    # Both halves in it (Whisper heard "book" as "both" once: the booking below is the proof
    # of the request, this is the proof of one turn).
    assert "like to" in caller[0].lower() and "thursday" in caller[0].lower(), caller
    assert [b["name"] for b in runtime.store.rows("bookings")] == ["Ann Lee"]


async def test_a_finished_turn_reuses_the_speculative_transcript(runtime: Runtime) -> None:
    line = CallerLine.from_samples(speak(runtime.models, "What are your opening hours?"), 16000)
    leg = LocalLeg([line], speed=2.0, hangup_after_ms=1500)
    call = Call(
        leg, runtime.settings, runtime.store, runtime.models, runtime.bookings, today=runtime.today
    )
    try:
        await call.run()
    finally:
        await leg.close()
    assert call.listener.reused_speculations == 1
    turns = runtime.store.turns(leg.call_id)
    caller = [t for t in turns if t["speaker"] == "caller"]
    assert caller[0]["timings"]["speculative"] == 1
    said = [(t["speaker"], t["text"][:40], t["interrupted"]) for t in turns[1:]]
    assert any("tuesday" in text.lower() for who, text, _ in said if who == "agent"), said
