"""What an operator gets from `receptionist serve` (what `make run` starts), as a real process:
the console's address and where its token is, JSON log lines when ``[logging] format`` asks
for them, and one INFO line per call with its outcome and timings, after a call placed through
the fake FreeSWITCH."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from receptionist.app.config import example_config_text, load_settings
from receptionist.harness.drift import file_fingerprint
from receptionist.store.db import Store
from tests.fake_freeswitch import FakeCall, StaffPhone, running_switch
from tests.ops_helpers import get
from tests.test_freeswitch_bridge import settings_for

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def toml_value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


def site_config(tmp_path: Path, freeswitch: dict[str, Any], log_format: str) -> Path:
    """The salon example with the FreeSWITCH bridge on, files under ``tmp_path``, and the
    console on a free loopback port."""
    table = "\n".join(f"{k} = {toml_value(v)}" for k, v in freeswitch.items() if v is not None)
    text = example_config_text()
    text = text.replace("[freeswitch]\nenabled = false", f"[freeswitch]\nenabled = true\n{table}")
    text = text.replace('path = "var/receptionist.db"', f'path = "{tmp_path / "r.db"}"')
    text = text.replace('dir = "var/recordings"', f'dir = "{tmp_path / "rec"}"')
    text += f'\n[http]\nport = {free_port()}\n\n[logging]\nformat = "{log_format}"\n'
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


class Daemon:
    """`receptionist --config FILE serve` in its own process; its log read line by line."""

    def __init__(self, config: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECEPTIONIST_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "receptionist", "--config", str(config), "serve"],
            cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.lines: list[str] = []

    async def line_with(self, text: str, timeout_s: float = 300) -> str:
        """The next line with ``text``; start-up (models loaded and warmed) takes a minute or
        more on a busy 2-core box."""
        assert self.proc.stdout is not None
        try:
            async with asyncio.timeout(timeout_s):
                while True:
                    line = await asyncio.to_thread(self.proc.stdout.readline)
                    assert line, "the daemon exited:\n" + "".join(self.lines)
                    self.lines.append(line)
                    if text in line:
                        return line
        except TimeoutError:
            raise AssertionError(f"no {text!r} in:\n" + "".join(self.lines)) from None

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        rest, _ = self.proc.communicate(timeout=60)
        return rest


async def test_serve_prints_the_console_and_logs_each_call_as_json(tmp_path: Path) -> None:
    async with running_switch() as switch:
        switch.phones["200"] = StaffPhone()  # the front desk answers
        fs = dataclasses.asdict(settings_for(switch, listen_port=free_port()))
        daemon = Daemon(site_config(tmp_path, fs, "json"))
        try:
            entry = json.loads(await daemon.line_with("console http://"))
            # The console's address, and where its token is (a file beside the store).
            token_file = tmp_path / "console-token"
            console = entry["message"].split()[1]
            assert console.startswith("http://127.0.0.1:") and console.endswith("/")
            assert f"(token: {token_file})" in entry["message"]
            token = token_file.read_text().strip()
            status, page = await get(console + "calls", token)
            assert status == 200 and "<h1>Calls</h1>" in page
            _, without = await get(console + "calls")  # no token: the sign-in form
            assert "<h1>Sign in</h1>" in without and "<h1>Calls</h1>" not in without

            fake = FakeCall(switch, caller_id="5551234567")
            await fake.dial("127.0.0.1", fs["listen_port"])
            await asyncio.wait_for(fake.media_started.wait(), 30)
            await fake.press("0")
            async with asyncio.timeout(60):
                while not any(s.bridged_to for s in switch.staff.values()):
                    await asyncio.sleep(0.05)
            await fake.hang_up()
            line = json.loads(await daemon.line_with('"logger": "receptionist.calls"'))
            # The call's record names the models that answered it, and its page shows them.
            status, call_page = await get(f"{console}calls/{fake.uuid}", token)
            assert status == 200 and 'id="models"' in call_page
        finally:
            rest = daemon.stop()
    assert daemon.proc.returncode == 0, "".join(daemon.lines) + rest
    # Every line of the daemon's log is one JSON object.
    for text in daemon.lines + rest.splitlines(keepends=True):
        assert isinstance(json.loads(text), dict), text
    assert (line["level"], line["outcome"], line["bridge"]) == ("INFO", "transferred", "freeswitch")
    assert line["duration_s"] > 0 and line["message"].startswith(f"call {fake.uuid} ended: ")
    assert "5551234567" not in json.dumps(line)
    calls = [t for t in daemon.lines + rest.splitlines() if '"receptionist.calls"' in t]
    assert len(calls) == 1  # one line per call
    store = Store(tmp_path / "r.db")
    (record,) = store.rows("calls")
    store.close()
    models = json.loads(record["models"])
    assert set(models) == {"stt", "tts", "vad", "llm"}
    for role, found in models.items():
        assert found == file_fingerprint(ROOT / getattr(load_settings().models, role)), role
        assert len(found["sha256"]) == 64 and found["size"] > 0
