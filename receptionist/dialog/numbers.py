"""Spoken numbers: words to digits, for times, counts and phone numbers.

Phone numbers are read digit by digit ("five five five"), in pairs ("fifty three oh nine"), with
"oh" for zero and "double five" / "triple seven"; Whisper writes them as "555-867-5309",
"(555) 867 5309" or "5 5 5, 8 6 7". text2num's ``alpha2digit`` reads numbers inside sentences
("for two people", "the twenty first") but it groups a phone number wrongly ("eight hundred five
five five" becomes "805 5 5") and knows neither "oh" nor "double", so phone digits are read here.
"""

from __future__ import annotations

import re

from text_to_num import alpha2digit

WORD_NUMBERS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_UNITS = {w: n for w, n in WORD_NUMBERS.items() if n < 10 and w != "oh"}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3}
# What may stand between the groups of a phone number; anything else ends it.
_GLUE = {"-", ",", ".", "(", ")", "+", "and"}
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th|:\d\d|/\d+)?|[a-z']+|[^\s\w]")


def _digit_tokens(text: str) -> list[str]:
    """Tokens with every spoken digit group turned into its digits ("fifty three" -> "53")."""
    words = _TOKEN.findall(text.lower().replace("-", " - "))
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in _REPEAT and (nxt in _UNITS or nxt in ("oh", "o", "zero") or nxt.isdigit()):
            digit = "0" if nxt in ("oh", "o", "zero") else str(_UNITS.get(nxt, nxt))
            if len(digit) == 1:
                out.append(digit * _REPEAT[word])
                i += 2
                continue
        if word in _UNITS and nxt == "hundred":
            out.append(str(_UNITS[word]) + "00")
            i += 2
        elif word in _UNITS:
            out.append(str(_UNITS[word]))
            i += 1
        elif word in _TEENS:
            out.append(str(_TEENS[word]))
            i += 1
        elif word in _TENS:
            unit = _UNITS.get(nxt)
            out.append(str(_TENS[word] + (unit or 0)))
            i += 2 if unit is not None else 1
        elif word in ("oh", "o") and (_is_digits(out[-1:]) or nxt in _UNITS or nxt.isdigit()):
            out.append("0")
            i += 1
        elif (
            word in _SOUNDS_LIKE_A_DIGIT
            and _is_digits(out[-1:])
            and len(out[-1]) >= 3
            and (nxt.isdigit() or nxt in _UNITS)
        ):
            # "555 to 123456": a digit among digits, written as the word it sounds like
            out.append(_SOUNDS_LIKE_A_DIGIT[word])
            i += 1
        else:
            out.append(word)
            i += 1
    return out


_SOUNDS_LIKE_A_DIGIT = {"to": "2", "too": "2", "for": "4", "fore": "4"}


def _is_digits(tokens: list[str]) -> bool:
    return bool(tokens) and tokens[0].isdigit()


def spoken_digits(text: str) -> str:
    """Spoken digits as digits: "five five five, double one" -> "5 5 5 , 11"."""
    return " ".join(_digit_tokens(text))


def find_phone(text: str) -> str | None:
    """A phone number of 7 to 15 digits, spoken or written, if the text holds one.

    Times ("3:30"), dates ("the 12th") and prices ("$35") are not digits of a number."""
    best: str | None = None
    run: list[str] = []
    corrected = False  # "..., no actually use 555 765 4321": the number said after it
    for token in [*_digit_tokens(text), "<end>"]:
        if token.isdigit():
            run.append(token)
            continue
        if token in _GLUE and (run or token in ("(", "+")):
            continue
        digits = "".join(run)
        if 7 <= len(digits) <= 15 and (
            best is None or len(digits) > len(best) or (corrected and len(digits) == len(best))
        ):
            best = digits
        if best is not None and token.lower() in _PUT_RIGHT:
            corrected = True
        run = []
    return best


_PUT_RIGHT = frozenset({"no", "actually", "sorry", "instead", "mean", "meant", "rather", "wait"})


def words_to_numbers(text: str) -> str:
    """Numbers said as words written as digits, even small ones: "two people" -> "2 people",
    "the twenty first" -> "the 21st" (text2num)."""
    return str(alpha2digit(text, "en", threshold=0))
