"""The summary of one call, as the `call` command prints it and the tests read it."""

from __future__ import annotations

from typing import Any

from receptionist.store.db import Store


def call_summary(store: Store, call_id: str) -> dict[str, Any]:
    call = store.call(call_id)
    return {
        "call_id": call_id,
        "caller_id": call["caller_id"],
        "outcome": {
            "kind": call["outcome"],
            "reason": call["outcome_reason"],
            "hung_up_by": call["hung_up_by"],
        },
        "recording": call["recording_path"],
        "turns": [
            {
                "speaker": t["speaker"],
                "text": t["text"],
                "timings_ms": t["timings"],
                "interrupted": bool(t["interrupted"]),
            }
            for t in store.turns(call_id)
        ],
        "bookings": [
            {
                "id": b["id"],
                "service": b["service"],
                "start": b["start"],
                "name": b["name"],
                "phone": b["phone"],
                "status": b["status"],
            }
            for b in store.rows("bookings", "call_id = ?", [call_id])
        ],
        "messages": [
            {
                "for": m["for_staff"],
                "caller_name": m["caller_name"],
                "callback_number": m["callback_number"],
                "text": m["text"],
            }
            for m in store.rows("messages", "call_id = ?", [call_id])
        ],
        "claims": [
            {
                "kind": c["kind"],
                "record": f"{c['record_table']}/{c['record_id']}",
                "sentence": c["sentence"],
            }
            for c in store.rows("claims", "call_id = ?", [call_id])
        ],
        "transfers": [
            {
                "extension": t["extension"],
                "target": t["target"],
                "reason": t["reason"],
                "summary": t["summary"],
                "outcome": t["outcome"],
            }
            for t in store.rows("transfers", "call_id = ?", [call_id])
        ],
        "escalations": [
            {"rule": e["rule"], "words": e["words"], "target": e["target"]}
            for e in store.rows("escalations", "call_id = ?", [call_id])
        ],
    }
