"""How well speech-to-text hears each caller voice: every caller line of the scenarios, spoken
by each voice, put through the G.711 line and transcribed alone (no dialog, no endpointing).

A few minutes instead of the audio level's half hour, and it answers two questions the pass
rate can't: how many words Whisper gets wrong per voice, and whether its confidence tells a
wrong transcript from a right one (what threshold the conversation should confirm below).

    python -m receptionist.harness.hearing --voice piper,flite:slt,flite:rms [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from receptionist.harness.eval import Scenario, load_scenarios
from receptionist.harness.voices import RATE, VOICES, parse_voices, synthesize
from receptionist.harness.wer import word_errors, words
from receptionist.media.audio import phone_line
from receptionist.media.models import Models

THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass(frozen=True)
class Heard:
    voice: str
    said: str
    heard: str
    errors: int
    words: int
    confidence: float
    no_speech_prob: float
    compute_ms: int = 0

    @property
    def right(self) -> bool:
        return self.errors == 0


def caller_lines(scenarios: list[Scenario]) -> list[str]:
    return list(dict.fromkeys(t.say for s in scenarios for c in s.calls for t in c.turns if t.say))


def lines_by_business(scenarios: list[Scenario]) -> dict[str, list[str]]:
    """The caller lines of each business called ("" for the one run with), so that each is
    heard with its own business's words as Whisper's prompt, as the product hears them."""
    businesses = dict.fromkeys(s.business for s in scenarios)
    return {b: caller_lines([s for s in scenarios if s.business == b]) for b in businesses}


def hear(models: Models, voices: list[str], lines: list[str]) -> list[Heard]:
    quiet = np.zeros(RATE // 5, np.int16)  # 200 ms either side, as a turn's pre-roll and tail
    out = []
    for voice in voices:
        for line in lines:
            audio = phone_line(synthesize(line, voice, piper=models.tts), RATE)
            t = models.stt.transcribe_sync(np.concatenate([quiet, audio, quiet]), RATE)
            said = words(line)
            out.append(Heard(voice, line, t.text, word_errors(said, words(t.text)), len(said),
                             t.confidence, t.no_speech_prob, t.compute_ms))  # fmt: skip
    return out


def summary(heard: list[Heard]) -> dict[str, Any]:
    """Per voice: word error rate, lines heard exactly, mean confidence of right and wrong
    lines; over all voices: at each threshold, how many right lines would be confirmed for
    nothing and how many wrong ones would be caught."""
    voices: list[dict[str, Any]] = []
    for voice in dict.fromkeys(h.voice for h in heard):
        mine = [h for h in heard if h.voice == voice]
        right = [h.confidence for h in mine if h.right]
        wrong = [h.confidence for h in mine if not h.right]
        voices.append({
            "voice": voice,
            "lines": len(mine),
            "exact": len(right),
            "wer": round(sum(h.errors for h in mine) / max(1, sum(h.words for h in mine)), 3),
            "confidence_right": round(float(np.mean(right)), 3) if right else None,
            "confidence_wrong": round(float(np.mean(wrong)), 3) if wrong else None,
            "stt_p50_ms": int(np.percentile([h.compute_ms for h in mine], 50)),
            "stt_p95_ms": int(np.percentile([h.compute_ms for h in mine], 95)),
        })  # fmt: skip
    right_all = [h.confidence for h in heard if h.right]
    wrong_all = [h.confidence for h in heard if not h.right]
    thresholds = [
        {"below": t,
         "right_flagged": round(sum(c < t for c in right_all) / max(1, len(right_all)), 3),
         "wrong_caught": round(sum(c < t for c in wrong_all) / max(1, len(wrong_all)), 3)}
        for t in THRESHOLDS
    ]  # fmt: skip
    misheard = [{"voice": h.voice, "said": h.said, "heard": h.heard,
                 "confidence": round(h.confidence, 2)} for h in heard if not h.right]  # fmt: skip
    return {"voices": voices, "thresholds": thresholds, "misheard": misheard}


def print_summary(report: dict[str, Any]) -> None:
    if "stt_window_s" in report:
        redone = report["redone_in_full_window"]
        print(f"STT window {report['stt_window_s']} s; transcripts that repeated themselves "
              f"and were decoded again in the full window: {redone}")  # fmt: skip
    print(f"{'voice':<14} lines exact   WER  conf(right) conf(wrong)  STT p50/p95 ms")
    for v in report["voices"]:
        right, wrong = v["confidence_right"] or 0.0, v["confidence_wrong"] or 0.0
        print(f"{v['voice']:<14} {v['lines']:>5} {v['exact']:>5} {v['wer']:>5.1%}  "
              f"{right:>11.2f} {wrong:>11.2f}  {v['stt_p50_ms']:>6}/{v['stt_p95_ms']}")  # fmt: skip
    print("confirm below:  " + "  ".join(f"{t['below']:.2f}" for t in report["thresholds"]))
    print(
        "right flagged:  " + "  ".join(f"{t['right_flagged']:>4.0%}" for t in report["thresholds"])
    )
    print(
        "wrong caught:   " + "  ".join(f"{t['wrong_caught']:>4.0%}" for t in report["thresholds"])
    )
    for m in report["misheard"]:
        print(f"  {m['voice']:<14} {m['confidence']:.2f}  {m['said']!r} -> {m['heard']!r}")


def main(argv: list[str] | None = None) -> int:
    from receptionist.app.config import example_settings, load_settings
    from receptionist.app.runtime import models_from_settings, stt_hotwords

    parser = argparse.ArgumentParser(prog="python -m receptionist.harness.hearing",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("scenarios", nargs="*", help="scenario files or folders (default: bundled)")
    parser.add_argument(
        "--voice", action="append", help=f"voices (default: all: {', '.join(VOICES)})"
    )
    parser.add_argument("--only", help="the scenarios whose id matches this regex")
    parser.add_argument(
        "--sample", type=int, default=0, help="every Nth caller line only (0: all of them)"
    )
    parser.add_argument(
        "--stt-window", type=int, default=0,
        help="seconds of audio per decode (default: the config's [models] stt_window_s)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--save", type=Path, metavar="FILE",
        help="also write every line as heard, for `receptionist eval --heard FILE`",
    )  # fmt: skip
    args = parser.parse_args(argv)
    voices = parse_voices(args.voice) if args.voice else list(VOICES)
    scenarios = load_scenarios(args.scenarios)
    if args.only:
        scenarios = [s for s in scenarios if re.search(args.only, s.id)]
    settings = load_settings()
    if args.stt_window:
        settings.models.stt_window_s = args.stt_window
    models = models_from_settings(settings, with_llm=False)
    own = models.stt.hotwords
    try:
        heard = []
        for business, lines in lines_by_business(scenarios).items():
            if args.sample > 1:
                lines = lines[:: args.sample]
            models.stt.hotwords = stt_hotwords(example_settings(business)) if business else own
            heard += hear(models, voices, lines)
        report = summary(heard)
        report["stt_window_s"] = models.stt.window_s
        report["redone_in_full_window"] = models.stt.repeats_redone
    finally:
        models.close()
    if args.save:
        args.save.write_text(json.dumps([asdict(h) for h in heard], indent=1))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_summary(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
