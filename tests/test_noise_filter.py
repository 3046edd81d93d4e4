"""The noise filter never drops what a caller said (a phone number, "yes", a name) and drops
only what Whisper writes on noise; Whisper's confidence reaches the caller's turn."""

from __future__ import annotations

import math

import pytest

from receptionist.media.listener import CallerTurn, is_noise
from receptionist.media.stt import Transcript, segment_confidence


def heard(text: str, no_speech: float = 0.1, confidence: float = 0.8) -> Transcript:
    return Transcript(text, 1500, 300, no_speech_prob=no_speech, confidence=confidence)


@pytest.mark.parametrize(
    "text",
    [
        "555-867-5309",  # the turn the old filter lost: its letters-only check left ""
        "5 5 5, 8 6 7, 5 3 0 9.",
        "555 8675309",
        "3",
        "Yes.",
        "No.",
        "Smith",
        "Thursday.",
        "Five.",
        "Marco?",
    ],
)
def test_numbers_and_real_words_are_never_noise_however_unsure_whisper_is(text: str) -> None:
    assert not is_noise(heard(text))
    assert not is_noise(heard(text, no_speech=0.95, confidence=0.1))


@pytest.mark.parametrize("text", ["", " ", ".", "...", "?!", "[music]", "(coughs)", "♪ ♪",
                                  "[BLANK_AUDIO]", "*sighs*"])  # fmt: skip
def test_nothing_but_punctuation_or_annotations_is_noise(text: str) -> None:
    assert is_noise(heard(text, no_speech=0.0, confidence=1.0))


@pytest.mark.parametrize(
    "text", ["you", "Thank you.", "Thanks for watching!", "Bye.", "Hmm.", "At.", "a"]
)
def test_the_usual_hallucinations_are_noise_only_when_whisper_doubts_them(text: str) -> None:
    assert is_noise(heard(text, no_speech=0.7, confidence=0.8))  # doubts there was speech
    assert is_noise(heard(text, no_speech=0.1, confidence=0.2))  # doubts its words
    assert not is_noise(heard(text, no_speech=0.1, confidence=0.8))  # a caller said it


def test_a_phrase_is_noise_only_when_whisper_strongly_doubts_both() -> None:
    # Measured: babble under the line gave this at no-speech 0.59, confidence 0.17.
    assert is_noise(heard("and then we'll be right here.", no_speech=0.59, confidence=0.17))
    # The least sure real speech measured (flite's awb saying "Yes."): confidence 0.29.
    assert not is_noise(heard("you asked", no_speech=0.14, confidence=0.29))
    assert not is_noise(heard("Thank you, bye, see you Thursday", no_speech=0.9, confidence=0.3))
    assert not is_noise(heard("call me back at 555 1234", no_speech=0.9, confidence=0.05))


def test_confidence_is_the_token_weighted_geometric_mean() -> None:
    # One long sure segment and one short unsure one: the long one weighs more.
    got = segment_confidence([(-0.1, 30), (-2.0, 3)])
    assert got == pytest.approx(math.exp((-0.1 * 30 - 2.0 * 3) / 33))
    assert segment_confidence([]) == 0.0
    assert segment_confidence([(0.0, 5)]) == 1.0


def test_a_caller_turn_carries_confidence_and_keeps_its_old_fields() -> None:
    # call.py builds and reads turns by these names; the new fields have defaults.
    turn = CallerTurn("Yes.", 10, 40, 60, 1.0, 1.5, 1.8, 300, True)
    assert (turn.confidence, turn.no_speech_prob) == (1.0, 0.0)
    assert turn.endpoint_ms == 500
    sure = CallerTurn("Yes.", 10, 40, 60, 1.0, 1.5, 1.8, 300, True, 0.42, 0.3)
    assert sure.confidence == 0.42 and sure.no_speech_prob == 0.3
