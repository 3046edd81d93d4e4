"""Scoring what speech-to-text heard of a caller line: words, errors, confidence thresholds."""

from __future__ import annotations

from receptionist.harness.hearing import Heard, summary, word_errors, words


def test_a_number_is_the_same_words_however_whisper_writes_it() -> None:
    assert words("It's 5 5 5, 8 6 7, 5 3 0 9.") == ["its", "5558675309"]
    assert words("its 555-867-5309") == ["its", "5558675309"]
    assert words("Thursday at three, please.") == words("thursday at 3 please")
    assert words("at 3pm") == words("At 3 P.M.") == ["at", "3", "pm"]


def test_word_errors_count_substitutions_insertions_and_deletions() -> None:
    assert (
        word_errors(words("leave a message for Marco"), words("leave the message from Marco")) == 2
    )
    assert word_errors(["a", "b"], ["a", "b", "c"]) == 1
    assert word_errors(["a", "b", "c"], ["c"]) == 2
    assert word_errors([], []) == 0


def test_the_summary_says_what_each_threshold_would_confirm_and_catch() -> None:
    def h(voice: str, errors: int, confidence: float) -> Heard:
        return Heard(voice, "Yes.", "Yes." if not errors else "Jess", errors, 1, confidence, 0.1)

    report = summary([h("piper", 0, 0.7), h("piper", 0, 0.5), h("flite:slt", 1, 0.3),
                      h("flite:slt", 0, 0.6)])  # fmt: skip
    piper, slt = report["voices"]
    assert (piper["voice"], piper["lines"], piper["exact"], piper["wer"]) == ("piper", 2, 2, 0.0)
    assert (slt["exact"], slt["wer"], slt["confidence_wrong"]) == (1, 0.5, 0.3)
    at = {t["below"]: t for t in report["thresholds"]}
    assert at[0.55] == {"below": 0.55, "right_flagged": round(1 / 3, 3), "wrong_caught": 1.0}
    assert at[0.35]["right_flagged"] == 0.0
    assert report["misheard"] == [
        {"voice": "flite:slt", "said": "Yes.", "heard": "Jess", "confidence": 0.3}
    ]
