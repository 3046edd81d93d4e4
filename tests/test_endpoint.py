"""Endpointing, driven frame by frame (no clock)."""

from receptionist.media.endpoint import (
    Endpointer,
    EndpointSettings,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    TurnEnded,
)


def feed(endpointer: Endpointer, pattern: str) -> list[object]:
    """'#' = a speech frame, '.' = a silent one."""
    events: list[object] = []
    for ch in pattern:
        events += endpointer.push(0.9 if ch == "#" else 0.05)
    return events


def test_a_turn_starts_after_a_few_speech_frames_and_ends_after_silence() -> None:
    e = Endpointer(EndpointSettings(start_frames=3, pause_frames=5, end_frames_default=20))
    events = feed(e, "." * 10 + "#" * 30 + "." * 25)
    kinds = [type(x) for x in events]
    assert kinds == [SpeechStarted, SpeechPaused, TurnEnded]
    started, paused, ended = events
    assert isinstance(started, SpeechStarted) and started.first_speech_frame == 10
    assert isinstance(paused, SpeechPaused) and paused.last_speech_frame == 39
    assert isinstance(ended, TurnEnded) and ended.frame == 39 + 20


def test_one_or_two_frames_of_noise_open_no_turn() -> None:
    e = Endpointer()
    assert feed(e, "..#...##...#..." * 10) == []


def test_while_the_agent_talks_two_frames_cut_in_one_does_not() -> None:
    # Stopping our own voice 20 ms sooner: a false start costs a held sentence, said again.
    e = Endpointer()
    e.agent_speaking = True
    assert feed(e, "..#...#..") == []
    events = feed(e, "##")
    assert [type(x) for x in events] == [SpeechStarted]
    assert isinstance(events[0], SpeechStarted) and events[0].first_speech_frame == 9
    e = Endpointer()  # nobody talking: the same two frames open nothing
    assert feed(e, "..#...#..##....") == []


def test_a_pause_then_more_speech_resumes_the_same_turn() -> None:
    e = Endpointer(EndpointSettings(pause_frames=5, end_frames_default=20))
    events = feed(e, "#" * 20 + "." * 10 + "#" * 20 + "." * 21)
    assert [type(x) for x in events] == [
        SpeechStarted,
        SpeechPaused,
        SpeechResumed,
        SpeechPaused,
        TurnEnded,
    ]
    ended = events[-1]
    assert isinstance(ended, TurnEnded) and ended.first_speech_frame == 0


def test_a_complete_request_ends_sooner_and_a_hesitation_waits_longer() -> None:
    s = EndpointSettings(pause_frames=5, end_frames_default=20, end_frames_min=8, end_frames_max=45)
    quick = Endpointer(s)
    feed(quick, "#" * 20 + "." * 5)
    quick.set_end_wait(s.end_frames_min)
    assert any(isinstance(x, TurnEnded) for x in feed(quick, "." * 3))

    slow = Endpointer(s)
    feed(slow, "#" * 20 + "." * 5)
    slow.set_end_wait(s.end_frames_max)
    assert not any(isinstance(x, TurnEnded) for x in feed(slow, "." * 35))
    assert any(isinstance(x, TurnEnded) for x in feed(slow, "." * 10))


def test_the_echo_boost_raises_the_bar_while_the_agent_talks() -> None:
    e = Endpointer()
    e.threshold_boost = 0.35
    events: list[object] = []
    for _ in range(20):
        events += e.push(0.7)  # speech-like, but no more than an echo would give
    assert events == []
    for _ in range(3):
        events += e.push(0.95)
    assert [type(x) for x in events] == [SpeechStarted]


def test_a_line_that_ends_mid_turn_ends_the_turn_at_its_last_speech() -> None:
    e = Endpointer(EndpointSettings(start_frames=3, pause_frames=5, end_frames_default=20))
    feed(e, "." * 10 + "#" * 30 + "." * 3)
    ended = e.cut()
    assert ended == TurnEnded(42, 10, 39)
    assert not e.in_turn and e.cut() is None  # once; and nothing when no turn is open
    assert feed(e, "." * 30) == []
