"""Drift: `receptionist eval --save-baseline` then `--baseline` against a deliberately weakened
config fails with the regressions named; the verdict reaches /metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from prometheus_client import generate_latest

from receptionist.app.config import example_config_text
from receptionist.app.metrics import DRIFT_STATUS, registry_for
from receptionist.harness.drift import Drift, compare
from receptionist.store.db import Store
from tests.ops_helpers import samples

ROOT = Path(__file__).resolve().parent.parent
ONLY = "asks-for-a-person|refund|lawyer|book-free-slot"


def eval_cli(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("RECEPTIONIST_CONFIG", None)
    command = [sys.executable, "-m", "receptionist.app.cli"]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.run([*command, "eval", "--only", ONLY, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_weakened_config_fails_the_drift_check(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    saved = eval_cli("--save-baseline", str(base))
    assert saved.returncode == 0, saved.stdout + saved.stderr
    baseline = json.loads(base.read_text())
    assert baseline["passed"] == baseline["total"] >= 9
    assert set(baseline["models"]) == {"stt", "tts", "vad", "llm"}
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in baseline["models"].values())

    # The same config again: no regression.
    same = eval_cli("--baseline", str(base))
    assert same.returncode == 0, same.stdout
    assert "no regression beyond the margins" in same.stdout

    # A site that dropped its escalation rules: a caller demanding a refund or naming a lawyer
    # is no longer handed to the owner (asking for a person is an intent, not a rule: it holds).
    weakened = tmp_path / "weakened.toml"
    text = example_config_text()
    weakened.write_text(text[: text.index("[[escalation]]")] + text[_after_escalations(text) :])
    status = tmp_path / DRIFT_STATUS
    worse = eval_cli("--baseline", str(base), "--drift-status", str(status), config=weakened)
    assert worse.returncode == 3, worse.stdout + worse.stderr
    assert "config changed" in worse.stdout
    assert "REGRESSION capability refund: 6/6 -> 0/6 (-100%)" in worse.stdout
    assert "REGRESSION scenario 10-lawyer: passed, now fails" in worse.stdout
    compared = worse.stdout.split("compared with the baseline")[1]
    assert "book-free-slot" not in compared and "asks-for-a-person" not in compared
    assert json.loads(status.read_text())["ok"] is False

    # The verdict is on /metrics of a daemon whose store sits beside it.
    Store(tmp_path / "receptionist.db").close()
    scraped = samples(generate_latest(registry_for(str(tmp_path / "receptionist.db"))).decode())
    assert scraped[("receptionist_drift_check_ok", ())] == 0


def _after_escalations(text: str) -> int:
    """Where the config's last [[escalation]] table ends (the next table, or the end)."""
    last = text.rindex("[[escalation]]")
    following = [i for i in (text.find("\n[", last + 1),) if i != -1]
    return following[0] + 1 if following else len(text)


def test_a_changed_model_is_named_first() -> None:
    def run(llm_sha: str, person_passed: int) -> dict[str, object]:
        return {
            "level": "text",
            "config": {"source": "site.toml", "sha256": "c"},
            "models": {"llm": {"file": "model.gguf", "size": 10, "sha256": llm_sha}},
            "capabilities": {"person": {"passed": person_passed, "total": 4}},
            "scenarios": {f"s{i}": i < person_passed for i in range(4)},
            "latency_ms": {"p50": 100, "p95": 200},
        }

    drift: Drift = compare(run("a" * 64, 4), run("b" * 64, 3))
    assert drift.notes[0].startswith(
        "model llm changed: model.gguf (10 bytes, sha256 aaaaaaaaaaaa)"
    )
    assert drift.regressions[0] == "capability person: 4/4 -> 3/4 (-25%)"
    assert not compare(run("a" * 64, 4), run("a" * 64, 4)).regressions
