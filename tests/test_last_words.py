"""A caller's last words, said as they hang up, reach the record (rule 4: nothing is lost)."""

from __future__ import annotations

import asyncio
import threading

from receptionist import telemetry
from receptionist.app.runtime import Runtime
from receptionist.media.audio import phone_line
from receptionist.media.listener import CallerTurn, Listener
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.models import Models
from tests.conftest_media import run_call, speak
from tests.slow_line import SlowLine


def _last_words_counted() -> float:
    return telemetry.REGISTRY.get_sample_value("receptionist_last_words_total") or 0.0


async def test_a_message_said_just_before_the_click_is_passed_on(runtime: Runtime) -> None:
    """The caller says the message and hangs up 200 ms later, long before the turn's silence
    could end it: the message still reaches Sarah, and the call's record has the words."""
    models = runtime.models
    leg = LocalLeg(
        [
            CallerLine.from_samples(speak(models, "Can I leave a message for Sarah?"), 16000),
            CallerLine.from_samples(
                speak(models, "Please ask her to call me back about my colour appointment."),
                16000,
            ),
        ],
        caller_id="5553334444",
        speed=2.0,
        agent_gap_ms=1000,
        leave_after_ms=200,
    )
    kept_before = _last_words_counted()
    call = await run_call(runtime, leg)
    assert _last_words_counted() == kept_before + 1  # an operator sees it on /metrics
    turns = runtime.store.turns(leg.call_id)
    caller = [t for t in turns if t["speaker"] == "caller"]
    assert len(caller) == 2, [(t["speaker"], t["text"]) for t in turns]
    last = caller[-1]
    assert "call me back" in last["text"].lower(), last["text"]
    assert last["timings"]["after_hangup"] == 1
    (message,) = runtime.store.rows("messages")
    assert message["for_staff"] == "Sarah"
    assert message["text"] == last["text"]
    assert message["callback_number"] == "5553334444"
    (row,) = runtime.store.rows("calls")
    assert (row["outcome"], row["hung_up_by"]) == ("message", "caller")
    assert call.conversation.outcome == "message"


async def test_the_line_ending_waits_for_a_turn_still_being_transcribed(
    models: Models,
) -> None:
    """A turn that ended just before the hang-up, its decode still queued behind other calls'
    work: ``end_of_line`` returns only once its words are in."""
    line = phone_line(speak(models, "Thank you, that's everything, goodbye."), 16000)
    listener = Listener(SlowLine(line, period=0.0), models.vad, models.vad_worker, models.stt)
    busy = threading.Event()  # other calls' decodes hold every decoder
    for _ in range(models.stt.worker.threads):
        models.stt.worker.submit_background(lambda: busy.wait(30))
    try:
        # The words, 760 ms of silence (the turn ends, its decode waits), the line ends.
        await asyncio.wait_for(listener.run(), 60)
        assert listener.inputs.empty()
        finishing = asyncio.ensure_future(listener.end_of_line())
        asyncio.get_running_loop().call_soon(busy.set)  # after end_of_line's first step
        await asyncio.wait_for(finishing, 60)
    finally:
        busy.set()
    turn = listener.inputs.get_nowait()  # no waiting here: it is in
    assert isinstance(turn, CallerTurn)
    assert "goodbye" in turn.text.lower(), turn.text
