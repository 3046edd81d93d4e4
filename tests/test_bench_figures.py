"""The bench's headline figures, from the rows it measured."""

from __future__ import annotations

from receptionist.harness.bench import calls_under_a_second


def rows(*p95: float) -> dict[int, dict[str, float]]:
    return {n: {"p50": 300.0, "p95": value} for n, value in enumerate(p95, 1)}


def test_the_calls_under_a_second_are_those_with_every_fewer_number_under_it_too() -> None:
    assert calls_under_a_second(rows(750, 880, 990, 1200)) == 3
    # 4 calls under a second where 3 were not: the draw's luck, not room for 4
    assert calls_under_a_second(rows(750, 880, 1340, 827)) == 2
    assert calls_under_a_second(rows(1100, 800)) == 0
    assert calls_under_a_second(rows(500, 600, 700, 800)) == 4
    assert calls_under_a_second({}) == 0
