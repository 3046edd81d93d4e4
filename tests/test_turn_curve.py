"""The cut-off curve's arithmetic: where a policy ends a paused turn, and the wait it adds."""

from __future__ import annotations

from receptionist.harness.turn_curve import Pause, PausedTurn, curve_rows, outcome


def _turn() -> PausedTurn:
    # A 400 ms pause inside the turn (silence counted from frame 100), then the real end:
    # the caller's energy stopped at frame 196, the endpointer said "paused" at frame 205.
    inside = Pause(start=100, runs=list(range(5, 25)), audio_prob=0.9, text_verdict="hesitant")
    end = Pause(start=205, runs=list(range(5, 105)), final=True, audio_prob=0.3)
    return PausedTurn("flite:slt", "I'd like | a haircut.", [inside, end], energy_end=196)


def test_a_timeout_shorter_than_the_pause_cuts_the_caller_off() -> None:
    assert outcome(_turn(), lambda p: 300) == (True, None)


def test_a_longer_timeout_waits_for_the_end_and_adds_its_wait() -> None:
    # 30 frames of silence are reached at frame 205 + 25; the energy ended at 196.
    assert outcome(_turn(), lambda p: 600) == (False, (230 - 196) * 20)


def test_the_curve_counts_cut_offs_per_setting() -> None:
    rows = {(r["policy"], r["setting"]): r for r in curve_rows([_turn()], with_text=True)}
    assert rows[("vad timeout", "300 ms")]["cutoff_rate"] == 1.0
    assert rows[("vad timeout", "600 ms")]["cutoff_rate"] == 0.0
    # Smart Turn says "complete" inside the pause: it cuts off at any short wait...
    assert rows[("smart turn", ">0.5 then 300 ms")]["cutoff_rate"] == 1.0
    # ...unless the words say the caller hesitated.
    assert rows[("smart turn + text", ">0.5 then 300 ms")]["cutoff_rate"] == 0.0
