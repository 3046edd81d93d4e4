"""Public holidays named by the caller ("are you open on Christmas Eve?", "can I come in the
day after Thanksgiving?"): the date each falls on next, in the business's country.

Dates come from the `holidays` package (python-holidays, MIT): its public, unofficial and
other categories for the profile's region, this year and next, so "Christmas Eve",
"Thanksgiving", "Easter", "Boxing Day" or "Canada Day" are the dates they are there. "X Eve"
is the day before X where the package has no eve of its own. Pure: text in, a date out.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

import holidays

_OBSERVED = re.compile(r"\s*\((?:observed|estimated)\)", re.I)
_DAY_WORD = re.compile(r"\s+day$")


def _spoken(name: str) -> set[str]:
    """The ways a holiday's name is said: "Thanksgiving Day" is "thanksgiving" too, "New
    Year's Day" "new year's" and "new years"."""
    low = _OBSERVED.sub("", name).lower().strip()
    ways = {low, low.replace("'", ""), low.replace("saint ", "st ")}
    if low.endswith(" sunday"):
        ways.add(low.removesuffix(" sunday"))  # "Easter Sunday" is "Easter"
    short = _DAY_WORD.sub("", low)
    if short != low and len(short.split()) >= 1 and short not in ("labor", "memorial", "may"):
        ways |= {short, short.replace("'", "")}
    return {w for w in ways if len(w) > 3}


# Days on a fixed date that callers name wherever the business is, holiday there or not
# ("Are you open on Boxing Day?" to a salon in the US).
_KNOWN_EVERYWHERE = {
    "boxing day": (12, 26),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
    "st patrick's day": (3, 17),
    "st patricks day": (3, 17),
}


@lru_cache(maxsize=16)
def _named_days(region: str, year: int) -> dict[str, date]:
    """Every way a holiday is said, with its date, for one year."""
    try:
        country = holidays.country_holidays(region, years=year)
        categories = country.supported_categories
        found = holidays.country_holidays(region, years=year, categories=categories)
    except NotImplementedError:
        return {}
    named: dict[str, date] = {}
    for day, names in sorted(found.items()):
        for name in names.split("; "):
            for way in _spoken(name):
                named.setdefault(way, day)
    for way, (month, day_of_month) in _KNOWN_EVERYWHERE.items():
        named.setdefault(way, date(year, month, day_of_month))  # not a holiday there
    for way, day in list(named.items()):
        if not way.endswith(" eve"):
            named.setdefault(f"{way} eve", day - timedelta(days=1))
    return named


_NEXT_TO = re.compile(r"\b(?:the )?day (after|before)\s+$")


def find_holiday(lowered: str, today: date, region: str) -> tuple[str, date] | None:
    """The holiday named in ``lowered`` (the longest name said) and the next date it falls on
    from ``today`` ("the day after Thanksgiving": the day after it), or None."""
    for year in (today.year, today.year + 1):
        said = [
            (way, day, match)
            for way, day in _named_days(region, year).items()
            for match in re.finditer(rf"\b{re.escape(way)}\b", lowered)
        ]
        said.sort(key=lambda found: (-len(found[0]), found[1]))
        for way, day, match in said:
            next_to = _NEXT_TO.search(lowered[: match.start()])
            if next_to is not None:
                day += timedelta(days=1 if next_to.group(1) == "after" else -1)
                way = f"the day {next_to.group(1)} {way}"
            if day >= today:
                return way, day
    return None


@lru_cache(maxsize=64)
def holiday_on(day: date, region: str) -> str | None:
    """The public holiday that falls on ``day`` ("Christmas Day" for December 25 in the US),
    said in lower case as callers name it, or None: "are you open on the 25th of December?"
    is a question of holiday hours, as "on Christmas Day?" is."""
    try:
        found = holidays.country_holidays(region, years=day.year)
    except NotImplementedError:
        return None
    name = found.get(day)
    if not name:
        return None
    return _OBSERVED.sub("", name.split("; ")[0]).lower().strip()
