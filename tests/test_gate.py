"""The opening gate: our own echo and a steady background can't open a caller turn."""

import pytest

from receptionist.media.endpoint import Endpointer, SpeechStarted
from receptionist.media.gate import OpeningGate, hear_frame


def test_echo_of_the_agent_is_refused_and_a_caller_talking_over_it_is_not() -> None:
    gate = OpeningGate()
    for n in range(50):
        gate.may_open(30.0, n * 0.02)  # a quiet line
    agent = 3000.0
    gate.agent_frame(agent, 1.0)
    echo = agent * 10 ** (-15 / 20)  # the agent's voice back from the phone, 15 dB down
    assert not gate.may_open(echo, 1.1)
    assert gate.refused_echo == 1
    assert gate.may_open(agent * 0.9, 1.12)  # a caller cutting in at a normal level
    # Once the agent has been quiet longer than an echo can lag, the bar drops again.
    assert gate.may_open(echo, 1.6)


def test_a_steady_background_is_learned_and_refused() -> None:
    gate = OpeningGate()
    babble = 900.0
    allowed = [gate.may_open(babble, n * 0.02) for n in range(200)]
    assert not any(allowed[20:])  # after a moment, the background sets the bar
    assert gate.may_open(babble * 4, 4.1)  # the caller, clearly above it


def test_the_gate_only_holds_back_the_opening_of_a_turn() -> None:
    e = Endpointer()
    events: list[object] = []
    for _ in range(10):
        events += e.push(0.99, may_open=False)
    assert events == []
    for _ in range(3):
        events += e.push(0.99, may_open=True)
    assert [type(x) for x in events] == [SpeechStarted]
    # Inside the turn, quieter speech frames still count as speech (no premature end).
    for _ in range(40):
        assert e.push(0.99, may_open=False) == []
    assert e.in_turn


def _talking(gate: OpeningGate, seconds: float, heard: float, agent: float = 8000.0) -> float:
    """We talk at ``agent`` for ``seconds`` while the line returns ``heard``; returns the time."""
    at = 0.0
    for n in range(int(seconds / 0.02)):
        at = n * 0.02
        gate.agent_frame(agent, at)
        gate.heard_while_talking(heard, at)
        gate.may_open(heard, at)
    return at


def test_a_line_that_returns_no_echo_lets_a_caller_in_below_the_assumed_echo() -> None:
    gate = OpeningGate()
    at = _talking(gate, 1.0, heard=30.0)  # a phone that cancels our echo: only hiss comes back
    caller = 8000.0 * 10 ** (-16 / 20)  # a caller 16 dB under our voice (the bar was -12 dB)
    assert gate.echo_loss_db > 30
    assert gate.may_open(caller, at + 0.02)
    silent = OpeningGate()
    at = _talking(silent, 1.0, heard=0.0)  # digital silence back: the most loss it learns
    assert silent.echo_loss_db == pytest.approx(40)
    assert silent.may_open(caller, at + 0.02)


def test_a_line_that_returns_our_echo_keeps_the_bar() -> None:
    gate = OpeningGate()
    echo = 8000.0 * 10 ** (-15 / 20)
    at = _talking(gate, 1.0, heard=echo)
    assert gate.echo_loss_db == 12  # what it returns, plus a margin, is above the most assumed
    assert not gate.may_open(echo, at + 0.02)
    assert not gate.stands_out(8000.0 * 0.5, at + 0.02)


def test_before_it_has_heard_enough_the_gate_assumes_the_most_echo() -> None:
    gate = OpeningGate()
    at = _talking(gate, 0.3, heard=30.0)
    assert gate.echo_loss_db == 12
    assert not gate.may_open(8000.0 * 10 ** (-16 / 20), at + 0.02)


def test_a_word_far_over_the_echo_and_the_noise_stops_the_agent_sooner() -> None:
    """Silero's probability climbs over a word's first frames; a frame that stands far over
    both bars counts on a weaker one while the agent talks (and only then)."""
    climbing = [0.1, 0.4, 0.45, 0.8, 0.9, 0.95]

    def opened_at(level: float, talking: bool) -> int | None:
        gate, endpointer = OpeningGate(), Endpointer()
        at = _talking(gate, 1.0, heard=30.0)
        for n, probability in enumerate(climbing):
            at += 0.02
            if talking:
                gate.agent_frame(8000.0, at)
            heard = hear_frame(endpointer, gate, probability, level, at, talking, 0.2)
            if any(isinstance(event, SpeechStarted) for event in heard):
                return n
        return None

    assert opened_at(6000.0, talking=True) == 2  # two frames over 0.35, far over both bars
    assert opened_at(400.0, talking=True) == 4  # over the bars, not far: the VAD's 0.7, twice
    assert opened_at(6000.0, talking=False) == 5  # nobody to stop: three frames over 0.5


def test_the_vad_lagging_a_short_loud_syllable_still_counts() -> None:
    """ "Ac-tually": the first syllable is loud before silero says speech, and its probability
    climbs on the quieter frames after it. A frame that stood out a moment ago still lowers
    the bar; much later it doesn't."""

    def opened_at(probabilities: list[float], stood_out: list[bool]) -> int | None:
        endpointer = Endpointer()
        endpointer.agent_speaking = True
        endpointer.threshold_boost = 0.2
        for n, (probability, out) in enumerate(zip(probabilities, stood_out, strict=True)):
            if any(isinstance(e, SpeechStarted) for e in endpointer.push(probability, True, out)):
                return n
        return None

    climbing = [0.2, 0.4, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert opened_at(climbing, [True, True] + [False] * 6) == 2
    late = [0.2, 0.2, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5]  # the VAD rises 100 ms after it
    assert opened_at(late, [True] + [False] * 7) is None
    assert opened_at(climbing, [False] * 8) is None  # never far over the bars: 0.7 needed
