"""Days and times as callers say them: "Thursday at three", "tomorrow at 10:30 am",
"half past two", "next Friday", "noon". Relative days resolve against ``today``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from receptionist.dialog.numbers import WORD_NUMBERS

_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_DAY_RE = re.compile(
    r"\b(?:(next|this|on)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
)
_TIME_NUM = r"(\d{1,2})(?::(\d{2}))?"
_HOUR_WORDS = "|".join(
    sorted((w for w, n in WORD_NUMBERS.items() if 1 <= n <= 12), key=len, reverse=True)
)
_MINUTE_WORDS = r"(o'?clock|fifteen|thirty|forty[- ]five|forty|forty five)"
_TIME_RE = re.compile(
    rf"\b(?:at|around|for|by|about)?\s*(?:(half past|quarter past|quarter to)\s+)?"
    rf"(?:{_TIME_NUM}|({_HOUR_WORDS})(?:[\s-]+{_MINUTE_WORDS})?)"
    r"\s*(a\.?\s?m\.?|p\.?\s?m\.?|in the morning|in the afternoon|in the evening|o'?clock)?(?=\W|$)"
)


@dataclass(frozen=True)
class When:
    day: date | None = None
    time: time | None = None
    weekday_said: int | None = None  # the weekday the caller named, even if closed


def find_day(text: str, today: date) -> date | None:
    lowered = text.lower()
    if "day after tomorrow" in lowered:
        return today + timedelta(days=2)
    if re.search(r"\btomorrow\b", lowered):
        return today + timedelta(days=1)
    if re.search(r"\btoday\b|\bthis (afternoon|morning|evening)\b", lowered):
        return today
    match = _DAY_RE.search(lowered)
    if match:
        weekday = _WEEKDAYS[match.group(2)]
        ahead = (weekday - today.weekday()) % 7
        if ahead == 0:
            ahead = 7 if match.group(1) == "next" else 0
        elif match.group(1) == "next" and ahead < 3:
            pass  # "next Thursday" said on a Tuesday still means the coming one
        return today + timedelta(days=ahead)
    match = re.search(
        r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b", lowered
    ) or re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(" + "|".join(_MONTHS) + r")\b", lowered)
    if match:
        a, b = match.group(1), match.group(2)
        month, day_number = (_MONTHS[a], int(b)) if a in _MONTHS else (_MONTHS[b], int(a))
        try:
            candidate = date(today.year, month, day_number)
        except ValueError:
            return None
        if candidate < today:
            candidate = date(today.year + 1, month, day_number)
        return candidate
    return None


def _minutes_word(word: str | None) -> int:
    if not word or word.startswith("o"):
        return 0
    word = word.replace("-", " ")
    return {"fifteen": 15, "thirty": 30, "forty": 40, "forty five": 45}.get(word, 0)


def find_time(text: str) -> time | None:
    lowered = text.lower().replace("noon", "12 pm").replace("midday", "12 pm")
    for match in _TIME_RE.finditer(lowered):
        prefix, hour_digits, minute_digits, hour_word, minute_word, suffix = match.groups()
        whole = match.group(0).strip()
        if hour_digits is None and hour_word is None:
            continue
        # A bare number needs a cue ("at 3", "3 pm", "3:30") to be a time, not a count.
        cue = whole.startswith(("at", "around", "for", "by", "about")) or suffix or minute_digits
        if not cue and not prefix and not minute_word:
            continue
        hour = int(hour_digits) if hour_digits else WORD_NUMBERS[hour_word]
        minute = int(minute_digits) if minute_digits else _minutes_word(minute_word)
        if hour > 23 or minute > 59:
            continue
        if prefix == "half past":
            minute = 30
        elif prefix == "quarter past":
            minute = 15
        elif prefix == "quarter to":
            hour, minute = hour - 1, 45
        suffix = (suffix or "").replace(".", "").replace(" ", "")
        if suffix.startswith("p") or suffix in ("intheafternoon", "intheevening"):
            if hour < 12:
                hour += 12
        elif suffix.startswith("a") or suffix == "inthemorning":
            if hour == 12:
                hour = 0
        elif hour <= 7:
            hour += 12  # "at three" in a salon means the afternoon
        return time(hour, minute)
    return None


def find_when(text: str, today: date) -> When:
    day = find_day(text, today)
    weekday = day.weekday() if day else None
    return When(day=day, time=find_time(text), weekday_said=weekday)
