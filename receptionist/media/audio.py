"""PCM helpers: bytes <-> numpy, resampling with soxr, phone-line simulation, WAV files."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soxr

from receptionist.media.leg import frame_bytes
from receptionist.protocols.g711 import ulaw_decode, ulaw_encode


def pcm_to_array(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2")


def array_to_pcm(samples: np.ndarray) -> bytes:
    return np.asarray(samples, dtype="<i2").tobytes()


def to_int16(samples: np.ndarray) -> np.ndarray:
    """float (-1..1) or int16 samples -> int16, clipped."""
    if samples.dtype == np.int16:
        return samples
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample int16 or float samples with soxr; returns the same kind as given."""
    if rate_in == rate_out or len(samples) == 0:
        return samples
    if samples.dtype == np.int16:
        out = soxr.resample(samples.astype(np.float32) / 32768.0, rate_in, rate_out, quality="HQ")
        return to_int16(out)
    return np.asarray(soxr.resample(samples, rate_in, rate_out, quality="HQ"), dtype=np.float32)


def phone_line(samples: np.ndarray, rate_in: int) -> np.ndarray:
    """What a caller sounds like on a G.711 line: 8 kHz, through µ-law and back."""
    at8k = to_int16(resample(samples, rate_in, 8000))
    return ulaw_decode(ulaw_encode(at8k))


def split_frames(pcm: bytes, sample_rate: int, pad: bool = True) -> Iterator[bytes]:
    """Cut PCM into 20 ms frames; the last one is padded with silence (or dropped)."""
    size = frame_bytes(sample_rate)
    for start in range(0, len(pcm), size):
        chunk = pcm[start : start + size]
        if len(chunk) < size:
            if not pad:
                return
            chunk = chunk + b"\x00" * (size - len(chunk))
        yield chunk


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and rate of a 16-bit PCM WAV (stereo is mixed down)."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"{path}: only 16-bit PCM WAV is supported")
            rate = wav.getframerate()
            channels = wav.getnchannels()
            data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a readable WAV file ({exc})") from exc
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data, rate


def write_wav(path: str | Path, samples: np.ndarray | bytes, sample_rate: int) -> None:
    pcm = samples if isinstance(samples, bytes) else array_to_pcm(samples)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)


def ringback_frames(sample_rate: int) -> list[bytes]:
    """One 6 s cycle of North American ringback (440 + 480 Hz, 2 s on, 4 s off, -20 dBFS)."""
    t = np.arange(int(sample_rate * 2.0)) / sample_rate
    tone = 0.05 * (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 480 * t))
    cycle = np.concatenate([tone, np.zeros(int(sample_rate * 4.0))])
    return list(split_frames(array_to_pcm(to_int16(cycle)), sample_rate))
