"""The business's own sentences (its answers, its questions, the offer of a slot on the hour
or the half hour) are made as audio in the background after start-up, so a reply that
starts with one plays at once; a call's own sentences never wait behind that work."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from receptionist.app.config import Settings
from receptionist.app.runtime import Runtime
from receptionist.dialog import replies
from receptionist.dialog.frame import Expect
from receptionist.media.local_leg import LocalLeg
from receptionist.media.speaker import Speaker
from receptionist.media.tts import speech_pieces
from receptionist.store.db import Store
from tests.conftest_dialog import start_call

ROOT = Path(__file__).resolve().parent.parent


def made_at_start(settings: Settings) -> set[str]:
    sentences = replies.profile_sentences(settings.profile)
    sentences += replies.slot_offers(settings.profile, settings.booking.slot_minutes)
    return {piece for sentence in sentences for piece in speech_pieces(sentence)}


@pytest.mark.parametrize(
    "lines",
    [
        ["How much is a colour?"],
        ["What are your opening hours?"],
        ["Are you open on Saturday?"],
        ["How long does a beard trim take?"],
        ["I'd like to book a haircut on Thursday at 3."],
        ["I'd like a kids cut", "Friday at half past ten"],
        ["Can I book something?"],
        ["I'd like to leave a message", "for Marco"],
    ],
)
async def test_the_first_words_of_a_reply_are_ready_before_the_caller_asks(
    salon: Settings, store_file: Store, lines: list[str]
) -> None:
    call = start_call(salon, store_file, "warm-1")
    ready = made_at_start(salon)
    for line in lines:
        said = await call.say(line)
        assert said, line
        first = speech_pieces(" ".join(said))[0]
        assert first in ready, (line, first)


def test_a_quarter_past_is_not_made_ahead(salon: Settings) -> None:
    ready = made_at_start(salon)
    assert "Thursday at 3 PM is free." in ready
    assert "Saturday at 1:30 PM is free." in ready
    assert "Thursday at 3:15 PM is free." not in ready
    assert "Monday at 10 AM is free." not in ready  # the salon is closed on Mondays
    assert "Saturday at 2 PM is free." not in ready  # it closes at 2 on Saturdays


async def test_after_start_up_a_slot_offer_plays_from_the_cache(runtime: Runtime) -> None:
    tts = runtime.models.tts
    assert tts.wait_warm(timeout=300), "start-up's sentences were not made"
    settings = runtime.settings
    assert made_at_start(settings) <= set(tts.cached_texts())
    leg = LocalLeg([], speed=8.0, hangup_after_ms=None, first_wait_ms=60000)
    leg.start()
    speaker = Speaker(leg, tts)
    speaker.start()
    made: list[bool] = []
    speaker.on_first_frame = lambda utterance, speech, frame: made.append(speech.cached)
    said = speaker.say(replies.ask(Expect.NAME, 0, settings.profile,
                                   slot="Friday at 10:30 AM"))  # fmt: skip
    assert await asyncio.wait_for(said.done, 60)
    await speaker.stop()
    await leg.close()
    assert made == [True, True]  # both pieces: no Piper while the caller waited


async def test_start_up_sentences_wait_while_a_call_is_on(runtime: Runtime) -> None:
    tts = runtime.models.tts
    assert tts.wait_warm(timeout=300)
    leg = LocalLeg([], speed=8.0, hangup_after_ms=None, first_wait_ms=60000)
    leg.start()
    speaker = Speaker(leg, tts)
    speaker.start()  # a call is on
    made = tts.synth_count
    tts.warm_later(["A hot towel shave takes about 20 minutes."], 8000)
    assert not await asyncio.to_thread(tts.wait_warm, 2.0)  # held while the call lasts
    assert tts.synth_count == made
    await speaker.stop()
    await leg.close()
    assert await asyncio.to_thread(tts.wait_warm, 60)  # the call is over: made now
    assert tts.cached("A hot towel shave takes about 20 minutes.", 8000)


def test_a_process_that_ends_while_they_are_being_made_exits_cleanly() -> None:
    """Background work is never left running in Piper while Python tears itself down (a
    native library aborts the process then: "terminate called without an active
    exception", exit status -6)."""
    script = (
        "from receptionist.app.config import load_settings\n"
        "from receptionist.dialog import replies\n"
        "from receptionist.media.tts import Synthesizer\n"
        "s = load_settings()\n"
        "tts = Synthesizer(s.models.tts)\n"
        "tts.warm_later(replies.profile_sentences(s.profile), 8000)\n"
        "assert not tts.wait_warm(timeout=1.0)\n"  # still making them as it exits
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "terminate called" not in done.stderr


def test_a_sentence_piper_cannot_make_does_not_stop_the_rest(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tts = runtime.models.tts
    assert tts.wait_warm(timeout=300)
    real = tts._synthesize

    def failing(text: str, sample_rate: int) -> bytes:
        if "broken" in text:
            raise RuntimeError("Piper failed")
        return real(text, sample_rate)

    monkeypatch.setattr(tts, "_synthesize", failing)
    tts.warm_later(["A broken sentence.", "A beard trim and a haircut take 45 minutes."], 8000)
    assert tts.wait_warm(timeout=60)
    assert tts.cached("A beard trim and a haircut take 45 minutes.", 8000)
    # The message itself may be redacted (logs keep quoted words to their length), so the
    # record is checked: an error from text to speech, carrying Piper's failure.
    failures = [
        r
        for r in caplog.records
        if r.name == "receptionist.media.tts" and r.levelname == "ERROR" and r.exc_info
    ]
    assert len(failures) == 1
    assert "ahead" in failures[0].getMessage()
    assert str(failures[0].exc_info[1]) == "Piper failed"
