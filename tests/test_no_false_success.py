"""No false success, against real misbehaving backends and a daemon restart in the middle.

Calls book through the real conversation, effects and BookingService against the
loopback webhook server (told to fail in every way it knows) and against a Radicale that is
stopped. Then a first
outbox worker retries while the backend still fails, the "daemon" stops (store and worker
closed), a new one starts on the same SQLite file and the backend comes back. At the end:
zero false claims (reconciliation finds no mismatch), zero duplicate bookings, and every
pending request committed exactly once, with the caller's confirmation recorded.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from receptionist.app.config import Settings
from receptionist.store.db import Store
from receptionist.tools.backend import BookingBackend
from receptionist.tools.caldav_backend import CalDavBackend
from receptionist.tools.followup import outbox_worker
from receptionist.tools.outbox import utc_now
from receptionist.tools.reconcile import reconcile
from receptionist.tools.webhook_backend import WebhookBackend
from tests.conftest_backends import WEBHOOK_SECRET, RadicaleCalendar
from tests.conftest_dialog import start_call
from tests.webhook_server import WebhookServer

# (caller, what they ask for, how the webhook answers the create)
WEBHOOK_CALLS = [
    ("5550000001", "a haircut on Thursday at 9", "ok"),
    ("5550000002", "a haircut on Thursday at 10", "answer_twice"),
    ("5550000003", "a haircut on Thursday at 11", "500"),
    ("5550000004", "a haircut on Thursday at 12", "lose_response"),
    ("5550000005", "a haircut on Thursday at 1 pm", "hang"),
    ("5550000006", "a haircut on Thursday at 2 pm", "slow:1.2"),
    ("5550000007", "a haircut on Thursday at 4 pm", "bad_json"),
]


def claim_kinds(store: Store) -> list[str]:
    return [c["kind"] for c in store.rows("claims")]


async def place(
    salon: Settings, store: Store, backend: BookingBackend, n: int, caller: str, ask: str
) -> list[str]:
    call = start_call(salon, store, f"call-{n}", caller, backend=backend, deadline_s=0.5)
    said = await call.say(f"I'd like to book {ask}, my name is Caller {chr(65 + n)}.")
    await call.hang_up()
    return said


async def test_misbehaving_webhook_and_a_restart_commit_each_request_once(
    salon: Settings, tmp_path: Path, webhook_server: WebhookServer
) -> None:
    path = tmp_path / "receptionist.db"
    store = Store(path)
    backend = WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=1.0)
    for n, (caller, ask, mode) in enumerate(WEBHOOK_CALLS):
        webhook_server.misbehave("ok", mode)  # the free/busy check, then the create
        said = await place(salon, store, backend, n, caller, ask)
        committed_in_time = mode in ("ok", "answer_twice")
        booked = any(s.startswith("You're booked") for s in said)
        pending = any("a confirmation as soon as it goes through" in s for s in said)
        assert (booked, pending) == (committed_in_time, not committed_in_time), (mode, said)

    # What the callers heard matches the records: 2 booked, 5 pending, none claimed falsely.
    assert claim_kinds(store) == ["booked"] * 2 + ["pending"] * 5
    assert [b["status"] for b in store.rows("bookings")] == ["booked"] * 2 + ["pending"] * 5
    assert (await reconcile(store, backend)).mismatches == []

    # Daemon 1: its worker retries while the webhook still answers 500.
    webhook_server.misbehave(*["500"] * 5)
    first = outbox_worker(store, backend)
    run = await first.run_once()
    assert (len(run.failed), run.committed) == (5, [])
    first.close()
    store.close()  # the daemon stops

    await asyncio.sleep(1.3)  # the slow request finishes its own work on the server meanwhile
    # Daemon 2, same file; the webhook is healthy again.
    store = Store(path)
    later = lambda: utc_now() + timedelta(hours=1)  # noqa: E731 - the backoff has passed
    second = outbox_worker(store, WebhookBackend(webhook_server.url, WEBHOOK_SECRET), later)
    run = await second.run_once()
    assert len(run.committed) == 5 and run.failed == run.escalated == []
    assert (await second.run_once()).committed == []
    second.close()

    keys = [b["key"] for b in store.rows("bookings")]
    assert [b["status"] for b in store.rows("bookings")] == ["booked"] * 7
    assert {k: webhook_server.commits[k] for k in keys} == {k: 1 for k in keys}
    assert len(webhook_server.bookings) == 7  # no duplicate anywhere
    confirmations = store.rows("confirmations")
    assert len(confirmations) == 5 and all(c["status"] == "to_send" for c in confirmations)
    assert "is confirmed" in confirmations[0]["text"]
    assert claim_kinds(store) == ["booked"] * 2 + ["pending"] * 5 + ["confirmed"] * 5
    final = await reconcile(store, backend)
    assert (final.mismatches, final.unverified, final.claims_checked) == ([], [], 12)
    assert [r["mismatches"] for r in store.rows("reconciliations")] == [0, 0]
    store.close()


async def test_a_stopped_radicale_and_a_restart_commit_each_request_once(
    salon: Settings, tmp_path: Path, restartable_radicale: RadicaleCalendar
) -> None:
    cal = restartable_radicale

    def caldav() -> CalDavBackend:
        return CalDavBackend(cal.server.url, cal.server.username, cal.server.password,
                             cal.name, timeout_s=2.0)  # fmt: skip

    path = tmp_path / "receptionist.db"
    store = Store(path)
    backend = caldav()
    said = await place(salon, store, backend, 0, "5550000011", "a colour on Friday at 10")
    assert any(s.startswith("You're booked") for s in said)
    cal.server.stop()
    for n, ask in enumerate(["a haircut on Friday at 2 pm", "a beard trim on Saturday at 9"], 1):
        said = await place(salon, store, backend, n, f"555000002{n}", ask)
        assert any("a confirmation as soon as it goes through" in s for s in said)
        assert not any(s.startswith("You're booked") for s in said)
    # With the calendar down, a booked claim can't be checked: unverified, never a match.
    report = await reconcile(store, backend)
    assert report.mismatches == [] and len(report.unverified) == 2

    first = outbox_worker(store, backend)
    assert len((await first.run_once()).failed) == 2
    first.close()
    backend.close()
    store.close()

    cal.server.start()
    store = Store(path)
    backend = caldav()
    later = lambda: utc_now() + timedelta(hours=1)  # noqa: E731
    second = outbox_worker(store, backend, later)
    assert len((await second.run_once()).committed) == 2
    assert (await second.run_once()).committed == []
    second.close()

    assert [b["status"] for b in store.rows("bookings")] == ["booked"] * 3
    assert len(cal.server.event_files(cal.url)) == 3  # one event per request, none twice
    for row in store.rows("bookings"):
        record = await backend.lookup(row["key"])
        assert record is not None and record.status == "booked"
        assert (
            record.start is not None and record.start.isoformat(timespec="minutes") == row["start"]
        )
    assert len(store.rows("confirmations")) == 2
    final = await reconcile(store, backend)
    assert (final.mismatches, final.unverified) == ([], [])
    backend.close()
    store.close()


async def test_the_daemon_retries_what_an_earlier_run_left_pending(
    salon: Settings, tmp_path: Path
) -> None:
    from receptionist.app.daemon import _start_outbox
    from receptionist.app.runtime import Runtime
    from receptionist.tools.booking import BookingService
    from receptionist.tools.scripted_backend import ScriptedBackend

    path = tmp_path / "receptionist.db"
    store = Store(path)
    down = ScriptedBackend(["500"])
    said = await place(salon, store, down, 0, "5550000031", "a kids cut on Saturday at 11")
    assert any("a confirmation as soon as it goes through" in s for s in said)
    store.close()  # the daemon that took the call stops

    store = Store(path)
    backend = ScriptedBackend()
    bookings = BookingService(store, backend, salon.profile)
    runtime = Runtime(salon, store, None, bookings)  # type: ignore[arg-type]  # no models needed
    task = _start_outbox(runtime)
    assert task is not None
    for _ in range(100):
        if store.rows("bookings")[0]["status"] == "booked":
            break
        await asyncio.sleep(0.02)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert [b["status"] for b in store.rows("bookings")] == ["booked"]
    assert list(backend.commits.values()) == [1] and len(store.rows("confirmations")) == 1
    store.close()
