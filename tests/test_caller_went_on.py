"""A caller who pauses longer than the end-of-turn wait, then goes on: the agent doesn't talk
over the rest, and what it says next answers the whole request, not the first half of it.

Before: the reply to the first half ("What day would you like?") was queued while the caller
was still talking, played over them, and the answer to the whole came only after it (5-10 s
after the caller stopped, seen in `make bench`)."""

from __future__ import annotations

import numpy as np

from receptionist.app.runtime import Runtime
from receptionist.harness.localcall import run_local_call
from receptionist.media.local_leg import CallerLine, LocalLeg
from tests.conftest_media import speak
from tests.pbx.audio import hear, words

FRAME = 160  # samples in 20 ms at 8 kHz


async def test_the_reply_to_half_a_request_is_not_said_over_the_rest(runtime: Runtime) -> None:
    models = runtime.models
    first = speak(models, "I'd like to book a haircut.")
    rest = speak(models, "On Friday at ten, please.")
    pause = np.zeros(int(16000 * 0.95), np.int16)  # longer than the 760 ms end-of-turn wait
    leg = LocalLeg(
        [CallerLine.from_samples(np.concatenate([first, pause, rest]), 16000)],
        speed=1.0,
        hangup_after_ms=6000,
    )
    summary = await run_local_call(runtime, leg)

    caller_turns = [t["text"] for t in summary["turns"] if t["speaker"] == "caller"]
    assert len(caller_turns) == 2, caller_turns  # the pause was taken as the end of a turn
    (start, end) = leg.log.caller_speech[0]
    over = [t for t in leg.log.agent_frames if start <= t < end]
    rest_starts = end - len(rest) // 2 // FRAME  # 16 kHz samples -> 20 ms frames
    talked_over = [t for t in over if t >= rest_starts]
    assert len(talked_over) <= 10, len(talked_over)  # at most a barge-in's stop time

    agent = [t for t in summary["turns"] if t["speaker"] == "agent"][1:]  # after the greeting
    assert agent[0]["interrupted"], agent  # the half-request's reply: stored as not heard
    assert agent[1]["text"].startswith("Friday at 10 AM is free"), agent  # the whole request
    # What the caller heard after they finished: that answer (it asks for the name), not
    # the question the first half raised.
    heard = words(hear(models.stt, leg.agent_audio()[end * FRAME :], 8000))
    assert "name" in heard and "what day" not in heard, heard
