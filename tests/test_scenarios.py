"""The scenario suite at the text level: the bundled scenarios pass (those the agent is known to
fail are listed, each with why, and must keep failing until fixed), and a wrong one fails."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from receptionist.app.cli import main
from receptionist.app.config import Settings, load_settings
from receptionist.harness.eval import Scenario, bundled_scenarios, load_scenario, run_scenario

SCENARIOS = bundled_scenarios()
FOLDER = Path(__file__).parent.parent / "receptionist" / "scenarios"
SCENARIO_01 = (FOLDER / "01-book-free-slot.toml").read_text()
SCENARIO_12 = (FOLDER / "12-backend-timeout.toml").read_text()

# The held-out scenarios the agent fails today, with a one-line diagnosis each. Strict: a
# scenario that starts passing fails its test until it is taken off the list.
KNOWN_FAILURES: dict[str, str] = tomllib.loads(
    (Path(__file__).parent / "scenario_known_failures.toml").read_text()
)


def _marked(scenario: Scenario) -> object:
    why = KNOWN_FAILURES.get(scenario.id)
    marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
    return pytest.param(scenario, id=scenario.id, marks=marks)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def test_the_eighteen_scenarios_of_scenarios_md_are_bundled() -> None:
    numbers = sorted(int(s.id.split("-", 1)[0]) for s in SCENARIOS)
    assert set(range(1, 19)) <= set(numbers)  # and any the project adds


def test_every_capability_has_five_scenarios_and_is_documented() -> None:
    docs = (FOLDER.parent.parent / "docs" / "scenarios.md").read_text()
    counts = Counter(s.capability for s in SCENARIOS)
    assert "other" not in counts  # every bundled scenario names its capability
    assert {c: n for c, n in counts.items() if n < 5} == {}
    assert [c for c in counts if f"| `{c}` |" not in docs] == []


def test_known_failures_are_held_out_scenarios() -> None:
    assert set(KNOWN_FAILURES) <= {s.id for s in SCENARIOS}
    # the scenarios of SCENARIOS.md (01- to 20-) must pass, never be excused
    assert [k for k in KNOWN_FAILURES if int(k.split("-", 1)[0]) <= 20] == []


@pytest.mark.parametrize("scenario", [_marked(s) for s in SCENARIOS])
async def test_scenario_passes_at_text_level(scenario: Scenario, settings: Settings) -> None:
    result = await run_scenario(scenario, settings)
    assert result.passed, result.reason


async def test_a_scenario_expecting_the_wrong_thing_fails_with_the_reason(
    settings: Settings,
) -> None:
    wrong = SCENARIO_01.replace('start = "2026-11-26T15:00"', 'start = "2026-11-26T16:00"')
    result = await run_scenario(load_scenario("wrong.toml", wrong), settings)
    assert not result.passed
    assert "bookings: expected" in result.reason and "16:00" in result.reason


async def test_a_timeout_claimed_as_booked_would_fail(settings: Settings) -> None:
    # Scenario 12 with the expectation flipped: the suite must notice a pending booking.
    wrong = SCENARIO_12.replace('claims = ["pending"]', 'claims = ["booked"]', 1)
    result = await run_scenario(load_scenario("wrong12.toml", wrong), settings)
    assert not result.passed and "claims: expected ['booked'], have ['pending']" in result.reason


def test_a_bad_turn_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('id = "x"\n[[calls]]\nturns = [{shout = "hi"}]\n[expect]\n')
    with pytest.raises(
        ValueError, match=r"bad.toml: calls\[1\]: unknown turn key\(s\) \['shout'\]"
    ):
        load_scenario(path)


def test_eval_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", "--json", "--only", "^0[16]-"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (report["total"], report["passed"]) == (2, 2)
    assert [s["id"] for s in report["scenarios"]] == ["01-book-free-slot", "06-prices-hours"]
    assert all(s["passed"] and s["reason"] == "ok" for s in report["scenarios"])


def test_docs_name_every_eval_and_reconcile_option() -> None:
    from receptionist.app.cli import build_parser

    docs = {
        "eval": (FOLDER.parent.parent / "docs" / "scenarios.md").read_text(),
        "reconcile": (FOLDER.parent.parent / "docs" / "no-false-success.md").read_text(),
    }
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[union-attr]
    for name, text in docs.items():
        assert f"receptionist {name}" in text
        for action in commands[name]._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in text, f"docs miss `receptionist {name} {option}`"


def test_what_whisper_heard_is_matched_loosely_but_names_and_numbers_exactly() -> None:
    from receptionist.harness.eval import _heard_in, _norm

    heard = _norm(
        "I found your haircut on Thursday, November 26th at 3pm. Ciao I cancel it. "
        "Your book for haircut. I kid's caught his $20. I've passed your message to the front desk."
    )

    def hears(phrase: str) -> bool:
        return _heard_in(_norm(phrase), heard, phrase)

    assert hears("Shall I cancel it") and hears("booked for a haircut")
    assert hears("Thursday November 26 at 3 PM") and hears("kids cut is 20")
    assert not hears("kids cut is 30") and not hears("Friday November 26 at 3 PM")
    assert not hears("passed your message to Marco")
    assert hears("passed your message to the front desk")


async def test_an_outcome_said_without_a_claim_fails_any_scenario(
    settings: Settings, tmp_path: Path
) -> None:
    from receptionist.harness.eval import CallRun, World, check

    world = World.make(SCENARIOS[5], settings, tmp_path)  # any scenario's world
    run = CallRun(said=["Sure.", "You're booked for a haircut on Thursday at 3 PM."])
    problems = await check(world, [run], {}, audio=False)
    world.store.close()
    assert problems == [
        'an outcome was said without a claim: "You\'re booked for a haircut on Thursday at 3 PM."'
    ]
