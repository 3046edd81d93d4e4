"""The caller's side of one call: frames -> VAD -> endpointing -> STT -> caller turns.

Transcribes speculatively when the caller pauses; when the pause turns out to be the end,
that transcript is used at once; when speech resumes it is discarded. The trial starts when
the caller's energy has been gone ``QUIET_TRIAL_FRAMES`` (60 ms), where the speech to text
worker is idle: the VAD lets go of a turn 20-140 ms after the energy ends, and says "paused"
``pause_frames`` after that, ~180 ms in all; it still starts the trial where the energy
never fell (a noisy line, our echo), the worker was busy, or another call's caller was
talking. What the speculative transcript says also sets how long to wait: a complete request
ends the turn sooner, a hesitation ("um", a trailing "and") waits longer. With an audio
end-of-turn model (Smart Turn, in its own worker), its verdict on the pause comes long before
the transcript: "complete" ends the turn after ``audio_end_frames`` of silence without
waiting for the words, which can still lengthen the wait (a hesitation) if they come first.
Across a pause Whisper now and then stops at the first part: a turn's transcript that adds
nothing to what a trial heard before the pause gets the words after it, decoded alone
(``AfterPause``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from receptionist import telemetry
from receptionist.media.audio import pcm_to_array
from receptionist.media.endpoint import (
    Endpointer,
    EndpointSettings,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    TurnEnded,
)
from receptionist.media.gate import (
    OpeningGate,
    frame_rms,
    hear_frame,
    last_loud_frame,
    loud_threshold,
)
from receptionist.media.leg import CallLeg
from receptionist.media.stt import Transcriber, Transcript
from receptionist.media.turn_model import SmartTurn
from receptionist.media.vad import SileroVad
from receptionist.media.worker import ModelWorker

log = logging.getLogger(__name__)

PREROLL_FRAMES = 10  # 200 ms before the first speech frame goes to STT
TAIL_FRAMES = 4
# 60 ms without the caller's energy (frames under loud_threshold) in a turn: transcribe the
# turn so far while the silence goes on. Over 164 caller lines in four voices not ours
# (flite slt/rms/awb, Festival slt, through the G.711 line, pauses cut in; 2026-11-30) the
# VAD said "paused" 9 frames (p95 11) after the last loud one; this fires 3 after it, and
# fires ~0.5 times more per line inside the speech (each trial the caller's next loud frame
# discards). 2 frames fired 0.85 more.
QUIET_TRIAL_FRAMES = 3
# The VAD's last speech frame came 1-7 frames (p50 4) after the last loud one on those lines:
# a trial made on the energy is the turn's own if the VAD let go within this many frames of
# it (and no loud frame came since, or the trial was discarded then).
VAD_LAG_FRAMES = 8
# A complete request ends the turn no sooner than this after the caller's last loud frame
# (300 ms): a caller who goes on after a comma ("Thursday at three, | my name is John
# Smith", "On Friday at ten, | please") pauses 220-260 ms there in Piper's voice and 240 ms in
# Festival's (one-off measure, 2026-12-01). With the VAD's "complete" wait alone (160 ms of
# its silence, which starts 20-140 ms after the energy) such turns ended at the comma on a
# box whose trial decode is fast: four end-to-end tests failed now and then that way.
COMPLETE_QUIET_FRAMES = 15
NOISE_HISTORY = 500  # frames (10 s) of levels the line's noise is taken from
NOISE_EVERY = 10  # frames between two estimates of it
# Words a sentence can't end on: a conjunction, an article or a possessive, a preposition
# that needs its object ("I'm calling about"), a contraction that needs its complement
# ("that's", "I'd"), "whoever" without its clause, a filler.
# Not the auxiliaries ("Yes, I do.", "I can.") nor "you", "this", "that", "in", "by", which
# end whole answers.
_HESITATION = re.compile(
    r"(\b(and|but|or|so|if|because|than|um+|uh+|er|the|a|an|my|your|our|their|his|these|"
    r"those|every|at|on|for|to|with|of|from|into|under|until|between|about|whoever|is|like|maybe|"
    r"that's|it's|there's|what's|i'm|i'd|i'll|we're|you're|they're)|,|\.\.\.|-)\s*$",
    re.I,
)
# What Whisper writes on noise, coughs and line hum. A caller can say these too, so they
# are dropped only when Whisper itself doubts there was speech (see is_noise). A lone
# function word is what tiny.en makes of a grunt or an "uh" ("at", "a"): alone it asks nothing.
_HALLUCINATIONS = {
    "you", "thank you", "thank you very much", "thanks", "thanks for watching",
    "thank you for watching", "thank you so much for watching", "please subscribe",
    "bye", "bye bye", "so", "oh", "ah", "uh", "um", "hmm", "mm", "mhm", "huh", "i", "the",
    "and", "a", "an", "at", "to", "of", "in", "it", "is",
}  # fmt: skip
_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|♪+")
NOISE_NO_SPEECH = 0.5  # no_speech_prob at or above this: Whisper doubts there was speech
NOISE_CONFIDENCE = 0.4  # confidence below this: Whisper doubts its words
# Babble under a line gives sentences such as "and then we'll be right here." at no-speech
# 0.55-0.6 and confidence 0.1-0.2; real speech through flite, Festival and Piper voices gave
# at least 0.29 (tests/test_noise_filter.py). Stricter than Whisper's own rule (0.6, 0.37).
GARBLE_NO_SPEECH = 0.5
GARBLE_CONFIDENCE = 0.2
# Speech after a pause that Whisper may have left out of the turn's transcript: at least this
# many loud frames (200 ms) after an earlier trial's last speech, the first of them more than
# PAUSE_FRAMES (300 ms) after it.
DROPPED_SPEECH_FRAMES = 10
PAUSE_FRAMES = 15


@dataclass
class CallerTurn:
    text: str
    first_speech_frame: int
    last_speech_frame: int
    end_frame: int
    last_speech_at: float  # loop time the last speech frame arrived
    ended_at: float  # loop time the end of turn was decided
    transcribed_at: float
    stt_ms: int
    speculative: bool
    confidence: float = 1.0  # Transcript.confidence: low means confirm before acting
    no_speech_prob: float = 0.0  # Transcript.no_speech_prob
    speech_end_at: float | None = None  # loop time the last frame with the caller's energy came
    # What set the silence that ended the turn: the words' verdict ("complete", "unsure",
    # "hesitant"), the audio model's ("audio"), or "default" (no verdict came in time).
    end_wait_by: str = "default"

    @property
    def heard_end_at(self) -> float:
        """When the caller stopped, as the line carried it (the VAD's figure if unknown)."""
        return self.last_speech_at if self.speech_end_at is None else self.speech_end_at

    @property
    def endpoint_ms(self) -> int:
        return int((self.ended_at - self.last_speech_at) * 1000)


@dataclass
class Silence:
    frames: int


@dataclass
class AfterPause:
    """What a trial decode heard before a pause, and the speech the caller added after it.
    Across a pause of a second Whisper now and then writes the first part and stops ("I'd
    like to book a haircut on." for "... on [1 s] Thursday at three please"): a turn's
    transcript that adds nothing to ``heard`` has lost ``after``, decoded then on its own."""

    heard: str
    after: np.ndarray


def adds_nothing(transcript: str, heard: str) -> bool:
    """Are the words of ``transcript`` (some) all words of ``heard``, from its start?"""
    words, before = _words(transcript), _words(heard)
    return bool(words) and before[: len(words)] == words


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


def _ends_alike(transcript: str, rest: str) -> bool:
    """Does ``rest`` end on one of the last words of ``transcript``?"""
    words, after = _words(transcript), _words(rest)
    return bool(after) and after[-1] in words[-3:]


@dataclass
class Trial:
    """A trial decode of the turn so far, made while the caller is silent."""

    last_speech: int  # its last frame of speech (the VAD's, or the last loud one when early)
    task: asyncio.Task[Transcript]
    full_window: bool
    early: bool = False  # started on the caller's energy, before the VAD said "paused"

    def covers(self, event: TurnEnded) -> bool:
        """Is this decode the ended turn's own: the same speech, nothing after it?"""
        if self.early:
            return event.last_speech_frame <= self.last_speech + VAD_LAG_FRAMES
        return event.last_speech_frame == self.last_speech


def sounds_hesitant(text: str) -> bool:
    """Does this transcript stop mid-thought ("um", a trailing "and", "at", "...")?"""
    stripped = text.strip().lower()
    if not stripped or stripped.endswith(("...", "-", ",")):
        return True
    # Whisper ends fragments with "." or "?" too ("how much is?"): judge the words.
    return bool(_HESITATION.search(stripped.rstrip(".?! ")))


def default_judge(text: str) -> str:
    """Without a dialog to ask: hesitant, or a sentence that ends like one."""
    if sounds_hesitant(text):
        return "hesitant"
    return "complete" if text.strip().endswith(("?", ".", "!")) else "unsure"


def is_noise(transcript: Transcript) -> bool:
    """Is this transcript what Whisper writes on noise rather than something a caller said?

    Nothing but punctuation or annotations ("[music]", "(coughs)", "♪") is noise. Digits and
    single words outside the usual hallucinations ("555-867-5309", "yes", "Smith",
    "Thursday") never are, however unsure Whisper is: losing a phone number costs more than
    a re-prompt. The usual hallucinations ("you", "Thank you.") are noise only when Whisper
    doubts the audio held speech or doubts its words; a longer phrase only when it doubts
    both, strongly.
    """
    text = _ANNOTATION.sub(" ", transcript.text.lower())
    if any(c.isdigit() for c in text):
        return False
    words = " ".join(re.sub(r"[^\w' ]", " ", text).replace("'", "").split())
    if not words:
        return True
    no_speech, confidence = transcript.no_speech_prob, transcript.confidence
    if words in _HALLUCINATIONS:
        return no_speech >= NOISE_NO_SPEECH or confidence < NOISE_CONFIDENCE
    if " " not in words:
        return False
    return no_speech >= GARBLE_NO_SPEECH and confidence < GARBLE_CONFIDENCE


# Frames that may wait, stamped, for a busy VAD worker (5 s of line): past it the leg's own
# bounded queue takes the back-pressure.
ARRIVALS_QUEUED = 250


class Listener:
    def __init__(
        self,
        leg: CallLeg,
        vad: SileroVad,
        vad_worker: ModelWorker,
        stt: Transcriber,
        settings: EndpointSettings | None = None,
        *,
        agent_speaking: Callable[[], bool] = lambda: False,
        on_speech_start: Callable[[int], None] | None = None,
        on_noise: Callable[[int], None] | None = None,
        silence_frames: int = 400,
        echo_boost: float = 0.2,
        judge: Callable[[str], str] = default_judge,
        speculative: bool = True,
        turn_model: SmartTurn | None = None,
        turn_worker: ModelWorker | None = None,
        audio_threshold: float = 0.5,
        audio_end_frames: int = 15,
        precise: Callable[[], bool] = lambda: False,
    ) -> None:
        self.leg = leg
        self.stream = vad.stream()
        self.vad_worker = vad_worker
        self.stt = stt
        self.endpointer = Endpointer(settings)
        self.agent_speaking = agent_speaking
        self.on_speech_start = on_speech_start
        # A turn (its first speech frame) turned out to be noise: no caller turn comes of it.
        self.on_noise = on_noise
        self.silence_frames = silence_frames
        self.echo_boost = echo_boost
        self.judge = judge
        self.gate = OpeningGate()
        self.speculative = speculative
        self.turn_model = turn_model if turn_worker is not None else None
        self.turn_worker = turn_worker
        self.audio_threshold = audio_threshold
        self.audio_end_frames = audio_end_frames
        # Every word of the next turn counts (the dialog asked for a name or a number): it
        # is decoded in Whisper's full window even where the site chose a shorter one.
        self.precise = precise
        self._pause = 0  # counts pauses: a verdict on an older pause is void
        self._hesitant = False  # the words so far trail off: the audio may not shorten
        self._wait_by = "default"  # what set the end-of-turn wait now running (CallerTurn)
        self.audio_verdicts: list[float] = []
        self.inputs: asyncio.Queue[CallerTurn | Silence] = asyncio.Queue()
        self._frames: list[np.ndarray] = []
        self._times: list[float] = []
        self._levels: list[float] = []  # RMS of each buffered frame
        self._offset = 0
        self._speculative: Trial | None = None
        self._finishing: asyncio.Task[None] | None = None
        self._quiet = 0
        self.frames_in = 0
        self.discarded_speculations = 0
        self.skipped_speculations = 0
        self.late_trials = 0  # skipped at the pause for a busy worker, made later in it
        self._trial_wanted: int | None = None  # last speech frame of a pause still owed a trial
        self.reused_speculations = 0
        self.recovered_after_pause = 0  # turns whose words after a pause Whisper left out
        self._turns_started = 0
        self._heard: list[tuple[int, str]] = []  # this turn's trials: (last speech, words)
        self.early_trials = 0  # started on the caller's energy, before the VAD's pause
        self.noise_turns = 0
        self._quiet_run = 0  # frames of the turn in progress without the caller's energy
        self._loud = loud_threshold([])  # a frame above this carries the caller's energy
        self._loud_age = NOISE_EVERY

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        rate = self.leg.sample_rate
        arrivals: asyncio.Queue[tuple[bytes, float] | None] = asyncio.Queue(ARRIVALS_QUEUED)
        receiver = asyncio.ensure_future(self._receive(arrivals))
        try:
            while (item := await arrivals.get()) is not None:
                frame, arrived = item
                samples = pcm_to_array(frame)
                probability = await self.vad_worker.run(partial(self.stream.push, samples, rate))
                # When we decide, which a busy VAD worker may delay.
                self.take_frame(samples, arrived, probability, loop.time())
        except BaseException:
            self.stt.open_turns.discard(self)
            receiver.cancel()
            await asyncio.gather(receiver, return_exceptions=True)
            raise
        await receiver  # a line that failed fails the listener, as it did before

    def take_frame(
        self, samples: np.ndarray, arrived: float, probability: float, now: float
    ) -> None:
        """One 20 ms frame of the caller's line, which arrived at ``arrived``, with the VAD's
        speech probability: the turn's audio, endpointing, trial decodes. No waiting here."""
        self._frames.append(samples)
        self._times.append(arrived)
        level = frame_rms(samples)
        self._levels.append(level)
        self.frames_in += 1
        speaking = self.agent_speaking()
        heard = hear_frame(
            self.endpointer, self.gate, probability, level, arrived, speaking, self.echo_boost
        )
        for event in heard:
            log.debug("endpoint %s", event)
            self._on_event(event, now)
        self._follow_energy(level)
        self._try_late_trial()
        self._after_frame(speaking)

    async def _receive(self, arrivals: asyncio.Queue[tuple[bytes, float] | None]) -> None:
        """Stamp each frame when it reaches us, not when the VAD gets round to it.

        When the VAD worker falls behind (a loaded machine, other calls' turns), frames wait
        here; the line latency must still start from when the caller's sound came in.
        """
        loop = asyncio.get_running_loop()
        try:
            async for frame in self.leg.audio_in():
                await arrivals.put((frame, loop.time()))
        except Exception:
            await arrivals.put(None)
            raise
        await arrivals.put(None)  # the line has ended: the frames before it still count

    def _after_frame(self, speaking: bool) -> None:
        finishing = self._finishing is not None and not self._finishing.done()
        if self.endpointer.in_turn or speaking or finishing:
            self._quiet = 0
        else:
            self._quiet += 1
            if self._quiet >= self.silence_frames:
                self._quiet = 0
                self.inputs.put_nowait(Silence(self.silence_frames))
        self._trim()

    def _on_event(self, event: object, now: float) -> None:
        if isinstance(event, SpeechStarted):
            self.stt.open_turns.add(self)
            self._turns_started += 1
            self._wait_by = "default"
            self._heard = []
            if self.on_speech_start is not None:
                self.on_speech_start(event.first_speech_frame)
        elif isinstance(event, SpeechPaused):
            self._pause += 1
            early = self._speculative is not None and self._speculative.early
            if not early:
                self._hesitant = False
            self._ask_turn_model(event)
            if not self.speculative or early:
                return  # an early trial was made on the energy, and no loud frame came since
            own = self._speculative is not None and not self._speculative.task.done()
            if self.stt.worker.busy(besides=int(own)):
                # Speculation is a bet on idle time: with other calls' audio already
                # waiting for STT (every decoder taken) it would only delay them. It is
                # tried again on each frame of the pause, and made once a decoder is free
                # (_try_late_trial).
                self.skipped_speculations += 1
                telemetry.trial_decode("skipped")
                self._trial_wanted = event.last_speech_frame
                return
            self._start_trial(event.last_speech_frame)
        elif isinstance(event, SpeechResumed):
            self._pause += 1
            self._trial_wanted = None
            self._discard_trial()
            self.endpointer.set_end_wait(self.endpointer.settings.end_frames_default)
            self._wait_by = "default"
        elif isinstance(event, TurnEnded):
            self.stt.open_turns.discard(self)
            self._trial_wanted = None
            speculative = self._speculative
            self._speculative = None
            reuse = (
                speculative is not None
                and speculative.covers(event)
                and (speculative.full_window or not self.precise())  # asked for a name since
            )
            if reuse:
                self.reused_speculations += 1
                telemetry.trial_decode("reused")
            elif speculative is not None:
                speculative.task.cancel()  # of other audio, or not in the window now asked for
            task: asyncio.Task[Transcript] | None = (
                speculative.task if reuse and speculative else None
            )
            audio: np.ndarray | None = (
                None
                if task
                else self._audio(
                    event.first_speech_frame - PREROLL_FRAMES, event.last_speech_frame + TAIL_FRAMES
                )
            )
            previous = self._finishing
            self._finishing = asyncio.ensure_future(
                self._finish(
                    event,
                    task,
                    audio,
                    now,
                    self._time_of(event.last_speech_frame),
                    self._speech_end_at(event),
                    previous,
                    self._after_pause(event),
                    self._wait_by,
                )
            )

    async def end_of_line(self) -> None:
        """The caller has hung up: a turn still in progress ends here (no silence will come
        to end it), and this returns once every ended turn is transcribed and in ``inputs``.
        A caller's last words ("... and call me back, bye", then the click) reach the record
        like any turn; what the call does with them is the call's business."""
        ended = self.endpointer.cut()
        if ended is not None:
            self._on_event(ended, asyncio.get_running_loop().time())
        if self._finishing is not None:
            await asyncio.wait([self._finishing])  # its failure is its own, not the hang-up's

    def _start_trial(self, last_speech_frame: int, early: bool = False) -> None:
        """Decode the turn so far while the pause goes on: its words may end the turn."""
        self._trial_wanted = None
        so_far = self._audio(self._turn_start(), last_speech_frame + TAIL_FRAMES)
        full = self.precise()
        guess = asyncio.ensure_future(
            self.stt.transcribe(so_far, self.leg.sample_rate, full_window=full)
        )
        self._speculative = Trial(last_speech_frame, guess, full, early)
        log.debug("trial of frames to %d (early %s)", last_speech_frame, early)
        guess.add_done_callback(self._adapt_end_wait)
        guess.add_done_callback(partial(self._trial_heard, self._turns_started, last_speech_frame))

    def _trial_heard(self, turn: int, last_speech: int, task: asyncio.Task[Transcript]) -> None:
        """Keep what a trial of this turn heard, kept or discarded: see ``AfterPause``."""
        if task.cancelled() or task.exception() is not None or turn != self._turns_started:
            return
        self._heard.append((last_speech, task.result().text))

    def _after_pause(self, event: TurnEnded) -> AfterPause | None:
        """The latest trial of the ended turn that the caller went on after, past a pause (not
        a dip inside a word, whose rest a trial may already have guessed: "Sarah Mil-"), with
        the audio of what they said then."""
        for last_speech, heard in sorted(self._heard, reverse=True):
            loud = [
                frame
                for frame in range(max(last_speech + 1, self._offset), event.last_speech_frame + 1)
                if self._levels[frame - self._offset] > self._loud
            ]
            if len(loud) >= DROPPED_SPEECH_FRAMES and loud[0] - last_speech > PAUSE_FRAMES:
                start = max(loud[0] - PREROLL_FRAMES, last_speech + 1)
                return AfterPause(heard, self._audio(start, event.last_speech_frame + TAIL_FRAMES))
        return None

    def _discard_trial(self) -> None:
        """The caller went on: the trial of the pause is not the turn's."""
        if self._speculative is None:
            return
        self.discarded_speculations += 1
        telemetry.trial_decode("discarded")
        # Still queued (other calls' turns ahead of it), it is never decoded; already
        # decoding, its transcript is dropped.
        self._speculative.task.cancel()
        self._speculative = None

    def _others_in_a_turn(self) -> bool:
        """Is another call's caller talking now? Their turn will want speech to text as soon
        as they stop, and an early trial (a bet: ~0.5 a turn are discarded) could hold it
        then; on a box with several calls only the VAD's pause makes trials."""
        return any(other is not self for other in self.stt.open_turns)

    def _caller_went_on(self) -> None:
        """Energy (or the VAD's speech, past its lag) after an early trial: its decode is not
        the turn's. The wait goes back to the default, never shorter than it was (a wait
        the trial had lengthened may already be past the default: the turn must not end on
        the caller's next word). Where the VAD has said "paused" and says nothing more (a
        click), that pause is owed a trial: made once the worker is free."""
        self._discard_trial()
        endpointer = self.endpointer
        default = endpointer.settings.end_frames_default
        if endpointer.end_wait <= default:
            self._wait_by = "default"  # else the hesitation's longer wait stands, and its name
        endpointer.set_end_wait(max(endpointer.end_wait, default))
        if endpointer.paused:
            self._trial_wanted = endpointer.last_speech_frame

    def _follow_energy(self, level: float) -> None:
        """The caller's energy, frame by frame: gone for ``QUIET_TRIAL_FRAMES`` in a turn,
        the trial starts (on an idle worker: a bet on idle time, as at the VAD's pause);
        back, that trial is discarded as at the VAD's "resumed"."""
        self._loud_age += 1
        if self._loud_age >= NOISE_EVERY:
            self._loud = loud_threshold(self._levels[-NOISE_HISTORY:])
            self._loud_age = 0
        if not self.endpointer.in_turn:
            self._quiet_run = 0
            return
        self._quiet_run = 0 if level > self._loud else self._quiet_run + 1
        last_loud = self.endpointer.frame - self._quiet_run
        # The VAD still hears speech past its usual lag: a quiet word, not a pause.
        vad_agrees = self.endpointer.last_speech_frame <= last_loud + VAD_LAG_FRAMES
        trial = self._speculative
        if trial is not None and trial.early:
            if level > self._loud or not vad_agrees:
                self._caller_went_on()
            return
        if (
            self._quiet_run >= QUIET_TRIAL_FRAMES
            and vad_agrees
            and self.speculative
            and trial is None
            and self._trial_wanted is None  # the VAD's pause is owed one: _try_late_trial
            and not self.stt.worker.busy()
            and not self._others_in_a_turn()
        ):
            self.early_trials += 1
            telemetry.trial_decode("early")
            self._start_trial(last_loud, early=True)

    def _try_late_trial(self) -> None:
        """A pause whose trial waited for a busy worker gets it once the worker is free: under
        load its verdict can still end the turn before the default wait, and the decode
        started then is the turn's own when the pause is its end."""
        if self._trial_wanted is None or self.stt.worker.busy():
            return
        if not self.endpointer.in_turn:
            self._trial_wanted = None
            return
        self.late_trials += 1
        telemetry.trial_decode("late")
        self._start_trial(self._trial_wanted)

    def _turn_start(self) -> int:
        """The first frame of the turn in progress, with its pre-roll, still in the buffer."""
        return max(self._offset, self.endpointer.first_speech_frame - PREROLL_FRAMES)

    def _ask_turn_model(self, event: SpeechPaused) -> None:
        """Smart Turn's verdict on the audio so far; it runs while the silence goes on."""
        if self.turn_model is None or self.turn_worker is None:
            return
        audio = self._audio(self._turn_start(), event.frame)
        job = partial(self.turn_model.probability, audio, self.leg.sample_rate)
        verdict = asyncio.ensure_future(self.turn_worker.run(job))
        verdict.add_done_callback(partial(self._audio_verdict, self._pause))

    def _audio_verdict(self, pause: int, verdict: asyncio.Future[float]) -> None:
        if verdict.cancelled() or verdict.exception() is not None:
            return
        probability = verdict.result()
        self.audio_verdicts.append(probability)
        if pause != self._pause or not self.endpointer.in_turn or self._hesitant:
            return
        if probability > self.audio_threshold:
            self.endpointer.set_end_wait(self.audio_end_frames)
            self._wait_by = "audio"

    def _adapt_end_wait(self, task: asyncio.Task[Transcript]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        current = self._speculative
        if current is None or current.task is not task or not self.endpointer.in_turn:
            return
        s = self.endpointer.settings
        verdict = self.judge(task.result().text)
        log.debug("trial verdict %s on %r", verdict, task.result().text)
        self._hesitant = verdict == "hesitant"
        if verdict == "unsure" and self.turn_model is not None:
            return  # the audio's verdict (sooner, or already given) decides
        self._wait_by = verdict
        if verdict == "complete":
            self.endpointer.set_end_wait(self._complete_wait())
            return
        self.endpointer.set_end_wait(
            s.end_frames_max if verdict == "hesitant" else s.end_frames_default
        )

    def _complete_wait(self) -> int:
        """The silence (in the VAD's frames) that ends a turn whose words are complete:
        ``end_frames_min``, and no sooner than ``COMPLETE_QUIET_FRAMES`` after the caller's
        last loud frame."""
        endpointer = self.endpointer
        last_loud = endpointer.frame - self._quiet_run
        after_energy = last_loud + COMPLETE_QUIET_FRAMES - endpointer.last_speech_frame
        return max(endpointer.settings.end_frames_min, after_energy)

    async def _finish(
        self,
        event: TurnEnded,
        task: asyncio.Task[Transcript] | None,
        audio: np.ndarray | None,
        ended_at: float,
        last_speech_at: float,
        speech_end_at: float,
        previous: asyncio.Task[None] | None,
        after_pause: AfterPause | None = None,
        wait_by: str = "default",
    ) -> None:
        loop = asyncio.get_running_loop()
        if task is not None:
            transcript = await task
        else:
            assert audio is not None
            transcript = await self.stt.transcribe(
                audio, self.leg.sample_rate, urgent=True, full_window=self.precise()
            )
        if after_pause is not None and adds_nothing(transcript.text, after_pause.heard):
            transcript = await self._with_words_after_pause(transcript, after_pause)
        if previous is not None:
            await previous  # turns reach the dialog in the order they were spoken
        log.debug(
            "turn frames %d-%d: %r (no speech %.2f, confidence %.2f)",
            event.first_speech_frame,
            event.last_speech_frame,
            transcript.text,
            transcript.no_speech_prob,
            transcript.confidence,
        )
        if is_noise(transcript):
            self.noise_turns += 1
            if self.on_noise is not None:
                self.on_noise(event.first_speech_frame)
            log.info(
                "dropped a turn that was only noise: %r (no speech %.2f, confidence %.2f)",
                transcript.text,
                transcript.no_speech_prob,
                transcript.confidence,
            )
            return
        self.inputs.put_nowait(
            CallerTurn(
                text=transcript.text,
                first_speech_frame=event.first_speech_frame,
                last_speech_frame=event.last_speech_frame,
                end_frame=event.frame,
                last_speech_at=last_speech_at,
                ended_at=ended_at,
                transcribed_at=loop.time(),
                stt_ms=transcript.compute_ms,
                speculative=task is not None,
                confidence=transcript.confidence,
                no_speech_prob=transcript.no_speech_prob,
                speech_end_at=speech_end_at,
                end_wait_by=wait_by,
            )
        )

    async def _with_words_after_pause(
        self, transcript: Transcript, after_pause: AfterPause
    ) -> Transcript:
        """The turn's transcript with what the caller said after its pause, decoded alone."""
        telemetry.trial_decode("after_pause")
        rest = await self.stt.transcribe(
            after_pause.after, self.leg.sample_rate, urgent=True, full_window=self.precise()
        )
        if not rest.text or is_noise(rest) or _ends_alike(transcript.text, rest.text):
            # A cough, a knock; or the end of a word the trial before the pause had already
            # guessed ("Sarah Mil- [pause] -ler": "Sarah Miller", then "or a miller"): the
            # transcript had all the words.
            return transcript
        self.recovered_after_pause += 1
        telemetry.trial_decode("recovered")
        log.info("words after a pause left out: %r, then alone %r", transcript.text, rest.text)
        return replace(
            transcript,
            text=f"{transcript.text} {rest.text}",
            compute_ms=transcript.compute_ms + rest.compute_ms,
            confidence=min(transcript.confidence, rest.confidence),
        )

    def _speech_end_at(self, event: TurnEnded) -> float:
        """When the last frame with the caller's energy arrived (see last_loud_frame)."""
        first = event.first_speech_frame - self._offset
        last = event.last_speech_frame + TAIL_FRAMES - self._offset
        return self._time_of(self._offset + last_loud_frame(self._levels, first, last))

    def _time_of(self, frame: int) -> float:
        index = frame - self._offset
        if 0 <= index < len(self._times):
            return self._times[index]
        return self._times[-1] if self._times else 0.0

    def _audio(self, first: int, last: int) -> np.ndarray:
        start = max(0, first - self._offset)
        end = max(start, min(len(self._frames), last - self._offset + 1))
        if end <= start:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(self._frames[start:end])

    def _trim(self) -> None:
        """Keep only the audio a turn in progress (or a new one) could still need."""
        if self.endpointer.in_turn or self._speculative is not None:
            keep_from = self.endpointer.first_speech_frame - PREROLL_FRAMES
        else:
            keep_from = self.endpointer.frame - PREROLL_FRAMES - 5
        drop = min(keep_from - self._offset, len(self._frames) - 1)
        if drop > 200:
            del self._frames[:drop]
            del self._times[:drop]
            del self._levels[:drop]
            self._offset += drop
