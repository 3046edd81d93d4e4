"""`receptionist stats`: per-stage latency of real calls, read back from the store.

The headline is voice to voice as the line carried it (the caller's last frame with energy
in to the reply's first frame sent); the pipeline's own figure (the VAD's last speech frame
to the first frame queued) follows, for comparison.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from receptionist.store.db import Store

# Stage keys in a turn's timings that are voice-to-voice figures, not stages.
V2V_KEYS = ("v2v_line_ms", "v2v_ms")


def _figures(values: list[int]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
    }


def stage_figures(store: Store) -> dict[str, dict[str, float]]:
    samples: dict[str, list[int]] = defaultdict(list)
    for row in store.db.execute("select timings from turns").fetchall():
        for stage, value in json.loads(row[0] or "{}").items():
            if stage.endswith("_ms") and stage not in V2V_KEYS:
                samples[stage].append(int(value))
    return {stage: _figures(values) for stage, values in sorted(samples.items())}


def voice_to_voice(store: Store) -> dict[str, dict[str, float]]:
    """The agent turns' voice-to-voice figures, the line's first."""
    out: dict[str, dict[str, float]] = {}
    for column in ("v2v_line_ms", "v2v_pipeline_ms"):
        values = [
            int(r[0])
            for r in store.db.execute(
                f"select {column} from turns where speaker = 'agent' and {column} is not null"
            ).fetchall()
        ]
        if values:
            out[column] = _figures(values)
    return out


def print_stats(path: str, as_json: bool = False) -> int:
    store = Store(path)
    figures = stage_figures(store)
    v2v = voice_to_voice(store)
    calls = store.db.execute("select outcome, count(*) from calls group by outcome").fetchall()
    if as_json:
        print(json.dumps({"voice_to_voice": v2v, "stages": figures, "outcomes": dict(calls)},
                         indent=2))  # fmt: skip
        return 0
    print(f"{'':<18}{'turns':>7}{'p50 ms':>9}{'p95 ms':>9}")
    names = {"v2v_line_ms": "voice to voice", "v2v_pipeline_ms": "  (pipeline)"}
    for column, f in v2v.items():
        print(f"{names[column]:<18}{f['count']:>7}{f['p50']:>9.0f}{f['p95']:>9.0f}")
    for stage, f in figures.items():
        print(f"{stage:<18}{f['count']:>7}{f['p50']:>9.0f}{f['p95']:>9.0f}")
    print(
        "voice to voice: the caller's last sound in to the reply's first sound out, on the "
        "line; (pipeline): the VAD's last speech frame to the reply's first frame queued"
    )
    print("calls by outcome: " + ", ".join(f"{k or 'in progress'} {v}" for k, v in calls))
    return 0
