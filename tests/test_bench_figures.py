"""The bench's headline figures, from the rows it measured."""

from __future__ import annotations

from receptionist.harness.bench import _by_wait, calls_under_a_second
from receptionist.harness.bench_calls import TurnFigures


def rows(*p95: float) -> dict[int, dict[str, float]]:
    return {n: {"p50": 300.0, "p95": value} for n, value in enumerate(p95, 1)}


def test_the_calls_under_a_second_are_those_with_every_fewer_number_under_it_too() -> None:
    assert calls_under_a_second(rows(750, 880, 990, 1200)) == 3
    # 4 calls under a second where 3 were not: the draw's luck, not room for 4
    assert calls_under_a_second(rows(750, 880, 1340, 827)) == 2
    assert calls_under_a_second(rows(1100, 800)) == 0
    assert calls_under_a_second(rows(500, 600, 700, 800)) == 4
    assert calls_under_a_second({}) == 0


def test_replies_are_grouped_by_the_wait_that_ended_the_turn_before_them() -> None:
    ours, other = TurnFigures(), TurnFigures()
    ours.v2v_ms, ours.v2v_by_wait = [300, 320, 900], {"complete": [300, 320], "unsure": [900]}
    other.v2v_ms, other.v2v_by_wait = [1000], {"unsure": [1000]}
    ours.merge(other)
    by_wait = _by_wait(ours)
    assert list(by_wait) == ["complete", "unsure"]
    assert by_wait["unsure"]["replies"] == 2 and by_wait["unsure"]["share"] == 0.5
    assert by_wait["unsure"]["v2v_p50_ms"] == 950
    assert by_wait["complete"]["v2v_p95_ms"] == 319
