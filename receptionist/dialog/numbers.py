"""Spoken numbers: words to digits, for times and phone numbers."""

from __future__ import annotations

import re

WORD_NUMBERS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_DIGIT_WORDS = {k: str(v) for k, v in WORD_NUMBERS.items() if v < 10}
_DIGIT_WORDS["double"] = "double"


def spoken_digits(text: str) -> str:
    """Replace runs of spoken digits ("five five five, one two three") by digits."""
    words = re.findall(r"[a-z]+|\d+|[^\sa-z\d]", text.lower())
    out: list[str] = []
    double = False
    for word in words:
        if word == "double":
            double = True
            continue
        digit = _DIGIT_WORDS.get(word) if word != "double" else None
        if word.isdigit():
            digit = word
        if digit is not None:
            out.append(digit * 2 if double and len(digit) == 1 else digit)
        elif word in ("-", ",", ".") and out and out[-1][-1:].isdigit():
            continue
        else:
            out.append(" " + word + " ")
        double = False
    return re.sub(r"\s+", " ", "".join(out)).strip()


def find_phone(text: str) -> str | None:
    """A phone number of 7 to 15 digits, spoken or written, if the text holds one."""
    digits_text = spoken_digits(text)
    for run in re.findall(r"\+?\d[\d\s\-().]{5,}\d", digits_text):
        digits = re.sub(r"\D", "", run)
        if 7 <= len(digits) <= 15:
            return digits
    return None
