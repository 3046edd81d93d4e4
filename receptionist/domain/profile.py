"""The business profile: what the receptionist knows about the office it answers for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from receptionist.domain.saying import DAY_NAMES, say_time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Service:
    name: str
    minutes: int
    price: float
    aliases: tuple[str, ...] = ()


_SUPERLATIVES: dict[str, Callable[[Service], float]] = {
    "cheapest": lambda s: s.price,
    "most expensive": lambda s: -s.price,
    "quickest": lambda s: s.minutes,
    "longest": lambda s: -s.minutes,
}
SUPERLATIVES = tuple(_SUPERLATIVES)


@dataclass(frozen=True)
class StaffMember:
    name: str
    extension: str
    role: str = ""


@dataclass(frozen=True)
class OpeningHours:
    """Per weekday (0 = Monday) an opening and closing time, or None when closed; and per
    weekday a break within them when closed for a while (lunch), or None."""

    days: tuple[tuple[time, time] | None, ...]
    breaks: tuple[tuple[time, time] | None, ...] = (None,) * 7

    def on(self, day: date) -> tuple[time, time] | None:
        return self.days[day.weekday()]

    def spans(self, weekday: int) -> list[tuple[time, time]]:
        """When the business is open on a weekday: one span, or two around its break."""
        hours = self.days[weekday]
        if hours is None:
            return []
        pause = self.breaks[weekday]
        return [(hours[0], pause[0]), (pause[1], hours[1])] if pause else [hours]

    def is_open(self, day: date) -> bool:
        return self.on(day) is not None

    def fits(self, start: datetime, minutes: int) -> bool:
        hours = self.on(start.date())
        if hours is None:
            return False
        end = start + timedelta(minutes=minutes)
        if end.date() != start.date():
            return False
        return any(
            opens <= start.time() and end.time() <= closes
            for opens, closes in self.spans(start.weekday())
        )

    def nearest_open_days(self, closed: date, today: date) -> list[date]:
        """The open day before ``closed`` (if not past) and the open day after it."""
        days: list[date] = []
        before = closed - timedelta(days=1)
        while before >= today and before > closed - timedelta(days=7):
            if self.is_open(before):
                days.append(before)
                break
            before -= timedelta(days=1)
        after = closed
        while len(days) < 2 and after < closed + timedelta(days=14):
            after += timedelta(days=1)
            if self.is_open(after):
                days.append(after)
        return days

    def describe(self, weekdays: Sequence[int] = range(7)) -> str:
        """'Tuesday to Friday 9 AM to 6 PM, Saturday 9 AM to 2 PM; closed Sunday and Monday.'
        (``weekdays``: only those days, 0 = Monday.)"""
        groups: list[tuple[int, int, list[tuple[time, time]]]] = []
        for index in range(7):
            spans = self.spans(index)
            if not spans or index not in weekdays:
                continue
            if groups and groups[-1][2] == spans and groups[-1][1] == index - 1:
                groups[-1] = (groups[-1][0], index, spans)
            else:
                groups.append((index, index, spans))
        parts = []
        for first, last, spans in groups:
            days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]} to {DAY_NAMES[last]}"
            if last == first + 1:
                days = f"{DAY_NAMES[first]} and {DAY_NAMES[last]}"
            parts.append(f"{days} {say_spans(spans)}")
        closed = [DAY_NAMES[i] for i, h in enumerate(self.days) if h is None and i in weekdays]
        text = ", ".join(parts)
        if closed:
            text += "; closed " + " and ".join(closed if len(closed) < 3 else [", ".join(closed)])
        return text


def say_spans(spans: Sequence[tuple[time, time]], start: str = "") -> str:
    """ "9 AM to 6 PM", "8 AM to 12 PM and 1 PM to 5 PM" (``start``: "from " before each)."""
    return " and ".join(f"{start}{say_time(a)} to {say_time(b)}" for a, b in spans)


@dataclass(frozen=True)
class EscalationRule:
    """A rule evaluated on every caller turn, before any model: words -> a person."""

    name: str
    words: tuple[str, ...]
    target: str  # a staff name, or "front desk"
    action: str = "transfer"  # "transfer", "message" or "both"
    say: str = ""


@dataclass(frozen=True)
class BusinessProfile:
    name: str
    greeting: str
    recording_notice: str
    services: tuple[Service, ...]
    hours: OpeningHours
    staff: tuple[StaffMember, ...]
    front_desk: str  # extension
    timezone: str = "America/New_York"
    region: str = "US"  # the country its callers' numbers are in, for phone numbers said bare
    escalation: tuple[EscalationRule, ...] = field(default_factory=tuple)
    misunderstood_limit: int = 3
    silence_reprompts: int = 2
    second_detail_limit: int = 2  # names or days matching no booking before a person takes over
    currency: str = "USD"  # ISO 4217: how prices are said ("35 dollars", "35 pounds")

    def service(self, name: str) -> Service | None:
        for service in self.services:
            if service.name == name:
                return service
        return None

    def service_by(self, which: str) -> Service | None:
        """The "cheapest", "most expensive", "quickest" or "longest" service."""
        if not self.services or which not in _SUPERLATIVES:
            return None
        return min(self.services, key=_SUPERLATIVES[which])

    def staff_member(self, name: str) -> StaffMember | None:
        for member in self.staff:
            if member.name.lower() == name.lower():
                return member
        return None

    def extension_for(self, target: str) -> str:
        member = self.staff_member(target)
        return member.extension if member else self.front_desk
