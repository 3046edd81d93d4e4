"""The `receptionist call` command, as a user runs it, and the README naming every command."""

import json
import subprocess
import sys
import wave
from pathlib import Path

from receptionist.app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_call_with_said_lines_prints_a_json_summary_and_writes_audio(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "receptionist.app.cli",
            "call",
            "--say",
            "How much is a beard trim?",
            "--say",
            "No thanks, goodbye.",
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "calls.db"),
            "--json",
            "--fast",
            "--today",
            "2026-11-24",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) >= {"turns", "bookings", "messages", "claims", "outcome"}
    agent = " ".join(t["text"] for t in summary["turns"] if t["speaker"] == "agent")
    assert "15 dollars" in agent  # the price from the profile
    assert summary["bookings"] == [] and summary["claims"] == []
    assert summary["outcome"]["kind"] == "completed"
    for turn in summary["turns"]:
        assert turn["speaker"] in ("agent", "caller")
        assert isinstance(turn["timings_ms"], dict)
    with wave.open(str(tmp_path / "out" / "agent.wav")) as w:
        assert w.getframerate() == 8000 and w.getnframes() > 8000


def test_readme_names_every_command_and_the_two_make_targets() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"receptionist {name}" in readme, f"README misses `receptionist {name}`"
