"""Transfer requests: recorded before the caller hears "I'm transferring you", and their
outcome (answered, no answer, failed) recorded when the PBX tells us."""

from __future__ import annotations

import hashlib

from receptionist.store.db import Store, now_iso


class TransferService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def request(
        self, call_id: str, target: str, extension: str, reason: str, summary: str, warm: bool
    ) -> dict:
        attempt = len(self.store.rows("transfers", "call_id = ?", [call_id])) + 1
        key = "tr-" + hashlib.sha256(f"{call_id}|{extension}|{attempt}".encode()).hexdigest()[:24]
        row, _ = self.store.insert_once(
            "transfers",
            {
                "key": key,
                "call_id": call_id,
                "extension": extension,
                "target": target,
                "reason": reason,
                "summary": summary,
                "warm": int(warm),
                "outcome": "requested",
                "detail": "",
                "created_at": now_iso(),
                "updated_at": now_iso(),
            },
        )
        return row

    def finish(self, row_id: int, outcome: str, detail: str = "") -> dict:
        return self.store.update(
            "transfers", row_id, {"outcome": outcome, "detail": detail, "updated_at": now_iso()}
        )
