"""Callers' speech (flite, at 8 kHz, padded with silence) and what a phone heard."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from receptionist.media.audio import read_wav, resample, write_wav

RATE = 8000
FRAME = RATE // 50  # samples in 20 ms


def synthesize(text: str, path: Path, pad_s: float = 120.0) -> Path:
    """``text`` spoken by flite's kal voice at 8 kHz, then ``pad_s`` of silence (baresip
    hangs up when its audio file ends)."""
    raw = path.with_suffix(".flite.wav")
    subprocess.run(["flite", "-voice", "kal", "-t", text, "-o", str(raw)], check=True)
    samples, rate = read_wav(raw)
    speech = resample(samples, rate, RATE)
    lead = np.zeros(int(0.2 * RATE), np.int16)
    tail = np.zeros(int(pad_s * RATE), np.int16)
    write_wav(path, np.concatenate([lead, speech.astype(np.int16), tail]), RATE)
    raw.unlink()
    return path


def speech_seconds(path: Path) -> float:
    """How long the speech in a line made by ``synthesize`` lasts (up to its last sound)."""
    samples, _rate = read_wav(path)
    loud = np.flatnonzero(frame_levels(samples) > LOUD)
    return (int(loud[-1]) + 1) * 0.02 if len(loud) else 0.0


def read_growing_wav(path: Path) -> np.ndarray:
    """The samples written so far to a WAV that is still being recorded (header sizes may
    not be final yet): everything after the ``data`` chunk header."""
    data = path.read_bytes()
    at = data.find(b"data", 12)
    if at < 0:
        return np.zeros(0, np.int16)
    body = data[at + 8 :]
    return np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2")


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """RMS of each 20 ms frame."""
    n = len(samples) // FRAME
    frames = samples[: n * FRAME].astype(np.float32).reshape(n, FRAME)
    return np.sqrt(np.mean(frames**2, axis=1)) if n else np.zeros(0, np.float32)


LOUD = 300.0  # RMS: speech or tone, well above G.711 idle noise


def wait_heard(recording: Callable[[], Path | None], timeout_s: float, seconds: float) -> None:
    """Wait until the phone has heard ``seconds`` of sound."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        path = recording()
        if path is not None:
            if np.count_nonzero(frame_levels(read_growing_wav(path)) > LOUD) * 0.02 >= seconds:
                return
        time.sleep(0.05)
    raise TimeoutError(f"the phone heard less than {seconds:g} s of sound in {timeout_s:g} s")


def wait_spoken(
    recording: Callable[[], Path | None],
    timeout_s: float,
    *,
    after_frame: int = 0,
    quiet_s: float = 1.5,
    min_speech_s: float = 0.5,
) -> int:
    """Wait until the phone has heard at least ``min_speech_s`` of sound after frame
    ``after_frame`` and then nothing loud for ``quiet_s`` (by the clock: a switch may send
    no packets while nobody speaks). Returns the frame count heard so far."""
    deadline = time.monotonic() + timeout_s
    last_loud, loud_at = -1, time.monotonic()
    while time.monotonic() < deadline:
        path = recording()
        if path is not None:
            levels = frame_levels(read_growing_wav(path))
            loud = np.flatnonzero(levels[after_frame:] > LOUD)
            if len(loud) and loud[-1] != last_loud:
                last_loud, loud_at = int(loud[-1]), time.monotonic()
            if len(loud) * 0.02 >= min_speech_s and time.monotonic() - loud_at >= quiet_s:
                return len(levels)
        time.sleep(0.1)
    raise TimeoutError(f"the phone heard no complete utterance within {timeout_s:g} s")


def trim_silence(samples: np.ndarray, margin_s: float = 0.5) -> np.ndarray:
    """From half a second before the first sound to half a second after the last: long
    stretches of line silence make Whisper invent words."""
    loud = np.flatnonzero(frame_levels(samples) > LOUD)
    if not len(loud):
        return samples[:0]
    margin = int(margin_s * 50)
    first, last = max(int(loud[0]) - margin, 0), int(loud[-1]) + 1 + margin
    return samples[first * FRAME : last * FRAME]


def utterances(samples: np.ndarray, gap_s: float = 0.6, margin_s: float = 0.3) -> list[np.ndarray]:
    """The stretches of sound in ``samples``, split where the line is quiet for ``gap_s``
    or more, each with ``margin_s`` of its quiet either side."""
    loud = np.flatnonzero(frame_levels(samples) > LOUD)
    if not len(loud):
        return []
    gap, margin = int(gap_s * 50), int(margin_s * 50)
    breaks = np.flatnonzero(np.diff(loud) > gap)
    starts = [int(loud[0]), *(int(loud[b + 1]) for b in breaks)]
    ends = [*(int(loud[b]) + 1 for b in breaks), int(loud[-1]) + 1]
    return [
        samples[max(a - margin, 0) * FRAME : (b + margin) * FRAME]
        for a, b in zip(starts, ends, strict=True)
    ]


def hear(transcriber: Any, samples: np.ndarray, rate: int = RATE) -> str:
    """What a listener heard: each utterance transcribed on its own, as a person hears one
    sentence at a time (a whole call in one go leaves Whisper to cut it into 30 s windows
    wherever they fall, and it drops words at those edges)."""
    return " ".join(
        str(transcriber.transcribe_sync(part, rate).text).strip() for part in utterances(samples)
    )


def words(text: str) -> str:
    """Lowercase words without punctuation. Whisper writes our "haircut" as "hair cut" now
    and then (seen in a full suite): one word either way."""
    return re.sub(r"\bhair cut\b", "haircut", re.sub(r"[^a-z0-9 ]", "", text.lower()))
