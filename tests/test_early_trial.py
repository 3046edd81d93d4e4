"""The trial decode starts when the caller's energy ends, before the VAD lets go of the turn.

Driven frame by frame through ``Listener.take_frame`` with the VAD's probability given, and a
speech-to-text stand-in whose decodes finish when the test says: what is checked is which
audio is decoded when, and which decode becomes the turn's (the real models' side of it is in
test_streaming.py and in ``make bench``).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import numpy as np
import pytest

from receptionist import telemetry
from receptionist.media.endpoint import EndpointSettings
from receptionist.media.listener import (
    COMPLETE_QUIET_FRAMES,
    QUIET_TRIAL_FRAMES,
    VAD_LAG_FRAMES,
    CallerTurn,
    Listener,
)
from receptionist.media.stt import Transcript

SPEECH = 0.9
SILENCE = 0.05
FRAME = 160  # 20 ms at 8 kHz


class _Worker:
    pending = 0
    threads = 1

    def busy(self, besides: int = 0) -> bool:
        return self.pending - besides >= self.threads


class _Decodes:
    """Speech to text that answers when told: each decode waits for ``answer``."""

    def __init__(self) -> None:
        self.worker = _Worker()
        self.open_turns: weakref.WeakSet[object] = weakref.WeakSet()
        self.started: list[tuple[int, asyncio.Future[Transcript]]] = []  # (samples, answer)

    async def transcribe(self, samples: np.ndarray, rate: int, **_: Any) -> Transcript:
        answer: asyncio.Future[Transcript] = asyncio.get_running_loop().create_future()
        self.started.append((len(samples), answer))
        self.worker.pending += 1
        try:
            return await answer
        finally:
            self.worker.pending -= 1

    def answer(self, index: int, text: str) -> None:
        self.started[index][1].set_result(Transcript(text, 1000, 200))


class _Line:
    sample_rate = 8000


class _Vad:
    def stream(self) -> None:
        return None


class _Caller:
    """Feeds the listener frames: their loudness, and what the VAD says of each."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        self.rng = np.random.default_rng(1)

    def frames(self, n: int, loud: bool, probability: float) -> None:
        for _ in range(n):
            level = 3000 if loud else 20
            samples = (self.rng.standard_normal(FRAME) * level).astype(np.int16)
            self.listener.take_frame(samples, 0.0, probability, 0.0)

    @property
    def frame(self) -> int:
        return self.listener.endpointer.frame


def _listener(decodes: _Decodes | None = None) -> tuple[Listener, _Decodes, _Caller]:
    decodes = decodes or _Decodes()
    listener = Listener(_Line(), _Vad(), None, decodes)  # type: ignore[arg-type]
    caller = _Caller(listener)
    caller.frames(50, loud=False, probability=SILENCE)  # the line's own noise, before
    return listener, decodes, caller


async def _settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_a_finished_turn_is_decoded_from_60_ms_after_its_last_sound() -> None:
    listener, decodes, caller = _listener()
    caller.frames(40, loud=True, probability=SPEECH)
    last_loud = caller.frame
    # The VAD lets go 4 frames after the sound ends, and says "paused" 5 frames later.
    caller.frames(4, loud=False, probability=SPEECH)
    caller.frames(EndpointSettings().pause_frames, loud=False, probability=SILENCE)
    await _settle()
    assert len(decodes.started) == 1, "one trial, not another at the VAD's pause"
    assert listener.early_trials == 1
    assert listener._speculative is not None
    assert listener._speculative.last_speech == last_loud
    # The trial's audio: the turn (with its pre-roll) to the last loud frame, nothing later.
    samples, _ = decodes.started[0]
    assert samples <= (40 + 10 + QUIET_TRIAL_FRAMES) * FRAME

    decodes.answer(0, "What are your opening hours?")
    await _settle()
    # A whole question: the turn ends 300 ms after its last sound (the VAD let go 4 frames
    # after it), not 160 ms after the VAD let go.
    assert listener.endpointer.end_wait == COMPLETE_QUIET_FRAMES - 4
    quiet_so_far = 4 + EndpointSettings().pause_frames
    caller.frames(COMPLETE_QUIET_FRAMES - quiet_so_far - 1, loud=False, probability=SILENCE)
    assert listener.inputs.empty(), "280 ms after the last sound: a comma's pause, not the end"
    caller.frames(1, loud=False, probability=SILENCE)
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn)
    assert turn.text == "What are your opening hours?" and turn.speculative
    assert turn.end_wait_by == "complete"  # the words' verdict set the wait that ended it
    assert len(decodes.started) == 1, "the trial was the turn's decode"
    assert listener.reused_speculations == 1


async def test_a_quiet_word_the_vad_still_hears_is_not_a_pause() -> None:
    listener, decodes, caller = _listener()
    caller.frames(40, loud=True, probability=SPEECH)
    caller.frames(QUIET_TRIAL_FRAMES, loud=False, probability=SPEECH)
    await _settle()
    assert len(decodes.started) == 1  # the energy fell: a trial, as a bet
    # A soft word: no energy over the line's noise, but the VAD hears speech well past its lag.
    caller.frames(VAD_LAG_FRAMES + 10, loud=False, probability=SPEECH)
    await _settle()
    assert listener.discarded_speculations == 1
    assert len(decodes.started) == 1, "no new trial while the VAD hears speech"
    assert listener._speculative is None
    # Then the VAD's own pause: its trial holds the soft word too.
    caller.frames(EndpointSettings().pause_frames, loud=False, probability=SILENCE)
    await _settle()
    assert len(decodes.started) == 2
    assert listener._speculative is not None and not listener._speculative.early
    assert decodes.started[1][0] > decodes.started[0][0] + 10 * FRAME


async def _early_trial_heard(text: str) -> tuple[Listener, _Decodes, _Caller]:
    """A caller who spoke 800 ms and stopped: the early trial made and heard as ``text``."""
    listener, decodes, caller = _listener()
    caller.frames(40, loud=True, probability=SPEECH)
    caller.frames(QUIET_TRIAL_FRAMES, loud=False, probability=SILENCE)
    await _settle()
    decodes.answer(0, text)
    await _settle()
    return listener, decodes, caller


async def test_the_caller_going_on_discards_the_trial_and_the_wait_is_the_default() -> None:
    listener, decodes, caller = await _early_trial_heard("What are your opening hours?")
    settings = EndpointSettings()
    assert listener.endpointer.end_wait == COMPLETE_QUIET_FRAMES  # the VAD let go at once
    caller.frames(5, loud=True, probability=SPEECH)  # "... on Saturday?"
    assert listener.discarded_speculations == 1
    assert listener.endpointer.end_wait == settings.end_frames_default
    caller.frames(COMPLETE_QUIET_FRAMES + 2, loud=False, probability=SILENCE)
    assert listener.inputs.empty(), "the first half's verdict no longer ends the turn"


async def test_a_turn_says_which_verdict_set_the_wait_that_ended_it() -> None:
    """Words the judge can't call whole wait the default and say so; a turn whose trial was
    discarded (the caller went on) and not made again ends on the default with no verdict."""
    settings = EndpointSettings()
    listener, decodes, caller = await _early_trial_heard("I'd like to book a haircut")
    assert listener.endpointer.end_wait == settings.end_frames_default  # "unsure"
    caller.frames(settings.end_frames_default, loud=False, probability=SILENCE)
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn) and turn.end_wait_by == "unsure"

    listener, decodes, caller = await _early_trial_heard("What are your opening hours?")
    caller.frames(5, loud=True, probability=SPEECH)  # the caller goes on: trial discarded
    decodes.worker.pending = decodes.worker.threads  # every decoder busy: no trial at the pause
    caller.frames(settings.end_frames_default, loud=False, probability=SILENCE)
    decodes.worker.pending = 0
    await _settle()
    decodes.answer(len(decodes.started) - 1, "What are your opening hours on Saturday?")
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn) and turn.end_wait_by == "default"


async def test_a_click_after_a_hesitation_neither_ends_the_turn_nor_loses_its_trial() -> None:
    """ "I'd like to book a haircut on ..." then a click on the line, 400 ms into the pause.
    The click is energy, so the early trial is discarded; the turn still waits the
    hesitation's long wait (not the default, which the silence may already have passed, so
    the turn would end at once), and the pause gets its trial again once the worker is free."""
    listener, decodes, caller = await _early_trial_heard("I'd like to book a haircut on")
    settings = EndpointSettings()
    assert listener.endpointer.end_wait == settings.end_frames_max
    caller.frames(settings.end_frames_default, loud=False, probability=SILENCE)
    caller.frames(1, loud=True, probability=SILENCE)  # the click: loud, and no speech
    assert listener.discarded_speculations == 1
    assert listener.endpointer.end_wait == settings.end_frames_max
    assert listener.inputs.empty()
    await _settle()
    assert listener.late_trials == 1 and len(decodes.started) == 2
    decodes.answer(1, "I'd like to book a haircut on")
    caller.frames(2, loud=False, probability=SILENCE)
    await _settle()
    assert listener.inputs.empty(), "still waiting for the rest of the sentence"


async def test_no_early_trial_while_other_calls_wait_for_speech_to_text() -> None:
    listener, decodes, caller = _listener()
    decodes.worker.pending = 1  # another call's turn is being decoded
    caller.frames(40, loud=True, probability=SPEECH)
    caller.frames(4 + EndpointSettings().pause_frames, loud=False, probability=SILENCE)
    await _settle()
    assert decodes.started == [] and listener.early_trials == 0
    assert listener.skipped_speculations == 1  # the VAD's pause found it busy too


async def test_no_early_trial_while_another_calls_caller_is_talking() -> None:
    """Their turn will want speech to text the moment they stop: a bet on idle time could
    hold it then. The VAD's pause still makes this turn's trial."""
    listener, decodes, caller = _listener()
    _, _, other_caller = _listener(decodes)  # every call on a box shares the model
    other_caller.frames(5, loud=True, probability=SPEECH)  # that caller has started a turn
    caller.frames(40, loud=True, probability=SPEECH)
    caller.frames(4 + EndpointSettings().pause_frames, loud=False, probability=SILENCE)
    await _settle()
    assert listener.early_trials == 0
    assert len(decodes.started) == 1 and listener._speculative is not None
    assert not listener._speculative.early  # the VAD's pause's trial


def _trial_decodes(fate: str) -> float:
    sample = "receptionist_trial_decodes_total"
    return telemetry.REGISTRY.get_sample_value(sample, {"fate": fate}) or 0.0


async def _turn_across_a_pause(
    heard_then: str, heard_at_the_end: str
) -> tuple[Listener, _Decodes, _Caller]:
    """ "I'd like to book a haircut on [600 ms] Thursday at three please": the trial of the
    first part heard as ``heard_then``, the whole turn's trial as ``heard_at_the_end``."""
    listener, decodes, caller = await _early_trial_heard(heard_then)
    settings = EndpointSettings()
    caller.frames(30, loud=False, probability=SILENCE)  # the pause, shorter than the wait
    caller.frames(40, loud=True, probability=SPEECH)  # "Thursday at three please"
    assert listener._speculative is None, "the first part's trial is not the turn's"
    caller.frames(QUIET_TRIAL_FRAMES, loud=False, probability=SILENCE)
    await _settle()
    assert listener._speculative is not None  # the trial of the whole turn
    decodes.answer(len(decodes.started) - 1, heard_at_the_end)
    await _settle()
    caller.frames(settings.end_frames_max, loud=False, probability=SILENCE)
    await _settle()
    return listener, decodes, caller


async def test_words_after_a_pause_that_whisper_left_out_are_decoded_on_their_own() -> None:
    """Across a pause Whisper now and then writes the first part and stops: the turn's
    transcript is then the first part's trial, word for word, though the caller went on. What
    they said after the pause is decoded alone, and the turn has both."""
    first = "I'd like to book a haircut on."
    recovered_before = _trial_decodes("recovered")
    listener, decodes, _ = await _turn_across_a_pause(first, first)
    decoded = len(decodes.started)
    assert listener.inputs.empty()
    samples, _ = decodes.started[-1]  # the words after the pause, decoded alone
    # From just before the caller went on (the pre-roll) to the end: not the first part.
    assert 40 * FRAME <= samples <= (40 + 10 + VAD_LAG_FRAMES) * FRAME
    decodes.answer(decoded - 1, "Thursday at three please.")
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn)
    assert turn.text == "I'd like to book a haircut on. Thursday at three please."
    assert listener.recovered_after_pause == 1 and len(decodes.started) == decoded
    assert _trial_decodes("recovered") == recovered_before + 1  # on /metrics


async def test_a_transcript_with_the_words_after_the_pause_is_the_turn() -> None:
    whole = "I'd like to book a haircut on Thursday at three please."
    listener, decodes, _ = await _turn_across_a_pause("I'd like to book a haircut on.", whole)
    decoded = len(decodes.started)
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn) and turn.text == whole
    assert len(decodes.started) == decoded and listener.recovered_after_pause == 0


@pytest.mark.parametrize(
    ("first", "after"),
    [
        # A cough in a hesitation is loud too: decoded alone it is noise.
        ("I'd like to book a haircut on.", "(coughs)"),
        # "Sarah Mil- [pause] -ler": the trial before the pause guessed the word's end, and
        # the end alone is heard as another word ending alike.
        ("Sarah Miller,", "or a miller."),
    ],
)
async def test_what_adds_no_words_after_the_pause_leaves_the_turn_as_heard(
    first: str, after: str
) -> None:
    listener, decodes, _ = await _turn_across_a_pause(first, first)
    assert listener.inputs.empty()
    decodes.answer(len(decodes.started) - 1, after)
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn) and turn.text == first
    assert listener.recovered_after_pause == 0


async def test_a_dip_inside_a_word_is_no_pause_to_recover_words_after() -> None:
    """ "Sarah Mil- [60 ms] -ler": the trial of "Sarah Mil-" may already read "Sarah Miller";
    the turn's transcript adding nothing to it has lost nothing."""
    listener, decodes, caller = await _early_trial_heard("Sarah Miller.")
    caller.frames(12, loud=True, probability=SPEECH)  # "-ler"
    caller.frames(QUIET_TRIAL_FRAMES, loud=False, probability=SILENCE)
    await _settle()
    decodes.answer(len(decodes.started) - 1, "Sarah Miller.")
    caller.frames(EndpointSettings().end_frames_max, loud=False, probability=SILENCE)
    decoded = len(decodes.started)
    turn = await asyncio.wait_for(listener.inputs.get(), 1)
    assert isinstance(turn, CallerTurn) and turn.text == "Sarah Miller."
    assert len(decodes.started) == decoded and listener.recovered_after_pause == 0


async def test_a_vad_slow_to_let_go_adds_no_wait_to_a_complete_turn() -> None:
    """Where the VAD's own 160 ms comes 300 ms or more after the last sound, that ends it."""
    listener, decodes, caller = _listener()
    caller.frames(40, loud=True, probability=SPEECH)
    caller.frames(8, loud=False, probability=SPEECH)  # the VAD lets go 8 frames after the sound
    caller.frames(EndpointSettings().pause_frames, loud=False, probability=SILENCE)
    await _settle()
    decodes.answer(0, "What are your opening hours?")
    await _settle()
    assert listener.endpointer.end_wait == EndpointSettings().end_frames_min
