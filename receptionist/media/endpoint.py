"""Endpointing: turn per-frame speech probabilities into caller turns.

Counts frames, never wall-clock, so a test can drive it frame by frame. Emits:
- ``SpeechStarted`` once speech has lasted ``start_frames`` (``barge_frames`` while the agent
  talks: barge-in fires on this, and a shorter run stops the agent sooner);
- ``SpeechPaused`` after ``pause_frames`` of silence (speculative transcription starts here);
- ``SpeechResumed`` when speech comes back after a pause (the speculative transcript is void);
- ``TurnEnded`` once the silence reaches the end-of-turn wait, which the caller of
  ``set_end_wait`` may shorten (the words so far are a complete request) or lengthen
  (a hesitation, a trailing "and...").

``cut`` ends a turn in progress at once: the line has ended (the caller hung up) and no
silence will follow to end it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointEvent:
    frame: int  # index of the frame that caused the event


@dataclass(frozen=True)
class SpeechStarted(EndpointEvent):
    first_speech_frame: int


@dataclass(frozen=True)
class SpeechPaused(EndpointEvent):
    last_speech_frame: int


@dataclass(frozen=True)
class SpeechResumed(EndpointEvent):
    pass


@dataclass(frozen=True)
class TurnEnded(EndpointEvent):
    first_speech_frame: int
    last_speech_frame: int


@dataclass
class EndpointSettings:
    speech_threshold: float = 0.5
    silence_threshold: float = 0.35
    start_frames: int = 3  # 60 ms of speech opens a turn
    # While the agent talks: 40 ms. Stopping our voice sooner matters more then, and a
    # false start costs less: the agent only holds its sentence and says it again when the
    # turn was noise (Call._noise_turn). The echo gate and a higher bar still apply.
    barge_frames: int = 2
    # While the agent talks, a frame the gate finds far over the line's noise and our echo
    # (``OpeningGate.stands_out``) counts as speech at this probability: silero's climbs over
    # 60-140 ms at a word's start, and such a frame can't be our echo or the background.
    # Over 624 caller lines' starts while the agent talks (39 lines, four voices not ours,
    # G.711), with the gate's learned echo loss, the barge-in opened p50 / p95 / p99 40 / 100
    # / 155 ms after the first loud frame (80 / 160 / 200 before either); no cough of 60 at
    # 0.35 (6 at 0.15, which made p95 80).
    clear_threshold: float = 0.35
    # ... on that frame and the next ones: the VAD's probability lags the word's energy (a
    # short first syllable, "Ac-tually", is loud before silero says speech).
    clear_frames: int = 4
    pause_frames: int = 5  # 100 ms of silence: transcribe speculatively
    end_frames_default: int = 38  # 760 ms: end of turn when nothing better is known
    end_frames_min: int = 8  # 160 ms: a complete request (listener.py: and 300 ms after its sound)
    # 1200 ms after a hesitation ("um", a trailing "and", "on"): a caller looking for the
    # word pauses long. On the bench's 120 paused turns in four voices, 900 ms cut off 19.2 %
    # (six turns after a hesitation whose silence ran 0.9-1.2 s), 1200 ms 15.0 %, 1500 ms
    # 14.2 % at twice the cost to a turn that really ended on one.
    end_frames_max: int = 60
    max_turn_frames: int = 1500  # 30 s: a turn that never stops is cut here


class Endpointer:
    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self.frame = -1
        self.in_turn = False
        self._speech_run = 0
        self._silence_run = 0
        self._first_speech = -1
        self._last_speech = -1
        self._paused = False
        self._end_frames = self.settings.end_frames_default
        self.threshold_boost = 0.0  # raised while the agent talks (echo of our own voice)
        self.agent_speaking = False  # a turn opens after barge_frames, not start_frames
        self._stood_out = -1_000_000  # the last frame that stood far over the gate's bars

    def set_end_wait(self, frames: int) -> None:
        s = self.settings
        self._end_frames = max(s.end_frames_min, min(s.end_frames_max, frames))

    @property
    def first_speech_frame(self) -> int:
        return self._first_speech

    @property
    def silence_frames(self) -> int:
        return self._silence_run

    @property
    def end_wait(self) -> int:
        """Frames of silence that now end the turn in progress."""
        return self._end_frames

    @property
    def paused(self) -> bool:
        """Has the turn in progress said ``SpeechPaused`` (and no ``SpeechResumed`` since)?"""
        return self.in_turn and self._paused

    @property
    def last_speech_frame(self) -> int:
        return self._last_speech

    def cut(self) -> TurnEnded | None:
        """The line has ended: the turn in progress, if any, ends here, at its last speech."""
        if not self.in_turn:
            return None
        ended = TurnEnded(self.frame, self._first_speech, self._last_speech)
        self.reset()
        return ended

    def reset(self) -> None:
        self.in_turn = False
        self._speech_run = 0
        self._silence_run = 0
        self._paused = False
        self._end_frames = self.settings.end_frames_default

    def push(
        self, probability: float, may_open: bool = True, stands_out: bool = False
    ) -> list[EndpointEvent]:
        """One frame's speech probability. ``may_open`` False: this frame can't help open
        a turn (too quiet for the line, or no louder than our own echo). ``stands_out``:
        far over both (see ``clear_threshold``)."""
        s = self.settings
        self.frame += 1
        events: list[EndpointEvent] = []
        bar = min(0.95, s.speech_threshold + self.threshold_boost)
        if stands_out:
            self._stood_out = self.frame
        recent = self.frame - self._stood_out < s.clear_frames
        if recent and self.agent_speaking and not self.in_turn:
            bar = min(bar, s.clear_threshold)
        speech = probability >= bar
        if not self.in_turn and not may_open:
            speech = False
        silence = probability < s.silence_threshold
        if speech:
            self._speech_run += 1
            self._silence_run = 0
            self._last_speech = self.frame
            needed = s.barge_frames if self.agent_speaking else s.start_frames
            if not self.in_turn and self._speech_run >= needed:
                self.in_turn = True
                self._first_speech = self.frame - self._speech_run + 1
                self._end_frames = s.end_frames_default
                events.append(SpeechStarted(self.frame, self._first_speech))
            elif self._paused and self._speech_run >= 2:
                self._paused = False
                events.append(SpeechResumed(self.frame))
        else:
            self._speech_run = 0
            if silence or not self.in_turn:
                self._silence_run += 1
            if self.in_turn:
                if not self._paused and self._silence_run >= s.pause_frames:
                    self._paused = True
                    events.append(SpeechPaused(self.frame, self._last_speech))
                if self._silence_run >= self._end_frames:
                    events.append(TurnEnded(self.frame, self._first_speech, self._last_speech))
                    self.reset()
        if self.in_turn and self.frame - self._first_speech >= s.max_turn_frames:
            events.append(TurnEnded(self.frame, self._first_speech, self._last_speech))
            self.reset()
        return events
