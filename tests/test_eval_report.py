"""The eval report: results grouped by capability, and a failed scenario's conversation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from receptionist.app.cli import main
from receptionist.harness.eval import load_scenario

BOOKS = """
id = "{id}"
capability = "book"
[[calls]]
caller_id = "5551234567"
turns = [
  "Hi, I'd like to book a haircut on Thursday at 3. My name is John Smith.",
  "No, that's all.",
]
[expect]
bookings = [{{service = "haircut", start = "2026-11-26T{hour}:00", status = "booked"}}]
"""

ASKS = """
id = "c-prices"
[[calls]]
turns = ["How much is a beard trim?", "No thanks, bye."]
[expect]
bookings = []
said = ["beard trim is 15"]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three scenarios: two "book" ones (the second expects 4 PM, so it fails) and one
    without a capability key."""
    (tmp_path / "a.toml").write_text(BOOKS.format(id="a-books-at-3", hour="15"))
    (tmp_path / "b.toml").write_text(BOOKS.format(id="b-expects-4", hour="16"))
    (tmp_path / "c.toml").write_text(ASKS)
    return tmp_path


def test_a_scenario_without_capability_is_other_and_a_bad_name_is_refused(tmp_path: Path) -> None:
    assert load_scenario("c.toml", ASKS).capability == "other"
    bad = BOOKS.format(id="x", hour="15").replace('"book"', '"Book a cut"')
    with pytest.raises(ValueError, match=r"bad.toml: 'capability' is a lowercase name"):
        load_scenario("bad.toml", bad)


def test_the_table_groups_by_capability_with_a_tally_each(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["eval", str(folder)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    book, other = out.index("-- book"), out.index("-- other")
    assert out[book + 1].startswith("a-books-at-3") and " pass " in out[book + 1]
    assert out[book + 2].startswith("b-expects-4") and " FAIL " in out[book + 2]
    assert "bookings: expected" in out[book + 2] and "16:00" in out[book + 2]
    assert out[book + 3] == "book: 1/2"
    assert out[other + 1].startswith("c-prices") and out[other + 2] == "other: 1/1"
    assert out[-3:] == ["book: 1/2", "other: 1/1", "2/3 passed (text level)"]
    assert not any(line.lstrip().startswith(("agent:", "caller:")) for line in out)  # not verbose


def test_verbose_prints_the_failed_scenarios_conversation_only(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["eval", str(folder), "--verbose"])
    out = capsys.readouterr().out.splitlines()
    failed = next(n for n, line in enumerate(out) if line.startswith("b-expects-4"))
    block = []
    for line in out[failed + 1 :]:
        if not line.startswith("      "):
            break
        block.append(line.strip())
    caller = [line for line in block if line.startswith("caller:")]
    agent = [line for line in block if line.startswith("agent:")]
    assert caller == [
        "caller: Hi, I'd like to book a haircut on Thursday at 3. My name is John Smith.",
        "caller: No, that's all.",
    ]
    assert "recorded" in agent[0] and "Bella Hair Salon" in agent[1]  # the notice, the greeting
    assert any("Thursday" in line and "3 PM" in line for line in agent)  # the read-back
    passed = out.index(next(line for line in out if line.startswith("a-books-at-3")))
    assert out[passed + 1].startswith("b-expects-4")  # nothing under a passed scenario


def test_json_has_the_tallies_and_the_failed_conversation(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["eval", str(folder), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["capabilities"] == {
        "book": {"passed": 1, "total": 2},
        "other": {"passed": 1, "total": 1},
    }
    scenarios = {s["id"]: s for s in report["scenarios"]}
    assert scenarios["b-expects-4"]["capability"] == "book"
    assert "conversation" not in scenarios["a-books-at-3"]
    lines = scenarios["b-expects-4"]["conversation"]
    assert {line["call"] for line in lines} == {1}
    said = [line["text"] for line in lines if line["speaker"] == "caller"]
    assert said == [
        "Hi, I'd like to book a haircut on Thursday at 3. My name is John Smith.",
        "No, that's all.",
    ]


def test_the_conversation_is_in_the_order_it_was_spoken(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["eval", str(folder), "--json"])
    report = json.loads(capsys.readouterr().out)
    lines = next(s for s in report["scenarios"] if s["id"] == "b-expects-4")["conversation"]
    speakers = [line["speaker"] for line in lines]
    # The notice and the greeting, the request, the read-back, the caller's goodbye, ...
    assert "note" not in speakers
    first_caller = speakers.index("caller")
    assert first_caller >= 1 and set(speakers[:first_caller]) == {"agent"}
    second_caller = speakers.index("caller", first_caller + 1)
    assert "agent" in speakers[first_caller:second_caller]  # a reply came in between
    assert lines[second_caller]["text"] == "No, that's all."
