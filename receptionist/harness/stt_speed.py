"""How long speech to text takes on a caller's turn, alone and with other calls' turns at
once, on this machine's CPU or on a GPU: the figure a site needs to pick its hardware.

The turns are made once where the caller voices are installed (flite, Festival: Debian
packages), put through the 8 kHz G.711 line, and saved; the same file is then decoded
wherever the figure is wanted, with the product's own ``Transcriber``:

    python -m receptionist.harness.stt_speed --make turns.npz            # here
    python -m receptionist.harness.stt_speed turns.npz --device cuda     # on a GPU box

For each window (Whisper's 30 s and shorter ones), with the business's hotwords as the
product decodes (``--no-hotwords`` without), it prints per turn decode time p50/p95
and word errors, then k turns arriving at once (k calls finishing a turn together): the
time the last of them waits, decoded one after another and in one batch.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from receptionist.harness.voices import RATE
from receptionist.harness.wer import word_errors, words

VOICES = ("flite:slt", "flite:rms", "flite:awb", "festival:slt")
AT_ONCE = (2, 3, 4)
# Lines whose words become the record: a phone number (three digits or more), a name given.
_RECORD_LINE = re.compile(
    r"\d{3}|\bname(?: is|'s)\b|\bunder [A-Z][a-z]+ [A-Z]"
    r"|^(?:\w+ )?[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}\.?$"
)


def is_record_line(text: str) -> bool:
    """Does the caller's line give a name or a phone number (the answers call.py decodes
    in the full window)? A rough test on the scripted line; its word errors count the
    whole line, not only the name or the number."""
    spoken = " ".join(words(text))
    return bool(_RECORD_LINE.search(spoken) or _RECORD_LINE.search(text.strip()))


def make_turns(path: Path, voices: Sequence[str], sample: int) -> int:
    """Every ``sample``-th caller line of the bundled scenarios in each voice, through the
    phone line, with 200 ms of quiet either side (a turn's pre-roll and tail)."""
    from receptionist.harness.eval import load_scenarios
    from receptionist.harness.hearing import caller_lines
    from receptionist.harness.voices import synthesize
    from receptionist.media.audio import phone_line

    lines = caller_lines(load_scenarios([]))[::sample]
    quiet = np.zeros(RATE // 5, np.int16)
    audio: dict[str, np.ndarray] = {}
    said: list[dict[str, str]] = []
    for voice in voices:
        for line in lines:
            samples = phone_line(synthesize(line, voice), RATE)
            audio[f"turn{len(said)}"] = np.concatenate([quiet, samples, quiet]).astype(np.int16)
            said.append({"voice": voice, "text": line})
    audio["said"] = np.array(json.dumps(said))
    np.savez_compressed(path, **audio)  # type: ignore[arg-type]
    return len(said)


def load_turns(path: Path) -> tuple[list[np.ndarray], list[dict[str, str]]]:
    with np.load(path) as data:
        said: list[dict[str, str]] = json.loads(str(data["said"]))
        return [data[f"turn{i}"] for i in range(len(said))], said


def _pct(values: Sequence[float], q: int) -> int:
    return int(np.percentile(values, q)) if values else 0


def measure(
    model: Path, turns: list[np.ndarray], said: list[dict[str, str]], device: str,
    compute_type: str, threads: int, window_s: int, at_once: Sequence[int] = AT_ONCE,
    hotwords: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    from receptionist.media.stt import Transcriber

    stt = Transcriber(model, device, compute_type, threads, hotwords, window_s)
    for turn in turns[:3]:  # warm-up: the first decodes load kernels and fill caches
        stt.transcribe_batch_sync([(turn, RATE)])
    alone: list[float] = []
    errors = total = record_errors = record_total = 0
    for turn, line in zip(turns, said, strict=True):
        started = time.perf_counter()
        heard = stt.transcribe_batch_sync([(turn, RATE)])[0]
        alone.append((time.perf_counter() - started) * 1000)
        expected = words(line["text"])
        wrong = word_errors(expected, words(heard.text))
        errors += wrong
        total += len(expected)
        if is_record_line(line["text"]):
            record_errors += wrong
            record_total += len(expected)
    out: dict[str, Any] = {
        "window_s": window_s,
        "turns": len(turns),
        "alone_p50_ms": _pct(alone, 50),
        "alone_p95_ms": _pct(alone, 95),
        "wer": round(errors / max(1, total), 3),
        "record_words": record_total,
        "record_wer": round(record_errors / max(1, record_total), 3),
        "at_once": {},
    }
    for k in at_once:
        groups = [turns[i : i + k] for i in range(0, len(turns) - k + 1, k)]
        one_by_one: list[float] = []
        batched: list[float] = []
        for group in groups:
            started = time.perf_counter()
            for turn in group:
                stt.transcribe_batch_sync([(turn, RATE)])
            one_by_one.append((time.perf_counter() - started) * 1000)
            if stt.batches(window_s):  # else a "batch" is the same turns one by one again
                started = time.perf_counter()
                stt.transcribe_batch_sync([(turn, RATE) for turn in group])
                batched.append((time.perf_counter() - started) * 1000)
        out["at_once"][str(k)] = {
            "groups": len(groups),
            "one_by_one_p50_ms": _pct(one_by_one, 50),
            "one_by_one_p95_ms": _pct(one_by_one, 95),
            "batched_p50_ms": _pct(batched, 50) if batched else None,
            "batched_p95_ms": _pct(batched, 95) if batched else None,
        }
    out["batched_in_calls"] = stt.batches(window_s)  # what a call's turns get
    stt.worker.close()
    return out


def product_hotwords() -> str:
    """The prompt the product gives Whisper on the embedded config (or $RECEPTIONIST_CONFIG):
    its words steady the short window, so a figure without them is not the product's."""
    from receptionist.app.config import load_settings
    from receptionist.app.runtime import stt_hotwords

    return stt_hotwords(load_settings())


def print_report(report: dict[str, Any]) -> None:
    prompt = "the business's hotwords" if report.get("hotwords") else "no hotwords"
    print(f"speech to text on {report['device']} ({report['compute_type']}, "
          f"{report['threads']} threads), {report['model']}, {prompt}")  # fmt: skip
    for w in report["windows"]:
        print(f"window {w['window_s']:>2} s: {w['turns']} turns alone p50 {w['alone_p50_ms']} / "
              f"p95 {w['alone_p95_ms']} ms, word errors {w['wer']:.1%} (names and "
              f"numbers: {w['record_wer']:.1%} of {w['record_words']} words)")  # fmt: skip
        for k, row in w["at_once"].items():
            alone = f"{row['one_by_one_p50_ms']} / p95 {row['one_by_one_p95_ms']} ms"
            batch = (
                f"{row['batched_p50_ms']} / p95 {row['batched_p95_ms']} ms"
                if row["batched_p50_ms"] is not None
                else "- (not batched in this window on this device)"
            )
            print(f"  {k} at once ({row['groups']} groups): one by one p50 {alone}, "
                  f"one batch p50 {batch}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m receptionist.harness.stt_speed",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("turns", type=Path, help="the turns file (.npz)")
    parser.add_argument("--make", action="store_true", help="synthesize the turns file")
    parser.add_argument("--sample", type=int, default=6, help="every Nth caller line (--make)")
    parser.add_argument("--voice", action="append", help=f"--make voices (default {VOICES})")
    parser.add_argument("--model", type=Path, default=Path("models/whisper-tiny.en"))
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--compute-type", help="default: float16 on cuda, int8 on cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--windows", default="30,15,10", help="windows to measure, in seconds")
    parser.add_argument("--alone", action="store_true", help="each turn alone only")
    parser.add_argument("--limit", type=int, default=0, help="only the first N turns")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--no-hotwords",
        action="store_true",
        help="decode without the business's words as Whisper's prompt (the product gives them)",
    )
    args = parser.parse_args(argv)
    if args.make:
        count = make_turns(args.turns, args.voice or VOICES, args.sample)
        print(f"{count} turns written to {args.turns}")
        return 0
    if not args.turns.exists():
        parser.error(f"no turns file at {args.turns}: make one with --make")
    if not (args.model / "model.bin").exists():
        parser.error(f"no Whisper model at {args.model} (model.bin missing)")
    turns, said = load_turns(args.turns)
    if args.limit:
        turns, said = turns[: args.limit], said[: args.limit]
    compute = args.compute_type or ("float16" if args.device == "cuda" else "int8")
    hotwords = None if args.no_hotwords else product_hotwords()
    report: dict[str, Any] = {
        "device": args.device, "compute_type": compute, "threads": args.threads,
        "model": args.model.name, "hotwords": hotwords, "windows": [],
    }  # fmt: skip
    for window in (int(w) for w in args.windows.split(",")):
        report["windows"].append(
            measure(
                args.model,
                turns,
                said,
                args.device,
                compute,
                args.threads,
                window,
                () if args.alone else AT_ONCE,
                hotwords,
            )  # fmt: skip
        )
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
