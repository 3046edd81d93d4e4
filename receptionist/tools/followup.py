"""What happens to a booking after the call: the two ends of the outbox.

A booking the backend didn't commit in time is ``pending`` in the store and queued in the
outbox under the same idempotency key. When a retry commits, the row turns ``booked`` and
the caller's confirmation is recorded (an SMS/e-mail hook, or a call-back task for staff);
after the last retry, or a refusal, the row turns ``escalated`` and the front desk gets a
message. Nothing is dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from receptionist.store.db import Store, now_iso
from receptionist.tools.backend import BookingBackend, BookingRequest
from receptionist.tools.claims import Claims
from receptionist.tools.messages import MessageService
from receptionist.tools.outbox import Clock, Outbox, OutboxItem, OutboxWorker, utc_now

log = logging.getLogger(__name__)

FRONT_DESK = "front desk"
CANCEL_PREFIX = "cx-"  # the outbox key of a cancellation: this + the booking's key


def request_for(row: dict) -> BookingRequest:
    """The backend request a bookings row stands for (same key, same slot)."""
    return BookingRequest(
        key=row["key"],
        service=row["service"],
        start=datetime.fromisoformat(row["start"]),
        end=datetime.fromisoformat(row["end"]),
        name=row["name"] or "",
        phone=row["phone"] or "",
        call_id=row["call_id"] or "",
        asked_for=row.get("asked_for") or "",
    )


class BookingFollowUp:
    """Queues pending bookings and settles them when the outbox does."""

    def __init__(self, store: Store, channel: str = "callback") -> None:
        self.store = store
        self.outbox = Outbox(store.db)
        self.claims = Claims(store)
        self.messages = MessageService(store)
        self.channel = channel

    def enqueue(self, row: dict) -> OutboxItem:
        """A pending booking goes to the outbox under its own key (twice keeps one row)."""
        self._reopen(row["key"])
        return self.outbox.enqueue(request_for(row))

    def enqueue_cancel(self, row: dict, ref: str) -> OutboxItem:
        """A cancellation the backend didn't confirm in time, under ``cx-`` + the booking key."""
        key = CANCEL_PREFIX + row["key"]
        self._reopen(key)
        return self.outbox.enqueue_cancel(ref, key)

    def withdraw(self, key: str, reason: str) -> None:
        """Stop retrying a request the caller no longer wants (it never committed)."""
        self.store.db.execute(
            "UPDATE outbox SET status = 'escalated', last_error = ? WHERE key = ?"
            " AND status = 'pending'",
            [f"withdrawn: {reason}", key],
        )

    def _reopen(self, key: str) -> None:
        """A request staff were handed, asked for again: it is retried again."""
        self.store.db.execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = created_at"
            " WHERE key = ? AND status = 'escalated'",
            [key],
        )

    def committed(self, item: OutboxItem) -> None:
        """A retry committed: the row is booked (or cancelled) and the caller's confirmation
        recorded."""
        if item.kind == "cancel":
            self._cancel_committed(item)
            return
        row = self.store.first("bookings", "key = ?", [item.key])
        if row is None:
            log.error("outbox committed %s but the store has no booking under it", item.key)
            return
        if row["status"] in ("pending", "escalated"):
            row = self.store.update(
                "bookings",
                row["id"],
                {"status": "booked", "backend_ref": item.committed_ref, "updated_at": now_iso()},
            )
        if row["status"] == "cancelled" and item.committed_ref:
            # The caller cancelled while this attempt was in flight: undo it in the backend.
            self.enqueue_cancel(row, item.committed_ref)
            return
        if row["status"] != "booked":
            return  # no confirmation for a booking that is gone
        if self.store.first("confirmations", "key = ?", ["cf-" + row["key"]]) is not None:
            return
        self._confirm("cf-" + row["key"], row, self.claims.confirmation(row["call_id"] or "", row))

    def _cancel_committed(self, item: OutboxItem) -> None:
        row = self.store.first("bookings", "key = ?", [item.key.removeprefix(CANCEL_PREFIX)])
        if row is None:
            log.error("outbox cancelled %s but the store has no booking under it", item.key)
            return
        if row["status"] != "cancelled":
            row = self.store.update(
                "bookings", row["id"], {"status": "cancelled", "updated_at": now_iso()}
            )
        if self.store.first("confirmations", "key = ?", ["cf-" + item.key]) is not None:
            return
        self._confirm("cf-" + item.key, row, self.claims.cancelled(row["call_id"] or "", row))

    def _confirm(self, key: str, row: dict, text: str) -> None:
        self.store.insert_once(
            "confirmations",
            {
                "key": key,
                "booking_id": row["id"],
                "call_id": row["call_id"],
                "channel": self.channel,
                "phone": row["phone"],
                "text": text,
                "status": "to_send",
                "created_at": now_iso(),
                **confirmation_address(self.channel, row),  # issue 12: sent by tools/confirmations
            },
        )

    def escalated(self, item: OutboxItem) -> None:
        """No more retries: staff take it over; the caller is not told it is booked."""
        cancelling = item.kind == "cancel"
        row = self.store.first("bookings", "key = ?", [item.key.removeprefix(CANCEL_PREFIX)])
        if row is None:
            log.error("outbox escalated %s but the store has no booking under it", item.key)
            return
        if cancelling:
            start = datetime.fromisoformat(row["start"])
            text = (
                f"Cancellation not confirmed by the booking system after {item.attempts} "
                f"attempt(s) ({item.last_error}): {row['service']} on "
                f"{start:%A %B %d at %H:%M} for {row['name'] or 'the caller'}. Please cancel "
                "it by hand and call them back."
            )
            self.messages.take(row["call_id"] or item.key, FRONT_DESK, row["name"] or "",
                               row["phone"] or "", text)  # fmt: skip
            return
        if row["status"] == "pending":
            row = self.store.update(
                "bookings", row["id"], {"status": "escalated", "updated_at": now_iso()}
            )
        start = datetime.fromisoformat(row["start"])
        text = (
            f"Booking request not confirmed by the booking system after {item.attempts} "
            f"attempt(s) ({item.last_error}): {row['service']} on {start:%A %B %d at %H:%M} "
            f"for {row['name'] or 'the caller'}. Please book it by hand and call them back."
        )
        self.messages.take(row["call_id"] or item.key, FRONT_DESK, row["name"] or "",
                           row["phone"] or "", text)  # fmt: skip


def confirmation_address(channel: str, row: dict) -> dict[str, str]:
    """Where a confirmation goes: the number the booking holds for an SMS, the address the
    caller gave for an e-mail (a booking row with an ``email``). None: it is not sent."""
    if channel == "sms" and row.get("phone"):
        return {"address": row["phone"]}
    if channel == "email" and row.get("email"):
        return {"address": row["email"]}
    return {}


def outbox_worker(
    store: Store,
    backend: BookingBackend,
    clock: Clock = utc_now,
    *,
    channel: str = "callback",
    max_attempts: int = 8,
    base_delay_s: float = 5.0,
    max_delay_s: float = 900.0,
) -> OutboxWorker:
    """An OutboxWorker on ``store``'s file whose outcomes settle the bookings in it."""
    if store.path == ":memory:":
        raise ValueError("the outbox worker needs a store file, not :memory:")
    follow = BookingFollowUp(store, channel)
    return OutboxWorker(
        Path(store.path),
        backend,
        clock,
        max_attempts=max_attempts,
        base_delay_s=base_delay_s,
        max_delay_s=max_delay_s,
        on_committed=follow.committed,
        on_escalated=follow.escalated,
    )
