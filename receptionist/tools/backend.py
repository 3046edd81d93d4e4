"""What a booking backend is: the built-in calendar, CalDAV, a site's webhook.

A backend either commits (returns a ``BackendRecord``), refuses for good
(``BackendRefused``: the slot is taken, the booking doesn't exist), or can't be reached
right now (``BackendUnavailable``: timeout, 5xx, connection refused), in which case the
request goes to the outbox and is retried with the same idempotency key.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BookingRequest:
    key: str  # idempotency key: the same request always carries the same key
    service: str
    start: datetime  # local wall-clock time of the business (naive)
    end: datetime
    name: str
    phone: str
    call_id: str
    # A move's new booking names the key of the one it replaces: that one's time is not
    # taken by it (it is cancelled once this one commits).
    replaces: str = ""
    asked_for: str = ""  # a staff member the caller asked for (a wish, noted)


@dataclass(frozen=True)
class BackendRecord:
    ref: str  # the backend's own id for the booking (CalDAV UID, CRM record id, store id)
    status: str  # "booked" or "cancelled"
    start: datetime | None = None
    service: str = ""
    name: str = ""


class BackendError(Exception):
    """Base of what a backend raises."""


class BackendRefused(BackendError):
    """The backend answered and said no; retrying won't change that."""


class BackendUnavailable(BackendError):
    """The backend could not be reached or failed; the request may be retried."""


class BookingBackend(abc.ABC):
    name: str = "backend"

    @abc.abstractmethod
    async def create(self, request: BookingRequest) -> BackendRecord:
        """Commit the booking, or return the record already committed under ``request.key``."""

    @abc.abstractmethod
    async def cancel(self, ref: str, key: str) -> BackendRecord:
        """Cancel the booking ``ref``; cancelling twice is not an error."""

    @abc.abstractmethod
    async def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Busy intervals overlapping [start, end)."""

    @abc.abstractmethod
    async def lookup(self, key: str) -> BackendRecord | None:
        """The record committed under idempotency key ``key``, if any (for reconciliation)."""
