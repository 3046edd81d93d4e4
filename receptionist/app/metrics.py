"""Prometheus metrics, read from the store at scrape time (``prometheus-client``).

The store already holds every fact an operator needs (calls, turns with their timings,
bookings, claims, reconciliations, the outbox), so the exporter is a collector over it rather
than counters scattered through the call path: the numbers survive a restart, agree with the
console and with ``receptionist stats``, and need no hook in the hot path. Only what the store
cannot know (calls in flight in this process, PBX links) comes from the running daemon, and
what happens in the process without a record (errors, tool failures and deadline misses, the
model workers' queues and busy time) is counted where it happens (``receptionist.telemetry``).

No label carries a call, a caller or a number (cardinality, privacy). Each scrape reads through
its own read-only SQLite connection, off the event loop.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from receptionist import telemetry

# Seconds. The voice-to-voice budget is 1 s: buckets are dense around it.
BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)
# Stage name in the metric -> key in a turn's timings (store: turns.timings, milliseconds).
STAGES = {"endpoint": "endpoint_ms", "stt": "stt_ms", "dialog": "dialog_ms", "tts": "tts_ms",
          "tool": "tool_ms"}  # fmt: skip
V2V_KEY = "v2v_ms"
RESUMED_KEY = "resumed_after_noise"  # call.py ReplyTiming: a false barge-in, recovered
LAG_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)  # seconds
BUDGET_MS = 1000
DRIFT_STATUS = "drift-check.json"  # beside the store; written by `eval --drift-status`

BOOKING_STATUSES = ("booked", "pending", "cancelled", "failed", "escalated", "refused")
OUTCOMES = ("completed", "transferred", "message", "caller_hung_up", "failed")


@dataclass
class Live:
    """What only the running daemon knows. Callables so a scrape reads the state of now."""

    calls_active: Callable[[], int] | None = None
    # (bridge, link) -> up: ("freeswitch", "esl"), ("asterisk", "ami")
    links: Callable[[], dict[tuple[str, str], bool]] = field(default=lambda: {})
    # The capable model's readings the rules stood in for, by reason ("deadline", "error",
    # "bad_json", "wrong_slot"): ModelUnderstanding.fallbacks, where a site has the model.
    model_fallbacks: Callable[[], dict[str, int]] = field(default=lambda: {})


def connect_read_only(path: str) -> sqlite3.Connection:
    """A connection that cannot write: the console and the exporter only look."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=2000")
    return conn


class _Histogram:
    """Cumulative bucket counts over every turn seen so far, fed incrementally by turn id."""

    def __init__(self) -> None:
        self.counts = [0] * len(BUCKETS)
        self.total = 0
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        self.total += 1
        self.sum += seconds
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                self.counts[i] += 1

    def family(self, name: str, doc: str, labels: dict[str, str]) -> HistogramMetricFamily:
        family = HistogramMetricFamily(name, doc, labels=list(labels))
        buckets = [(_le(b), float(c)) for b, c in zip(BUCKETS, self.counts, strict=True)]
        buckets.append(("+Inf", float(self.total)))
        family.add_metric(list(labels.values()), buckets, self.sum)
        return family


def _le(bound: float) -> str:
    return repr(float(bound))


class StoreCollector(Collector):
    """Every metric of the receptionist; register it on a ``CollectorRegistry``."""

    def __init__(self, store_path: str, live: Live | None = None) -> None:
        self.store_path = store_path
        self.live = live or Live()
        self._last_turn_id = 0
        self._stages = {stage: _Histogram() for stage in STAGES}
        self._v2v = _Histogram()
        self._over_budget = 0
        self._barge_ins = 0
        self._resumed = 0
        self._lock = threading.Lock()

    def collect(self) -> Iterable[Metric]:
        with self._lock:  # two scrapes at once must not feed the histograms twice
            return list(self._collect())

    def _collect(self) -> Iterator[Metric]:
        try:
            conn = connect_read_only(self.store_path)
        except sqlite3.Error as exc:
            yield _gauge("receptionist_store_up", "1 if the store could be read", 0.0)
            yield _info_error(exc)
            return
        try:
            yield _gauge("receptionist_store_up", "1 if the store could be read", 1.0)
            yield from self._calls(conn)
            yield from self._business(conn)
            yield from self._outbox(conn)
            yield from self._turns(conn)
        finally:
            conn.close()
        yield from self._drift()
        yield from self._live()

    # -- the parts ---------------------------------------------------------------------

    def _calls(self, conn: sqlite3.Connection) -> Iterator[Metric]:
        by_outcome = dict.fromkeys(OUTCOMES, 0)
        for row in conn.execute(
            "SELECT outcome, count(*) FROM calls WHERE ended_at IS NOT NULL GROUP BY outcome"
        ):
            by_outcome[row[0] or "unknown"] = row[1]
        calls = CounterMetricFamily(
            "receptionist_calls", "Calls ended, by outcome", labels=["outcome"]
        )
        for outcome, n in sorted(by_outcome.items()):
            calls.add_metric([outcome], n)
        yield calls
        low, not_understood = conn.execute(
            "SELECT coalesce(sum(low_confidence_turns), 0), coalesce(sum(not_understood_turns), 0)"
            " FROM calls"
        ).fetchone()
        yield _counter(
            "receptionist_low_confidence_turns",
            "Caller turns heard with low speech-to-text confidence",
            low,
        )
        yield _counter(
            "receptionist_not_understood_turns", "Caller turns the dialog did not understand",
            not_understood,
        )  # fmt: skip
        yield from _audio_timing(conn)
        if self.live.calls_active is None:
            (open_calls,) = conn.execute(
                "SELECT count(*) FROM calls WHERE ended_at IS NULL"
            ).fetchone()
            yield _gauge("receptionist_calls_active", "Calls in progress", open_calls)

    def _business(self, conn: sqlite3.Connection) -> Iterator[Metric]:
        bookings = GaugeMetricFamily(
            "receptionist_bookings", "Bookings in the store, by status now", labels=["status"]
        )
        counts = dict.fromkeys(BOOKING_STATUSES, 0)
        counts.update(dict(conn.execute("SELECT status, count(*) FROM bookings GROUP BY status")))
        for status, n in sorted(counts.items()):
            bookings.add_metric([status or "unknown"], n)
        yield bookings
        (messages,) = conn.execute("SELECT count(*) FROM messages").fetchone()
        yield _counter("receptionist_messages", "Messages taken for staff", messages)
        yield _labelled(
            conn, CounterMetricFamily, "receptionist_claims", "Claims said to callers, by kind",
            "kind", "SELECT kind, count(*) FROM claims GROUP BY kind",
        )  # fmt: skip
        yield _labelled(
            conn, CounterMetricFamily, "receptionist_transfers", "Transfers, by outcome",
            "outcome", "SELECT outcome, count(*) FROM transfers GROUP BY outcome",
        )  # fmt: skip
        yield _labelled(
            conn, CounterMetricFamily, "receptionist_escalations", "Escalations, by rule",
            "rule", "SELECT rule, count(*) FROM escalations GROUP BY rule",
        )  # fmt: skip
        yield _labelled(
            conn, GaugeMetricFamily, "receptionist_confirmations",
            "Confirmations owed to callers, by channel and status", ("channel", "status"),
            "SELECT channel, status, count(*) FROM confirmations GROUP BY channel, status",
        )  # fmt: skip
        last = conn.execute(
            "SELECT at, mismatches, unverified FROM reconciliations ORDER BY id DESC LIMIT 1"
        ).fetchone()
        (runs,) = conn.execute("SELECT count(*) FROM reconciliations").fetchone()
        yield _counter("receptionist_reconcile_runs", "Reconciliation runs", runs)
        yield _gauge(
            "receptionist_false_claims",
            "Claims the last reconciliation found false (the store or backend does not back "
            "what the caller heard); must be 0",
            last["mismatches"] if last else 0,
        )
        yield _gauge(
            "receptionist_unverified_claims",
            "Claims the last reconciliation could not check (backend unreadable)",
            last["unverified"] if last else 0,
        )
        yield _gauge(
            "receptionist_reconcile_last_run_timestamp_seconds",
            "When the last reconciliation ran (0: never)",
            _epoch(last["at"]) if last else 0.0,
        )

    def _outbox(self, conn: sqlite3.Connection) -> Iterator[Metric]:
        pending, oldest = conn.execute(
            "SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending'"
        ).fetchone()
        (escalated,) = conn.execute(
            "SELECT count(*) FROM outbox WHERE status = 'escalated'"
        ).fetchone()
        yield _gauge("receptionist_outbox_pending", "Requests waiting in the outbox", pending)
        age = max(0.0, time.time() - _epoch(oldest)) if oldest else 0.0
        yield _gauge(
            "receptionist_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending outbox request (0: none pending)",
            age,
        )
        yield _gauge(
            "receptionist_outbox_escalated",
            "Outbox requests given up on and handed to staff",
            escalated,
        )

    def _turns(self, conn: sqlite3.Connection) -> Iterator[Metric]:
        for row in conn.execute(
            "SELECT id, speaker, interrupted, timings FROM turns WHERE id > ? ORDER BY id",
            [self._last_turn_id],
        ):
            self._last_turn_id = row["id"]
            timings = _timings(row["timings"])
            for stage, key in STAGES.items():
                if isinstance(timings.get(key), int | float):
                    self._stages[stage].observe(timings[key] / 1000)
            v2v = timings.get(V2V_KEY)
            if isinstance(v2v, int | float):
                self._v2v.observe(v2v / 1000)
                if v2v > BUDGET_MS:
                    self._over_budget += 1
            if row["speaker"] == "agent" and row["interrupted"]:
                self._barge_ins += 1
            resumed = timings.get(RESUMED_KEY)
            if row["speaker"] == "agent" and isinstance(resumed, int):
                self._resumed += resumed
        yield self._v2v.family(
            "receptionist_voice_to_voice_seconds",
            "From the caller's last speech to the agent's first audio, per reply",
            {},
        )
        stage_doc = "Time per stage of a turn (endpoint, stt, dialog, tts, tool)"
        first = True
        for stage, histogram in self._stages.items():
            family = histogram.family("receptionist_stage_seconds", stage_doc, {"stage": stage})
            if first:
                merged = family
                first = False
            else:
                merged.samples.extend(family.samples)
        yield merged
        yield _counter(
            "receptionist_turns_over_budget",
            f"Replies whose voice-to-voice time was over {BUDGET_MS} ms",
            self._over_budget,
        )
        yield _counter(
            "receptionist_barge_ins", "Agent replies cut off by the caller", self._barge_ins
        )
        yield _counter(
            "receptionist_noise_barge_ins",
            "Times noise on the line cut the agent off and it said the sentence again",
            self._resumed,
        )

    def _drift(self) -> Iterator[Metric]:
        """The last `receptionist eval --baseline ... --drift-status FILE` (harness/drift.py),
        FILE being ``drift-check.json`` beside the store."""
        ok = GaugeMetricFamily(
            "receptionist_drift_check_ok",
            "1 if the last drift check against the baseline found no regression",
        )
        at = GaugeMetricFamily(
            "receptionist_drift_check_timestamp_seconds", "When the last drift check ran"
        )
        path = Path(self.store_path).parent / DRIFT_STATUS
        try:
            status = json.loads(path.read_text())
            ok.add_metric([], 1.0 if status["ok"] else 0.0)
            at.add_metric([], float(status["at"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # never ran (or unreadable): no sample, no alert
        yield ok
        yield at

    def _live(self) -> Iterator[Metric]:
        if self.live.calls_active is not None:
            yield _gauge("receptionist_calls_active", "Calls in progress", self.live.calls_active())
        links = GaugeMetricFamily(
            "receptionist_pbx_link_up",
            "1 if the control link to the PBX is up (FreeSWITCH ESL, Asterisk AMI)",
            labels=["bridge", "link"],
        )
        for (bridge, link), up in sorted(self.live.links().items()):
            links.add_metric([bridge, link], 1.0 if up else 0.0)
        yield links
        fallbacks = CounterMetricFamily(
            "receptionist_model_readings_replaced",
            "Caller turns where the understanding model's reading was dropped and the rules "
            "stood alone (deadline, error, bad_json) or a slot it proposed was refused "
            "(wrong_slot), by reason",
            labels=["reason"],
        )
        for reason, n in sorted(self.live.model_fallbacks().items()):
            fallbacks.add_metric([reason], n)
        yield fallbacks


class ProcessCollector(Collector):
    """The in-memory counts of this process (``receptionist.telemetry``)."""

    def collect(self) -> Iterable[Metric]:
        return telemetry.REGISTRY.collect()


def registry_for(store_path: str, live: Live | None = None) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store_path, live))
    registry.register(ProcessCollector())
    return registry


# -- helpers -------------------------------------------------------------------------------


def _audio_timing(conn: sqlite3.Connection) -> Iterator[Metric]:
    """Late frames (a counter) and each call's worst loop lag (a histogram), from the calls."""
    (late,) = conn.execute("SELECT coalesce(sum(late_frames), 0) FROM calls").fetchone()
    yield _counter(
        "receptionist_late_frames",
        "Agent audio frames sent to callers a frame period or more after they were due",
        late,
    )
    bounds = ", ".join(f"sum(loop_lag_max_ms <= {round(b * 1000)})" for b in LAG_BUCKETS)
    row = conn.execute(
        f"SELECT count(*), coalesce(sum(loop_lag_max_ms), 0), {bounds} FROM calls "
        "WHERE loop_lag_max_ms IS NOT NULL"
    ).fetchone()
    total, total_ms, counts = row[0], row[1], [n or 0 for n in row[2:]]
    family = HistogramMetricFamily(
        "receptionist_call_loop_lag_max_seconds",
        "Per call: the longest the daemon's event loop ran late during it",
    )
    buckets = [(_le(b), float(c)) for b, c in zip(LAG_BUCKETS, counts, strict=True)]
    family.add_metric([], [*buckets, ("+Inf", float(total))], total_ms / 1000)
    yield family


def _counter(name: str, doc: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _labelled(
    conn: sqlite3.Connection,
    kind: type[CounterMetricFamily] | type[GaugeMetricFamily],
    name: str,
    doc: str,
    labels: str | tuple[str, ...],
    query: str,
) -> Metric:
    names = [labels] if isinstance(labels, str) else list(labels)
    family = kind(name, doc, labels=names)
    for row in conn.execute(query):
        *values, n = tuple(row)
        family.add_metric([str(v or "unknown") for v in values], n)
    return family


def _info_error(exc: Exception) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "receptionist_store_error", "Why the store could not be read", labels=["error"]
    )
    family.add_metric([type(exc).__name__], 1.0)
    return family


def _timings(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _epoch(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return 0.0


def metric_names(store_path: str) -> set[str]:
    """Every metric name exported (as Prometheus sees it: counters end in ``_total``)."""
    from prometheus_client import generate_latest

    text = generate_latest(registry_for(store_path)).decode()
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            counter = kind == "counter" and not name.endswith("_total")
            names.add(name + "_total" if counter else name)
            if kind == "histogram":
                names.update({name + "_bucket", name + "_sum", name + "_count"})
    return names
