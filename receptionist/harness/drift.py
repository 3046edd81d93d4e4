"""Drift: a run of the scenarios compared with a stored one.

``receptionist eval --save-baseline FILE`` stores the pass rate per capability, each
scenario's outcome, the time per scenario (p50/p95) and the models' fingerprints (file name,
size, sha256) with the config they ran under. ``--baseline FILE`` runs again, prints every
difference, and fails (exit 3) when a capability's pass rate fell by more than ``--margin``
(default 5 points), when a scenario that passed now fails beyond that margin, or when the p95
time grew by more than ``--latency-margin`` (default 50 %) and by more than 200 ms. A changed
fingerprint is printed first, so a change of behaviour can be tied to a change of model.

It is the step after any model or config change (docs in README.md, "Drift"); the example
timer ops/systemd/receptionist-drift.timer runs it nightly, and the result is written where
``/metrics`` reads it (``receptionist_drift_check_ok``).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGRESSION_EXIT = 3
# A p95 that grew by less than this is noise on a busy box, whatever the ratio.
LATENCY_FLOOR_MS = 200
FORMAT = 1


def file_fingerprint(path: Path) -> dict[str, Any]:
    """Name, size and sha256 of a model file; a folder (Whisper) hashes its files in order."""
    if path.is_dir():
        digest = hashlib.sha256()
        size = 0
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(item.relative_to(path).as_posix().encode() + b"\0")
            digest.update(_sha256(item).encode())
            size += item.stat().st_size
        return {"file": path.name, "size": size, "sha256": digest.hexdigest()}
    if not path.is_file():
        return {"file": path.name, "size": None, "sha256": None}
    return {"file": path.name, "size": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    """A file's sha256, hashed once per process while its size and mtime stay the same (the
    daemon fingerprints its models at start-up; tests build many runtimes)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHED:
        _HASHED[key] = _hash_file(path)
    return _HASHED[key]


_HASHED: dict[tuple[str, int, int], str] = {}


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprints(settings: Any) -> dict[str, dict[str, Any]]:
    m = settings.models
    roles = {"stt": m.stt, "tts": m.tts, "vad": m.vad, "llm": m.llm}
    if m.understanding == "model":
        roles["understanding"] = m.understanding_file
    return {role: file_fingerprint(Path(path)) for role, path in roles.items()}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def baseline(report: dict[str, Any], settings: Any) -> dict[str, Any]:
    """What a run leaves to compare with: from eval's ``report()`` and the settings."""
    seconds = [float(s.get("seconds", 0.0)) for s in report["scenarios"]]
    if Path(settings.source).is_file():
        config_text = Path(settings.source).read_bytes()
    else:  # the embedded example
        from receptionist.app.config import example_config_text

        config_text = example_config_text().encode()
    return {
        "format": FORMAT,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "level": report["level"],
        "config": {
            "source": settings.source,
            "sha256": hashlib.sha256(config_text).hexdigest(),
        },
        "models": fingerprints(settings),
        "total": report["total"],
        "passed": report["passed"],
        "capabilities": report["capabilities"],
        "scenarios": {s["id"]: s["passed"] for s in report["scenarios"]},
        "latency_ms": {
            "p50": round(_percentile(seconds, 0.5) * 1000),
            "p95": round(_percentile(seconds, 0.95) * 1000),
        },
    }


@dataclass
class Drift:
    notes: list[str] = field(default_factory=list)  # differences that are not regressions
    regressions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.regressions


def _rate(entry: dict[str, int]) -> float:
    return entry["passed"] / entry["total"] if entry["total"] else 0.0


def compare(
    old: dict[str, Any], new: dict[str, Any], margin: float = 0.05, latency_margin: float = 0.5
) -> Drift:
    drift = Drift()
    if old.get("level") != new.get("level"):
        drift.regressions.append(
            f"baseline is {old.get('level')} level, this run is {new.get('level')} level"
        )
        return drift
    for role in sorted(set(old["models"]) | set(new["models"])):
        was, now = old["models"].get(role), new["models"].get(role)
        if was != now:
            drift.notes.append(f"model {role} changed: {_describe(was)} -> {_describe(now)}")
    if old["config"].get("sha256") != new["config"].get("sha256"):
        drift.notes.append(
            f"config changed: {old['config']['source']} -> {new['config']['source']}"
        )
    for name in sorted(set(old["capabilities"]) | set(new["capabilities"])):
        was, now = old["capabilities"].get(name), new["capabilities"].get(name)
        if was is None or now is None:
            drift.notes.append(f"capability {name}: {'new' if was is None else 'not run'}")
            continue
        change = _rate(now) - _rate(was)
        line = (f"capability {name}: {was['passed']}/{was['total']} -> "
                f"{now['passed']}/{now['total']} ({change:+.0%})")  # fmt: skip
        if change < -margin:
            drift.regressions.append(line)
        elif change:
            drift.notes.append(line)
    lost = [s for s, passed in old["scenarios"].items() if passed and not new["scenarios"].get(s)]
    gained = [s for s, passed in new["scenarios"].items() if passed and not old["scenarios"].get(s)]
    total = max(1, len(old["scenarios"]))
    for s in lost:
        line = f"scenario {s}: passed, now fails"
        (drift.regressions if len(lost) / total > margin else drift.notes).append(line)
    drift.notes += [f"scenario {s}: failed, now passes" for s in gained]
    was_p95, now_p95 = old["latency_ms"]["p95"], new["latency_ms"]["p95"]
    line = (f"time per scenario p50 {old['latency_ms']['p50']} -> {new['latency_ms']['p50']} ms,"
            f" p95 {was_p95} -> {now_p95} ms")  # fmt: skip
    grew = now_p95 - was_p95
    if was_p95 and now_p95 > was_p95 * (1 + latency_margin) and grew > LATENCY_FLOOR_MS:
        drift.regressions.append(line + f" (over +{latency_margin:.0%})")
    else:
        drift.notes.append(line)
    return drift


def _describe(fingerprint: dict[str, Any] | None) -> str:
    if not fingerprint:
        return "none"
    sha = (fingerprint.get("sha256") or "missing")[:12]
    return f"{fingerprint['file']} ({fingerprint['size']} bytes, sha256 {sha})"


def print_drift(drift: Drift, path: str) -> None:
    print(f"\ncompared with the baseline {path}:")
    for line in drift.notes:
        print(f"  {line}")
    for line in drift.regressions:
        print(f"  REGRESSION {line}")
    print("  no regression beyond the margins" if drift.ok else
          f"  {len(drift.regressions)} regression(s)")  # fmt: skip


def write_json(path: str, data: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"baseline {path}: cannot read it ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"baseline {path}: not a baseline of this version (format {FORMAT})")
    return data


def record_check(status_path: str, drift: Drift, baseline_path: str) -> None:
    """Leave the result where /metrics reads it (receptionist_drift_check_ok)."""
    write_json(status_path, {"ok": drift.ok, "at": time.time(), "baseline": baseline_path,
                       "regressions": drift.regressions})  # fmt: skip


def check_or_save(
    report: dict[str, Any],
    settings: Any,
    save: str | None = None,
    against: str | None = None,
    margin: float = 0.05,
    latency_margin: float = 0.5,
    status: str | None = None,
) -> int:
    """After an eval run: store it and/or compare it; the exit status of the command."""
    current = baseline(report, settings)
    code = 0
    if against:
        drift = compare(load(against), current, margin, latency_margin)
        print_drift(drift, against)
        if status:
            record_check(status, drift, against)
        code = 0 if drift.ok else REGRESSION_EXIT
    if save:
        write_json(save, current)
        print(
            f"baseline saved to {save}: {current['passed']}/{current['total']} passed, "
            f"models {', '.join(f['file'] for f in current['models'].values())}"
        )
    return code
