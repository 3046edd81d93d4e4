"""A booking moved by how much rather than to when: "push it back an hour", "half an hour
earlier", "the same time next week". Pure: text in, a time difference out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from receptionist.dialog.numbers import words_to_numbers

# Whisper hears "an hour" as "in our", "in her", "another" from voices not ours (flite rms
# and awb, Festival slt through the line); after "push it back" or before "earlier" nothing
# else sounds like them.
_HOUR = r"(?:an|in|and) (?:hour|our|her)|another"
_AMOUNT = (
    rf"(?P<amount>(?:{_HOUR}) and a half|half (?:{_HOUR})|half hour|a half hour|{_HOUR}|one hour|"
    r"a quarter of an hour|quarter of an hour|a couple of hours|a few minutes|"
    r"\d+(?:\.5)? (?:hours?|hrs?|minutes?|mins?)|a day|one day|\d+ days?)"
)
# "push it back an hour", "move it forward 30 minutes", "bump my appointment back by an hour"
_PUSHED = re.compile(
    r"\b(?:push|move|put|bump|shift|bring|pull|make)\b(?:\s+\S+){0,3}?\s+"
    r"(?P<way>back|forward|later|earlier)\s+(?:by\s+)?" + _AMOUNT
)
# "an hour later", "30 minutes earlier", "a day later"
_BY = re.compile(_AMOUNT + r"\s+(?P<way>later|earlier|sooner|after|before)\b")
# "the same time next week", "a week later", "the week after"
_WEEK = re.compile(
    r"\bsame (?:time|day(?: and time)?) (?:next week|the (?:following|next) week|a week later)\b|"
    r"\b(?:a|one) week later\b|\bthe week after\b|\bpush (?:it|that|this) (?:back )?a week\b|"
    # "from Friday to next week, same time"
    r"\b(?:next|the following|the next) week,? (?:at |for )?(?:the )?same (?:time|day(?: and "
    r"time)?)\b"
)
_LATER = frozenset({"back", "later", "after"})


@dataclass(frozen=True)
class Shift:
    by: timedelta
    span: tuple[int, int]  # where the shift was said in the (number-normalised) text


def find_shift(text: str) -> Shift | None:
    """How far the caller wants a booking moved, later (positive) or earlier (negative)."""
    said = words_to_numbers(text.lower())
    week = _WEEK.search(said)
    if week:
        return Shift(timedelta(days=7), week.span())
    match = _PUSHED.search(said) or _BY.search(said)
    if match is None:
        return None
    amount = _amount(match.group("amount"))
    if amount is None:
        return None
    sign = 1 if match.group("way") in _LATER else -1
    # "push my Friday appointment back an hour": what names the booking stays outside it
    return Shift(sign * amount, (match.start("way"), match.end()))


def _amount(said: str) -> timedelta | None:
    fixed = {
        "an hour and a half": timedelta(minutes=90),
        "half an hour": timedelta(minutes=30),
        "half hour": timedelta(minutes=30),
        "a half hour": timedelta(minutes=30),
        "an hour": timedelta(hours=1),
        "one hour": timedelta(hours=1),
        "a quarter of an hour": timedelta(minutes=15),
        "quarter of an hour": timedelta(minutes=15),
        "a couple of hours": timedelta(hours=2),
        "a day": timedelta(days=1),
        "one day": timedelta(days=1),
    }
    said = re.sub(_HOUR, "an hour", said)
    if said in fixed:
        return fixed[said]
    number = re.match(r"(\d+(?:\.5)?) (\w+)", said)
    if number is None:
        return None  # "a few minutes": how many is not said
    value, unit = float(number.group(1)), number.group(2)
    if unit.startswith("day"):
        return timedelta(days=value)
    if unit.startswith("h"):
        return timedelta(hours=value)
    return timedelta(minutes=value)
