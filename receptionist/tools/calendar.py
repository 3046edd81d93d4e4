"""The built-in calendar: bookings live in the store itself (the embedded default backend).

A slot is held by any booking that is booked or still pending in the outbox, so a request
waiting for its backend can't be double-booked by the next caller.
"""

from __future__ import annotations

from datetime import datetime

from receptionist.store.db import Store, now_iso
from receptionist.tools.backend import (
    BackendRecord,
    BackendRefused,
    BookingBackend,
    BookingRequest,
)

HOLDING = ("booked", "pending")


def overlapping(
    store: Store, start: datetime, end: datetime, except_key: str = "", replaced: str = ""
) -> list[dict]:
    """Bookings held between ``start`` and ``end``, but the one of ``except_key`` and the one
    a move replaces (``replaced``: its key)."""
    return store.rows(
        "bookings",
        "status in ('booked', 'pending') and start < ? and \"end\" > ? and key not in (?, ?)",
        [end.isoformat(timespec="minutes"), start.isoformat(timespec="minutes"), except_key,
         replaced],
        order_by="start",
    )  # fmt: skip


class BuiltinCalendar(BookingBackend):
    name = "builtin"

    def __init__(self, store: Store) -> None:
        self.store = store

    async def create(self, request: BookingRequest) -> BackendRecord:
        with self.store.lock:
            row = self.store.first("bookings", "key = ?", [request.key])
            if row is not None and row["status"] == "booked":
                return _record(row)
            if overlapping(self.store, request.start, request.end, request.key, request.replaces):
                raise BackendRefused(f"{request.start:%A %H:%M} is already taken")
            if row is None:
                raise BackendRefused(f"no booking request under key {request.key}")
            updated = self.store.update(
                "bookings",
                row["id"],
                {"status": "booked", "backend_ref": f"store:{row['id']}", "updated_at": now_iso()},
            )
        return _record(updated)

    async def cancel(self, ref: str, key: str) -> BackendRecord:
        row = self.store.first("bookings", "backend_ref = ?", [ref])
        if row is None:
            raise BackendRefused(f"no booking {ref}")
        if row["status"] != "cancelled":
            row = self.store.update(
                "bookings", row["id"], {"status": "cancelled", "updated_at": now_iso()}
            )
        return _record(row)

    async def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"]))
            for r in overlapping(self.store, start, end)
        ]

    async def lookup(self, key: str) -> BackendRecord | None:
        row = self.store.first("bookings", "key = ?", [key])
        return _record(row) if row and row["status"] != "pending" else None


def _record(row: dict) -> BackendRecord:
    return BackendRecord(
        ref=row["backend_ref"] or f"store:{row['id']}",
        status=row["status"],
        start=datetime.fromisoformat(row["start"]),
        service=row["service"],
        name=row["name"],
    )
