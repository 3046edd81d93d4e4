"""The real daemon (`receptionist serve`) in a subprocess, on loopback ports of its own.

Its config is the shipped example with the changes a test asks for; its output is read on a
thread so the test can wait for a line; its memory is read from /proc/<pid>/status.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "receptionist" / "examples" / "salon.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config_text(replacements: dict[str, str], extra: str = "") -> str:
    """The example config with each ``old`` text replaced (it must be there) and ``extra``
    tables appended."""
    text = EXAMPLE.read_text()
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{old!r} is not in {EXAMPLE}")
        text = text.replace(old, new, 1)
    return text + "\n" + extra


def asterisk_table(agi_port: int, audiosocket_port: int, ami_port: int, **more: object) -> str:
    """The ``[asterisk]`` table's replacement, pointing at a fake Asterisk's AMI."""
    lines = [
        "[asterisk]",
        "enabled = true",
        f"agi_port = {agi_port}",
        f"audiosocket_port = {audiosocket_port}",
        f"ami_port = {ami_port}",
        'ami_secret = "s3cret"',
    ]
    for key, value in more.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        else:
            lines.append(f"{key} = {value!r}".replace("'", '"'))
    return "\n".join(lines)


class DaemonProcess:
    def __init__(self, folder: Path, config: str, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.config = folder / "receptionist.toml"
        self.config.write_text(config)
        self.db = folder / "receptionist.db"
        self.env = dict(os.environ, RECEPTIONIST_DB=str(self.db), PYTHONUNBUFFERED="1")
        self.env.update(env or {})
        self.lines: list[str] = []  # every run's output, in order
        self._since = 0  # where the current run's output begins
        self.proc: subprocess.Popen[str] | None = None
        self._changed = threading.Condition()

    def start(self, timeout_s: float = 240.0) -> None:
        """Start it (again, after a stop or a kill) and wait for its "ready" line."""
        self._since = len(self.lines)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "receptionist.app.cli", "--config", str(self.config), "serve"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        self.wait_for("ready in", timeout_s)

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, text: str, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for line in self.lines[self._since :]:
                    if text in line:
                        return line
                left = deadline - time.monotonic()
                assert self.proc is not None
                if left <= 0 or (self.proc.poll() is not None and not self._changed.wait(0.2)):
                    raise AssertionError(f"no {text!r} from the daemon:\n{self.output}")
                self._changed.wait(min(left, 0.5))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_kib(self) -> int:
        """The daemon's resident memory now (VmRSS of /proc/<pid>/status), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()  # SIGKILL: no handler, no clean-up, as a crash
        self.proc.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        return int(self.proc.returncode)
