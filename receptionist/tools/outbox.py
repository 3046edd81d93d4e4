"""The outbox: booking requests that didn't get a clear answer in time, retried until they commit.

A request lands here when its backend missed the deadline or was unavailable (ARCHITECTURE
rule 3). Each row is keyed by the request's idempotency key (a unique index, so enqueueing twice
keeps one row), and every retry sends the same key, so the backend commits it exactly once even
when an earlier attempt committed and only its answer was lost. After ``max_attempts`` failures,
or a refusal, the row is ``escalated``: staff take it over; nothing is dropped.

The rows live in SQLite, so a restart of the daemon picks up where it stopped: a new
``OutboxWorker`` on the same file retries what is due.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from receptionist import telemetry
from receptionist.store.schema import ensure_outbox_table
from receptionist.tools.backend import (
    BackendRecord,
    BackendRefused,
    BackendUnavailable,
    BookingBackend,
    BookingRequest,
)

__all__ = [
    "Outbox",
    "OutboxItem",
    "OutboxRun",
    "OutboxWorker",
    "ensure_outbox_schema",
    "utc_now",
]

Clock = Callable[[], datetime]
PENDING, COMMITTED, ESCALATED = "pending", "committed", "escalated"


def utc_now() -> datetime:
    return datetime.now(UTC)


def ensure_outbox_schema(db: Database) -> None:
    """Create the ``outbox`` table and its indexes if they are missing (safe to call again).

    The store's migration m004 makes the same table; the DDL lives in store/schema.py.
    """
    ensure_outbox_table(db)


def _ts(moment: datetime) -> str:
    """UTC, fixed width, so that text order is time order in SQL."""
    if moment.tzinfo is None:
        raise ValueError(f"outbox times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class OutboxItem:
    key: str
    kind: str  # "create" or "cancel"
    payload: dict[str, Any]
    status: str  # "pending", "committed" or "escalated"
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    committed_ref: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OutboxItem:
        return cls(
            key=row["key"],
            kind=row["kind"],
            payload=json.loads(row["payload"]),
            status=row["status"],
            attempts=row["attempts"],
            next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
            last_error=row["last_error"],
            committed_ref=row["committed_ref"],
            created_at=datetime.fromisoformat(row["created_at"]),
            updated_at=datetime.fromisoformat(row["updated_at"]),
        )

    def booking_request(self) -> BookingRequest:
        p = self.payload
        return BookingRequest(
            key=self.key,
            service=p["service"],
            start=datetime.fromisoformat(p["start"]),
            end=datetime.fromisoformat(p["end"]),
            name=p["name"],
            phone=p["phone"],
            call_id=p["call_id"],
            asked_for=p.get("asked_for", ""),  # queued before 2026-12-02: none
        )


class Outbox:
    """The ``outbox`` table. Each method is one short transaction."""

    def __init__(
        self,
        db: Database,
        clock: Clock = utc_now,
        *,
        max_attempts: int = 8,
        base_delay_s: float = 5.0,
        max_delay_s: float = 900.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        self.db = db
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        ensure_outbox_schema(db)

    def enqueue(self, request: BookingRequest, now: datetime | None = None) -> OutboxItem:
        """Queue a create; a key already queued keeps its row (whatever its status)."""
        payload = {
            "service": request.service,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "name": request.name,
            "phone": request.phone,
            "call_id": request.call_id,
            "asked_for": request.asked_for,
        }
        return self._insert(request.key, "create", payload, now)

    def enqueue_cancel(self, ref: str, key: str, now: datetime | None = None) -> OutboxItem:
        return self._insert(key, "cancel", {"ref": ref}, now)

    def _insert(
        self, key: str, kind: str, payload: dict[str, Any], now: datetime | None
    ) -> OutboxItem:
        stamp = _ts(now or self.clock())
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO outbox (key, kind, payload, next_attempt_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                [key, kind, json.dumps(payload), stamp, stamp, stamp],
            )
        item = self.get(key)
        assert item is not None
        return item

    def get(self, key: str) -> OutboxItem | None:
        rows = list(self.db.query("SELECT * FROM outbox WHERE key = ?", [key]))
        return OutboxItem.from_row(rows[0]) if rows else None

    def due(self, now: datetime | None = None, limit: int = 100) -> list[OutboxItem]:
        """Pending items whose next attempt is at or before ``now``, oldest first."""
        rows = self.db.query(
            "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id LIMIT ?",
            [_ts(now or self.clock()), limit],
        )
        return [OutboxItem.from_row(row) for row in rows]

    def pending(self) -> list[OutboxItem]:
        rows = self.db.query("SELECT * FROM outbox WHERE status = 'pending' ORDER BY id")
        return [OutboxItem.from_row(row) for row in rows]

    def mark_committed(
        self, key: str, record: BackendRecord, now: datetime | None = None
    ) -> OutboxItem:
        """The backend committed: keep its ref. A commit is a fact, whatever the row said."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE outbox SET status = 'committed', committed_ref = ?, updated_at = ?,"
                " last_error = NULL WHERE key = ?",
                [record.ref, _ts(now or self.clock()), key],
            )
        return self._must_get(key)

    def mark_failed(self, key: str, error: str, now: datetime | None = None) -> OutboxItem:
        """One more failed attempt: back off exponentially, escalate after the last one."""
        moment = now or self.clock()
        with self.db.atomic():
            item = self._must_get(key)
            if item.status != PENDING:
                return item
            attempts = item.attempts + 1
            delay = min(self.max_delay_s, self.base_delay_s * 2 ** (attempts - 1))
            status = ESCALATED if attempts >= self.max_attempts else PENDING
            self.db.execute(
                "UPDATE outbox SET attempts = ?, status = ?, last_error = ?,"
                " next_attempt_at = ?, updated_at = ? WHERE key = ?",
                [
                    attempts,
                    status,
                    error,
                    _ts(moment + timedelta(seconds=delay)),
                    _ts(moment),
                    key,
                ],
            )
        return self._must_get(key)

    def mark_escalated(self, key: str, error: str, now: datetime | None = None) -> OutboxItem:
        """No point retrying (the backend refused): hand it to staff now."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE outbox SET status = 'escalated', attempts = attempts + 1,"
                " last_error = ?, updated_at = ? WHERE key = ? AND status = 'pending'",
                [error, _ts(now or self.clock()), key],
            )
        return self._must_get(key)

    def _must_get(self, key: str) -> OutboxItem:
        item = self.get(key)
        if item is None:
            raise KeyError(f"no outbox item with key {key!r}")
        return item


@dataclass
class OutboxRun:
    """What one pass of the worker did, by key."""

    committed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)


class OutboxWorker:
    """Retries the due items of the outbox in ``db_path`` against ``backend``.

    ``on_committed`` and ``on_escalated`` are called with the updated item, for the caller's
    confirmation (SMS, e-mail, a call-back task) and for staff; they run on the loop.
    """

    def __init__(
        self,
        db_path: str | Path,
        backend: BookingBackend,
        clock: Clock = utc_now,
        *,
        max_attempts: int = 8,
        base_delay_s: float = 5.0,
        max_delay_s: float = 900.0,
        on_committed: Callable[[OutboxItem], None] | None = None,
        on_escalated: Callable[[OutboxItem], None] | None = None,
    ) -> None:
        self.db = Database(db_path)
        self.db.enable_wal()
        self.outbox = Outbox(
            self.db,
            clock,
            max_attempts=max_attempts,
            base_delay_s=base_delay_s,
            max_delay_s=max_delay_s,
        )
        self.backend = backend
        self.clock = clock
        self.on_committed = on_committed
        self.on_escalated = on_escalated

    async def run_once(self) -> OutboxRun:
        """Try every item due now, one at a time, and record each outcome before the next."""
        run = OutboxRun()
        for item in self.outbox.due(self.clock()):
            try:
                record = await self._attempt(item)
            except BackendRefused as exc:
                telemetry.tool_failed("outbox_retry", "refused")
                done = self.outbox.mark_escalated(item.key, f"refused: {exc}", self.clock())
                run.escalated.append(item.key)
                if self.on_escalated:
                    self.on_escalated(done)
            except BackendUnavailable as exc:
                telemetry.tool_failed("outbox_retry", "unavailable")
                done = self.outbox.mark_failed(item.key, str(exc), self.clock())
                if done.status == ESCALATED:
                    run.escalated.append(item.key)
                    if self.on_escalated:
                        self.on_escalated(done)
                else:
                    run.failed.append(item.key)
            else:
                done = self.outbox.mark_committed(item.key, record, self.clock())
                run.committed.append(item.key)
                if self.on_committed:
                    self.on_committed(done)
        return run

    async def run_forever(self, interval_s: float = 5.0) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(interval_s)

    async def _attempt(self, item: OutboxItem) -> BackendRecord:
        if item.kind == "create":
            return await self.backend.create(item.booking_request())
        return await self.backend.cancel(item.payload["ref"], item.key)

    def close(self) -> None:
        self.db.close()
