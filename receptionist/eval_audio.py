"""The scenarios through the audio pipeline: synthesized 8 kHz caller speech in, the agent's
audio transcribed back. Same scenario files and checks as the text level (eval.py).

The caller's lines are spoken by Piper and put through a G.711 line by ``LocalLeg``;
``barge_in_ms`` turns become interruptions, ``silence`` turns are the line's own silence
(the pipeline's silence timer re-prompts), ``noise`` puts background noise under the whole
call, ``hangup`` ends the caller's script there. The language model is off, as in the text
level: the rules carry the call.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from receptionist.config import Settings
from receptionist.eval import CallRun, CallRunner, CallSpec, World
from receptionist.localcall import run_local_call, synthesized_line
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.runtime import Runtime, models_from_settings

SPEED = 4.0  # line time runs this much faster than real time (as the pipeline tests do)


def line_noise(seconds: float = 10.0, level: float = 250.0, seed: int = 7) -> np.ndarray:
    """Steady background noise at 8 kHz (a fan, a street): about -42 dBFS."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, level, int(seconds * 8000))
    return np.clip(noise, -32768, 32767).astype(np.int16)


def audio_call_runner(settings: Settings) -> CallRunner:
    models = models_from_settings(settings, with_llm=False)

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
            lines.append(synthesized_line(runtime, turn.say, barge_in_ms=turn.barge_in_ms))
        only_silence = not spoke and not lines
        leg = LocalLeg(
            lines,
            caller_id=spec.caller_id,
            call_id=call_id,
            speed=SPEED,
            transfer_outcome=world.scenario.transfer_outcome,
            hangup_after_ms=None if only_silence else 2500,
            background=line_noise() if spec.noise else None,
        )
        summary: dict[str, Any] = await run_local_call(runtime, leg)
        heard = models.stt.transcribe_sync(leg.agent_audio(), 8000).text
        turns = summary["turns"]
        return CallRun(
            said=[heard],
            outcome=str(summary["outcome"]["kind"]),
            barge_ins=len(summary["barge_ins"]),
            caller_turns=sum(1 for t in turns if t["speaker"] == "caller"),
            transcript=[f"{t['speaker']}: {t['text']}" for t in turns],
        )

    return run
