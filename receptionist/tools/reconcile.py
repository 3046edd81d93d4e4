"""`receptionist reconcile`: every claim checked against the backend's own record.

A claim is a sentence the caller heard ("you're booked for Thursday at 3"), tied to the store
row it was built from. Reconciliation re-reads that row and the backend's record under the
same idempotency key (CalDAV, the webhook's lookup, or the built-in calendar) and reports
each mismatch: a claim the records no longer back is a false success. A record that can't be
read right now is reported as unverified, not as a match. The counts are stored in the
``reconciliations`` table.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from receptionist.store.db import Store, now_iso
from receptionist.tools.backend import BackendError, BackendRecord, BookingBackend

LOOKUP_DEADLINE_S = 5.0


@dataclass
class Reconciliation:
    backend: str
    claims_checked: int = 0
    bookings_checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def as_dict(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "claims_checked": self.claims_checked,
            "bookings_checked": self.bookings_checked,
            "mismatches": self.mismatches,
            "unverified": self.unverified,
        }


class _Lookups:
    """The backend's record per key, read once; a failed read is None with a reason."""

    def __init__(self, backend: BookingBackend) -> None:
        self.backend = backend
        self.found: dict[str, BackendRecord | None] = {}
        self.errors: dict[str, str] = {}

    async def get(self, key: str) -> BackendRecord | None:
        if key not in self.found and key not in self.errors:
            try:
                self.found[key] = await asyncio.wait_for(
                    self.backend.lookup(key), LOOKUP_DEADLINE_S
                )
            except (BackendError, TimeoutError, OSError) as exc:
                self.errors[key] = str(exc) or type(exc).__name__
        return self.found.get(key)


async def reconcile(store: Store, backend: BookingBackend, save: bool = True) -> Reconciliation:
    """Check every claim and every booked row; store the counts unless ``save`` is False."""
    report = Reconciliation(backend.name)
    lookups = _Lookups(backend)
    for claim in store.rows("claims"):
        report.claims_checked += 1
        await _check_claim(store, claim, lookups, report)
    for row in store.rows("bookings", "status = 'booked'"):
        report.bookings_checked += 1
        record = await lookups.get(row["key"])
        label = f"booking {row['id']} ({row['service']} {row['start']})"
        if row["key"] in lookups.errors:
            report.unverified.append(f"{label}: backend unreadable ({lookups.errors[row['key']]})")
        elif record is None or record.status != "booked":
            state = "nothing" if record is None else record.status
            report.mismatches.append(f"{label}: the store says booked, the backend has {state}")
    if save:
        _save(store, report)
    return report


async def _check_claim(
    store: Store, claim: dict, lookups: _Lookups, report: Reconciliation
) -> None:
    label = f"claim {claim['id']} ({claim['kind']}: {claim['sentence']!r})"
    table, kind = claim["record_table"], claim["kind"]
    row = store.first(table, "id = ?", [claim["record_id"]]) if table else None
    if row is None:
        report.mismatches.append(f"{label}: no {table} row {claim['record_id']}")
        return
    if table != "bookings":
        return  # messages and transfer requests live in the store alone: the row is the record
    problem = await _booking_problem(store, kind, {**row, "_sentence": claim["sentence"]}, lookups)
    if problem is None:
        return
    if problem.startswith("unverified: "):
        report.unverified.append(f"{label}: {problem.removeprefix('unverified: ')}")
    else:
        report.mismatches.append(f"{label}: {problem}")


async def _booking_problem(store: Store, kind: str, row: dict, lookups: _Lookups) -> str | None:
    status = row["status"]
    if kind in ("booked", "confirmed"):
        if status not in ("booked", "cancelled"):
            return f"the store says {status}"
        return await _backend_agrees(row, lookups, must_exist=True)
    if kind == "cancelled":
        if status != "cancelled":
            return f"the store says {status}"
        return await _backend_agrees(row, lookups, must_exist=False)
    if kind == "cancel_pending":
        if status == "cancelled":
            return await _backend_agrees(row, lookups, must_exist=False)
        if status != "booked":
            return f"the store says {status}"
        if store.first("outbox", "key = ?", ["cx-" + row["key"]]) is None:
            return "cancellation not in the outbox: it would never happen"
        return None
    if kind == "pending":
        if status == "pending":
            item = store.first("outbox", "key = ?", [row["key"]])
            if item is None:
                return "pending in the store but not in the outbox: it would never commit"
            return None
        if status == "booked":
            return await _backend_agrees(row, lookups, must_exist=True)
        if status == "escalated":
            return None  # staff hold it; the caller was told only that it was taken
        return None if status == "cancelled" else f"the store says {status}"
    if kind == "status":
        # A status answer claims the state the booking was in when it was said; the template
        # (tools/claims.py) tells which.
        sentence = row.get("_sentence", "")
        if " booked on " in sentence:
            return await _booking_problem(store, "booked", row, lookups)
        if "still being confirmed" in sentence:
            return await _booking_problem(store, "pending", row, lookups)
        if "was cancelled" in sentence:
            return await _booking_problem(store, "cancelled", row, lookups)
        return None if status in ("refused", "escalated") else f"the store says {status}"
    return f"unknown claim kind {kind!r}"


async def _backend_agrees(row: dict, lookups: _Lookups, must_exist: bool) -> str | None:
    record = await lookups.get(row["key"])
    if row["key"] in lookups.errors:
        return f"unverified: backend unreadable ({lookups.errors[row['key']]})"
    if record is None:
        return "the backend has no record under its key" if must_exist else None
    if record.status != row["status"]:
        return f"the store says {row['status']}, the backend says {record.status}"
    if record.start is not None and record.start.isoformat(timespec="minutes") != row["start"]:
        return f"the store says {row['start']}, the backend says {record.start:%Y-%m-%dT%H:%M}"
    return None


def _save(store: Store, report: Reconciliation) -> None:
    store.insert(
        "reconciliations",
        {
            "at": now_iso(),
            "backend": report.backend,
            "claims_checked": report.claims_checked,
            "mismatches": len(report.mismatches),
            "unverified": len(report.unverified),
            "details": json.dumps(report.mismatches + report.unverified),
        },
    )


def print_report(report: Reconciliation) -> None:
    print(
        f"reconciled {report.claims_checked} claims and {report.bookings_checked} booked rows "
        f"against {report.backend}: {len(report.mismatches)} mismatch(es), "
        f"{len(report.unverified)} unverified"
    )
    for line in report.mismatches:
        print(f"  MISMATCH {line}")
    for line in report.unverified:
        print(f"  UNVERIFIED {line}")
