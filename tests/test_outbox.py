"""The outbox on a real SQLite file, retried by workers against the real loopback backends."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from receptionist.tools.backend import BookingRequest
from receptionist.tools.caldav_backend import CalDavBackend
from receptionist.tools.outbox import Outbox, OutboxItem, OutboxWorker, ensure_outbox_schema
from receptionist.tools.webhook_backend import WebhookBackend
from tests.conftest_backends import WEBHOOK_SECRET, RadicaleCalendar
from tests.webhook_server import WebhookServer

SLOT = datetime(2026, 12, 3, 15, 0)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def request(key: str, start: datetime = SLOT) -> BookingRequest:
    return BookingRequest(
        key=key,
        service="Colour",
        start=start,
        end=start + timedelta(minutes=45),
        name="Bo Chen",
        phone="+15557654321",
        call_id="call-7",
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "receptionist.db"


def test_schema_is_idempotent_and_the_key_unique(db_path: Path) -> None:
    db = Database(db_path)
    ensure_outbox_schema(db)
    ensure_outbox_schema(db)
    assert set(db["outbox"].columns_dict) == {
        "id",
        "key",
        "kind",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "committed_ref",
        "created_at",
        "updated_at",
    }
    row = "INSERT INTO outbox (key, kind, payload, next_attempt_at, created_at, updated_at)"
    db.execute(row + " VALUES ('k', 'create', '{}', 't', 't', 't')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(row + " VALUES ('k', 'create', '{}', 't', 't', 't')")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute("UPDATE outbox SET status = 'booked' WHERE key = 'k'")


def test_enqueue_twice_keeps_one_row(db_path: Path, clock: Clock) -> None:
    outbox = Outbox(Database(db_path), clock)
    first = outbox.enqueue(request("k-1"))
    clock.advance(60)
    second = outbox.enqueue(request("k-1"))

    assert first == second
    assert second.booking_request() == request("k-1")
    assert outbox.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1


def test_a_queued_request_keeps_the_staff_member_asked_for(db_path: Path, clock: Clock) -> None:
    outbox = Outbox(Database(db_path), clock)
    asked = replace(request("k-2"), asked_for="Marco")
    outbox.enqueue(asked)
    (item,) = outbox.due()
    assert item.booking_request() == asked


def test_failures_back_off_exponentially_then_escalate(db_path: Path, clock: Clock) -> None:
    outbox = Outbox(Database(db_path), clock, max_attempts=3, base_delay_s=5)
    outbox.enqueue(request("k-1"))
    assert [i.key for i in outbox.due()] == ["k-1"]

    item = outbox.mark_failed("k-1", "HTTP 500")
    assert (item.status, item.attempts, item.next_attempt_at) == (
        "pending",
        1,
        clock.now + timedelta(seconds=5),
    )
    assert outbox.due(clock.now + timedelta(seconds=4.9)) == []
    clock.advance(5)
    assert [i.key for i in outbox.due()] == ["k-1"]
    item = outbox.mark_failed("k-1", "timed out")
    assert item.next_attempt_at == clock.now + timedelta(seconds=10)
    clock.advance(10)
    item = outbox.mark_failed("k-1", "connection refused")

    assert (item.status, item.attempts, item.last_error) == ("escalated", 3, "connection refused")
    assert outbox.due(clock.now + timedelta(days=365)) == []
    # A late failure report changes nothing once it is escalated.
    assert outbox.mark_failed("k-1", "again").attempts == 3


async def test_a_lost_answer_and_a_500_then_a_restart_commit_exactly_once(
    db_path: Path, clock: Clock, webhook_server: WebhookServer
) -> None:
    Outbox(Database(db_path), clock).enqueue(request("call-7/booking-1"))
    webhook_server.misbehave("lose_response", "500")
    committed: list[OutboxItem] = []

    first = OutboxWorker(
        db_path, WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=1), clock
    )
    assert (await first.run_once()).failed == ["call-7/booking-1"]  # committed, answer lost
    assert (await first.run_once()).failed == []  # not due yet: backing off
    clock.advance(5)
    assert (await first.run_once()).failed == ["call-7/booking-1"]  # 500
    first.close()  # the daemon stops

    second = OutboxWorker(
        db_path,
        WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=1),
        clock,
        on_committed=committed.append,
    )
    clock.advance(10)
    run = await second.run_once()
    again = await second.run_once()
    second.close()

    assert run.committed == ["call-7/booking-1"] and again.committed == []
    assert webhook_server.commits == {"call-7/booking-1": 1}
    (item,) = committed
    assert (item.status, item.attempts) == ("committed", 2)
    assert item.committed_ref == webhook_server.bookings["call-7/booking-1"]["id"]


async def test_a_worker_killed_mid_request_leaves_it_pending_and_the_next_commits_once(
    db_path: Path, clock: Clock, webhook_server: WebhookServer
) -> None:
    Outbox(Database(db_path), clock).enqueue(request("k-killed"))
    webhook_server.misbehave("slow:0.5")
    first = OutboxWorker(
        db_path, WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=2), clock
    )
    task = asyncio.create_task(first.run_once())
    assert await asyncio.to_thread(webhook_server.request_seen.wait, 5)
    task.cancel()  # the daemon dies while the receiver is still working
    with pytest.raises(asyncio.CancelledError):
        await task
    first.close()

    second = OutboxWorker(
        db_path, WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=2), clock
    )
    assert [i.attempts for i in second.outbox.pending()] == [0]
    assert (await second.run_once()).committed == ["k-killed"]
    await asyncio.sleep(0.6)  # the first, slow request finishes its own work meanwhile
    second.close()
    assert webhook_server.commits == {"k-killed": 1}


async def test_radicale_stopped_then_back_commits_once_across_a_restart(
    db_path: Path, clock: Clock, restartable_radicale: RadicaleCalendar
) -> None:
    cal = restartable_radicale

    def backend() -> CalDavBackend:
        return CalDavBackend(
            cal.server.url, cal.server.username, cal.server.password, cal.name, timeout_s=3
        )

    Outbox(Database(db_path), clock).enqueue(request("k-cal"))
    cal.server.stop()
    first_backend = backend()
    first = OutboxWorker(db_path, first_backend, clock)
    assert (await first.run_once()).failed == ["k-cal"]
    (item,) = first.outbox.pending()
    assert item.last_error is not None and "connection refused" in item.last_error
    first.close()
    first_backend.close()

    cal.server.start()
    clock.advance(5)
    second_backend = backend()
    second = OutboxWorker(db_path, second_backend, clock)
    assert (await second.run_once()).committed == ["k-cal"]
    clock.advance(3600)
    assert (await second.run_once()).committed == []
    record = await second_backend.lookup("k-cal")
    second.close()
    second_backend.close()

    assert record is not None and record.status == "booked"
    assert len(cal.server.event_files(cal.url)) == 1


async def test_the_last_failure_and_a_refusal_escalate(
    db_path: Path, clock: Clock, webhook_server: WebhookServer
) -> None:
    escalated: list[OutboxItem] = []
    worker = OutboxWorker(
        db_path,
        WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=1),
        clock,
        max_attempts=2,
        on_escalated=escalated.append,
    )
    # Someone else holds the slot of k-late; k-down meets a receiver failing twice.
    await worker.backend.create(request("k-other", SLOT))
    worker.outbox.enqueue(request("k-late", SLOT + timedelta(minutes=30)))
    clock.advance(1)
    worker.outbox.enqueue(request("k-down", SLOT + timedelta(days=1)))
    webhook_server.misbehave("ok", "500", "500")

    first = await worker.run_once()
    clock.advance(5)
    second = await worker.run_once()
    worker.close()

    assert (first.escalated, first.failed) == (["k-late"], ["k-down"])
    assert second.escalated == ["k-down"]
    assert [(i.key, i.status) for i in escalated] == [
        ("k-late", "escalated"),
        ("k-down", "escalated"),
    ]
    assert escalated[0].last_error is not None and "slot taken" in escalated[0].last_error
    assert escalated[1].last_error is not None and "HTTP 500" in escalated[1].last_error
    assert set(webhook_server.commits) == {"k-other"}
