"""A site that decodes turns in a window shorter than 15 s for speed still hears names and
phone numbers, the words that become the record, in Whisper's full window; in 15 s or more
they are heard in the site's window (receptionist/call.py PRECISE_ANSWERS, media/stt.py
``full_window``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from receptionist.app.runtime import Runtime
from receptionist.harness.localcall import run_local_call
from receptionist.harness.voices import RATE, synthesize
from receptionist.media.audio import phone_line
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.models import Models
from receptionist.media.stt import Transcriber, Transcript


async def test_a_full_window_request_skips_the_short_window(
    models: Models, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = Transcriber(models.stt.model_path, window_s=10)

    def no_short_window(audios: object) -> list[tuple[str, float, float]]:
        raise AssertionError("decoded in the short window")

    audio = phone_line(synthesize("My name is John Smith.", "flite:slt"), RATE)
    monkeypatch.setattr(short, "_decode_in_window", no_short_window)
    heard = await short.transcribe(audio, RATE, full_window=True)
    assert "smith" in heard.text.lower()
    assert short.full_window_turns == 1
    with pytest.raises(AssertionError, match="short window"):  # the default: the short one
        await short.transcribe(audio, RATE)
    short.worker.close()


@pytest.mark.parametrize(
    ("line", "heard"),
    [("My name is John Smith.", "smith"), ("It's 5 5 5, 8 6 7, 5 3 0 9.", "867")],
)
async def test_in_a_window_of_15_s_a_name_or_a_number_is_heard_there_like_any_turn(
    models: Models, monkeypatch: pytest.MonkeyPatch, line: str, heard: str
) -> None:
    """In 15 s (the default) names and numbers were heard as well as in the full window
    (media/stt.py RECORD_WINDOW_S): the answer is not decoded twice as slowly for nothing."""
    assert models.stt.window_s == 15

    def no_full_window(audio: object) -> tuple[str, float, float]:
        raise AssertionError("decoded in the full window")

    audio = phone_line(synthesize(line, "flite:awb"), RATE)
    monkeypatch.setattr(models.stt, "_decode", no_full_window)
    full = models.stt.record_in_full_window()  # what call.py asks for a name or a number
    transcript = await models.stt.transcribe(audio, RATE, full_window=full)
    assert heard in "".join(c for c in transcript.text.lower() if c.isalpha() or c.isdigit())
    assert models.stt.full_window_turns == 0


@pytest.mark.parametrize(("window_s", "full"), [(10, True), (14, True), (15, False), (30, False)])
def test_which_answers_go_to_the_full_window(
    models: Models, monkeypatch: pytest.MonkeyPatch, window_s: int, full: bool
) -> None:
    """A name or a number asked for goes to the full window only under 15 s; in 15 s they
    were heard as well as in 30."""
    monkeypatch.setattr(models.stt, "window_s", window_s)
    assert models.stt.record_in_full_window() is full


async def test_the_name_asked_for_is_heard_in_the_full_window(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    stt = runtime.models.stt
    monkeypatch.setattr(stt, "window_s", 10)  # the site chose speed
    decodes: list[tuple[bool, str]] = []
    real = stt.transcribe

    async def spy(samples: np.ndarray, rate: int, *args: Any, **kwargs: Any) -> Transcript:
        heard = await real(samples, rate, *args, **kwargs)
        decodes.append((bool(kwargs.get("full_window")), heard.text.lower()))
        return heard

    monkeypatch.setattr(stt, "transcribe", spy)
    lines = ["I'd like to book a haircut on Thursday at three.", "John Smith.", "No, thanks."]
    leg = LocalLeg(
        [CallerLine(audio=phone_line(synthesize(t, "flite:slt"), RATE)) for t in lines],
        caller_id="5551234567",
        agent_gap_ms=1500,
    )
    summary = await run_local_call(runtime, leg)

    bookings = runtime.store.rows("bookings")
    assert [b["name"] for b in bookings] == ["John Smith"], summary["turns"]
    name = [full for full, text in decodes if "smith" in text]
    request = [full for full, text in decodes if "haircut" in text]
    assert name and all(name), decodes  # the name: the full window, trial and final
    assert request and not any(request), decodes  # the rest: the site's short window
