"""Caller voices for the audio level: the agent's own (Piper) and voices that are not ours.

A receptionist tested only with its own voice is tested on the one speaker whose audio its
speech-to-text will never meet on a real line. These voices come from Debian packages, so CI
can install them and no weights are downloaded:

| voice          | program                | Debian package                 |
|----------------|------------------------|--------------------------------|
| ``piper``      | the agent's Piper voice | (the bundled model)           |
| ``flite:slt``  | ``flite -voice slt``   | ``flite`` (also rms, awb, kal) |
| ``festival:slt`` | ``text2wave``, HTS   | ``festival``, ``festvox-us-slt-hts`` |
| ``espeak:en-us`` | ``espeak-ng -v en-us`` | ``espeak-ng`` (also en-gb, en-029, en-us+f3) |

espeak-ng is a formant synthesizer, nothing like the others (and no voice any rule here was
traced in): a held-out caller voice, with British, Scottish and Caribbean accents besides.

``synthesize(text, voice)`` gives 8 kHz int16 mono. Piper's output is used as the agent speaks
it; the others are brought to the speech level of Piper's output (Piper normalises its peaks,
and the voices differ by up to 7 dB at equal peaks), so every voice reaches the line equally
loud. Results are cached by (voice, text): a suite run with several voices synthesizes each
line once per voice.

``RECEPTIONIST_VOICE_DIR``: a folder that keeps every line a flite or Festival voice spoke
(one ``.npy`` file each) and plays it back instead of running the program again. A run made
where the Debian packages are installed records the lines; the folder then lets the same
run be repeated on a machine without them (a GPU box), with the same caller audio. A line
not in the folder is still synthesized, and fails there as usual if the program is missing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from receptionist.media.audio import read_wav, resample, to_int16

if TYPE_CHECKING:
    from receptionist.media.tts import Synthesizer

RATE = 8000
SPEECH_DBFS = -17.0  # RMS of the speech in Piper's output (it normalises its peaks to 1.0)
PEAK = 0.98  # of full scale: a louder voice is limited by its peaks, never clipped
FRAME = RATE // 50
DEFAULT_VOICE = "piper"
VOICES = ("piper", "flite:slt", "flite:rms", "flite:awb", "festival:slt")
FESTIVAL_VOICES = {"slt": "cmu_us_slt_arctic_hts"}  # short name -> Festival's voice name
FESTIVAL_PACKAGES = {"cmu_us_slt_arctic_hts": "festvox-us-slt-hts"}
TIMEOUT_S = 30.0
CACHE_SIZE = 512


class VoiceError(ValueError):
    """A voice that can't speak here: an unknown name, or its program or package missing.
    The message names the voice and what to install."""


_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_lock = threading.Lock()


def parse_voices(values: list[str] | None) -> list[str]:
    """``--voice`` values, repeated or comma-separated, in order, without repeats;
    none means the agent's own voice."""
    voices: list[str] = []
    for value in values or []:
        for name in value.split(","):
            name = name.strip()
            if name and name not in voices:
                voices.append(name)
    for name in voices:
        _split(name)
    return voices or [DEFAULT_VOICE]


def _split(voice: str) -> tuple[str, str]:
    engine, _, name = voice.partition(":")
    if engine == "piper" and not name:
        return engine, ""
    if engine in ("flite", "festival", "espeak") and name:
        return engine, name
    raise VoiceError(
        f"unknown voice {voice!r}: use piper, flite:NAME (slt, rms, awb, kal), "
        f"festival:NAME (slt) or espeak:NAME (en-us, en-gb, en-gb-scotland, en-us+f3, ...); "
        f"e.g. --voice flite:slt"
    )


def check_voice(voice: str) -> None:
    """Raise VoiceError now, before a long run, if ``voice`` can't speak on this machine."""
    engine, _ = _split(voice)
    if engine != "piper":  # the piper voice is the agent's model: loaded (and checked) anyway
        synthesize("Hello.", voice, use_cache=False)


def synthesize(
    text: str, voice: str = DEFAULT_VOICE, *, piper: Synthesizer | None = None,
    use_cache: bool = True,
) -> np.ndarray:  # fmt: skip
    """``text`` spoken by ``voice``: 8 kHz int16 mono, peak-normalised. ``piper`` is the
    agent's loaded Piper voice (required for the ``piper`` voice). The array is read-only."""
    engine, name = _split(voice)
    key = (voice, text)
    if use_cache:
        with _lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return hit
    if engine == "piper":  # already normalised by Piper: as the agent speaks, at 8 kHz
        if piper is None:
            raise VoiceError("the piper voice needs the agent's loaded Piper model (piper=...)")
        audio = np.frombuffer(piper.speak_sync(text, RATE, use_cache=False).pcm, "<i2").copy()
    elif (recorded := _recorded(voice, text)) is not None:
        audio = recorded
    else:
        speak = {"flite": _flite, "festival": _festival, "espeak": _espeak}[engine]
        samples, rate = speak(text, name)
        audio = normalise(resample(samples, rate, RATE))
        _record(voice, text, audio)
    audio.flags.writeable = False
    if use_cache:
        with _lock:
            _cache[key] = audio
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return audio


def _recording(voice: str, text: str) -> Path | None:
    folder = os.environ.get("RECEPTIONIST_VOICE_DIR")
    if not folder:
        return None
    digest = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:24]
    return Path(folder) / f"{voice.replace(':', '-')}-{digest}.npy"


def _recorded(voice: str, text: str) -> np.ndarray | None:
    path = _recording(voice, text)
    if path is None or not path.is_file():
        return None
    audio = np.load(path, allow_pickle=False)
    if audio.dtype != np.int16 or audio.ndim != 1:
        raise VoiceError(f"voice {voice!r}: {path} is not a recorded line (8 kHz int16 mono)")
    return audio


def _record(voice: str, text: str, audio: np.ndarray) -> None:
    path = _recording(voice, text)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.npy")
        np.save(partial, audio, allow_pickle=False)
        partial.replace(path)


def normalise(samples: np.ndarray, level_dbfs: float = SPEECH_DBFS) -> np.ndarray:
    """Scale so that the speech (the 20 ms frames within 20 dB of the loudest) sits at
    ``level_dbfs`` RMS, the level of Piper's own output; peaks are kept below full scale."""
    x = samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16 else samples
    frames = x[: len(x) // FRAME * FRAME].reshape(-1, FRAME)
    if not len(frames):
        return to_int16(x)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
    speech = rms[rms > rms.max() * 0.1]
    level = float(np.sqrt((speech**2).mean())) if len(speech) else 0.0
    if level < 1e-5:
        return to_int16(x)
    gain = min(10 ** (level_dbfs / 20) / level, PEAK / float(np.max(np.abs(x))))
    return to_int16(x * gain)


def _program(name: str, package: str, voice: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise VoiceError(
            f"voice {voice!r} needs the program {name!r}, which is not installed "
            f"(Debian: apt-get install {package})"
        )
    return path


def _run(command: list[str], voice: str, package: str, stdin: str | None = None) -> None:
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise VoiceError(f"voice {voice!r}: {command[0]} took over {TIMEOUT_S:.0f} s") from exc
    if done.returncode != 0 or "error" in done.stderr.lower():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise VoiceError(
            f"voice {voice!r}: {Path(command[0]).name} failed ({detail[-1] if detail else 'rc'}"
            f" {done.returncode}); is the Debian package {package} installed?"
        )


@functools.cache
def flite_voices(flite: str = "flite") -> list[str]:
    """The voices this flite build has (``flite -lv``): Debian's has kal, kal16, awb, rms, slt."""
    done = subprocess.run([flite, "-lv"], capture_output=True, text=True, timeout=TIMEOUT_S)
    return done.stdout.partition(":")[2].split()


def _flite(text: str, name: str) -> tuple[np.ndarray, int]:
    voice = f"flite:{name}"
    flite = _program("flite", "flite", voice)
    known = flite_voices(flite)
    if name not in known:  # flite itself falls back to another voice without a word
        have = " ".join(known)
        raise VoiceError(f"voice {voice!r}: flite has no voice {name!r} (it has: {have})")
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        # Text from a file: a line starting with "-" is not taken for an option.
        source, out = Path(tmp) / "text.txt", Path(tmp) / "out.wav"
        source.write_text(text)
        _run([flite, "-voice", name, "-f", str(source), "-o", str(out)], voice, "flite")
        if not out.is_file() or out.stat().st_size <= 44:
            raise VoiceError(f"voice {voice!r}: flite wrote no audio (try `flite -lv`)")
        return read_wav(out)


def _festival(text: str, name: str) -> tuple[np.ndarray, int]:
    voice = f"festival:{name}"
    full = FESTIVAL_VOICES.get(name, name)
    package = FESTIVAL_PACKAGES.get(full, "a festvox-* voice")
    text2wave = _program("text2wave", "festival", voice)
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        out = Path(tmp) / "out.wav"
        command = [text2wave, "-eval", f"(voice_{full})", "-o", str(out)]
        _run(command, voice, f"festival {package}", stdin=text)
        if not out.is_file() or out.stat().st_size <= 44:
            raise VoiceError(f"voice {voice!r}: text2wave wrote no audio")
        return read_wav(out)


def _espeak(text: str, name: str) -> tuple[np.ndarray, int]:
    voice = f"espeak:{name}"
    espeak = _program("espeak-ng", "espeak-ng", voice)
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        source, out = Path(tmp) / "text.txt", Path(tmp) / "out.wav"
        source.write_text(text)
        # -s 160 words a minute: a caller's pace (its default 175 runs words together)
        _run([espeak, "-v", name, "-s", "160", "-f", str(source), "-w", str(out)], voice,
             "espeak-ng")  # fmt: skip
        if not out.is_file() or out.stat().st_size <= 44:
            raise VoiceError(
                f"voice {voice!r}: espeak-ng wrote no audio (try `espeak-ng --voices=en`)"
            )
        return read_wav(out)
