"""`receptionist stats`: per-stage latency of real calls, read back from the store."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from receptionist.store.db import Store


def stage_figures(store: Store) -> dict[str, dict[str, float]]:
    samples: dict[str, list[int]] = defaultdict(list)
    for row in store.db.execute("select timings from turns").fetchall():
        for stage, value in json.loads(row[0] or "{}").items():
            if stage.endswith("_ms"):
                samples[stage].append(int(value))
    return {
        stage: {
            "count": len(values),
            "p50": float(np.percentile(values, 50)),
            "p95": float(np.percentile(values, 95)),
        }
        for stage, values in sorted(samples.items())
    }


def print_stats(path: str, as_json: bool = False) -> int:
    store = Store(path)
    figures = stage_figures(store)
    calls = store.db.execute("select outcome, count(*) from calls group by outcome").fetchall()
    if as_json:
        print(json.dumps({"stages": figures, "outcomes": dict(calls)}, indent=2))
        return 0
    print(f"{'stage':<14}{'turns':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for stage, f in figures.items():
        print(f"{stage:<14}{f['count']:>7}{f['p50']:>9.0f}{f['p95']:>9.0f}")
    print("calls by outcome: " + ", ".join(f"{k or 'in progress'} {v}" for k, v in calls))
    return 0
