"""One line per call at INFO when it ends (outcome and timings), and JSON logs as an option.

``RECEPTIONIST_LOG_FORMAT=json`` writes each record as one JSON object; a call's line carries
its figures as fields (``outcome``, ``duration_s``, ``v2v_p50_ms``...), so a log shipper can
chart them without parsing the text. Phone numbers and callers' words stay out of the line.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from receptionist.store.db import Store

log = logging.getLogger("receptionist.calls")
BUDGET_MS = 1000


def call_fields(store: Store, call_id: str) -> dict[str, Any]:
    row = store.call(call_id)
    replies = [t["timings"].get("v2v_ms") for t in store.turns(call_id) if t["speaker"] == "agent"]
    v2v = sorted(v for v in replies if isinstance(v, int | float))
    duration = None
    if row.get("started_at") and row.get("ended_at"):
        duration = (datetime.fromisoformat(row["ended_at"])
                    - datetime.fromisoformat(row["started_at"])).total_seconds()  # fmt: skip
    return {
        "call_id": call_id,
        "bridge": row.get("bridge"),
        "outcome": row.get("outcome"),
        "reason": row.get("outcome_reason"),
        "duration_s": round(duration, 1) if duration is not None else None,
        "replies": len(v2v),
        "v2v_p50_ms": v2v[len(v2v) // 2] if v2v else None,
        "v2v_max_ms": v2v[-1] if v2v else None,
        "over_budget": sum(v > BUDGET_MS for v in v2v),
        "low_confidence_turns": row.get("low_confidence_turns") or 0,
        "not_understood_turns": row.get("not_understood_turns") or 0,
    }


def log_call(store: Store, call_id: str) -> None:
    """The call's one INFO line; never raises (a log line must not fail a call)."""
    try:
        f = call_fields(store, call_id)
    except Exception as exc:  # the record is what matters; say why the line is missing
        log.warning("call %s: no summary line (%s)", call_id, exc)
        return
    log.info(
        "call %s ended: %s (%s), %s s, %d replies, voice-to-voice p50 %s ms max %s ms, "
        "%d over budget",
        call_id, f["outcome"], f["reason"], f["duration_s"], f["replies"], f["v2v_p50_ms"],
        f["v2v_max_ms"], f["over_budget"],
        extra={"fields": f},
    )  # fmt: skip


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
