"""A booking backend with its own records that misbehaves on cue: the evaluation's CRM.

It keeps bookings apart from the store (like a site's CRM would), so a scenario can compare
what the store says with what the backend holds. Before each create or cancel it takes the
next queued mode:

- ``"ok"``: do the work;
- ``"timeout"``: hang past any deadline, commit nothing;
- ``"500"``: fail at once (``BackendUnavailable``), commit nothing;
- ``"lose_response"``: commit, then fail as if the answer was lost;
- ``"slow:<s>"``: wait ``s`` seconds, then do the work.

``commits[key]`` counts how many times a booking was really written under each key.
"""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass, replace
from datetime import datetime

from receptionist.tools.backend import (
    BackendRecord,
    BackendRefused,
    BackendUnavailable,
    BookingBackend,
    BookingRequest,
)

MODES = ("ok", "timeout", "500", "lose_response")


@dataclass(frozen=True)
class _Booking:
    ref: str
    key: str
    start: datetime
    end: datetime
    service: str
    name: str
    status: str = "booked"

    def record(self) -> BackendRecord:
        return BackendRecord(self.ref, self.status, self.start, self.service, self.name)


class ScriptedBackend(BookingBackend):
    name = "scripted"

    def __init__(self, modes: list[str] | tuple[str, ...] = (), hang_s: float = 30.0) -> None:
        for mode in modes:
            if mode not in MODES and not mode.startswith("slow:"):
                raise ValueError(f"unknown backend mode {mode!r}; allowed: {', '.join(MODES)}, "
                                 "slow:<seconds>")  # fmt: skip
        self.modes: collections.deque[str] = collections.deque(modes)
        self.hang_s = hang_s
        self.bookings: dict[str, _Booking] = {}
        self.commits: collections.Counter[str] = collections.Counter()
        self.requests: list[tuple[str, str, str]] = []  # (action, key, mode)

    def misbehave(self, *modes: str) -> None:
        self.modes.extend(modes)

    def add(self, key: str, start: datetime, end: datetime, service: str, name: str) -> str:
        """A booking that was already there before the scenario."""
        ref = f"crm-{len(self.bookings) + 1}"
        self.bookings[key] = _Booking(ref, key, start, end, service, name)
        return ref

    async def _misbehave(self, action: str, key: str) -> str:
        mode = self.modes.popleft() if self.modes else "ok"
        self.requests.append((action, key, mode))
        if mode == "timeout":
            await asyncio.sleep(self.hang_s)
            raise BackendUnavailable("no answer")
        if mode == "500":
            raise BackendUnavailable("HTTP 500 from the scripted backend")
        if mode.startswith("slow:"):
            await asyncio.sleep(float(mode.split(":", 1)[1]))
        return mode

    async def create(self, request: BookingRequest) -> BackendRecord:
        mode = await self._misbehave("create", request.key)
        found = self.bookings.get(request.key)
        if found is None:
            for other in self.bookings.values():
                if other.status == "booked" and other.key != request.replaces and \
                        other.start < request.end and request.start < other.end:  # fmt: skip
                    raise BackendRefused(f"slot taken by {other.ref}")
            found = _Booking(f"crm-{len(self.bookings) + 1}", request.key, request.start,
                             request.end, request.service, request.name)  # fmt: skip
            self.bookings[request.key] = found
            self.commits[request.key] += 1
        if mode == "lose_response":
            raise BackendUnavailable("connection dropped before the answer")
        return found.record()

    async def cancel(self, ref: str, key: str) -> BackendRecord:
        mode = await self._misbehave("cancel", key)
        for booking_key, booking in self.bookings.items():
            if booking.ref == ref:
                cancelled = replace(booking, status="cancelled")
                self.bookings[booking_key] = cancelled
                if mode == "lose_response":
                    raise BackendUnavailable("connection dropped before the answer")
                return cancelled.record()
        raise BackendRefused(f"no booking {ref}")

    async def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        return sorted(
            (b.start, b.end)
            for b in self.bookings.values()
            if b.status == "booked" and b.start < end and start < b.end
        )

    async def lookup(self, key: str) -> BackendRecord | None:
        found = self.bookings.get(key)
        return found.record() if found else None
