"""A daemon killed mid-call, then started again: the call gets an end, and a booking whose
backend request was in flight is retried from the outbox and committed exactly once."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from receptionist.app.config import Settings
from receptionist.store.db import Store
from receptionist.tools.booking import BookingService
from receptionist.tools.followup import outbox_worker
from receptionist.tools.reconcile import reconcile
from receptionist.tools.recovery import CRASH_REASON, recover
from receptionist.tools.scripted_backend import ScriptedBackend


async def test_a_crash_mid_booking_is_recovered_at_start_up(
    salon: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "receptionist.db"
    backend = ScriptedBackend(["timeout"], hang_s=30.0)
    store = Store(path)
    store.start_call("k1", "5551234567", "100", "asterisk")
    bookings = BookingService(store, backend, salon.profile, deadline_s=20.0)
    haircut = salon.profile.service("haircut")
    assert haircut is not None
    request = asyncio.ensure_future(bookings.book(
        "k1", "5551234567", haircut, datetime(2026, 11, 26, 15, 0), "John Smith", "5551234567"
    ))  # fmt: skip
    while not backend.requests:  # the backend has the request: now the daemon dies
        await asyncio.sleep(0.01)
    request.cancel()
    store.close()

    store = Store(path)  # the next start-up, on the same file
    recovered = recover(store)
    assert (recovered.calls_closed, recovered.requests_queued) == (1, 1)
    call = store.call("k1")
    assert (call["outcome"], call["outcome_reason"]) == ("failed", CRASH_REASON)
    assert recover(store) == type(recovered)(0, 0)  # a second start-up finds nothing

    worker = outbox_worker(store, backend)
    try:
        run = await worker.run_once()
    finally:
        worker.close()
    (row,) = store.rows("bookings")
    assert run.committed == [row["key"]] and row["status"] == "booked"
    assert sum(backend.commits.values()) == 1
    report = await reconcile(store, backend)
    assert report.mismatches == []
    store.close()
