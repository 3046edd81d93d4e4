"""The scenarios through each voice's ears: every caller line replaced by what speech to text
heard of it in that voice, then played at the text level (``receptionist eval --heard FILE``).

The audio level (``eval --audio --voice ...``) takes half an hour a voice and mixes
mishearing with timing (a turn ended early, a barge-in); this takes seconds once the lines
are heard, and asks one question: where Whisper gets a caller's words wrong, does the
conversation still do the right thing? The file comes from the hearing harness, which
speaks each caller line in each voice through the G.711 line and transcribes it alone:

    python -m receptionist.harness.hearing --save heard.json     # ~6 minutes, four voices
    receptionist eval --heard heard.json [--only REGEX] [--verbose]

A caller line the file lacks (a scenario added since) is said as written, and counted.
Whisper's confidence goes with each line, as in a call (a doubtful line is confirmed).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from receptionist.app.config import Settings
from receptionist.harness.eval import (
    CallRun,
    CallSpec,
    Result,
    World,
    load_scenarios,
    print_table,
    report,
    run_all,
    run_text_call,
)


@dataclass(frozen=True)
class HeardLine:
    text: str
    confidence: float


@dataclass
class Ears:
    """What one voice's caller lines were heard as; ``missing``: lines said as written."""

    voice: str
    lines: dict[str, HeardLine]
    missing: set[str] = field(default_factory=set)

    def hear(self, said: str) -> HeardLine:
        heard = self.lines.get(said)
        if heard is None:
            self.missing.add(said)
            return HeardLine(said, 1.0)
        return heard


def load_ears(path: Path) -> list[Ears]:
    """The hearing harness's ``--save`` file: a list of {voice, said, heard, confidence}."""
    try:
        rows = json.loads(path.read_text())
        ears: dict[str, Ears] = {}
        for row in rows:
            voice = ears.setdefault(row["voice"], Ears(row["voice"], {}))
            voice.lines[row["said"]] = HeardLine(row["heard"], float(row["confidence"]))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ValueError(
            f"{path}: not a file of heard lines from `python -m receptionist.harness.hearing "
            f"--save` ({type(exc).__name__}: {exc})"
        ) from exc
    if not ears:
        raise ValueError(f"{path}: no heard lines in it")
    return list(ears.values())


async def run_heard_call(
    ears: Ears, world: World, settings: Settings, spec: CallSpec, call_id: str
) -> CallRun:
    heard = {t.say: ears.hear(t.say) for t in spec.turns if t.say}
    turns = tuple(replace(t, say=heard[t.say].text) if t.say else t for t in spec.turns)
    confidence: Mapping[str, float] = {h.text: h.confidence for h in heard.values()}
    return await run_text_call(world, settings, replace(spec, turns=turns), call_id, confidence)


def main_eval_heard(
    settings: Settings,
    paths: list[str] | None,
    heard_file: Path,
    as_json: bool,
    only: str | None = None,
    verbose: bool = False,
) -> int:
    scenarios = load_scenarios(paths)
    if only:
        scenarios = [s for s in scenarios if re.search(only, s.id)]
    voices = load_ears(heard_file)
    written = asyncio.run(run_all(scenarios, settings))
    heard: dict[str, list[Result]] = {}
    for ears in voices:
        runner = partial(run_heard_call, ears)
        heard[ears.voice] = asyncio.run(run_all(scenarios, settings, runner))
    summary = _summary(written, heard, voices)
    if as_json:
        out: dict[str, Any] = {
            "as_written": report(written, "text") | {"whole_turns": round(whole_share(written), 3)}
        }
        out["voices"] = {v: report(r, f"heard by {v}") | summary[v] for v, r in heard.items()}
        print(json.dumps(out, indent=2))
    else:
        for voice, results in heard.items():
            print(f"== heard by {voice}")
            print_table(results, f"heard by {voice}", verbose)
            print()
        print(
            f"as written: {sum(r.passed for r in written)}/{len(written)} passed; caller lines "
            f"judged whole at once: {whole_share(written):.0%}"
        )
        for voice, figures in summary.items():
            print(
                f"heard by {voice}: {figures['passed']}/{figures['total']} passed; of the "
                f"{figures['pass_as_written']} that pass as written, {figures['still_pass']} "
                f"({figures['still_pass_rate']:.0%}); caller lines judged whole at once: "
                f"{figures['whole_turns']:.0%}; lines not in the file: {figures['lines_missing']}"
            )
        print(
            "(judged whole at once: the listener ends such a turn 300 ms after the caller's "
            "last sound; other turns wait 760 ms, or 1200 after a hesitation)"
        )
    return 0


def whole_share(results: list[Result]) -> float:
    """The share of caller lines whose end-of-turn verdict is "complete"."""
    verdicts = [v for r in results for v in r.verdicts]
    return sum(v == "complete" for v in verdicts) / max(1, len(verdicts))


def _summary(
    written: list[Result], heard: dict[str, list[Result]], voices: list[Ears]
) -> dict[str, dict[str, Any]]:
    passing = {r.id for r in written if r.passed}
    missing = {e.voice: len(e.missing) for e in voices}
    out = {}
    for voice, results in heard.items():
        still = sum(r.passed for r in results if r.id in passing)
        out[voice] = {
            "passed": sum(r.passed for r in results),
            "total": len(results),
            "pass_as_written": len(passing),
            "still_pass": still,
            "still_pass_rate": round(still / max(1, len(passing)), 3),
            "lines_missing": missing[voice],
            "whole_turns": round(whole_share(results), 3),
        }
    return out
