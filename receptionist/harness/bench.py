"""`make bench`: voice-to-voice latency, measured, in one process.

Caller turns are Piper speech (the bundled en_US-joe-medium voice, a little slower than the
agent's) put through an 8 kHz G.711 line, with pauses of 300-700 ms placed inside some turns
(marked `|` in the scripts below, a seeded RNG picks each pause). Everything runs through
LocalLeg in real time, like a phone line. Voice to voice is from the caller's last speech
frame in to the agent's first audio frame out. The same calls run through the naive
sequential pipeline (a fixed 500 ms silence wait, transcribe, whole reply, synthesize all of
it, then play) in the same process, and the ratio is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from receptionist.app.config import load_settings
from receptionist.app.runtime import Runtime, build_runtime, models_from_settings
from receptionist.call import Call
from receptionist.media.audio import phone_line
from receptionist.media.endpoint import Endpointer, SpeechStarted
from receptionist.media.gate import OpeningGate, frame_rms
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.models import Models
from receptionist.store.db import Store

TODAY = date(2026, 11, 24)
NOISE_CLIPS = 20  # of each kind, 4 s each
CONVERSATIONS: list[list[str]] = [
    [
        "Hi, I'd like to book | a haircut on Thursday at three.",
        "John Smith.",
        "No, that's all, thank you.",
    ],
    ["How much is | um | a colour?", "And what are your opening hours?", "No thanks, goodbye."],
    [
        "I'd like to book | um | a beard trim on Friday at ten.",
        "Mary | Jones.",
        "No, that's everything.",
    ],
    ["Can I get a kids cut | on Saturday at eleven?", "Tom Brown.", "No thanks."],
    [
        "I need to leave a message | for Marco.",
        "Please call me back | about my colour appointment.",
        "Five five five, one two three, four five six seven.",
        "No, goodbye.",
    ],
    ["What time do you close | on Saturday?", "And how much is a haircut?", "Thanks, bye."],
    ["I want to book a haircut | on Wednesday | at two.", "Sam Lee.", "No."],
    ["Do you have anything on Friday at four | for a beard trim?", "Anna White.", "No, thank you."],
    ["Hello, I'd like a haircut | uh | tomorrow at eleven.", "Peter Parker.", "That's all."],
    [
        "How much is a kids cut?",
        "Okay, can I book one | on Saturday at ten?",
        "Lucy Gray.",
        "No thanks.",
    ],
    [
        "I'd like to make an appointment for a colour | on Thursday | at ten in the morning.",
        "Jane Doe.",
        "No, that's all.",
    ],
    [
        "Are you open on Monday?",
        "What about Tuesday, | what are your hours?",
        "Great, thanks, bye.",
    ],
    ["Can I book a beard trim | for Wednesday at five?", "Chris Green.", "No."],
]


@dataclass
class TurnFigures:
    v2v_ms: list[int] = field(default_factory=list)
    stages: dict[str, list[int]] = field(default_factory=dict)
    paused_turns: int = 0
    cutoffs: int = 0
    turns: int = 0

    def add_stage(self, name: str, value: int) -> None:
        self.stages.setdefault(name, []).append(value)


def pct(values: list[int] | list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def caller_audio(models: Models, text: str, rng: random.Random) -> tuple[np.ndarray, bool]:
    """8 kHz phone audio of a caller line; `|` marks a pause of 300-700 ms."""
    pieces = [p.strip() for p in text.split("|") if p.strip()]
    chunks: list[np.ndarray] = []
    for i, piece in enumerate(pieces):
        speech = models.tts.speak_sync(piece, 16000)
        chunks.append(np.frombuffer(speech.pcm, dtype="<i2"))
        if i < len(pieces) - 1:
            chunks.append(np.zeros(int(16000 * rng.uniform(0.3, 0.7)), np.int16))
    return phone_line(np.concatenate(chunks), 16000), len(pieces) > 1


async def run_conversations(
    runtime: Runtime,
    audio: list[list[tuple[np.ndarray, bool]]],
    naive: bool,
    concurrent: int = 1,
    stagger_s: float = 0.7,
) -> TurnFigures:
    figures = TurnFigures()

    async def one(index: int, lines: list[tuple[np.ndarray, bool]]) -> None:
        await asyncio.sleep(stagger_s * (index % max(1, concurrent)))
        leg = LocalLeg(
            [CallerLine(audio=a) for a, _ in lines],
            caller_id=f"555{index:07d}",
            call_id=f"bench-{'naive' if naive else 'ours'}-{concurrent}-{index}",
            agent_gap_ms=600,
            hangup_after_ms=600,
            agent_frames_per_tick=4,
        )
        call = Call.on(leg, runtime, naive=naive)
        try:
            await call.run()
        finally:
            await leg.close()
        for turn in runtime.store.turns(leg.call_id):
            t = turn["timings"]
            for key in ("stt_ms", "endpoint_ms", "dialog_ms", "tts_ms"):
                if key in t:
                    figures.add_stage(key, int(t[key]))
            if turn["speaker"] == "agent" and "v2v_ms" in t:
                figures.v2v_ms.append(int(t["v2v_ms"]))
        for (start, end), (_a, paused) in zip(leg.log.caller_speech, lines, strict=False):
            figures.turns += 1
            if paused:
                figures.paused_turns += 1
                if any(start <= tick < end for tick in leg.log.agent_frames):
                    figures.cutoffs += 1

    if concurrent <= 1:
        for i, lines in enumerate(audio):
            await one(i, lines)
    else:
        await asyncio.gather(*(one(i, lines) for i, lines in enumerate(audio[:concurrent])))
    return figures


async def barge_in_stops(runtime: Runtime, models: Models, rng: random.Random, n: int) -> list[int]:
    """Frames from the caller's first speech frame to the last agent frame sent, in ms."""
    line, _ = caller_audio(models, "No, no, I meant Thursday.", rng)
    results = []
    for i in range(n):
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


def _noise(kind: str, seconds: float, rng: np.random.Generator, babble: np.ndarray) -> np.ndarray:
    n = int(8000 * seconds)
    if kind == "fan":  # low, steady rumble: brown noise plus a hum
        x = np.cumsum(rng.normal(size=n))
        x -= np.convolve(x, np.ones(400) / 400, mode="same")
        x += 0.3 * np.std(x) * np.sin(2 * np.pi * 120 * np.arange(n) / 8000)
    elif kind == "street":  # pink-ish noise with passing cars
        white = rng.normal(size=n)
        x = np.convolve(white, np.ones(8) / 8, mode="same")
        swell = 1 + 2 * np.exp(-(((np.arange(n) / 8000 - seconds / 2) / 0.6) ** 2))
        x *= swell
    else:  # babble: six overlapped voices, offset and summed
        x = np.zeros(n)
        for _ in range(6):
            start = int(rng.integers(0, max(1, len(babble) - n)))
            x += np.resize(babble[start : start + n].astype(float), n)
    return x / (np.sqrt(np.mean(x**2)) + 1e-9)


def false_barge_ins(models: Models, rng: random.Random) -> dict[str, Any]:
    """Echo of the agent's own voice (-15 dB, 80-200 ms late) while it talks, and steady
    background noise at 10 dB SNR while it listens: how often either opens a caller turn."""
    sentences = [
        "Thank you for calling Bella Hair Salon. How can I help you today?",
        "You're booked for a haircut on Thursday November 26 at 3 PM, under the name John Smith.",
        "We're open Tuesday to Friday 9 AM to 6 PM, Saturday 9 AM to 2 PM.",
        "A colour is 90 dollars and takes about 90 minutes.",
        "I'm sorry, 3 PM on Thursday is taken. The nearest free times are 2:30 PM or 3:30 PM.",
        "Is there anything else I can help you with?",
        "What name should I put the booking under?",
        "I've passed your message to Marco to call you back at 5 5 5, 1 2 3, 4 5 6 7.",
        "I'm transferring you to the front desk now, please hold.",
        "Sure, a haircut. What day would you like to come in?",
    ]
    nrng = np.random.default_rng(7)
    echo_hits = 0
    for sentence in sentences:
        agent = np.frombuffer(models.tts.speak_sync(sentence, 8000).pcm, dtype="<i2")
        delay = int(8000 * rng.uniform(0.08, 0.2))
        echo = np.concatenate([np.zeros(delay), agent.astype(float) * 10 ** (-15 / 20)])
        echo += nrng.normal(scale=30, size=len(echo))  # line hiss
        echo_hits += _opens_turn(models, echo, boost=0.2, agent=agent)
    speech_rms = 3000.0  # a caller at about -21 dBFS
    babble_src = np.concatenate(
        [np.frombuffer(models.tts.speak_sync(s, 8000).pcm, dtype="<i2") for s in sentences]
    )
    noise_hits = {}
    for kind in ("fan", "street", "babble"):
        hits = 0
        for _ in range(NOISE_CLIPS):
            x = _noise(kind, 4.0, nrng, babble_src) * speech_rms * 10 ** (-10 / 20)
            hits += _opens_turn(models, x, boost=0.0)
        noise_hits[kind] = hits
    total_noise = sum(noise_hits.values())
    return {
        "echo_sentences": len(sentences),
        "echo_interruptions": echo_hits,
        "noise_clips": 3 * NOISE_CLIPS,
        "noise_turns": noise_hits,
        "rate": (echo_hits + total_noise) / (len(sentences) + 3 * NOISE_CLIPS),
    }


def _opens_turn(
    models: Models, samples: np.ndarray, boost: float, agent: np.ndarray | None = None
) -> int:
    """Run the listener's opening logic (VAD, gate, endpointer) over a clip, frame by frame."""
    pcm = np.clip(samples, -32768, 32767).astype(np.int16)
    pcm = np.frombuffer(phone_line(pcm, 8000).tobytes(), dtype="<i2")
    stream = models.vad.stream()
    endpointer = Endpointer()
    endpointer.threshold_boost = boost
    gate = OpeningGate()
    for n, i in enumerate(range(0, len(pcm) - 160, 160)):
        at = n * 0.02
        if agent is not None and i < len(agent):
            gate.agent_frame(frame_rms(agent[i : i + 160]), at)
        frame = pcm[i : i + 160]
        may_open = gate.may_open(frame_rms(frame), at)
        for event in endpointer.push(stream.push(frame), may_open):
            if isinstance(event, SpeechStarted):
                return 1
    return 0


def fresh_runtime(models: Models, path: Path) -> Runtime:
    settings = load_settings()
    settings.recording.enabled = False
    return build_runtime(settings, models=models, store=Store(path), today=lambda: TODAY)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    settings = load_settings()
    models = models_from_settings(settings)
    rng = random.Random(20261124)
    audio = [[caller_audio(models, line, rng) for line in conv] for conv in CONVERSATIONS]
    work = Path(args.work)

    ours = await run_conversations(fresh_runtime(models, work / "ours.db"), audio, naive=False)
    naive = await run_conversations(fresh_runtime(models, work / "naive.db"), audio, naive=True)
    barge = await barge_in_stops(fresh_runtime(models, work / "barge.db"), models, rng, 10)
    false_barge = false_barge_ins(models, rng)
    concurrency: dict[int, dict[str, float]] = {}
    for n in (1, 2, 4, 8):
        conv = (audio * 2)[:n]
        figures = await run_conversations(
            fresh_runtime(models, work / f"conc{n}.db"), conv, naive=False, concurrent=n
        )
        concurrency[n] = {
            "p50": pct(figures.v2v_ms, 50),
            "p95": pct(figures.v2v_ms, 95),
            "turns": len(figures.v2v_ms),
        }
    models.close()
    under = [n for n, f in concurrency.items() if f["p95"] < 1000]
    results = {
        "caller_turns": ours.turns,
        "v2v_p50_ms": pct(ours.v2v_ms, 50),
        "v2v_p95_ms": pct(ours.v2v_ms, 95),
        "naive_v2v_p50_ms": pct(naive.v2v_ms, 50),
        "naive_v2v_p95_ms": pct(naive.v2v_ms, 95),
        "speedup": pct(naive.v2v_ms, 50) / pct(ours.v2v_ms, 50),
        "stages": {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in ours.stages.items()},
        "naive_stages": {
            k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in naive.stages.items()
        },
        "cutoff_rate": ours.cutoffs / max(1, ours.paused_turns),
        "paused_turns": ours.paused_turns,
        "naive_cutoff_rate": naive.cutoffs / max(1, naive.paused_turns),
        "barge_in_p50_ms": pct(barge, 50),
        "barge_in_p95_ms": pct(barge, 95),
        "barge_in_ms": barge,
        "false_barge_in_rate": false_barge["rate"],
        "false_barge_in": false_barge,
        "concurrency": concurrency,
        "max_calls_p95_under_1s": max(under) if under else 0,
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    return results


def print_table(r: dict[str, Any]) -> None:
    print(f"\nreceptionist bench: {r['caller_turns']} caller turns, 2-core CPU, bundled models\n")
    print(f"{'stage':<16}{'ours p50':>10}{'ours p95':>10}{'naive p50':>11}{'naive p95':>11}")
    for stage in ("endpoint_ms", "stt_ms", "dialog_ms", "tts_ms"):
        o = r["stages"].get(stage, {"p50": float("nan"), "p95": float("nan")})
        n = r["naive_stages"].get(stage, {"p50": float("nan"), "p95": float("nan")})
        print(f"{stage:<16}{o['p50']:>10.0f}{o['p95']:>10.0f}{n['p50']:>11.0f}{n['p95']:>11.0f}")
    print(
        f"{'voice to voice':<16}{r['v2v_p50_ms']:>10.0f}{r['v2v_p95_ms']:>10.0f}"
        f"{r['naive_v2v_p50_ms']:>11.0f}{r['naive_v2v_p95_ms']:>11.0f}"
    )
    print(f"\nspeedup (naive p50 / ours p50): {r['speedup']:.2f}x")
    print(
        f"premature cut-offs: {r['cutoff_rate']:.1%} of {r['paused_turns']} turns with "
        f"mid-sentence pauses (naive {r['naive_cutoff_rate']:.1%})"
    )
    print(
        f"barge-in stop: p50 {r['barge_in_p50_ms']:.0f} ms, p95 {r['barge_in_p95_ms']:.0f} ms "
        f"(caller's first speech frame to the agent's last frame)"
    )
    fb = r["false_barge_in"]
    print(
        f"false barge-in: {r['false_barge_in_rate']:.1%} (echo at -15 dB: "
        f"{fb['echo_interruptions']}/{fb['echo_sentences']} sentences; noise at 10 dB SNR: "
        f"{fb['noise_turns']} of {NOISE_CLIPS} clips each)"
    )
    print("\ncalls  v2v p50  v2v p95  turns")
    for n, f in r["concurrency"].items():
        print(f"{n:>5}{f['p50']:>9.0f}{f['p95']:>9.0f}{f['turns']:>7}")
    print(f"largest number of calls with p95 under 1000 ms: {r['max_calls_p95_under_1s']}")
    print(f"\n(bench took {r['bench_seconds']} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="bench-results.json")
    parser.add_argument("--work", default="var/bench")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("*.db*"):
        old.unlink()
    results = asyncio.run(main_async(args))
    print_table(results)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    print(f"figures written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
