"""`receptionist eval --heard FILE`: the scenarios played with each caller line as a voice was
heard saying it (text level, the real conversation and store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from receptionist.app.config import load_settings
from receptionist.harness.heard_eval import load_ears, main_eval_heard

SCENARIO = "receptionist/scenarios/01-book-free-slot.toml"
REQUEST = "Hi, I'd like to book a haircut on Thursday at 3. My name is John Smith."
CLOSING = "No, that's all, thanks."


def heard_file(tmp_path: Path, rows: list[tuple[str, str, str, float]]) -> Path:
    path = tmp_path / "heard.json"
    path.write_text(json.dumps([{"voice": v, "said": s, "heard": h, "confidence": c}
                                for v, s, h, c in rows]))  # fmt: skip
    return path


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    main_eval_heard(load_settings(), [SCENARIO], path, as_json=True)
    return json.loads(capsys.readouterr().out)["voices"]


def test_each_voice_plays_the_scenario_with_its_own_mishearing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = heard_file(tmp_path, [
        ("clear", REQUEST, REQUEST.lower(), 0.9),
        ("clear", CLOSING, "No, that's all thanks.", 0.9),
        ("smitts", REQUEST, REQUEST.replace("Smith", "Smitts"), 0.9),
        ("smitts", CLOSING, CLOSING, 0.9),
    ])  # fmt: skip
    voices = run(path, capsys)
    assert voices["clear"]["passed"] == 1 and voices["clear"]["still_pass_rate"] == 1.0
    assert voices["smitts"]["passed"] == 0
    reason = voices["smitts"]["scenarios"][0]["reason"]
    assert "'name': 'John Smitts'" in reason  # booked under the name as heard


def test_each_voice_counts_the_lines_whose_turn_would_end_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A request heard with its day and time is whole when said: the listener answers 300
    ms after the caller; heard without its time, the turn waits the default."""
    path = heard_file(tmp_path, [
        ("clear", REQUEST, REQUEST, 0.9),
        ("clear", CLOSING, CLOSING, 0.9),
        ("timeless", REQUEST, REQUEST.replace(" at 3", ""), 0.9),
        ("timeless", CLOSING, CLOSING, 0.9),
    ])  # fmt: skip
    voices = run(path, capsys)
    assert voices["clear"]["whole_turns"] == 1.0
    assert voices["timeless"]["whole_turns"] < 1.0


def test_a_doubtful_line_is_confirmed_as_in_a_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = heard_file(tmp_path, [("doubtful", REQUEST, REQUEST, 0.1),
                                 ("doubtful", CLOSING, CLOSING, 0.1)])  # fmt: skip
    voices = run(path, capsys)
    said = [line["text"] for line in voices["doubtful"]["scenarios"][0]["conversation"]
            if line["speaker"] == "agent"]  # fmt: skip
    assert any("Is that right?" in s for s in said), said


def test_a_line_the_file_lacks_is_said_as_written_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = heard_file(tmp_path, [("partial", REQUEST, REQUEST, 0.9)])
    voices = run(path, capsys)
    assert voices["partial"]["passed"] == 1 and voices["partial"]["lines_missing"] == 1


def test_a_file_that_is_not_heard_lines_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "heard.json"
    path.write_text('{"voice": ')
    with pytest.raises(ValueError, match="heard.json: not a file of heard lines"):
        load_ears(path)
    path.write_text("[]")
    with pytest.raises(ValueError, match="no heard lines"):
        load_ears(path)
