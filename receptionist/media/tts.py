"""Text to speech with Piper, a sentence (or a long sentence's clause) at a time, in its own
worker thread.

Output is converted to the leg's rate (8 kHz on phone lines) once, here. Fixed sentences
(greeting, fillers, notices) are cached: the second time costs no synthesis at all. So are
the business's own sentences (its answers, its questions, "Thursday at 3 PM is free."), made
in the background after start-up (``warm_later``): a reply that starts with one plays at once.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from receptionist.media.audio import resample
from receptionist.media.worker import ModelWorker

if TYPE_CHECKING:
    from piper import PiperVoice

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
# Piper makes a sentence in one go, in time in proportion to its length (on a 2-core CPU
# about 50 ms a word), and nothing plays until it is done. A sentence longer than this is
# cut at its commas, into pieces of at least MIN_PIECE_WORDS words (a clause alone, never a
# lone "Sure,"), so the caller hears the first clause while the rest is made.
LONG_SENTENCE_WORDS = 10
MIN_PIECE_WORDS = 4


def split_sentences(text: str) -> list[str]:
    """Piper synthesizes a sentence at a time: split long replies on sentence ends."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def split_clauses(sentence: str) -> list[str]:
    """A long sentence cut at commas (and ; :) into pieces of at least MIN_PIECE_WORDS
    words; a short one, or one without a comma, stays whole. Joined with spaces, the pieces
    are the sentence."""
    if len(sentence.split()) <= LONG_SENTENCE_WORDS:
        return [sentence]
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        if pieces and len(pieces[-1].split()) < MIN_PIECE_WORDS:
            pieces[-1] = f"{pieces[-1]} {clause}"
        else:
            pieces.append(clause)
    if len(pieces) > 1 and len(pieces[-1].split()) < MIN_PIECE_WORDS:
        pieces[-2:] = [f"{pieces[-2]} {pieces[-1]}"]
    return pieces


def speech_pieces(text: str) -> list[str]:
    """What is sent to Piper one at a time: sentences, and long sentences' clauses."""
    return [piece for sentence in split_sentences(text) for piece in split_clauses(sentence)]


@dataclass(frozen=True)
class Speech:
    text: str
    pcm: bytes  # 16-bit LE mono at ``sample_rate``
    sample_rate: int
    compute_ms: int
    cached: bool


def load_voice(voice_path: str | Path, device: str = "cpu") -> PiperVoice:
    """Piper's voice, on the CPU in an onnxruntime session whose threads sleep between
    operations instead of spinning (onnxruntime's default). Piper shares two cores with
    Whisper: spinning threads take the CPU that a decode of another call's turn needs. Measured
    with a decode and a synthesis running at once (/tmp one-off, 3 runs each, 12-16 of each):
    decode p50 361-632 ms spinning, 355-399 not; synthesis p95 672-849 against 543-589; alone
    each costs the same either way."""
    from piper import PiperVoice

    if device == "cuda":
        return PiperVoice.load(str(voice_path), use_cuda=True)
    import onnxruntime as ort
    from piper.config import PiperConfig

    config = json.loads(Path(f"{voice_path}.json").read_text(encoding="utf-8"))
    options = ort.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(
        str(voice_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(config=PiperConfig.from_dict(config), session=session)


class Synthesizer:
    def __init__(
        self,
        voice_path: str | Path,
        device: str = "cpu",
        cache_size: int = 256,
        length_scale: float | None = None,
    ) -> None:
        self.voice = load_voice(voice_path, device)
        self.voice_rate = int(self.voice.config.sample_rate)
        self.length_scale = length_scale
        self.worker = ModelWorker("tts")
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.synth_count = 0
        # warm_later's pieces not made yet, and whether a call is on (then they wait)
        self._to_warm: deque[tuple[str, int]] = deque()
        self._warmed = threading.Event()
        self._warmed.set()
        self._calls_on = 0
        self._warm_started = 0.0  # when the current warm_later batch was handed over
        self._warm_made = 0

    def _synthesize(self, text: str, sample_rate: int) -> bytes:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self.length_scale)
        chunks = [c.audio_int16_array for c in self.voice.synthesize(text, syn_config=config)]
        self.synth_count += 1
        audio = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return resample(audio, self.voice_rate, sample_rate).astype("<i2").tobytes()

    def cached(self, text: str, sample_rate: int) -> bytes | None:
        with self._lock:
            pcm = self._cache.get((text, sample_rate))
            if pcm is not None:
                self._cache.move_to_end((text, sample_rate))
            return pcm

    def cached_texts(self) -> list[str]:
        with self._lock:
            return [text for text, _rate in self._cache]

    def _remember(self, text: str, sample_rate: int, pcm: bytes) -> None:
        with self._lock:
            self._cache[(text, sample_rate)] = pcm
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def speak_sync(
        self, text: str, sample_rate: int, cache: bool = False, use_cache: bool = True
    ) -> Speech:
        hit = self.cached(text, sample_rate) if use_cache else None
        if hit is not None:
            return Speech(text, hit, sample_rate, 0, True)
        started = time.perf_counter()
        pcm = self._synthesize(text, sample_rate)
        if cache:
            self._remember(text, sample_rate, pcm)
        return Speech(text, pcm, sample_rate, int((time.perf_counter() - started) * 1000), False)

    async def speak(
        self, text: str, sample_rate: int, cache: bool = False, use_cache: bool = True
    ) -> Speech:
        hit = self.cached(text, sample_rate) if use_cache else None
        if hit is not None:  # no thread hop for a cached sentence
            return Speech(text, hit, sample_rate, 0, True)
        return await self.worker.run(lambda: self.speak_sync(text, sample_rate, cache, use_cache))

    def warm(self, sentences: list[str], sample_rate: int) -> None:
        """Synthesize fixed sentences ahead of the first call, in the pieces a speaker asks
        for (see speech_pieces)."""
        for sentence in sentences:
            for piece in speech_pieces(sentence):
                self.worker.submit_sync(partial(self.speak_sync, piece, sample_rate, True))

    def warm_later(self, sentences: list[str], sample_rate: int) -> None:
        """Synthesize these in the background, in the order given, one at a time and only
        while no call is on (``call_started``): a call's sentences never queue behind them,
        and a call that starts meanwhile shares the CPU only with the piece in hand.
        Returns at once."""
        pieces = dict.fromkeys(p for s in sentences for p in speech_pieces(s))
        if len(self._cache) + len(pieces) > self._cache_size:
            self._cache_size = len(self._cache) + len(pieces) + 256  # never evict them for these
        with self._lock:
            idle = not self._to_warm
            if idle:
                self._warm_started, self._warm_made = time.perf_counter(), 0
            self._to_warm.extend((piece, sample_rate) for piece in pieces)
            self._warmed.clear()
        if idle:
            self.worker.submit_background(self._warm_next)

    def _warm_next(self) -> None:
        """On the worker: make the next piece, or wait half a second while a call is on."""
        if self._calls_on > 0:
            timer = threading.Timer(0.5, self.worker.submit_background, (self._warm_next,))
            timer.daemon = True
            timer.start()
            return
        with self._lock:
            if not self._to_warm:
                if not self._warmed.is_set():
                    # An operator (and a test measuring memory) can tell start-up is done.
                    log.info("text to speech: %d sentence piece(s) made ahead in %.1f s",
                             self._warm_made, time.perf_counter() - self._warm_started)  # fmt: skip
                self._warmed.set()
                return
            piece, sample_rate = self._to_warm.popleft()
        try:
            self.speak_sync(piece, sample_rate, cache=True)
            self._warm_made += 1
        except Exception:  # one sentence Piper can't make doesn't stop the rest
            log.exception("text to speech could not make %r ahead", piece)
        self.worker.submit_background(self._warm_next)

    def call_started(self) -> None:
        """A call is on: start-up's background sentences wait until none is."""
        self._calls_on += 1

    def call_ended(self) -> None:
        self._calls_on = max(0, self._calls_on - 1)

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Until every sentence given to ``warm_later`` so far is made (a bench measures a
        receptionist that has been up for a while); False if ``timeout`` ran out first."""
        return self._warmed.wait(timeout)
