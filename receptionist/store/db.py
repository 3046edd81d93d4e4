"""The store: one SQLite file (WAL), every record of every call.

Writes are small and synchronous; each multi-row write is one transaction. A unique index
on each side effect's idempotency key makes a duplicate impossible: ``insert_once``
returns the row that already holds the key instead of making a second.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from receptionist.store.schema import migrations


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class StoreError(RuntimeError):
    """The store could not be opened or written; the message names the file."""


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            # Callers' numbers, names and words: readable by the daemon's user alone.
            Path(self.path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            Path(self.path).touch(mode=0o600, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self.db = Database(conn)
            if self.path != ":memory:":
                self.db.enable_wal()
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA busy_timeout=5000")
            migrations.apply(self.db)
            for suffix in ("", "-wal", "-shm"):
                if self.path != ":memory:" and Path(self.path + suffix).exists():
                    os.chmod(self.path + suffix, 0o600)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store {self.path}: cannot open or migrate ({exc})") from exc
        self._lock = threading.RLock()

    def close(self) -> None:
        self.db.close()

    # -- generic -------------------------------------------------------------------------

    def insert_once(self, table: str, row: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Insert ``row`` unless a row with its ``key`` exists; returns (row, created)."""
        with self._lock:
            existing = self.first(table, "key = ?", [row["key"]])
            if existing is not None:
                return existing, False
            try:
                with self.db.conn:
                    rowid = self.db.table(table).insert(row).last_pk
                assert rowid is not None
            except sqlite3.IntegrityError:  # another writer won the race: theirs stands
                existing = self.first(table, "key = ?", [row["key"]])
                assert existing is not None
                return existing, False
            return self.db.table(table).get(rowid), True

    @property
    def lock(self) -> threading.RLock:
        """Held across a read-then-write that must not interleave with another writer."""
        return self._lock

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row in its own transaction; returns its id."""
        with self._lock, self.db.conn:
            rowid = self.db.table(table).insert(row).last_pk
        assert rowid is not None
        return int(rowid)

    def first(self, table: str, where: str, args: list[Any]) -> dict[str, Any] | None:
        rows = list(self.db.table(table).rows_where(where, args, limit=1))
        return rows[0] if rows else None

    def rows(
        self, table: str, where: str = "1", args: list[Any] | None = None, order_by: str = "id"
    ) -> list[dict[str, Any]]:
        return list(self.db.table(table).rows_where(where, args or [], order_by=order_by))

    def update(self, table: str, pk: Any, values: dict[str, Any]) -> dict[str, Any]:
        with self._lock, self.db.conn:
            self.db.table(table).update(pk, values)
        return self.db.table(table).get(pk)

    # -- calls and turns ---------------------------------------------------------------------

    def start_call(self, call_id: str, caller_id: str, called_number: str, bridge: str) -> str:
        """Open the call's record and return its id: a second call arriving with an id that
        is already taken (a switch's bug, or a peer's) gets its own row, ``id-2``, ``id-3``."""
        with self._lock, self.db.conn:
            taken = {
                r["id"]
                for r in self.db.query(
                    "select id from calls where id = ? or id like ?", [call_id, f"{call_id}-%"]
                )
            }
            chosen, n = call_id, 1
            while chosen in taken:
                n += 1
                chosen = f"{call_id}-{n}"
            self.db.table("calls").insert(
                {
                    "id": chosen,
                    "caller_id": caller_id,
                    "called_number": called_number,
                    "bridge": bridge,
                    "started_at": now_iso(),
                },
            )
        return chosen

    def end_call(
        self,
        call_id: str,
        outcome: str,
        reason: str,
        hung_up_by: str = "",
        counts: dict[str, int] | None = None,
    ) -> None:
        values: dict[str, Any] = {"ended_at": now_iso(), "outcome": outcome,
                                  "outcome_reason": reason, **(counts or {})}  # fmt: skip
        if hung_up_by:
            values["hung_up_by"] = hung_up_by
        self.update("calls", call_id, values)

    def end_transferred_call(self, call_id: str, ended: float) -> None:
        """The caller and staff hung up (``ended``: epoch seconds): the call's record ends
        there, and keeps when the caller was handed over as ``bridged_at``."""
        with self._lock, self.db.conn:
            row = self.db.table("calls").get(call_id)
            end = datetime.fromtimestamp(ended).astimezone()
            start = datetime.fromisoformat(row["started_at"])
            self.db.table("calls").update(
                call_id,
                {
                    "bridged_at": row["ended_at"],
                    "ended_at": end.isoformat(timespec="milliseconds"),
                    "duration_s": round((end - start).total_seconds(), 3),
                },
            )

    def call(self, call_id: str) -> dict[str, Any]:
        return self.db.table("calls").get(call_id)

    def add_turn(
        self,
        call_id: str,
        speaker: str,
        text: str,
        timings: Mapping[str, int | str],
        interrupted: bool = False,
    ) -> int:
        with self._lock, self.db.conn:
            seq = self.db.execute(
                "select coalesce(max(seq), 0) + 1 from turns where call_id = ?", [call_id]
            ).fetchone()[0]
            self.db.table("turns").insert(
                {
                    "call_id": call_id,
                    "seq": seq,
                    "speaker": speaker,
                    "text": text,
                    "at": now_iso(),
                    "interrupted": int(interrupted),
                    "timings": json.dumps(timings),
                    "v2v_pipeline_ms": timings.get("v2v_ms"),
                    "v2v_line_ms": timings.get("v2v_line_ms"),
                }
            )
        return int(seq)

    def turns(self, call_id: str) -> list[dict[str, Any]]:
        rows = self.rows("turns", "call_id = ?", [call_id], order_by="seq")
        for row in rows:
            row["timings"] = json.loads(row["timings"] or "{}")
        return rows

    def set_call_state(self, call_id: str, state: dict[str, Any] | None) -> None:
        self.update("calls", call_id, {"state": json.dumps(state) if state else None})

    # -- claims --------------------------------------------------------------------------

    def add_claim(self, call_id: str, kind: str, table: str, record_id: int, sentence: str) -> int:
        return self.insert(
            "claims",
            {
                "call_id": call_id,
                "kind": kind,
                "record_table": table,
                "record_id": record_id,
                "sentence": sentence,
                "at": now_iso(),
            },
        )
