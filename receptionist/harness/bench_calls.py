"""The bench's calls: scripted callers in voices other than the agent's, in real time.

Both sides run at line speed (one caller frame in and one agent frame out per 20 ms), so
what a caller waits through is what is measured: voice to voice from the caller's last
frame with energy in to the agent's first frame out (the line's figure, stored per turn).
"""

from __future__ import annotations

import asyncio
import difflib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from receptionist.app.config import load_settings
from receptionist.app.runtime import Runtime, build_runtime
from receptionist.call import Call
from receptionist.harness.voices import RATE, synthesize
from receptionist.media.audio import phone_line
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.models import Models
from receptionist.store.db import Store

TODAY = date(2026, 11, 24)
STAGES = ("endpoint_ms", "endpoint_line_ms", "stt_ms", "dialog_ms", "tts_ms")


@dataclass
class CallerScript:
    """One conversation as one voice speaks it: (audio, has a mid-turn pause) per line."""

    voice: str
    lines: list[tuple[np.ndarray, bool]]


@dataclass
class TurnFigures:
    v2v_ms: list[int] = field(default_factory=list)  # the line's figure
    pipeline_v2v_ms: list[int] = field(default_factory=list)
    stages: dict[str, list[int]] = field(default_factory=dict)
    paused_turns: int = 0
    cutoffs: int = 0
    turns: int = 0
    calls: int = 0
    # Calls that ended before the caller had said all their lines (the agent hung up on
    # them, or the call failed): a fast reply in such a call is no success.
    cut_short: list[str] = field(default_factory=list)
    # Each reply's v2v by what set the wait that ended the caller's turn before it
    # (CallerTurn.end_wait_by): which verdicts the slow replies waited on.
    v2v_by_wait: dict[str, list[int]] = field(default_factory=dict)

    def add_stage(self, name: str, value: int) -> None:
        self.stages.setdefault(name, []).append(value)

    def merge(self, other: TurnFigures) -> None:
        self.v2v_ms += other.v2v_ms
        self.pipeline_v2v_ms += other.pipeline_v2v_ms
        for name, values in other.stages.items():
            self.stages.setdefault(name, []).extend(values)
        self.paused_turns += other.paused_turns
        self.cutoffs += other.cutoffs
        self.turns += other.turns
        self.calls += other.calls
        self.cut_short += other.cut_short
        for wait_by, values in other.v2v_by_wait.items():
            self.v2v_by_wait.setdefault(wait_by, []).extend(values)


def pct(values: list[int] | list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def spoken_line(
    models: Models, text: str, voice: str, rng: random.Random
) -> tuple[np.ndarray, bool]:
    """8 kHz G.711 audio of a caller line in ``voice``; `|` marks a pause of 300-700 ms.

    The line is spoken whole and the pauses cut into it, so the words before a pause keep
    the voice's mid-sentence intonation (a piece spoken alone ends as a sentence does, which
    an audio end-of-turn model rightly takes for the end)."""
    pieces = [p.strip() for p in text.split("|") if p.strip()]
    whole = np.asarray(synthesize(" ".join(pieces), voice, piper=models.tts))
    chunks, start = [], 0
    for cut in _cuts(models, voice, tuple(pieces), whole):
        cut = max(cut, start)
        chunks += [whole[start:cut], np.zeros(int(RATE * rng.uniform(0.3, 0.7)), np.int16)]
        start = cut
    chunks.append(whole[start:])
    return phone_line(np.concatenate(chunks), RATE), len(pieces) > 1


_CUTS: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _cuts(models: Models, voice: str, pieces: tuple[str, ...], whole: np.ndarray) -> list[int]:
    """Where each piece after the first starts in ``whole``: the quietest frame between the
    last word of the piece before and the first word of the piece, as Whisper's word
    timestamps place them. A voice may run two words together with no dip between them
    (flite's awb says "close on" as one), so the quietest frame near where the piece would
    end alone can lie inside the next word (the "t" of "Saturday"). Where Whisper's words
    can't be matched to the line's, that estimate is used. Cached per (voice, line)."""
    key = (voice, pieces)
    if key not in _CUTS:
        heard = models.stt.word_times(whole, RATE)
        words = [w for piece in pieces for w in _words(piece)]
        match = _aligned(words, [next(iter(_words(w)), "") for w, _, _ in heard])
        levels = _levels(whole)
        cuts, count = [], 0
        for k in range(1, len(pieces)):
            count += len(_words(pieces[k - 1]))
            before, after = match.get(count - 1), match.get(count)
            if before is not None and after is not None and before < after:
                gap = (heard[before][2], heard[after][1])
                mids = ((heard[before][1] + gap[0]) / 2, (gap[1] + heard[after][2]) / 2)
                cuts.append(_quietest(levels, gap, mids))
            else:
                alone = synthesize(" ".join(pieces[:k]), voice, piper=models.tts)
                cuts.append(_boundary(whole, _speech_length(np.asarray(alone))))
        _CUTS[key] = cuts
    return _CUTS[key]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _aligned(line: list[str], heard: list[str]) -> dict[int, int]:
    """The line's word index -> Whisper's word index, for words heard right and for
    one-for-one stretches misheard between them ("three" as "3", "trim" as "print")."""
    match: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, line, heard, False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            match.update(zip(range(i1, i2), range(j1, j2), strict=True))
    return match


def _quietest(levels: np.ndarray, gap: tuple[float, float], mids: tuple[float, float]) -> int:
    """The quietest frame (of the line's frame ``levels``) from 60 ms before ``gap`` to 60 ms
    after it, and never past the middle of the word either side: its first sample."""
    lo = max(int(mids[0] * 50), int(gap[0] * 50) - 3, 0)
    hi = min(int(mids[1] * 50), int(gap[1] * 50) + 3, len(levels) - 1)
    if lo > hi:
        lo = hi = min(max(int((gap[0] + gap[1]) * 25), 0), len(levels) - 1)
    return int((lo + int(np.argmin(levels[lo : hi + 1]))) * 160)


def _levels(samples: np.ndarray) -> np.ndarray:
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160).astype(np.float64)
    return np.sqrt((frames**2).mean(axis=1))


def _speech_length(samples: np.ndarray) -> int:
    """Samples up to the end of the last frame within 40 dB of the loudest."""
    levels = _levels(samples)
    loud = np.flatnonzero(levels > levels.max() * 0.01) if len(levels) else np.zeros(0, int)
    return int((loud[-1] + 1) * 160) if len(loud) else len(samples)


def _boundary(whole: np.ndarray, estimate: int, search_ms: int = 150) -> int:
    """The quietest 20 ms frame of ``whole`` near ``estimate``: a word boundary."""
    levels = _levels(whole)
    centre, reach = estimate // 160, search_ms // 20
    lo, hi = max(0, centre - reach), min(len(levels), centre + reach + 1)
    if lo >= hi:
        return min(estimate, len(whole))
    return int((lo + int(np.argmin(levels[lo:hi]))) * 160)


def fresh_runtime(models: Models, path: Path) -> Runtime:
    settings = load_settings()
    settings.recording.enabled = False
    return build_runtime(settings, models=models, store=Store(path), today=lambda: TODAY)


async def run_calls(
    runtime: Runtime,
    scripts: list[CallerScript],
    naive: bool,
    concurrent: int = 1,
    stagger_s: float = 0.7,
    audio_turns: bool = True,
) -> dict[str, TurnFigures]:
    """Figures per voice; ``concurrent`` calls at once (each started ``stagger_s`` apart)."""
    per_voice: dict[str, TurnFigures] = {}

    async def one(index: int, script: CallerScript) -> None:
        await asyncio.sleep(stagger_s * (index % max(1, concurrent)))
        leg = LocalLeg(
            [CallerLine(audio=a) for a, _ in script.lines],
            caller_id=f"555{index:07d}",
            call_id=f"bench-{'naive' if naive else 'ours'}-{concurrent}-{index}",
            agent_gap_ms=600,
            hangup_after_ms=600,
        )
        call = Call.on(leg, runtime, naive=naive, audio_turns=audio_turns)
        try:
            await call.run()
        finally:
            await leg.close()
        figures = per_voice.setdefault(script.voice, TurnFigures())
        wait_by = "none"  # the greeting answers no caller turn
        for turn in runtime.store.turns(leg.call_id):
            t = turn["timings"]
            for key in STAGES:
                if key in t:
                    figures.add_stage(key, int(t[key]))
            if turn["speaker"] == "caller":
                wait_by = str(t.get("end_wait_by", "default"))
            if turn["speaker"] == "agent" and "v2v_line_ms" in t:
                figures.v2v_ms.append(int(t["v2v_line_ms"]))
                figures.v2v_by_wait.setdefault(wait_by, []).append(int(t["v2v_line_ms"]))
            if turn["speaker"] == "agent" and "v2v_ms" in t:
                figures.pipeline_v2v_ms.append(int(t["v2v_ms"]))
        figures.calls += 1
        if len(leg.log.caller_speech) < len(script.lines):
            said = len(leg.log.caller_speech)
            figures.cut_short.append(f"{leg.call_id}: {said} of {len(script.lines)} lines said")
        for (start, end), (_a, paused) in zip(leg.log.caller_speech, script.lines, strict=False):
            figures.turns += 1
            if paused:
                figures.paused_turns += 1
                if any(start <= tick < end for tick in leg.log.agent_frames):
                    figures.cutoffs += 1

    if concurrent <= 1:
        for i, script in enumerate(scripts):
            await one(i, script)
    else:
        for round_start in range(0, len(scripts), concurrent):
            batch = scripts[round_start : round_start + concurrent]
            await asyncio.gather(*(one(i, s) for i, s in enumerate(batch)))
    return per_voice


def summed(per_voice: dict[str, TurnFigures]) -> TurnFigures:
    total = TurnFigures()
    for figures in per_voice.values():
        total.merge(figures)
    return total


async def barge_in_stops(runtime: Runtime, lines: Sequence[np.ndarray]) -> list[int]:
    """From the caller's first speech frame to the agent's last frame sent, in ms: each line
    said over the agent's greeting, the i-th 800 + 150 i ms into it."""
    results = []
    for i, line in enumerate(lines):
        leg = LocalLeg(
            [CallerLine(audio=line, barge_in_ms=800 + 150 * i)],
            speed=1.0,
            call_id=f"bench-barge-{i}",
            hangup_after_ms=300,
        )
        call = Call.on(leg, runtime)
        try:
            await call.run()
        finally:
            await leg.close()
        if not leg.log.caller_speech:
            continue
        start = leg.log.caller_speech[0][0]
        during = [t for t in leg.log.agent_frames if t >= start]
        # The agent's last frame of the interrupted reply (before its next reply starts).
        last = start - 1
        for tick in during:
            if tick - last > 5:
                break
            last = tick
        results.append((last - start + 1) * 20)
    return results
