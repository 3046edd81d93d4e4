"""`receptionist serve`: a health line at start-up, and a clean stop that leaves a record."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from receptionist.app import daemon as daemon_module
from receptionist.app.daemon import Daemon
from receptionist.app.runtime import Runtime
from receptionist.media.local_leg import LocalLeg

ROOT = Path(__file__).resolve().parent.parent


def test_serve_prints_a_health_line_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        RECEPTIONIST_DB=str(tmp_path / "r.db"),
        PYTHONUNBUFFERED="1",
        RECEPTIONIST_SIP_PORT="0",  # the embedded SIP endpoint on any free port, not 5080
        RECEPTIONIST_HTTP_PORT="0",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "receptionist.app.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
    health = next(line for line in lines if "models loaded" in line)
    for model in ("vad", "stt", "tts", "llm"):
        assert f"{model} " in health and " ms" in health
    ready = next(line for line in lines if "ready in" in line)
    assert re.search(r"dial sip:receptionist@127\.0\.0\.1:\d+ from any softphone", ready), ready
    assert "stopped" in rest
    assert (tmp_path / "r.db").exists()


async def test_stop_records_a_call_still_in_flight(runtime: Runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(daemon_module, "GRACE_S", 0.5)
    daemon = Daemon(runtime)
    leg = LocalLeg([], call_id="in-flight", hangup_after_ms=None, first_wait_ms=60000)
    task = asyncio.ensure_future(daemon.on_call(leg, "local"))
    while not leg.log.agent_frames:  # the call is up: the greeting is playing
        await asyncio.sleep(0.05)
    await daemon.stop()
    await asyncio.gather(task, return_exceptions=True)
    await leg.close()
    call = runtime.store.call("in-flight")
    assert call["outcome"] == "failed"
    assert call["outcome_reason"] == "daemon stopped during the call"
    assert call["ended_at"]
