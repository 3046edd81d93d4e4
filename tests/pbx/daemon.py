"""``receptionist serve`` as a subprocess of the test, with its own config and store."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from receptionist.app.config import example_config_text
from tests.pbx.shared import ROOT, stop_process


def daemon_config(folder: Path, bridge: str, options: dict[str, Any], ring_s: float) -> Path:
    """The shipped salon example with this test's store, recordings, models and bridge."""
    text = example_config_text()
    head = text[: text.index("\n[store]")]
    head = re.sub(r"(?m)^ring_seconds = \d+", f"ring_seconds = {ring_s:g}", head)
    models = ROOT / "models"
    lines = [
        head,
        "[store]",
        f'path = "{folder / "receptionist.db"}"',
        "[recording]",
        "enabled = true",
        f'dir = "{folder / "recordings"}"',
        "[models]",
        f'stt = "{models / "whisper-tiny.en"}"',
        f'tts = "{models / "piper" / "en_US-joe-medium.onnx"}"',
        f'vad = "{models / "silero_vad.onnx"}"',
        "llm_enabled = false  # rules carry these calls; the model would only cost CPU here",
        "threads = 2",
        f"[{bridge}]",
        "enabled = true",
    ]
    for key, value in options.items():
        lines.append(f"{key} = {_toml(value)}")
    path = folder / "receptionist.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: Any) -> str:
    """A TOML value for the test configs (strings, numbers, booleans, lists, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


class Daemon:
    """The real daemon, run from this worktree, logging to ``folder/daemon.log``."""

    def __init__(self, folder: Path, config: Path) -> None:
        self.folder = folder
        self.config = config
        self.log_path = folder / "daemon.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_from = 0

    @property
    def store_path(self) -> Path:
        return self.folder / "receptionist.db"

    def start(self, timeout_s: float = 120.0) -> None:
        self._log_from = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "receptionist", "--config", str(self.config), "serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_log(r"ready in [\d.]+ s", timeout_s)

    def log_text(self) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as f:
            f.seek(self._log_from)
            return f.read().decode(errors="replace")

    def wait_log(self, pattern: str, timeout_s: float, since: int = 0) -> re.Match[str]:
        """Wait for a line matching ``pattern`` in this run's log (from offset ``since``)."""
        deadline = time.monotonic() + timeout_s
        while True:
            match = re.search(pattern, self.log_text()[since:])
            if match:
                return match
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the daemon exited ({self.proc.returncode}):\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no /{pattern}/ in the daemon log in {timeout_s:g} s:\n"
                                   f"{self.tail()}")  # fmt: skip
            time.sleep(0.1)

    def freeze(self) -> None:
        """SIGSTOP: the process still holds its sockets (the kernel accepts connections),
        but nothing answers, as with a stalled event loop."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, 40)
            self.proc = None

    def rows(self, table: str, where: str = "", *args: Any) -> list[dict[str, Any]]:
        """Rows of the daemon's store, read from the SQLite file as an operator would."""
        with sqlite3.connect(self.store_path) as db:
            db.row_factory = sqlite3.Row
            sql = f"select * from {table}" + (f" where {where}" if where else "")
            return [dict(r) for r in db.execute(sql, args)]

    def wait_row(
        self, table: str, where: str, *args: Any, timeout_s: float = 60.0
    ) -> dict[str, Any]:
        """The first row of ``table`` matching ``where``, once there is one."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.store_path.exists():
                rows = self.rows(table, where, *args)
                if rows:
                    return rows[0]
            time.sleep(0.2)
        raise TimeoutError(f"no {table} row where {where} {args} in {timeout_s:g} s")

    def wait_call_ended(self, call_id_like: str = "%", timeout_s: float = 30.0) -> dict[str, Any]:
        """The newest call row once it has an outcome."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.store_path.exists():
                rows = self.rows("calls", "id like ? order by started_at desc", call_id_like)
                if rows and rows[0].get("ended_at"):
                    return rows[0]
            time.sleep(0.2)
        raise TimeoutError(f"no ended call in the store within {timeout_s:g} s:\n{self.tail()}")
