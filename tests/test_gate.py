"""The opening gate: our own echo and a steady background can't open a caller turn."""

from receptionist.media.endpoint import Endpointer, SpeechStarted
from receptionist.media.gate import OpeningGate


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
