"""Barge-in: caller speech during agent playback stops the agent's audio at once."""

from __future__ import annotations

from receptionist.app.runtime import Runtime
from receptionist.harness.localcall import run_local_call
from receptionist.media.local_leg import CallerLine, LocalLeg
from tests.conftest_media import speak


async def test_caller_speech_stops_agent_playback(runtime: Runtime) -> None:
    interruption = CallerLine.from_samples(
        speak(runtime.models, "No, no, I want to book a haircut on Friday."),
        16000,
        barge_in_ms=2000,
    )
    leg = LocalLeg([interruption], speed=2.0, hangup_after_ms=2000)
    summary = await run_local_call(runtime, leg)

    speech_start, _speech_end = leg.log.caller_speech[0]
    agent_before = [t for t in leg.log.agent_frames if t < speech_start]
    assert agent_before, "the agent was talking when the caller cut in"
    assert speech_start - agent_before[-1] <= 1, "the agent was still talking at that moment"
    # speech_start is the caller's first frame with speech energy in it.

    # Agent frames sent after the caller started speaking, until the flush.
    flushes = [tick for tick, _dropped in leg.log.flushes if tick >= speech_start]
    assert flushes, "playback was flushed"
    stop_tick = flushes[0]
    # The VAD needs a few frames to be sure it's speech (60 ms, one 32 ms window, and a
    # higher bar while the agent talks, against its own echo); then the stop is immediate.
    assert stop_tick - speech_start <= 7  # 140 ms; `make bench` measures the distribution
    assert any(dropped > 0 for tick, dropped in leg.log.flushes if tick == stop_tick)
    after = [t for t in leg.log.agent_frames if stop_tick < t < stop_tick + 10]
    assert after == [], "no agent audio right after the flush"

    # The rest of the greeting was dropped, the turn is recorded as interrupted,
    # and the interruption itself was understood.
    agent_turns = [t for t in summary["turns"] if t["speaker"] == "agent"]
    assert agent_turns[0]["interrupted"] is True
    caller = [t["text"].lower() for t in summary["turns"] if t["speaker"] == "caller"]
    assert caller and "friday" in caller[0]
    assert any("friday" in t["text"].lower() for t in agent_turns[1:])  # "What time on Friday?"
