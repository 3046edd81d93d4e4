"""Reconciliation: every claim against the backend's own record, mismatches reported and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from receptionist.app.cli import main
from receptionist.app.config import Settings
from receptionist.store.db import Store
from receptionist.tools.reconcile import reconcile
from receptionist.tools.webhook_backend import WebhookBackend
from tests.conftest_backends import WEBHOOK_SECRET
from tests.conftest_dialog import start_call
from tests.webhook_server import WebhookServer


async def book_one(salon: Settings, store: Store, backend: WebhookBackend) -> dict:
    call = start_call(salon, store, "r1", backend=backend, deadline_s=2.0)
    said = await call.say("A haircut on Thursday at 3, my name is John Smith.")
    assert any(s.startswith("You're booked") for s in said)
    (row,) = store.rows("bookings")
    return row


async def test_true_claims_reconcile_and_a_record_changed_behind_our_back_is_reported(
    salon: Settings, store_file: Store, webhook_server: WebhookServer
) -> None:
    backend = WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=2)
    row = await book_one(salon, store_file, backend)
    clean = await reconcile(store_file, backend)
    assert (clean.claims_checked, clean.bookings_checked) == (1, 1)
    assert clean.mismatches == [] and clean.unverified == []

    # Someone cancels it in the CRM: the claim the caller heard is no longer true.
    webhook_server.bookings[row["key"]]["status"] = "cancelled"
    report = await reconcile(store_file, backend)
    assert len(report.mismatches) == 2  # the claim, and the booked row
    assert "You're booked for a haircut" in report.mismatches[0]
    assert "the store says booked, the backend says cancelled" in report.mismatches[0]
    stored = [(r["claims_checked"], r["mismatches"]) for r in store_file.rows("reconciliations")]
    assert stored == [(1, 0), (1, 2)]
    details = json.loads(store_file.rows("reconciliations")[-1]["details"])
    assert details == report.mismatches


async def test_a_claim_without_a_commit_is_a_mismatch(
    salon: Settings, store_file: Store, webhook_server: WebhookServer
) -> None:
    backend = WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=2)
    row = await book_one(salon, store_file, backend)
    # A forged "booked" claim for a row the backend never saw (what rule 1 forbids).
    store_file.update("bookings", row["id"], {"status": "pending"})
    report = await reconcile(store_file, backend)
    assert len(report.mismatches) == 1 and "the store says pending" in report.mismatches[0]
    # A pending claim for a row that never reached the outbox would never commit.
    store_file.add_claim("r1", "pending", "bookings", row["id"], "I've taken your request")
    report = await reconcile(store_file, backend)
    assert any("not in the outbox" in m for m in report.mismatches)


async def test_an_unreachable_backend_is_unverified_not_a_match(
    salon: Settings, store_file: Store, webhook_server: WebhookServer
) -> None:
    backend = WebhookBackend(webhook_server.url, WEBHOOK_SECRET, timeout_s=1)
    await book_one(salon, store_file, backend)
    webhook_server.stop()
    report = await reconcile(store_file, backend)
    assert report.mismatches == []
    assert len(report.unverified) == 2 and "backend unreadable" in report.unverified[0]


def test_reconcile_command_checks_the_store_against_its_backend(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.db"
    assert main(["reconcile", "--db", str(db)]) == 0
    assert "0 mismatch(es)" in capsys.readouterr().out
    store = Store(db)
    store.add_claim("c", "booked", "bookings", 42, "You're booked for nothing.")
    store.close()
    assert main(["reconcile", "--db", str(db), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["mismatches"] == [
        'claim 1 (booked: "You\'re booked for nothing."): no bookings row 42'
    ]
