"""The scenarios through the audio pipeline: synthesized 8 kHz caller speech in, the agent's
audio transcribed back. Same scenario files and checks as the text level (eval.py).

The caller's lines are spoken by one of the caller voices (voices.py: Piper, the agent's own
voice, by default; flite and Festival voices that are not ours) and put through a G.711 line
by ``LocalLeg``;
``barge_in_ms`` turns become interruptions, ``silence`` turns are the line's own silence
(the pipeline's silence timer re-prompts), ``noise`` puts background noise under the whole
call, ``hangup`` ends the caller's script there. The language model is off, as in the text
level: the rules carry the call. With several voices the whole selection runs once per voice,
and the report gives each voice's pass rate.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from typing import Any

import numpy as np

from receptionist.app.config import Settings
from receptionist.app.runtime import Runtime, models_from_settings
from receptionist.harness.eval import (
    CallRun,
    CallRunner,
    CallSpec,
    Result,
    Scenario,
    World,
    load_scenarios,
    print_table,
    run_all,
)
from receptionist.harness.localcall import run_local_call, synthesized_line
from receptionist.harness.voices import DEFAULT_VOICE, check_voice
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.models import Models

SPEED = 2.0  # line time runs this much faster than real time (models run in real time)
AGENT_GAP_MS = 3500  # the caller waits this long after the agent's last word before speaking


def line_noise(seconds: float = 10.0, level: float = 250.0, seed: int = 7) -> np.ndarray:
    """Steady background noise at 8 kHz (a fan, a street): about -42 dBFS."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, level, int(seconds * 8000))
    return np.clip(noise, -32768, 32767).astype(np.int16)


def agent_speech(audio: np.ndarray, rate: int = 8000, gap_s: float = 0.6) -> list[np.ndarray]:
    """The agent's track cut into stretches of speech (the line carries exact zeros between
    them), so that each is transcribed whole instead of lost in a 30 s window of silence."""
    frame = rate // 50
    n = len(audio) // frame
    voiced = np.abs(audio[: n * frame].reshape(n, frame)).max(axis=1) > 0
    pieces: list[np.ndarray] = []
    start: int | None = None
    quiet = 0
    limit = int(gap_s * 50)
    for i, v in enumerate(voiced):
        if v:
            start = i if start is None else start
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet > limit:
                pieces.append(audio[start * frame : (i - quiet + 1) * frame])
                start, quiet = None, 0
    if start is not None:
        pieces.append(audio[start * frame : (n - quiet) * frame])
    return pieces


def heard(models: Models, audio: np.ndarray, rate: int = 8000) -> str:
    """What a caller would have heard: the agent's audio transcribed back, piece by piece."""
    texts = [models.stt.transcribe_sync(piece, rate).text for piece in agent_speech(audio, rate)]
    return " ".join(t for t in texts if t)


def audio_call_runner(
    settings: Settings,
    speed: float = SPEED,
    voice: str = DEFAULT_VOICE,
    models: Models | None = None,
) -> CallRunner:
    """Runs one scenario call through the audio pipeline, the caller speaking with ``voice``."""
    models = models or models_from_settings(settings, with_llm=False)

    async def run(world: World, settings: Settings, spec: CallSpec, call_id: str) -> CallRun:
        folder = world.folder / call_id
        local = dataclasses.replace(
            settings, recording=dataclasses.replace(settings.recording, dir=str(folder))
        )
        runtime = Runtime(local, world.store, models, world.bookings, lambda: world.scenario.today)
        lines: list[CallerLine] = []
        spoke = False
        for turn in spec.turns:
            if turn.hangup:
                break
            if turn.silence:
                continue  # the line stays quiet; the silence timer does the rest
            if turn.dtmf:
                lines.append(CallerLine(dtmf=turn.dtmf, label=f"dtmf {turn.dtmf}"))
                continue
            spoke = True
            lines.append(
                synthesized_line(runtime, turn.say, voice=voice, barge_in_ms=turn.barge_in_ms)
            )
        only_silence = not spoke and not lines
        leg = LocalLeg(
            lines,
            caller_id=spec.caller_id,
            call_id=call_id,
            speed=speed,
            agent_gap_ms=AGENT_GAP_MS,
            transfer_outcome=world.scenario.transfer_outcome,
            hangup_after_ms=None if only_silence else 2500,
            background=line_noise() if spec.noise else None,
        )
        summary: dict[str, Any] = await run_local_call(runtime, leg)
        transcript = heard(models, leg.agent_audio())
        turns = summary["turns"]
        return CallRun(
            said=[transcript],
            outcome=str(summary["outcome"]["kind"]),
            barge_ins=len(summary["barge_ins"]),
            caller_turns=sum(1 for t in turns if t["speaker"] == "caller"),
            transcript=[f"{t['speaker']}: {t['text']}" for t in turns],
        )

    return run


# -- several voices ----------------------------------------------------------------------


@dataclasses.dataclass
class VoiceRun:
    """One voice's pass through the selected scenarios."""

    voice: str
    results: list[Result]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def pass_rate(self) -> float:
        return self.passed / len(self.results) if self.results else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"voice": self.voice, "passed": self.passed, "total": len(self.results),
                "pass_rate": round(self.pass_rate, 3)}  # fmt: skip


async def run_voices(
    scenarios: list[Scenario],
    settings: Settings,
    voices: list[str],
    models: Models,
    speed: float = SPEED,
) -> list[VoiceRun]:
    """The scenarios once per voice, on one set of loaded models."""
    runs = []
    for voice in voices:
        runner = audio_call_runner(settings, speed, voice, models)
        runs.append(VoiceRun(voice, await run_all(scenarios, settings, runner)))
    return runs


def voices_report(runs: list[VoiceRun], scenarios: list[Scenario]) -> dict[str, Any]:
    """The JSON report: totals over all voices, each voice's pass rate, and per scenario
    its voice; a failed scenario also carries what the caller's script said."""
    script = {s.id: [[t.say for t in c.turns if t.say] for c in s.calls] for s in scenarios}
    rows = []
    for run in runs:
        for r in run.results:
            row = {"voice": run.voice, **r.as_dict()}
            if not r.passed:
                row["script"] = script.get(r.id, [])
            rows.append(row)
    return {
        "level": "audio",
        "total": sum(len(run.results) for run in runs),
        "passed": sum(run.passed for run in runs),
        "voices": [run.as_dict() for run in runs],
        "scenarios": rows,
    }


def print_voices_table(runs: list[VoiceRun], verbose: bool = False) -> None:
    """The text level's table once per voice (``verbose``: a failed scenario's conversation
    under it), then one line per voice with its pass rate."""
    for run in runs:
        print(f"== voice {run.voice}")
        print_table(run.results, f"audio level, voice {run.voice}", verbose)
        print()
    width = max(len(run.voice) for run in runs)
    for run in runs:
        print(f"{run.voice:<{width}}  {run.passed}/{len(run.results)} passed "
              f"({run.pass_rate:.0%}, audio level)")  # fmt: skip


def main_eval_audio(
    settings: Settings,
    paths: list[str] | None,
    as_json: bool,
    only: str | None = None,
    speed: float = SPEED,
    voices: list[str] | None = None,
    verbose: bool = False,
) -> int:
    """`receptionist eval --audio [--voice V ...]`."""
    scenarios = load_scenarios(paths)
    if only:
        scenarios = [s for s in scenarios if re.search(only, s.id)]
    voices = voices or [DEFAULT_VOICE]
    for voice in voices:
        check_voice(voice)  # a missing program stops here, not after the first voice's run
    models = models_from_settings(settings, with_llm=False)
    try:
        runs = asyncio.run(run_voices(scenarios, settings, voices, models, speed))
    finally:
        models.close()
    if as_json:
        print(json.dumps(voices_report(runs, scenarios), indent=2))
    else:
        print_voices_table(runs, verbose)
    return 0 if all(r.passed for run in runs for r in run.results) else 1
