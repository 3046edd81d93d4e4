"""What the console shows, read from the store through a read-only connection.

Plain SQL over the store's tables (store/schema.py); nothing here writes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from receptionist.app.metrics import BUDGET_MS

CALLS_PAGE = 200


def mask_number(number: str | None) -> str:
    """A caller's number as the logs show it: the last two digits only."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if not digits:
        return number or "unknown"
    return "•" * 4 + digits[-2:]


def _duration_s(started: str | None, ended: str | None) -> float | None:
    if not started or not ended:
        return None
    try:
        return (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return None


def calls(conn: sqlite3.Connection, outcome: str = "", day: str = "") -> list[dict[str, Any]]:
    where, args = ["1"], []
    if outcome:
        where.append("outcome = ?")
        args.append(outcome)
    if day:
        where.append("substr(started_at, 1, 10) = ?")
        args.append(day)
    rows = conn.execute(
        f"SELECT id, caller_id, started_at, ended_at, outcome, outcome_reason FROM calls"
        f" WHERE {' AND '.join(where)} ORDER BY started_at DESC LIMIT {CALLS_PAGE}",
        args,
    ).fetchall()
    return [
        {
            "id": r["id"],
            "caller": mask_number(r["caller_id"]),
            "started_at": (r["started_at"] or "")[:19].replace("T", " "),
            "duration_s": _duration_s(r["started_at"], r["ended_at"]),
            "outcome": r["outcome"] or ("in progress" if not r["ended_at"] else "unknown"),
            "reason": r["outcome_reason"] or "",
        }
        for r in rows
    ]


def outcomes(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT outcome FROM calls WHERE outcome IS NOT NULL ORDER BY 1")]  # fmt: skip


@dataclass
class Stage:
    name: str
    start_ms: int
    ms: int


@dataclass
class Turn:
    seq: int
    speaker: str
    text: str
    at: str
    interrupted: bool
    timings: dict[str, Any]
    stages: list[Stage] = field(default_factory=list)  # the waterfall, agent turns only
    v2v_ms: int | None = None

    @property
    def over_budget(self) -> bool:
        return self.v2v_ms is not None and self.v2v_ms > BUDGET_MS


def _waterfall(caller: dict[str, Any], agent: dict[str, Any]) -> list[Stage]:
    """Endpoint and STT from the caller's turn, dialog and TTS from the agent's reply, laid
    end to end from the caller's last speech."""
    stages, at = [], 0
    order = (("endpoint", caller, "endpoint_ms"), ("stt", caller, "stt_ms"),
             ("dialog", agent, "dialog_ms"), ("tts", agent, "tts_ms"))  # fmt: skip
    for name, source, key in order:
        value = source.get(key)
        if isinstance(value, int | float):
            stages.append(Stage(name, at, int(value)))
            at += int(value)
    return stages


def turns(conn: sqlite3.Connection, call_id: str) -> list[Turn]:
    out: list[Turn] = []
    caller_timings: dict[str, Any] = {}
    for r in conn.execute(
        "SELECT seq, speaker, text, at, interrupted, timings FROM turns WHERE call_id = ?"
        " ORDER BY seq",
        [call_id],
    ):
        timings = _json(r["timings"])
        turn = Turn(r["seq"], r["speaker"], r["text"] or "", (r["at"] or "")[11:19],
                    bool(r["interrupted"]), timings)  # fmt: skip
        if r["speaker"] == "caller":
            caller_timings = timings
        elif timings:
            turn.stages = _waterfall(caller_timings, timings)
            v2v = timings.get("v2v_ms")
            turn.v2v_ms = int(v2v) if isinstance(v2v, int | float) else None
            caller_timings = {}
        out.append(turn)
    return out


def call(conn: sqlite3.Connection, call_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM calls WHERE id = ?", [call_id]).fetchone()
    if row is None:
        return None
    record = dict(row)
    record["caller"] = mask_number(record.get("caller_id"))
    record["duration_s"] = _duration_s(record.get("started_at"), record.get("ended_at"))
    record["turns"] = turns(conn, call_id)
    for table in ("bookings", "messages", "transfers", "escalations", "confirmations"):
        rows = [dict(r) for r in conn.execute(
            f"SELECT * FROM {table} WHERE call_id = ? ORDER BY id", [call_id])]  # fmt: skip
        for r in rows:
            for key in ("phone", "callback_number"):
                if key in r:
                    r[key] = mask_number(r[key])
        record[table] = rows
    record["claims"] = claims(conn, call_id)
    return record


def claims(conn: sqlite3.Connection, call_id: str) -> list[dict[str, Any]]:
    """Each claim with the last reconciliation's verdict on it."""
    last = conn.execute(
        "SELECT at, mismatches, details FROM reconciliations ORDER BY id DESC LIMIT 1"
    ).fetchone()
    details = _json_list(last["details"]) if last else []
    mismatches = details[: last["mismatches"]] if last else []
    unverified = details[last["mismatches"] :] if last else []
    out = []
    for r in conn.execute("SELECT * FROM claims WHERE call_id = ? ORDER BY id", [call_id]):
        claim = dict(r)
        label = f"claim {claim['id']} ("
        found = [d for d in mismatches if d.startswith(label)]
        doubt = [d for d in unverified if d.startswith(label)]
        if last is None or (last["at"] or "") < (claim["at"] or ""):
            claim["verdict"], claim["why"] = "unchecked", "no reconciliation since this claim"
        elif found:
            claim["verdict"], claim["why"] = "false", found[0].split("): ", 1)[-1]
        elif doubt:
            claim["verdict"], claim["why"] = "unverified", doubt[0].split("): ", 1)[-1]
        else:
            claim["verdict"], claim["why"] = "backed", f"the record agreed at {last['at'][:16]}"
        record = None
        if claim["record_table"] in ("bookings", "messages", "transfers"):
            row = conn.execute(
                f"SELECT * FROM {claim['record_table']} WHERE id = ?", [claim["record_id"]]
            ).fetchone()
            record = dict(row) if row else None
        claim["record"] = _describe_record(claim["record_table"], record)
        out.append(claim)
    return out


def _describe_record(table: str, row: dict[str, Any] | None) -> str:
    if row is None:
        return f"no {table} row"
    if table == "bookings":
        return f"booking {row['id']}: {row['service']} {row['start']} ({row['status']})"
    if table == "messages":
        return f"message {row['id']} for {row['for_staff'] or 'the front desk'}"
    if table == "transfers":
        return f"transfer {row['id']} to {row['extension']} ({row['outcome']})"
    return f"{table} {row.get('id')}"


def _percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def overview(conn: sqlite3.Connection, days: int = 30) -> dict[str, Any]:
    per_day: dict[str, dict[str, Any]] = {}
    for r in conn.execute(
        "SELECT substr(started_at, 1, 10) AS day, outcome, count(*) AS n,"
        " coalesce(sum(low_confidence_turns), 0) AS low FROM calls"
        " GROUP BY day, outcome ORDER BY day"
    ):
        bucket = per_day.setdefault(r["day"], {"outcomes": {}, "calls": 0, "low": 0, "v2v": []})
        bucket["outcomes"][r["outcome"] or "in progress"] = r["n"]
        bucket["calls"] += r["n"]
        bucket["low"] += r["low"]
    for r in conn.execute(
        "SELECT substr(c.started_at, 1, 10) AS day, t.timings FROM turns t"
        " JOIN calls c ON c.id = t.call_id WHERE t.speaker = 'agent'"
    ):
        v2v = _json(r["timings"]).get("v2v_ms")
        if isinstance(v2v, int | float) and r["day"] in per_day:
            per_day[r["day"]]["v2v"].append(int(v2v))
    rows = []
    for day, d in sorted(per_day.items())[-days:]:
        replies = d.pop("v2v")
        d["day"] = day
        d["p50"] = _percentile(replies, 0.5) if replies else None
        d["p95"] = _percentile(replies, 0.95) if replies else None
        rows.append(d)
    total = sum(d["calls"] for d in rows)
    transferred = sum(d["outcomes"].get("transferred", 0) for d in rows)
    (caller_turns,) = conn.execute("SELECT count(*) FROM turns WHERE speaker = 'caller'").fetchone()
    low = sum(d["low"] for d in rows)
    pending, oldest = conn.execute(
        "SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending'"
    ).fetchone()
    (escalated,) = conn.execute("SELECT count(*) FROM outbox WHERE status = 'escalated'").fetchone()
    last = conn.execute(
        "SELECT at, mismatches, unverified FROM reconciliations ORDER BY id DESC LIMIT 1"
    ).fetchone()
    failed_transfers = conn.execute(
        "SELECT count(*) FROM transfers WHERE outcome IN ('failed', 'no_answer', 'declined')"
    ).fetchone()[0]
    return {
        "days": rows,
        "calls": total,
        "transfer_rate": transferred / total if total else 0.0,
        "low_confidence_rate": low / caller_turns if caller_turns else 0.0,
        "outbox_pending": pending,
        "outbox_oldest": oldest,
        "outbox_escalated": escalated,
        "false_claims": last["mismatches"] if last else 0,
        "last_reconcile": last["at"] if last else None,
        "failed_transfers": failed_transfers,
    }


def alerts(view: dict[str, Any], outbox_max_age_s: float = 900.0) -> list[str]:
    """The same conditions as ops/prometheus/alerts.yml, computed here for sites without a
    Prometheus."""
    out = []
    if view["false_claims"]:
        out.append(f"{view['false_claims']} claim(s) found false by the last reconciliation")
    if view["outbox_oldest"]:
        age = datetime.now().astimezone() - datetime.fromisoformat(view["outbox_oldest"])
        if age.total_seconds() > outbox_max_age_s:
            out.append(f"outbox: oldest pending request is {age.total_seconds() / 60:.0f} min old")
    today = view["days"][-1] if view["days"] else None
    if today and today["p95"] is not None and today["p95"] > BUDGET_MS:
        out.append(f"voice-to-voice p95 {today['p95']} ms on {today['day']}, over {BUDGET_MS} ms")
    return out


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
