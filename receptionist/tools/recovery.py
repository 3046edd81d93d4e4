"""After a crash: what a daemon killed mid-call left behind is found and finished at start-up.

A call row with no end gets one (failed, with the reason), so every call has an outcome; a
booking still ``pending`` with nothing in the outbox (the daemon died while the backend was
being asked) goes to the outbox under its own key, so a retry commits it exactly once or
escalates it to staff. Nothing is dropped and nothing is done twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from receptionist.store.db import Store
from receptionist.tools.followup import BookingFollowUp

log = logging.getLogger(__name__)

CRASH_REASON = "the daemon stopped before the call ended (found at the next start-up)"


@dataclass(frozen=True)
class Recovered:
    calls_closed: int
    requests_queued: int


def recover(store: Store) -> Recovered:
    """Run once at start-up, before any call: close unfinished calls, queue lost requests."""
    open_calls = store.rows("calls", "ended_at is null")
    for call in open_calls:
        store.end_call(call["id"], "failed", CRASH_REASON)
    followup = BookingFollowUp(store)
    queued = 0
    for row in store.rows("bookings", "status = 'pending'"):
        if followup.outbox.get(row["key"]) is None:
            followup.enqueue(row)
            queued += 1
    if open_calls or queued:
        log.warning("recovered after a crash: %d call(s) closed as failed, %d pending "
                    "request(s) put in the outbox", len(open_calls), queued)  # fmt: skip
    return Recovered(len(open_calls), queued)
