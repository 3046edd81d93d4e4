"""Retention: callers' data kept no longer than ``[retention] days`` says (0: kept forever).

A sweep deletes what is older than that: finished calls with their turns (the transcripts),
claims, escalations, transfers (their summaries hold names and numbers), messages, sent or
failed confirmations, settled outbox entries, reconciliation reports, bookings whose
appointment ended that long ago, and recording files (those of the calls deleted, and any file
in the recordings folder last written that long ago).

Kept whatever their age: bookings still to come and bookings still ``pending`` (the business
needs them, and the outbox still works on them), outbox entries still pending, confirmations
not yet sent, and calls not yet ended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from receptionist.store.db import Store

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(days=1)

# (table, the condition that makes a row old enough to go); ? is the cut-off timestamp.
_BY_AGE: tuple[tuple[str, str], ...] = (
    ("messages", "created_at < ?"),
    ("claims", "at < ?"),
    ("escalations", "at < ?"),
    ("transfers", "created_at < ?"),
    ("confirmations", "created_at < ? and status in ('sent', 'failed')"),
    ("outbox", "updated_at < ? and status in ('committed', 'escalated')"),
    ("reconciliations", "at < ?"),
)


@dataclass(frozen=True)
class Swept:
    """How many of each were deleted."""

    rows: dict[str, int] = field(default_factory=dict)
    recordings: int = 0

    def describe(self) -> str:
        parts = [f"{n} {table}" for table, n in self.rows.items()]
        return ", ".join([*parts, f"{self.recordings} recording file(s)"])


def sweep(store: Store, recordings_dir: str | Path, days: int, now: datetime) -> Swept:
    """Delete what is older than ``days`` before ``now`` (aware, local); nothing when 0."""
    if days <= 0:
        return Swept()
    cutoff = now - timedelta(days=days)
    stamp = cutoff.isoformat(timespec="milliseconds")
    # Bookings keep the business's local wall time, without an offset.
    local = cutoff.replace(tzinfo=None).isoformat(timespec="minutes")
    rows: dict[str, int] = {}
    old = "select id from calls where ended_at is not null and started_at < ?"
    with store.lock, store.db.conn:
        run = store.db.execute
        run("begin immediate")  # one transaction: all of it goes, or none
        recorded = [r[0] for r in run(old.replace("id", "recording_path", 1), [stamp]) if r[0]]
        rows["turns"] = run(
            f"delete from turns where call_id in ({old}) or at < ?", [stamp, stamp]
        ).rowcount
        rows["calls"] = run(f"delete from calls where id in ({old})", [stamp]).rowcount
        for table, where in _BY_AGE:
            rows[table] = run(f"delete from {table} where {where}", [stamp]).rowcount
        rows["bookings"] = run(
            'delete from bookings where "end" < ? and status != ?', [local, "pending"]
        ).rowcount
    recordings = _delete_recordings(Path(recordings_dir), recorded, cutoff)
    swept = Swept(rows, recordings)
    log.info("retention (%d days): deleted %s", days, swept.describe())
    return swept


def _delete_recordings(folder: Path, of_calls: list[str], cutoff: datetime) -> int:
    """The recordings of the calls deleted, and any file in the folder older than the cut-off;
    nothing outside the folder, whatever a row says."""
    if not folder.is_dir():
        return 0
    root = folder.resolve()
    doomed: set[Path] = set()
    for name in of_calls:
        path = Path(name).resolve()
        if path.parent == root and path.is_file():
            doomed.add(path)
    limit = cutoff.timestamp()
    for path in root.iterdir():
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
            doomed.add(path)
    deleted = 0
    for path in doomed:
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            pass  # gone already: the PBX or an operator removed it
        except OSError as exc:
            log.warning("retention: cannot delete recording %s: %s", path.name, exc)
    return deleted


__all__ = ["SWEEP_EVERY", "Swept", "sweep"]
