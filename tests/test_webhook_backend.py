"""WebhookBackend against a real, misbehaving HTTP receiver on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import time
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from receptionist.tools.backend import BackendRefused, BackendUnavailable, BookingRequest
from receptionist.tools.webhook_backend import WebhookBackend, sign, verify_signature
from tests.conftest_backends import WEBHOOK_SECRET, free_port
from tests.webhook_server import WebhookServer

START = datetime(2026, 12, 3, 15, 0)


def request(key: str, start: datetime = START, minutes: int = 30) -> BookingRequest:
    return BookingRequest(
        key=key,
        service="Haircut",
        start=start,
        end=start + timedelta(minutes=minutes),
        name="Ann Lee",
        phone="+15551230000",
        call_id="call-42",
    )


def backend_for(server: WebhookServer, timeout_s: float = 1.0, secret: str = "") -> WebhookBackend:
    return WebhookBackend(server.url, secret or WEBHOOK_SECRET, timeout_s=timeout_s)


async def test_create_lookup_busy_cancel_round_trip(webhook_server: WebhookServer) -> None:
    backend = backend_for(webhook_server)

    record = await backend.create(request("k-1"))
    assert (record.ref, record.status, record.start) == ("crm-1", "booked", START)
    assert (record.service, record.name) == ("Haircut", "Ann Lee")
    stored = webhook_server.bookings["k-1"]
    assert (stored["start"], stored["phone"]) == ("2026-12-03T15:00:00", "+15551230000")

    looked_up = await backend.lookup("k-1")
    assert looked_up == record
    assert await backend.lookup("k-never") is None
    assert await backend.busy(START.replace(hour=0), START.replace(hour=23)) == [
        (START, START + timedelta(minutes=30))
    ]

    cancelled = await backend.cancel(record.ref, "k-1/cancel")
    assert (cancelled.ref, cancelled.status) == ("crm-1", "cancelled")
    assert (await backend.cancel(record.ref, "k-1/cancel")).status == "cancelled"
    after = await backend.lookup("k-1")
    assert after is not None and after.status == "cancelled"
    assert await backend.busy(START.replace(hour=0), START.replace(hour=23)) == []
    assert webhook_server.commits == {"k-1": 1}


async def test_every_request_carries_key_timestamp_and_a_valid_signature(
    webhook_server: WebhookServer,
) -> None:
    backend = backend_for(webhook_server)
    await backend.create(request("k-headers"))
    await backend.busy(START, START + timedelta(hours=1))

    assert [(action, key) for action, key, _ in webhook_server.requests][0] == (
        "create",
        "k-headers",
    )
    assert webhook_server.requests[1][1].startswith("busy-")
    assert webhook_server.rejected_signatures == 0


async def test_same_key_twice_commits_once(webhook_server: WebhookServer) -> None:
    backend = backend_for(webhook_server)
    first = await backend.create(request("k-twice"))
    second, third = await asyncio.gather(
        backend.create(request("k-twice")), backend.create(request("k-twice"))
    )
    assert first == second == third
    assert webhook_server.commits == {"k-twice": 1}


async def test_refusals(webhook_server: WebhookServer) -> None:
    backend = backend_for(webhook_server)
    await backend.create(request("k-a", minutes=60))

    with pytest.raises(BackendRefused, match="create refused: slot taken by booking crm-1"):
        await backend.create(request("k-b", START + timedelta(minutes=30)))
    with pytest.raises(BackendRefused, match="cancel refused: no booking 'crm-99'"):
        await backend.cancel("crm-99", "k-c")
    assert webhook_server.commits == {"k-a": 1}


async def test_a_move_names_the_booking_it_replaces_so_its_own_time_is_not_taken(
    webhook_server: WebhookServer,
) -> None:
    backend = backend_for(webhook_server)
    await backend.create(request("k-old"))
    later = START + timedelta(minutes=15)  # "push it back fifteen minutes"
    with pytest.raises(BackendRefused, match="slot taken by booking crm-1"):
        await backend.create(request("k-other", later))
    moved = BookingRequest("k-new", "Haircut", later, later + timedelta(minutes=30), "Ann Lee",
                           "+15551230000", "call-42", replaces="k-old")  # fmt: skip
    record = await backend.create(moved)
    assert (record.status, record.start) == ("booked", later)
    assert webhook_server.bookings["k-new"]["start"] == "2026-12-03T15:15:00"


async def test_a_staff_member_asked_for_goes_with_the_booking(
    webhook_server: WebhookServer,
) -> None:
    backend = backend_for(webhook_server)
    await backend.create(replace(request("k-marco"), asked_for="Marco"))
    await backend.create(request("k-anyone", START + timedelta(hours=1)))
    assert webhook_server.bookings["k-marco"]["asked_for"] == "Marco"
    assert "asked_for" not in webhook_server.bookings["k-anyone"]


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("500", r"create answered HTTP 500: '\{\"error\": \"internal error\"\}'"),
        ("hang", r"create got no answer within 0\.4 s"),
        ("slow:0.8", r"create got no answer within 0\.4 s"),
        ("lose_response", "the connection closed before an answer"),
        ("bad_json", "create answered 200 without a JSON object: '<html>Thanks!</html>'"),
    ],
)
async def test_misbehaviour_is_unavailable_and_the_retry_commits_exactly_once(
    webhook_server: WebhookServer, mode: str, message: str
) -> None:
    backend = backend_for(webhook_server, timeout_s=0.4)
    webhook_server.misbehave(mode)

    began = time.monotonic()
    with pytest.raises(BackendUnavailable, match=message) as caught:
        await backend.create(request("k-retry"))
    assert time.monotonic() - began < 1.0
    assert webhook_server.url in str(caught.value)

    retried = await backend.create(request("k-retry"))  # the outbox's retry, same key
    assert retried.status == "booked"
    if mode.startswith("slow:"):
        await asyncio.sleep(0.8)  # let the slow first request finish its work too
    again = await backend.create(request("k-retry"))
    assert again == retried
    assert webhook_server.commits == {"k-retry": 1}
    assert await backend.lookup("k-retry") == retried


async def test_an_answer_sent_twice_is_read_once(webhook_server: WebhookServer) -> None:
    backend = backend_for(webhook_server)
    webhook_server.misbehave("answer_twice")

    record = await backend.create(request("k-double"))

    assert record.status == "booked"
    assert len(webhook_server.requests) == 1
    assert await backend.create(request("k-double")) == record
    assert webhook_server.commits == {"k-double": 1}


async def test_a_wrong_secret_is_rejected_by_the_receiver(webhook_server: WebhookServer) -> None:
    backend = backend_for(webhook_server, secret="not-the-secret")

    with pytest.raises(BackendUnavailable, match="answered HTTP 401: '.*bad signature"):
        await backend.create(request("k-forged"))

    assert webhook_server.rejected_signatures == 1
    assert webhook_server.bookings == {}


def test_a_replayed_request_is_rejected_by_the_receiver(webhook_server: WebhookServer) -> None:
    body = json.dumps({"action": "lookup", "key": "k"}).encode()
    old = str(int(time.time()) - 3600)
    connection = http.client.HTTPConnection("127.0.0.1", webhook_server.port, timeout=2)
    connection.request(
        "POST",
        "/booking-hook",
        body=body,
        headers={
            "Idempotency-Key": "k",
            "X-Receptionist-Timestamp": old,
            "X-Receptionist-Signature": sign(WEBHOOK_SECRET, old, "k", body),
        },
    )
    assert connection.getresponse().status == 401
    connection.close()
    assert webhook_server.rejected_signatures == 1


async def test_nothing_listening_is_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(BackendUnavailable, match="connection refused") as caught:
        await WebhookBackend(url, "s").create(request("k"))
    assert url in str(caught.value)


def test_signature_matches_an_independent_hmac() -> None:
    body = b'{"action":"create","key":"k"}'
    expected = hmac.new(b"topsecret", b"1764600000.k." + body, hashlib.sha256).hexdigest()
    good = f"sha256={expected}"
    now = 1764600010

    assert sign("topsecret", "1764600000", "k", body) == good
    assert verify_signature("topsecret", "1764600000", "k", body, good, now=now)
    assert not verify_signature("topsecret", "1764600000", "k", body + b" ", good, now=now)
    assert not verify_signature("other", "1764600000", "k", body, good, now=now)
    assert not verify_signature("topsecret", "1764600000", "k", body, good)  # stale
    assert not verify_signature("topsecret", "1764600000", "k", body, None, now=now)
    assert not verify_signature("topsecret", "soon", "k", body, good)
    # The key is signed: a captured request replayed under a new key is refused.
    assert not verify_signature("topsecret", "1764600000", "k2", body, good, now=now)
    # Non-ASCII headers from a peer are refused, not raised on.
    assert not verify_signature("topsecret", "1764600000", "k", body, "sha256=ü" + expected[2:],
                                now=now)  # fmt: skip
    assert not verify_signature("topsecret", "17646000٠٠", "k", body, good, now=now)


async def test_times_with_an_offset_are_read_as_local_time(webhook_server: WebhookServer) -> None:
    backend = backend_for(webhook_server)
    await backend.create(request("k-offset"))
    # A receiver that answers in UTC: 20:00Z is 15:00 in New York in December.
    webhook_server.answer_in_utc_from = ZoneInfo("America/New_York")
    _, answer = webhook_server.handle({"action": "lookup", "key": "k-offset"}, "k-offset")
    assert answer["start"] == "2026-12-03T20:00:00Z"

    record = await backend.lookup("k-offset")
    busy = await backend.busy(START, START + timedelta(hours=1))

    assert record is not None and record.start == START
    assert busy == [(START, START + timedelta(minutes=30))]


def test_a_bad_url_or_empty_secret_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="must be http:// or https://, not 'ftp://x'"):
        WebhookBackend("ftp://x", "s")
    with pytest.raises(ValueError, match="secret is empty"):
        WebhookBackend("http://127.0.0.1:1/", "")
