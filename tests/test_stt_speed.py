"""The speech-to-text speed harness: turns made once (where the voices are), decoded
wherever the figure is wanted (a GPU box) with the product's own Transcriber."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from receptionist.harness import stt_speed


def test_turns_made_here_are_decoded_and_timed_alone_and_together(tmp_path: Path) -> None:
    turns = tmp_path / "turns.npz"
    made = stt_speed.make_turns(turns, ["flite:slt"], sample=40)
    audio, said = stt_speed.load_turns(turns)
    assert made == len(audio) == len(said) >= 2
    assert {s["voice"] for s in said} == {"flite:slt"}

    out = tmp_path / "speed.json"
    args = [str(turns), "--limit", "2", "--windows", "10", "--json", str(out)]
    assert stt_speed.main(args) == 0
    report = json.loads(out.read_text())
    (window,) = report["windows"]
    assert report["device"] == "cpu" and window["window_s"] == 10 and window["turns"] == 2
    assert "Thursday" in report["hotwords"]  # decoded with the product's prompt, by default
    assert window["wer"] < 0.5  # Whisper heard the lines, not noise
    assert window["alone_p50_ms"] > 0
    assert window["at_once"]["2"]["groups"] == 1
    assert window["batched_in_calls"] is True  # a short window batches on a CPU


@pytest.mark.parametrize(
    ("line", "record"),
    [
        ("Hi, I'd like to book a haircut on Thursday at 3. My name is John Smith.", True),
        ("Under Anna Kovacs.", True),
        ("call me on five five five, three oh six, nine oh nine oh?", True),
        ("Beard trim Thursday at noon, name's Jon Price.", True),
        ("Friday.", False),
        ("Bye.", False),
        ("Could I book a colour for Wednesday at 10 am?", False),
    ],
)
def test_lines_giving_a_name_or_a_number_are_told_apart(line: str, record: bool) -> None:
    assert stt_speed.is_record_line(line) == record


def test_a_missing_turns_file_or_model_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        stt_speed.main([str(tmp_path / "none.npz")])
    assert "no turns file at" in capsys.readouterr().err
    turns = tmp_path / "turns.npz"
    turns.write_bytes(b"")
    with pytest.raises(SystemExit):
        stt_speed.main([str(turns), "--model", str(tmp_path)])
    assert "no Whisper model at" in capsys.readouterr().err
