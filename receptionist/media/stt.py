"""Speech to text with faster-whisper, in its own worker thread.

Always loaded from a path (never a size name: no hub downloads), always ``temperature=0``
(the fallback schedule re-decodes for seconds), greedy, no timestamps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from receptionist.media.audio import resample
from receptionist.media.worker import ModelWorker

WHISPER_RATE = 16000


@dataclass(frozen=True)
class Transcript:
    """What Whisper heard, with how sure it was.

    ``confidence`` (0..1) is the geometric mean of the text's token probabilities,
    exp(avg_logprob) over the segments weighted by their token counts; 0 when nothing was
    heard. ``no_speech_prob`` is Whisper's own estimate that the audio held no speech (the
    highest over the segments). Whisper's own silence rule is no_speech_prob > 0.6 with
    avg_logprob < -1 (confidence < 0.37).
    """

    text: str
    audio_ms: int
    compute_ms: int
    no_speech_prob: float = 0.0
    confidence: float = 1.0


def segment_confidence(segments: Sequence[tuple[float, int]]) -> float:
    """exp of the token-weighted mean avg_logprob of (avg_logprob, token count) segments."""
    weighted = [(lp, max(1, n)) for lp, n in segments if math.isfinite(lp)]
    total = sum(n for _, n in weighted)
    if not total:
        return 0.0
    return min(1.0, max(0.0, math.exp(sum(lp * n for lp, n in weighted) / total)))


class Transcriber:
    def __init__(
        self,
        model_path: str | Path,
        device: str = "cpu",
        compute_type: str = "int8",
        threads: int = 2,
        hotwords: str | None = None,
    ) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            str(model_path), device=device, compute_type=compute_type, cpu_threads=threads
        )
        self.hotwords = hotwords
        self.worker = ModelWorker("stt")

    def transcribe_sync(self, samples: np.ndarray, sample_rate: int) -> Transcript:
        started = time.perf_counter()
        audio = resample(samples, sample_rate, WHISPER_RATE)
        if audio.dtype == np.int16:
            audio = audio.astype(np.float32) / 32768.0
        # Whisper hallucinates on very short clips; pad to at least 1 s with silence.
        if len(audio) < WHISPER_RATE:
            audio = np.concatenate([audio, np.zeros(WHISPER_RATE - len(audio), np.float32)])
        segments, _info = self.model.transcribe(
            audio,
            language="en",
            beam_size=1,
            temperature=0.0,
            without_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            hotwords=self.hotwords,
        )
        parts = list(segments)
        text = " ".join(p.text.strip() for p in parts).strip()
        no_speech = max((p.no_speech_prob for p in parts), default=1.0)
        confidence = segment_confidence([(p.avg_logprob, len(p.tokens)) for p in parts])
        return Transcript(
            text=text,
            audio_ms=len(samples) * 1000 // sample_rate,
            compute_ms=int((time.perf_counter() - started) * 1000),
            no_speech_prob=no_speech,
            confidence=confidence if text else 0.0,
        )

    async def transcribe(
        self, samples: np.ndarray, sample_rate: int, urgent: bool = False
    ) -> Transcript:
        """``urgent``: a caller's finished turn, decoded before any waiting trial decode."""
        return await self.worker.run(lambda: self.transcribe_sync(samples, sample_rate), urgent)
