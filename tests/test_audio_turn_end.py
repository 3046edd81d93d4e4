"""The audio end-of-turn model ends a turn without waiting for the words.

Smart Turn hears that "What time do you close on Saturday?" is finished; with it the turn
ends ``audio_end_frames`` (300 ms) after the last speech frame, with no transcript at all.
Without it, and without a transcript, the listener waits its full default (760 ms).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from receptionist.media.audio import phone_line
from receptionist.media.listener import CallerTurn, Listener
from receptionist.media.models import Models
from receptionist.media.turn_model import SmartTurn
from tests.conftest_media import speak
from tests.slow_line import SlowLine

SMART_TURN = "models/smart-turn-v3.2-cpu.onnx"  # placed by `make models`


@pytest.fixture(scope="module")
def smart_turn() -> SmartTurn:
    assert Path(SMART_TURN).is_file(), "the Smart Turn model is missing: run `make models`"
    return SmartTurn(SMART_TURN)


async def _silence_before_the_end(
    models: Models, turn_model: SmartTurn | None
) -> tuple[int, Listener]:
    line = phone_line(speak(models, "What time do you close on Saturday?"), 16000)
    # A slow line (100 ms a frame) gives the model time to answer on a busy 2-core box;
    # what is measured is frames of silence, not time.
    leg = SlowLine(line, period=0.1)
    listener = Listener(
        leg,
        models.vad,
        models.vad_worker,
        models.stt,
        speculative=False,  # no trial transcript: the words can't end the turn early
        turn_model=turn_model,
        turn_worker=models.turn_worker,
    )
    task = asyncio.ensure_future(listener.run())
    try:
        turn = await asyncio.wait_for(listener.inputs.get(), 120)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert isinstance(turn, CallerTurn)
    return turn.end_frame - turn.last_speech_frame, listener


async def test_the_audio_verdict_ends_a_finished_question_early(
    models: Models, smart_turn: SmartTurn
) -> None:
    frames, listener = await _silence_before_the_end(models, smart_turn)
    # The verdict on the whole question (Piper's voice varies run to run: a pause within the
    # sentence is asked about too, and is rightly heard as unfinished)
    assert listener.audio_verdicts and listener.audio_verdicts[-1] > 0.5
    # 300 ms of silence once the verdict is in (it may come later on a busy box), not 760.
    assert listener.audio_end_frames <= frames < listener.endpointer.settings.end_frames_default


async def test_without_it_the_listener_waits_its_default(models: Models) -> None:
    frames, listener = await _silence_before_the_end(models, None)
    assert listener.audio_verdicts == []
    # The default wait in frames of silence; a frame the VAD can't call speech or silence
    # (Piper's voice varies run to run: a breath after the last word) adds one.
    default = listener.endpointer.settings.end_frames_default
    assert default <= frames <= default + 3, frames
