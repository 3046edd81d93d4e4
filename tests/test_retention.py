"""Retention: `[retention] days = N` deletes callers' data older than N days, from a real
SQLite store and a real recordings folder, and keeps bookings still to come or still pending;
`days = 0` keeps everything. The daemon sweeps at start-up and logs the counts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from receptionist.app.config import ConfigError, parse_settings
from receptionist.store.db import Store, now_iso
from receptionist.tools.retention import sweep

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.now().astimezone()
OLD = NOW - timedelta(days=40)
RECENT = NOW - timedelta(days=2)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _call(store: Store, call_id: str, when: datetime, recording: Path | None) -> None:
    store.start_call(call_id, "5551234567", "100", "asterisk")
    store.add_turn(call_id, "caller", "Hi, it's John Smith, 555 123 4567.", {})
    store.end_call(call_id, "completed", "caller said goodbye")
    values: dict[str, str] = {"started_at": _stamp(when), "ended_at": _stamp(when)}
    if recording is not None:
        recording.write_bytes(b"RIFF")
        os.utime(recording, (when.timestamp(), when.timestamp()))
        values["recording_path"] = str(recording)
    store.update("calls", call_id, values)
    store.db.execute("update turns set at = ? where call_id = ?", [_stamp(when), call_id])


def _booking(store: Store, key: str, start: datetime, status: str, made: datetime) -> None:
    store.insert("bookings", {
        "key": key, "call_id": "old", "service": "haircut",
        "start": start.replace(tzinfo=None).isoformat(timespec="minutes"),
        "end": (start + timedelta(minutes=30)).replace(tzinfo=None).isoformat(timespec="minutes"),
        "name": "John Smith", "phone": "5551234567", "status": status, "backend": "builtin",
        "backend_ref": "", "created_at": _stamp(made), "updated_at": _stamp(made),
    })  # fmt: skip


def _fill(store: Store, recordings: Path) -> None:
    recordings.mkdir()
    _call(store, "old", OLD, recordings / "old.wav")
    _call(store, "recent", RECENT, recordings / "recent.wav")
    orphan = recordings / "orphan.wav"  # its call row is long gone
    orphan.write_bytes(b"RIFF")
    os.utime(orphan, (OLD.timestamp(), OLD.timestamp()))
    for when, call_id in ((OLD, "old"), (RECENT, "recent")):
        stamp = _stamp(when)
        store.insert("messages", {"key": f"m-{call_id}", "call_id": call_id, "for_staff": "Sarah",
                                  "caller_name": "John Smith", "callback_number": "5551234567",
                                  "text": "call me", "created_at": stamp})  # fmt: skip
        store.insert("claims", {"call_id": call_id, "kind": "message", "record_table": "messages",
                                "record_id": 1, "sentence": "passed on", "at": stamp})  # fmt: skip
        store.insert("escalations", {"call_id": call_id, "rule": "refund", "words": "refund",
                                     "target": "Sarah", "at": stamp})  # fmt: skip
        store.insert("transfers", {"key": f"t-{call_id}", "call_id": call_id, "extension": "200",
                                   "target": "front desk", "reason": "asked",
                                   "summary": "John Smith (555 123 4567) is calling",
                                   "warm": 1, "outcome": "answered", "detail": "",
                                   "created_at": stamp, "updated_at": stamp})  # fmt: skip
    _booking(store, "past", OLD, "booked", OLD - timedelta(days=1))
    _booking(store, "past-cancelled", OLD, "cancelled", OLD - timedelta(days=1))
    _booking(store, "past-pending", OLD, "pending", OLD - timedelta(days=1))
    _booking(store, "future", NOW + timedelta(days=60), "booked", OLD)  # made long ago
    _booking(store, "recent", RECENT, "booked", RECENT)


def _count(store: Store, table: str) -> int:
    return int(store.db.execute(f"select count(*) from {table}").fetchone()[0])


def test_a_sweep_deletes_what_is_older_than_the_retention_and_keeps_bookings_to_come(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "r.db")
    recordings = tmp_path / "recordings"
    _fill(store, recordings)

    swept = sweep(store, recordings, 30, NOW)

    assert [c["id"] for c in store.rows("calls")] == ["recent"]
    assert {t["call_id"] for t in store.rows("turns")} == {"recent"}
    for table in ("messages", "claims", "escalations", "transfers"):
        assert [r["call_id"] for r in store.rows(table)] == ["recent"], table
    assert sorted(b["key"] for b in store.rows("bookings")) == ["future", "past-pending", "recent"]
    assert sorted(p.name for p in recordings.iterdir()) == ["recent.wav"]
    assert swept.rows["calls"] == 1 and swept.rows["turns"] == 1
    assert swept.rows["bookings"] == 2 and swept.recordings == 2
    # A second sweep finds nothing more.
    assert sum(sweep(store, recordings, 30, NOW).rows.values()) == 0
    store.close()


def test_zero_days_keeps_everything(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    recordings = tmp_path / "recordings"
    _fill(store, recordings)
    sweep(store, recordings, 0, NOW)
    assert _count(store, "calls") == 2 and _count(store, "bookings") == 5
    assert len(list(recordings.iterdir())) == 3
    store.close()


def test_a_recording_path_outside_the_folder_is_never_deleted(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    elsewhere = tmp_path / "precious.txt"
    _call(store, "odd", OLD, None)
    elsewhere.write_text("keep me")
    store.update("calls", "odd", {"recording_path": str(recordings / ".." / "precious.txt")})
    sweep(store, recordings, 30, NOW)
    assert _count(store, "calls") == 0
    assert elsewhere.read_text() == "keep me"
    store.close()


@pytest.mark.parametrize(
    ("value", "words"),
    [("-1", "allowed: 0 to 36500"), ('"30"', "must be int"), ("1.5", "must be int")],
)
def test_a_wrong_retention_is_a_clear_error(value: str, words: str) -> None:
    import tomllib

    data = tomllib.loads(
        (ROOT / "receptionist/examples/salon.toml").read_text() .replace(
            "[retention]\ndays = 0", f"[retention]\ndays = {value}"
        )
    )  # fmt: skip
    with pytest.raises(ConfigError, match="retention.days") as error:
        parse_settings(data, "salon.toml")
    assert words in str(error.value)


def test_the_daemon_sweeps_at_start_up_and_logs_the_counts(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    recordings = tmp_path / "recordings"
    store = Store(db)
    _fill(store, recordings)
    store.close()
    config = tmp_path / "salon.toml"
    config.write_text(
        (ROOT / "receptionist/examples/salon.toml").read_text()
        .replace('dir = "var/recordings"', f'dir = "{recordings}"')
        .replace("[retention]\ndays = 0", "[retention]\ndays = 30")
        .replace("llm_enabled = true", "llm_enabled = false")  # a faster start
    )  # fmt: skip
    env = dict(os.environ, RECEPTIONIST_DB=str(db), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "receptionist.app.cli", "--config", str(config), "serve"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "ready in" in line:
            break
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    output = "".join(lines) + rest
    assert proc.returncode == 0, output
    (logged,) = [line for line in lines if "retention (30 days): deleted" in line]
    assert "1 calls" in logged and "2 bookings" in logged and "2 recording file(s)" in logged
    store = Store(db)
    assert [c["id"] for c in store.rows("calls")] == ["recent"]
    store.close()
    assert now_iso()  # the store's clock format is the one compared against
