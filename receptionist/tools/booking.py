"""Booking, moving and cancelling, with idempotency keys, deadlines and claims.

The flow of one booking: the request is written to the store as ``pending`` under its
idempotency key (a second identical request finds that row and can't make another), the
backend is asked within a deadline, and only a committed answer turns the row ``booked``.
A backend that misses its deadline or fails leaves the row pending for the outbox: the
caller hears the truth, never "you're booked".
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from receptionist import telemetry
from receptionist.domain.profile import BusinessProfile, Service
from receptionist.store.db import Store, now_iso
from receptionist.tools.backend import (
    BackendError,
    BackendRecord,
    BackendRefused,
    BackendUnavailable,
    BookingBackend,
    BookingRequest,
)
from receptionist.tools.calendar import overlapping
from receptionist.tools.followup import BookingFollowUp

log = logging.getLogger(__name__)


def booking_key(who: str, service: str, start: datetime) -> str:
    """The same caller asking for the same service at the same time is the same request."""
    raw = f"book|{who}|{service}|{start.isoformat(timespec='minutes')}"
    return "bk-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def cancel_key(booking_key: str) -> str:
    """The cancellation of a booking is its own request, with its own key."""
    return "cx-" + booking_key


@dataclass(frozen=True)
class BookingOutcome:
    status: str  # booked, cancelled, pending (in the outbox), refused, failed
    booking: dict | None = None
    reason: str = ""


OnPending = Callable[[dict], None]


class BookingService:
    def __init__(
        self,
        store: Store,
        backend: BookingBackend,
        profile: BusinessProfile,
        deadline_s: float = 2.5,
        slot_minutes: int = 15,
        on_pending: OnPending | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.profile = profile
        self.deadline_s = deadline_s
        self.slot_minutes = slot_minutes
        self.on_pending = on_pending  # told of each pending request (after the outbox)
        self.followup = BookingFollowUp(store)

    # -- availability ----------------------------------------------------------------------

    async def is_free(
        self, service: Service, start: datetime, replacing: dict | None = None
    ) -> bool:
        """Whether ``service`` fits at ``start``. ``replacing``: the booking a move gives up,
        whose own time does not count as taken ("push it back 15 minutes")."""
        end = start + timedelta(minutes=service.minutes)
        if not self.profile.hours.fits(start, service.minutes):
            return False
        if overlapping(self.store, start, end, replaced=replacing["key"] if replacing else ""):
            return False
        if self.backend.name != "builtin":
            try:
                busy = await asyncio.wait_for(self.backend.busy(start, end), self.deadline_s)
            except (TimeoutError, BackendError):
                return True  # can't tell: the commit will say, and refuse if taken
            if replacing is not None:
                own = (datetime.fromisoformat(replacing["start"]),
                       datetime.fromisoformat(replacing["end"]))  # fmt: skip
                busy = [span for span in busy if span != own]
            return not busy
        return True

    async def free_slots(
        self,
        service: Service,
        around: datetime,
        count: int = 2,
        days: int = 7,
        replacing: dict | None = None,
    ) -> list[datetime]:
        """The free starts nearest to ``around``, on that day first, then the next open days."""
        found: list[datetime] = []
        for offset in range(days + 1):
            day = around.date() + timedelta(days=offset)
            hours = self.profile.hours.on(day)
            if hours is None:
                continue
            candidates = []
            t = datetime.combine(day, hours[0])
            close = datetime.combine(day, hours[1])
            while t + timedelta(minutes=service.minutes) <= close:
                candidates.append(t)
                t += timedelta(minutes=self.slot_minutes)
            anchor = around if offset == 0 else datetime.combine(day, around.time())
            candidates.sort(key=lambda c: (abs((c - anchor).total_seconds()), c))
            for candidate in candidates:
                if offset == 0 and candidate == around:
                    continue
                if await self.is_free(service, candidate, replacing):
                    found.append(candidate)
                    if len(found) >= count:
                        return sorted(found)
            if found:
                return sorted(found)
        return sorted(found)

    async def free_slots_between(
        self,
        service: Service,
        first_day: date,
        last_day: date,
        earliest: time | None = None,
        latest: time | None = None,
        *,
        not_before: datetime | None = None,
        count: int = 2,
        from_end: bool = False,
        spacing_minutes: int = 60,
    ) -> list[datetime]:
        """Free starts between two days, within a part of the day ("after four", "in the
        morning"), in order, at least ``spacing_minutes`` apart so that the choice is a real
        one; ``from_end`` takes the latest ones ("as late as possible")."""
        days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
        if from_end:
            days.reverse()
        found: list[datetime] = []
        for day in days:
            hours = self.profile.hours.on(day)
            if hours is None:
                continue
            opens = max(hours[0], earliest) if earliest else hours[0]
            t = datetime.combine(day, opens)
            if t.minute % self.slot_minutes:
                t += timedelta(minutes=self.slot_minutes - t.minute % self.slot_minutes)
            candidates = []
            while t + timedelta(minutes=service.minutes) <= datetime.combine(day, hours[1]):
                if latest is not None and t.time() > latest:
                    break
                if not_before is None or t >= not_before:
                    candidates.append(t)
                t += timedelta(minutes=self.slot_minutes)
            if from_end:
                candidates.reverse()
            for candidate in candidates:
                if found and abs((candidate - found[-1]).total_seconds()) < spacing_minutes * 60:
                    continue
                if await self.is_free(service, candidate):
                    found.append(candidate)
                    if len(found) >= count:
                        return sorted(found)
        return sorted(found)

    # -- commits --------------------------------------------------------------------------

    async def book(
        self,
        call_id: str,
        who: str,
        service: Service,
        start: datetime,
        name: str,
        phone: str,
        replaces: dict | None = None,
        asked_for: str = "",
    ) -> BookingOutcome:
        """Book ``service`` at ``start``; ``replaces``: the booking a move gives up (its time
        is not taken by it; the caller cancels it once this one is booked)."""
        end = start + timedelta(minutes=service.minutes)
        key = booking_key(who, service.name, start)
        row, created = self.store.insert_once(
            "bookings",
            {
                "key": key,
                "call_id": call_id,
                "service": service.name,
                "start": start.isoformat(timespec="minutes"),
                "end": end.isoformat(timespec="minutes"),
                "name": name,
                "phone": phone,
                "asked_for": asked_for,
                "status": "pending",
                "backend": self.backend.name,
                "created_at": now_iso(),
                "updated_at": now_iso(),
            },
        )
        if not created and row["status"] in ("booked", "pending"):
            log.info("booking %s already %s: not made twice", key, row["status"])
            if row["status"] == "booked":
                return BookingOutcome("booked", row)
        elif not created and row["status"] in ("refused", "cancelled", "escalated"):
            row = self.store.update("bookings", row["id"], {"status": "pending"})
        request = BookingRequest(key, service.name, start, end, name, phone, call_id,
                                 replaces["key"] if replaces else "", asked_for)  # fmt: skip
        return await self._commit(row, request)

    async def _commit(self, row: dict, request: BookingRequest) -> BookingOutcome:
        try:
            record = await asyncio.wait_for(self.backend.create(request), self.deadline_s)
        except BackendRefused as exc:
            telemetry.tool_failed("booking", "refused")
            row = self.store.update("bookings", row["id"], {"status": "refused",
                                                            "updated_at": now_iso()})  # fmt: skip
            return BookingOutcome("refused", row, str(exc))
        except (TimeoutError, BackendUnavailable) as exc:
            reason = "deadline passed" if isinstance(exc, TimeoutError) else str(exc)
            _count_miss("booking", exc)
            log.warning("booking %s pending: %s", request.key, reason)
            self._pending(row)
            return BookingOutcome("pending", row, reason)
        except Exception as exc:  # a bug in a backend must not lose the request either
            telemetry.tool_failed("booking", "error")
            log.exception("booking backend %s failed", self.backend.name)
            self._pending(row)
            return BookingOutcome("pending", row, f"backend error: {exc}")
        return BookingOutcome("booked", self.mark_booked(row, record))

    def _pending(self, row: dict) -> None:
        """The request goes to the outbox, same key: a retry commits it exactly once."""
        self.followup.enqueue(row)
        if self.on_pending is not None:
            self.on_pending(row)

    def mark_booked(self, row: dict, record: BackendRecord) -> dict:
        item = self.followup.outbox.get(row["key"])
        if item is not None and item.status == "pending":
            # An earlier attempt of this call was queued; this one committed it.
            self.followup.outbox.mark_committed(row["key"], record)
        return self.store.update(
            "bookings",
            row["id"],
            {"status": "booked", "backend_ref": record.ref, "updated_at": now_iso()},
        )

    async def cancel(self, booking: dict) -> BookingOutcome:
        """Cancel in the backend, then in the store. A backend that misses the deadline gets
        the cancellation from the outbox (status ``pending``: the row stays booked until then).
        """
        if booking["status"] == "pending":
            return await self._cancel_pending(booking)
        ref = booking["backend_ref"] or f"store:{booking['id']}"
        key = cancel_key(booking["key"])
        try:
            await asyncio.wait_for(self.backend.cancel(ref, key), self.deadline_s)
        except BackendRefused as exc:
            telemetry.tool_failed("cancel", "refused")
            return BookingOutcome("refused", booking, str(exc))
        except (TimeoutError, BackendUnavailable) as exc:
            _count_miss("cancel", exc)
            reason = str(exc) or "deadline passed"
            log.warning("cancellation %s pending: %s", key, reason)
            self.followup.enqueue_cancel(booking, ref)
            return BookingOutcome("pending", booking, reason)
        item = self.followup.outbox.get(key)
        if item is not None and item.status == "pending":
            self.followup.outbox.mark_committed(key, BackendRecord(ref, "cancelled"))
        row = self.store.update("bookings", booking["id"], {"status": "cancelled",
                                                            "updated_at": now_iso()})  # fmt: skip
        return BookingOutcome("cancelled", row)

    async def _cancel_pending(self, booking: dict) -> BookingOutcome:
        """A booking still waiting in the outbox: did an earlier attempt commit it after all?"""
        try:
            record = await asyncio.wait_for(self.backend.lookup(booking["key"]), self.deadline_s)
        except (TimeoutError, BackendError) as exc:
            _count_miss("lookup", exc)
            return BookingOutcome("failed", booking, f"can't tell if it was booked: {exc}")
        if record is not None and record.status == "booked":
            return await self.cancel(self.mark_booked(booking, record))
        # Never committed: its retries stop, and there is nothing to cancel in the backend.
        self.followup.withdraw(booking["key"], "cancelled by the caller before it committed")
        row = self.store.update("bookings", booking["id"], {"status": "cancelled",
                                                            "updated_at": now_iso()})  # fmt: skip
        return BookingOutcome("cancelled", row)

    def bookings_for(self, phone: str, day: date | None = None) -> list[dict]:
        rows = self.store.rows(
            "bookings", "phone = ? and status in ('booked', 'pending')", [phone], "start"
        )
        if day is not None:
            rows = [r for r in rows if datetime.fromisoformat(r["start"]).date() == day]
        return rows


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock)


def _count_miss(tool: str, exc: BaseException) -> None:
    """A backend call that missed its deadline, or failed, on /metrics."""
    if isinstance(exc, TimeoutError):
        telemetry.deadline_missed(tool)
    else:
        telemetry.tool_failed(tool, "unavailable")
