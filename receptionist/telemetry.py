"""Counts of what only the running process sees, kept where it happens (prometheus-client).

The store holds the facts of every call (app/metrics.py reads them at scrape time); what it
does not hold is counted here in memory: errors in the bridges and the call layer, tool calls
that failed or missed their deadline, the model workers' queues and busy time. A leaf module
(it imports nothing of ours), so that any layer may count into it, as into ``logging``.
Counters start at zero with the process, as Prometheus expects of a counter.

No label carries a call, a caller or a number (cardinality, privacy).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics

# No ``*_created`` series beside each counter: Prometheus does not need them, and the store's
# counters (app/metrics.py) have none either.
disable_created_metrics()
REGISTRY = CollectorRegistry(auto_describe=True)

ERRORS = Counter(
    "receptionist_errors",
    "Errors, by kind and bridge (freeswitch, asterisk, local)",
    ["kind", "bridge"],
    registry=REGISTRY,
)
TOOL_FAILURES = Counter(
    "receptionist_tool_failures",
    "Tool calls that failed (a backend error or refusal, a transfer that did not connect, "
    "a confirmation not sent), by tool and reason",
    ["tool", "reason"],
    registry=REGISTRY,
)
DEADLINE_MISSES = Counter(
    "receptionist_deadline_misses",
    "Tool and model calls stopped at their deadline, by what was called",
    ["what"],
    registry=REGISTRY,
)
MODEL_QUEUE = Gauge(
    "receptionist_model_queue_depth",
    "Jobs queued or running on a model's worker threads",
    ["model"],
    registry=REGISTRY,
)
MODEL_BUSY = Counter(
    "receptionist_model_busy_seconds",
    "Time a model's worker threads spent running jobs, summed over its threads (speech to "
    "text has two decoders on a CPU: up to 2 s a second)",
    ["model"],
    registry=REGISTRY,
)
MODEL_JOBS = Counter(
    "receptionist_model_jobs", "Jobs a model's worker thread ran", ["model"], registry=REGISTRY
)
MODEL_DROPPED = Counter(
    "receptionist_model_dropped_jobs",
    "Jobs a model's worker never ran: their caller stopped waiting while they were queued "
    "(a trial transcript of a pause the caller spoke on after)",
    ["model"],
    registry=REGISTRY,
)
MODEL_BATCHED = Counter(
    "receptionist_model_batched_jobs",
    "Jobs a model's worker ran in one batch with others (several calls' turns in one decode)",
    ["model"],
    registry=REGISTRY,
)

TRIAL_DECODES = Counter(
    "receptionist_trial_decodes",
    "Trial decodes of a caller's pause, by what became of them: early (started 60 ms after "
    "the caller's energy fell, before the VAD's pause), reused (the turn's own transcript, "
    "no decode after it ended), discarded (the caller went on), skipped (speech to text busy "
    "with other calls at the pause), late (made in the pause once it was free), "
    "after_pause (the words after a pause decoded alone: the turn's transcript had left "
    "them out), recovered (such words added to the turn)",
    ["fate"],
    registry=REGISTRY,
)
LAST_WORDS = Counter(
    "receptionist_last_words",
    "Caller turns said as the caller hung up (the turn in progress at the click, or still "
    "being transcribed): kept in the record, and in a message being taken",
    registry=REGISTRY,
)


def error(kind: str, bridge: str) -> None:
    ERRORS.labels(kind, bridge).inc()


def tool_failed(tool: str, reason: str) -> None:
    TOOL_FAILURES.labels(tool, reason).inc()


def deadline_missed(what: str) -> None:
    DEADLINE_MISSES.labels(what).inc()


def trial_decode(fate: str) -> None:
    TRIAL_DECODES.labels(fate).inc()
