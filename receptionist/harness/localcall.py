"""`receptionist call`: one call through a LocalLeg, with the same pipeline as a real call."""

from __future__ import annotations

from datetime import date
from typing import Any

from receptionist.app.config import Settings
from receptionist.app.runtime import Runtime, build_runtime
from receptionist.call import Call
from receptionist.harness.report import call_summary
from receptionist.harness.voices import DEFAULT_VOICE, RATE, synthesize
from receptionist.media.local_leg import CallerLine, LocalLeg


def synthesized_line(
    runtime: Runtime, text: str, voice: str = DEFAULT_VOICE, **kwargs: Any
) -> CallerLine:
    """A caller line spoken by ``voice`` (voices.py; Piper, the agent's own voice, by
    default), then put through an 8 kHz G.711 line."""
    samples = synthesize(text, voice, piper=runtime.models.tts)
    return CallerLine.from_samples(samples, RATE, label=text, **kwargs)


async def run_local_call(
    runtime: Runtime, leg: LocalLeg, out_dir: str | None = None
) -> dict[str, Any]:
    call = Call.on(leg, runtime)
    try:
        await call.run()
    finally:
        await leg.close()
    summary = call_summary(runtime.store, leg.call_id)
    if out_dir:
        summary["audio"] = leg.write(out_dir)
    summary["barge_ins"] = call.barge_ins
    return summary


async def place_local_call(
    settings: Settings,
    wavs: list[str],
    says: list[str],
    out_dir: str,
    caller_id: str,
    speed: float,
    today: date,
    call_id: str,
    transfer_outcome: str = "no_answer",
) -> dict[str, Any]:
    runtime = build_runtime(settings, today=lambda: today)
    try:
        lines = [CallerLine.from_wav(path) for path in wavs]
        lines += [synthesized_line(runtime, text) for text in says]
        leg = LocalLeg(
            lines,
            caller_id=caller_id,
            call_id=call_id,
            speed=speed,
            transfer_outcome=transfer_outcome,
        )
        return await run_local_call(runtime, leg, out_dir)
    finally:
        runtime.close()
