"""Bookings as events in a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale, ...).

How each action maps onto CalDAV:

- **create**: the event's UID is derived from the idempotency key (``uid_for_key``) and the
  event lives at ``<calendar>/<uid>.ics``. The PUT carries ``If-None-Match: *``, so the server
  itself refuses a second event under the same key: a retry after a lost response finds the
  first event and returns it. A slot that overlaps another (not cancelled, not transparent)
  event is refused before the PUT.
- **cancel**: the event is kept and its ``STATUS`` set to ``CANCELLED`` (with ``SEQUENCE``
  bumped), not deleted. Keeping it means a late retry of the create under the same key still
  hits ``If-None-Match`` and cannot bring the booking back, and staff see what was cancelled.
  Cancelled events are never counted as busy.
- **busy**: a time-range search of the calendar, recurrences expanded, cancelled and
  ``TRANSP:TRANSPARENT`` events left out, all-day events busy for the whole day.
- **lookup**: a GET of ``<calendar>/<uid>.ics``.

Times given to and returned by the backend are naive wall-clock times of the business; events
are written in UTC so that every server and calendar app agrees on the instant.

The ``caldav`` client blocks, so every action runs in one worker thread owned by the backend
(actions of this daemon are thereby serialized, which also makes check-then-create atomic
against this daemon's own bookings) under a deadline of ``timeout_s``. A connection refused,
a timeout, a 5xx, an authentication failure or a missing calendar raise
``BackendUnavailable`` naming the server and the cause.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import icalendar
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error

from receptionist.tools.backend import (
    BackendRecord,
    BackendRefused,
    BackendUnavailable,
    BookingBackend,
    BookingRequest,
)

__all__ = ["CalDavBackend", "uid_for_key"]

_T = TypeVar("_T")
_PRODID = "-//receptionist//booking//EN"
_X_KEY = "X-RECEPTIONIST-KEY"
_X_SERVICE = "X-RECEPTIONIST-SERVICE"
_X_NAME = "X-RECEPTIONIST-NAME"
_X_CANCEL_KEY = "X-RECEPTIONIST-CANCEL-KEY"


def uid_for_key(key: str) -> str:
    """The event UID for an idempotency key: stable, URL-safe, 128 bits of the key's hash."""
    return "rcpt-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class _DeadlinePassed(Exception):
    """The action's deadline passed before its next request; nothing more is sent."""


class CalDavBackend(BookingBackend):
    name = "caldav"

    def __init__(
        self,
        url: str,
        username: str | None,
        password: str | None,
        calendar_name: str,
        timezone: str = "America/New_York",
        timeout_s: float = 2.5,
    ) -> None:
        self.url = url
        self.calendar_name = calendar_name
        self.tz = ZoneInfo(timezone)
        self.timeout_s = timeout_s
        self._username = username
        self._password = password
        self._client: DAVClient | None = None
        # A full URL names the calendar collection itself: no discovery needed.
        self._calendar_url: str | None = (
            calendar_name if calendar_name.startswith(("http://", "https://")) else None
        )
        # One thread: the caldav client is not meant to be shared between threads.
        self._worker = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="caldav"
        )

    # -- the BookingBackend surface ------------------------------------------------------

    async def create(self, request: BookingRequest) -> BackendRecord:
        return await self._run("create", lambda deadline: self._create(request, deadline))

    async def cancel(self, ref: str, key: str) -> BackendRecord:
        return await self._run("cancel", lambda deadline: self._cancel(ref, key, deadline))

    async def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        def work(deadline: float) -> list[tuple[datetime, datetime]]:
            return [(s, e) for _, s, e in self._events_between(start, end, deadline)]

        return await self._run("busy", work)

    async def lookup(self, key: str) -> BackendRecord | None:
        def work(deadline: float) -> BackendRecord | None:
            found = self._get(self._event_url(uid_for_key(key), deadline), deadline)
            return None if found is None else self._record(found)

        return await self._run("lookup", work)

    def close(self) -> None:
        """Stop the worker thread (without waiting for a request still in flight)."""
        self._worker.shutdown(wait=False, cancel_futures=True)
        if self._client is not None:
            self._client.close()

    # -- running blocking work under a deadline -------------------------------------------

    async def _run(self, action: str, work: Callable[[float], _T]) -> _T:
        deadline = time.monotonic() + self.timeout_s
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._worker, self._guarded, action, work, deadline)
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            raise BackendUnavailable(
                f"CalDAV server {self.url}: {action} got no answer within {self.timeout_s:g} s"
            ) from None

    def _guarded(self, action: str, work: Callable[[float], _T], deadline: float) -> _T:
        try:
            return work(deadline)
        except (BackendRefused, BackendUnavailable):
            raise
        except _DeadlinePassed:
            raise BackendUnavailable(
                f"CalDAV server {self.url}: {action} got no answer within {self.timeout_s:g} s"
            ) from None
        except caldav_error.AuthorizationError as exc:
            raise BackendUnavailable(
                f"CalDAV server {self.url}: {action} refused the credentials of "
                f"{self._username!r} ({exc.reason or 'unauthorized'})"
            ) from exc
        except OSError as exc:  # niquests/requests errors are OSErrors
            raise BackendUnavailable(
                f"CalDAV server {self.url}: {action} failed: {_network_cause(exc)}"
            ) from exc
        except caldav_error.DAVError as exc:
            raise BackendUnavailable(
                f"CalDAV server {self.url}: {action} failed: {' '.join(str(exc).split())[:200]}"
            ) from exc
        except ValueError as exc:  # icalendar could not read what the server sent
            raise BackendUnavailable(
                f"CalDAV server {self.url}: {action} got calendar data it cannot read: {exc}"
            ) from exc

    # -- the blocking side -----------------------------------------------------------------

    def _dav(self, deadline: float) -> DAVClient:
        if time.monotonic() >= deadline:
            raise _DeadlinePassed
        if self._client is None:
            self._client = DAVClient(
                url=self.url,
                username=self._username,
                password=self._password,
                timeout=max(1, round(self.timeout_s)),
            )
        return self._client

    def _calendar(self, deadline: float) -> Calendar:
        client = self._dav(deadline)
        if self._calendar_url is None:
            calendars = client.principal().calendars()
            names = []
            for candidate in calendars:
                self._dav(deadline)
                name = candidate.get_display_name()
                names.append(name or str(candidate.url))
                segment = str(candidate.url).rstrip("/").rsplit("/", 1)[-1]
                if self.calendar_name in (name, segment):
                    self._calendar_url = str(candidate.url)
                    break
            else:
                raise BackendUnavailable(
                    f"CalDAV server {self.url}: no calendar named {self.calendar_name!r} for "
                    f"{self._username!r}; calendars there: {', '.join(map(str, names)) or 'none'}"
                )
        return Calendar(client=client, url=self._calendar_url)

    def _event_url(self, uid: str, deadline: float) -> str:
        return str(self._calendar(deadline).url).rstrip("/") + f"/{uid}.ics"

    def _get(self, url: str, deadline: float) -> tuple[icalendar.Event, str | None] | None:
        """The event at ``url`` and its ETag, or None when there is none."""
        response = self._dav(deadline).request(url, "GET")
        if response.status == 404:
            return None
        _raise_for_status(self.url, "GET", response.status)
        event = _only_event(icalendar.Calendar.from_ical(response.raw))
        return event, response.headers.get("ETag")

    def _put(
        self, url: str, event: icalendar.Event, condition: dict[str, str], deadline: float
    ) -> int:
        calendar = icalendar.Calendar()
        calendar.add("prodid", _PRODID)
        calendar.add("version", "2.0")
        calendar.add_component(event)
        headers = {"Content-Type": "text/calendar; charset=utf-8", **condition}
        response = self._dav(deadline).put(url, calendar.to_ical().decode("utf-8"), headers)
        if response.status not in (412,):
            _raise_for_status(self.url, "PUT", response.status)
        return int(response.status)

    def _create(self, request: BookingRequest, deadline: float) -> BackendRecord:
        uid = uid_for_key(request.key)
        url = self._event_url(uid, deadline)
        found = self._get(url, deadline)
        if found is not None:  # a retry: the first attempt committed
            return self._record(found)
        for other_uid, start, end in self._events_between(request.start, request.end, deadline):
            if other_uid != uid:
                raise BackendRefused(
                    f"{request.start:%Y-%m-%d %H:%M}-{request.end:%H:%M} overlaps an event "
                    f"from {start:%Y-%m-%d %H:%M} to {end:%H:%M} in {self.calendar_name!r}"
                )
        status = self._put(url, self._new_event(uid, request), {"If-None-Match": "*"}, deadline)
        if status == 412:  # created meanwhile under the same key: that one stands
            found = self._get(url, deadline)
            if found is None:
                raise BackendUnavailable(
                    f"CalDAV server {self.url}: {url} exists for PUT but not for GET"
                )
            return self._record(found)
        return BackendRecord(
            ref=uid,
            status="booked",
            start=request.start,
            service=request.service,
            name=request.name,
        )

    def _cancel(self, ref: str, key: str, deadline: float) -> BackendRecord:
        url = self._event_url(ref, deadline)
        for _ in range(3):  # If-Match lost to a concurrent edit: read again and retry
            found = self._get(url, deadline)
            if found is None:
                raise BackendRefused(f"no booking {ref!r} in calendar {self.calendar_name!r}")
            event, etag = found
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                return self._record(found)
            sequence = int(event.get("SEQUENCE", 0) or 0)
            event["STATUS"] = "CANCELLED"
            event.pop("SEQUENCE", None)
            event.add("sequence", sequence + 1)
            event.pop("DTSTAMP", None)
            event.add("dtstamp", datetime.now(UTC))
            event.pop(_X_CANCEL_KEY, None)
            event.add(_X_CANCEL_KEY, key)
            condition = {"If-Match": etag} if etag else {}
            if self._put(url, event, condition, deadline) != 412:
                return self._record((event, None))
        raise BackendUnavailable(
            f"CalDAV server {self.url}: {url} kept changing while being cancelled"
        )

    def _new_event(self, uid: str, request: BookingRequest) -> icalendar.Event:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", datetime.now(UTC))
        event.add("dtstart", self._to_utc(request.start))
        event.add("dtend", self._to_utc(request.end))
        event.add("summary", f"{request.service} - {request.name}")
        event.add(
            "description",
            f"Phone: {request.phone}\nCall: {request.call_id}\n"
            + (f"Asked for: {request.asked_for}\n" if request.asked_for else "")
            + "Booked by the receptionist.",
        )
        event.add("status", "CONFIRMED")
        event.add("sequence", 0)
        event.add(_X_KEY, request.key)
        event.add(_X_SERVICE, request.service)
        event.add(_X_NAME, request.name)
        return event

    def _events_between(
        self, start: datetime, end: datetime, deadline: float
    ) -> list[tuple[str, datetime, datetime]]:
        """(uid, start, end) of the busy events overlapping [start, end), local and naive."""
        calendar = self._calendar(deadline)
        self._dav(deadline)
        # Floating and all-day events have no zone, and servers and the client's own filter
        # place them in UTC; ask for a day more on each side and filter here, in local time.
        found: list[Any] = calendar.search(  # type: ignore[assignment]  # sync client
            start=self._to_utc(start - timedelta(days=1)),
            end=self._to_utc(end + timedelta(days=1)),
            event=True,
            expand=True,
        )
        busy = []
        for item in found:
            event = item.icalendar_component
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
                continue
            s, e = self._span(event)
            if s < end and start < e:
                busy.append((str(event.get("UID", "")), s, e))
        busy.sort(key=lambda item: item[1])
        return busy

    def _record(self, found: tuple[icalendar.Event, str | None]) -> BackendRecord:
        event = found[0]
        cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
        return BackendRecord(
            ref=str(event.get("UID", "")),
            status="cancelled" if cancelled else "booked",
            start=self._span(event)[0],
            service=str(event.get(_X_SERVICE, "")),
            name=str(event.get(_X_NAME, "")),
        )

    # -- time ------------------------------------------------------------------------------

    def _to_utc(self, local: datetime) -> datetime:
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        return local.replace(tzinfo=self.tz).astimezone(UTC)

    def _to_local(self, value: date | datetime) -> datetime:
        if isinstance(value, datetime):
            if value.tzinfo is None:  # floating time: already wall-clock
                return value
            return value.astimezone(self.tz).replace(tzinfo=None)
        return datetime(value.year, value.month, value.day)  # all-day: from midnight

    def _span(self, event: icalendar.Event) -> tuple[datetime, datetime]:
        raw_start = event.decoded("DTSTART")
        start = self._to_local(raw_start)
        if "DTEND" in event:
            end = self._to_local(event.decoded("DTEND"))
        elif "DURATION" in event:
            end = start + event.decoded("DURATION")
        elif not isinstance(raw_start, datetime):
            end = start + timedelta(days=1)
        else:
            end = start
        return start, end


def _only_event(calendar: Any) -> icalendar.Event:
    for component in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" not in component:
            return component
    raise BackendUnavailable("calendar object holds no VEVENT")


def _raise_for_status(server: str, method: str, status: int) -> None:
    if 200 <= status < 300:
        return
    raise BackendUnavailable(f"CalDAV server {server}: {method} answered HTTP {status}")


def _network_cause(exc: BaseException) -> str:
    text = str(exc)
    for needle, cause in (
        ("Connection refused", "connection refused (is the server running?)"),
        ("timed out", "timed out"),
        ("Name or service not known", "host name not found"),
        ("Connection reset", "connection reset"),
    ):
        if needle in text:
            return cause
    return f"{type(exc).__name__}: {text[:200]}"
