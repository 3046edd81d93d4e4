"""CalDavBackend against a real Radicale server on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import pytest
from caldav.collection import Calendar
from caldav.davclient import DAVClient

from receptionist.tools.backend import BackendRefused, BackendUnavailable, BookingRequest
from receptionist.tools.caldav_backend import CalDavBackend, uid_for_key
from tests.conftest_backends import RadicaleCalendar, RadicaleServer

TZ = "America/New_York"


def request(key: str, start: datetime, minutes: int = 30, name: str = "Ann Lee") -> BookingRequest:
    return BookingRequest(
        key=key,
        service="Haircut",
        start=start,
        end=start + timedelta(minutes=minutes),
        name=name,
        phone="+15551230000",
        call_id="call-42",
    )


def backend_for(cal: RadicaleCalendar, timeout_s: float = 3.0, **kw: str) -> CalDavBackend:
    return CalDavBackend(
        url=kw.get("url", cal.server.url),
        username=cal.server.username,
        password=kw.get("password", cal.server.password),
        calendar_name=kw.get("calendar_name", cal.name),
        timezone=TZ,
        timeout_s=timeout_s,
    )


@pytest.fixture
def backend(radicale_calendar: RadicaleCalendar) -> Iterator[CalDavBackend]:
    b = backend_for(radicale_calendar)
    yield b
    b.close()


def stored_events(cal: RadicaleCalendar) -> list[icalendar.cal.Component]:
    """What Radicale wrote to disk, read without the backend."""
    events: list[icalendar.cal.Component] = []
    for path in cal.server.event_files(cal.url):
        events.extend(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    return events


def staff_event(cal: RadicaleCalendar, ics_body: str) -> None:
    """An event made by someone else (a calendar app), not by the backend."""
    with DAVClient(
        cal.server.url, username=cal.server.username, password=cal.server.password
    ) as client:
        calendar = Calendar(client=client, url=cal.url)
        calendar.save_event(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//staff//EN\r\n"
            + ics_body.strip().replace("\n", "\r\n")
            + "\r\nEND:VCALENDAR\r\n"
        )


async def test_create_lookup_busy_round_trip(
    backend: CalDavBackend, radicale_calendar: RadicaleCalendar
) -> None:
    start = datetime(2026, 12, 3, 15, 0)
    record = await backend.create(request("call-42/booking-1", start))

    assert record.ref == uid_for_key("call-42/booking-1")
    assert record.status == "booked"
    assert record.start == start

    (event,) = stored_events(radicale_calendar)
    assert str(event["UID"]) == record.ref
    assert str(event["SUMMARY"]) == "Haircut - Ann Lee"
    assert "+15551230000" in str(event["DESCRIPTION"])
    assert "call-42" in str(event["DESCRIPTION"])
    # 15:00 in New York in December is 20:00 UTC.
    written = event.decoded("DTSTART")
    assert (written.replace(tzinfo=None), written.utcoffset().total_seconds()) == (
        datetime(2026, 12, 3, 20, 0),
        0,
    )

    looked_up = await backend.lookup("call-42/booking-1")
    assert looked_up is not None
    assert (looked_up.ref, looked_up.status, looked_up.start) == (record.ref, "booked", start)
    assert (looked_up.service, looked_up.name) == ("Haircut", "Ann Lee")

    assert await backend.busy(datetime(2026, 12, 3, 0, 0), datetime(2026, 12, 4, 0, 0)) == [
        (start, datetime(2026, 12, 3, 15, 30))
    ]
    assert await backend.busy(datetime(2026, 12, 3, 15, 30), datetime(2026, 12, 3, 17, 0)) == []
    assert await backend.lookup("never-booked") is None


async def test_a_staff_member_asked_for_is_in_the_events_description(
    backend: CalDavBackend, radicale_calendar: RadicaleCalendar
) -> None:
    start = datetime(2026, 12, 3, 15, 0)
    await backend.create(replace(request("call-42/booking-2", start), asked_for="Marco"))
    (event,) = stored_events(radicale_calendar)
    assert "Asked for: Marco" in str(event["DESCRIPTION"])


async def test_summer_time_is_written_with_the_summer_offset(
    backend: CalDavBackend, radicale_calendar: RadicaleCalendar
) -> None:
    await backend.create(request("k-summer", datetime(2026, 7, 1, 15, 0)))
    (event,) = stored_events(radicale_calendar)
    start = event.decoded("DTSTART")
    assert (start.hour, start.utcoffset().total_seconds()) == (19, 0)  # EDT is UTC-4


async def test_same_key_twice_makes_one_event(
    radicale_calendar: RadicaleCalendar, backend: CalDavBackend
) -> None:
    start = datetime(2026, 12, 4, 10, 0)
    first = await backend.create(request("k-twice", start))
    second = await backend.create(request("k-twice", start))
    # A second daemon (its own client, its own thread) retrying at the same moment.
    other = backend_for(radicale_calendar)
    try:
        third, fourth = await asyncio.gather(
            other.create(request("k-twice", start)), backend.create(request("k-twice", start))
        )
    finally:
        other.close()

    assert first.ref == second.ref == third.ref == fourth.ref
    assert len(stored_events(radicale_calendar)) == 1


async def test_overlapping_slot_is_refused_and_adjacent_one_is_not(
    backend: CalDavBackend, radicale_calendar: RadicaleCalendar
) -> None:
    await backend.create(request("k-a", datetime(2026, 12, 5, 9, 0), minutes=60))

    with pytest.raises(BackendRefused, match=r"overlaps an event from 2026-12-05 09:00 to 10:00"):
        await backend.create(request("k-b", datetime(2026, 12, 5, 9, 30)))
    adjacent = await backend.create(request("k-c", datetime(2026, 12, 5, 10, 0)))

    assert adjacent.status == "booked"
    assert len(stored_events(radicale_calendar)) == 2


async def test_staff_events_in_other_forms_count_as_busy(
    backend: CalDavBackend, radicale_calendar: RadicaleCalendar
) -> None:
    # 16:00 UTC is 11:00 in New York in December.
    staff_event(
        radicale_calendar,
        """
BEGIN:VEVENT
UID:staff-london
DTSTAMP:20261101T000000Z
DTSTART:20261207T160000Z
DTEND:20261207T170000Z
SUMMARY:Supplier call
END:VEVENT""",
    )
    staff_event(
        radicale_calendar,
        """
BEGIN:VEVENT
UID:staff-holiday
DTSTAMP:20261101T000000Z
DTSTART;VALUE=DATE:20261208
DTEND;VALUE=DATE:20261209
SUMMARY:Closed
END:VEVENT""",
    )
    staff_event(
        radicale_calendar,
        """
BEGIN:VEVENT
UID:staff-weekly
DTSTAMP:20261101T000000Z
DTSTART:20261201T130000
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Team lunch
END:VEVENT""",
    )
    staff_event(
        radicale_calendar,
        """
BEGIN:VEVENT
UID:staff-reminder
DTSTAMP:20261101T000000Z
DTSTART:20261207T150000
DTEND:20261207T160000
TRANSP:TRANSPARENT
SUMMARY:Remember to order shampoo
END:VEVENT""",
    )

    busy = await backend.busy(datetime(2026, 12, 7, 0, 0), datetime(2026, 12, 9, 0, 0))

    assert busy == [
        (datetime(2026, 12, 7, 11, 0), datetime(2026, 12, 7, 12, 0)),
        (datetime(2026, 12, 8, 0, 0), datetime(2026, 12, 9, 0, 0)),
        (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0)),
    ]
    with pytest.raises(BackendRefused):
        await backend.create(request("k-lunch", datetime(2026, 12, 15, 13, 30)))
    transparent_slot = await backend.create(request("k-ok", datetime(2026, 12, 7, 15, 0)))
    assert transparent_slot.status == "booked"


async def test_cancel_keeps_the_event_as_cancelled_and_frees_the_slot(
    backend: CalDavBackend, radicale_calendar: RadicaleCalendar
) -> None:
    start = datetime(2026, 12, 9, 14, 0)
    record = await backend.create(request("k-cancel", start))

    cancelled = await backend.cancel(record.ref, "k-cancel/cancel")
    again = await backend.cancel(record.ref, "k-cancel/cancel")

    assert (cancelled.ref, cancelled.status) == (record.ref, "cancelled")
    assert again.status == "cancelled"
    (event,) = stored_events(radicale_calendar)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(str(event["SEQUENCE"])) == 1
    looked_up = await backend.lookup("k-cancel")
    assert looked_up is not None and looked_up.status == "cancelled"
    assert await backend.busy(start, datetime(2026, 12, 9, 15, 0)) == []
    # A late retry of the first create cannot bring the booking back...
    retried = await backend.create(request("k-cancel", start))
    assert retried.status == "cancelled"
    # ...while someone else can now take the slot.
    assert (await backend.create(request("k-other", start, name="Bo"))).status == "booked"
    assert len(stored_events(radicale_calendar)) == 2


async def test_cancel_of_an_unknown_booking_is_refused(backend: CalDavBackend) -> None:
    with pytest.raises(BackendRefused, match="no booking 'rcpt-nothing'"):
        await backend.cancel("rcpt-nothing", "k-x")


async def test_stopped_radicale_is_unavailable_then_the_retry_commits_once(
    restartable_radicale: RadicaleCalendar,
) -> None:
    cal = restartable_radicale
    backend = backend_for(cal)
    try:
        await backend.create(request("k-before", datetime(2026, 12, 10, 9, 0)))
        cal.server.stop()

        with pytest.raises(BackendUnavailable) as caught:
            await backend.create(request("k-during", datetime(2026, 12, 10, 11, 0)))
        message = str(caught.value)
        assert cal.server.url in message
        assert "connection refused" in message
        with pytest.raises(BackendUnavailable, match="connection refused"):
            await backend.lookup("k-before")

        cal.server.start()
        record = await backend.create(request("k-during", datetime(2026, 12, 10, 11, 0)))
        again = await backend.create(request("k-during", datetime(2026, 12, 10, 11, 0)))
        assert record.ref == again.ref and record.status == "booked"
        assert {str(e["UID"]) for e in stored_events(cal)} == {
            uid_for_key("k-before"),
            uid_for_key("k-during"),
        }
    finally:
        backend.close()


async def test_a_server_that_never_answers_is_unavailable_within_the_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        backend = CalDavBackend(url, "u", "p", "Salon", TZ, timeout_s=0.5)
        began = time.monotonic()
        with pytest.raises(BackendUnavailable, match=r"no answer within 0\.5 s") as caught:
            await backend.create(request("k-silent", datetime(2026, 12, 11, 9, 0)))
        assert time.monotonic() - began < 1.5
        assert url in str(caught.value)
        backend.close()


class _Failing(BaseHTTPRequestHandler):
    """A CalDAV server in trouble: every request gets a 503."""

    def _fail(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(503)
        self.send_header("Content-Length", "12")
        self.end_headers()
        self.wfile.write(b"maintenance\n")

    do_GET = do_PUT = do_PROPFIND = do_REPORT = do_OPTIONS = _fail

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


async def test_a_server_answering_5xx_is_unavailable() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    backend = CalDavBackend(url, "u", "p", "Salon", TZ, timeout_s=2)
    try:
        with pytest.raises(BackendUnavailable, match="503 Service Unavailable") as caught:
            await backend.create(request("k-503", datetime(2026, 12, 11, 9, 0)))
        assert url in str(caught.value)
    finally:
        backend.close()
        httpd.shutdown()
        httpd.server_close()


async def test_wrong_password_and_unknown_calendar_say_so(
    radicale_calendar: RadicaleCalendar,
) -> None:
    wrong = backend_for(radicale_calendar, password="nope")
    with pytest.raises(BackendUnavailable, match="refused the credentials of 'frontdesk'"):
        await wrong.busy(datetime(2026, 12, 1), datetime(2026, 12, 2))
    wrong.close()

    missing = backend_for(radicale_calendar, calendar_name="No such calendar")
    with pytest.raises(BackendUnavailable, match="no calendar named 'No such calendar'") as caught:
        await missing.busy(datetime(2026, 12, 1), datetime(2026, 12, 2))
    assert radicale_calendar.name in str(caught.value)
    missing.close()


def test_uid_is_stable_and_url_safe(radicale: RadicaleServer) -> None:
    uid = uid_for_key("call 7/booking: haircut?")
    assert uid == uid_for_key("call 7/booking: haircut?")
    assert uid != uid_for_key("call 7/booking: haircut")
    assert uid.replace("-", "").isalnum()


class _Garbled(BaseHTTPRequestHandler):
    """A server that answers every GET with something that isn't iCalendar."""

    def do_GET(self) -> None:
        body = b"BEGIN:VCALENDAR\r\nthis is not iCalendar\r\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


async def test_unreadable_calendar_data_is_unavailable_not_a_crash() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Garbled)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    backend = CalDavBackend(url, "u", "p", url + "frontdesk/salon/", TZ, timeout_s=2)
    try:
        with pytest.raises(BackendUnavailable, match="calendar data it cannot read") as caught:
            await backend.lookup("k-garbled")
        assert url in str(caught.value)
    finally:
        backend.close()
        httpd.shutdown()
        httpd.server_close()


async def test_a_calendar_can_be_named_by_its_url(radicale_calendar: RadicaleCalendar) -> None:
    backend = backend_for(radicale_calendar, calendar_name=radicale_calendar.url)
    try:
        record = await backend.create(request("k-by-url", datetime(2026, 12, 12, 9, 0)))
        assert await backend.lookup("k-by-url") == record
    finally:
        backend.close()
