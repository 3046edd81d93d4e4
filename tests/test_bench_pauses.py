"""Where the bench puts a caller's pause: between the words its `|` mark names, never inside
a word (a pause inside "Saturday" is no caller's pause, and was counted as a cut-off)."""

from __future__ import annotations

import random

import numpy as np

from receptionist.harness.bench_calls import _aligned, spoken_line
from receptionist.media.models import Models


def test_the_lines_words_are_matched_to_whispers_through_a_one_for_one_mishearing() -> None:
    line = ["can", "i", "book", "a", "beard", "trim", "for", "wednesday"]
    heard = ["can", "i", "boot", "appear", "at", "print", "for", "wednesday"]
    match = _aligned(line, heard)
    assert match[6] == 6 and match[7] == 7  # "for": the next piece's first word
    assert match[1] == 1
    # "a beard trim" (3 words) heard as "appear at print" (3): one for one
    assert match[5] == 5
    # Unequal stretches are left unmatched rather than guessed.
    assert 2 not in _aligned(["book", "a", "trim", "for"], ["boot", "for"])


def test_a_voice_that_runs_two_words_together_still_pauses_between_them(models: Models) -> None:
    # flite's awb says "close on" with no dip between the words: the quietest frame near where
    # "What time do you close" ends alone was the "t" of "Saturday" (Whisper then heard
    # "What time do you close on, Sarah?" and "Thursday").
    audio, paused = spoken_line(
        models, "What time do you close | on Saturday?", "flite:awb", random.Random(1)
    )
    assert paused
    frames = audio[: len(audio) // 160 * 160].reshape(-1, 160).astype(np.float64)
    silent = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) < 20.0)
    runs = np.split(silent, np.flatnonzero(np.diff(silent) != 1) + 1)
    inside = [r for r in runs if len(r) and r[0] > 0 and r[-1] < len(frames) - 1]
    pause = max(inside, key=len)  # the 300-700 ms the bench put in
    assert len(pause) >= 15
    before = audio[: pause[0] * 160]
    after = audio[(pause[-1] + 1) * 160 :]
    heard_before = models.stt.transcribe_sync(before, 8000).text.lower()
    heard_after = models.stt.transcribe_sync(after, 8000).text.lower()
    assert "close" in heard_before and "sat" not in heard_before, heard_before
    assert "saturday" in heard_after, heard_after
