"""The conversation's actions carried out: tools and store in, results back to the dialog.

``Effects.run(request)`` does one request against the booking service, messages, transfers
and the store, saves each claim from the committed record it is tied to, and returns the
result event. ``drive()`` is the one loop that feeds a conversation an event and carries out
what it asks until it is done: real calls (call.py), the text-level eval and the tests all
use it.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from receptionist import telemetry
from receptionist.dialog.actions import (
    Action,
    AddToMessage,
    Book,
    Cancel,
    ChangeCallback,
    CheckSlot,
    Connect,
    FindBookings,
    FindSlots,
    Hangup,
    Move,
    RecordEscalation,
    Report,
    SaveUnfinished,
    Say,
    TakeMessage,
    Transfer,
)
from receptionist.dialog.conversation import Conversation
from receptionist.dialog.events import (
    BookingDone,
    BookingsFound,
    BookingView,
    CancelDone,
    Event,
    MessageTaken,
    MoveDone,
    Reported,
    Result,
    SlotChecked,
    SlotsFound,
    TransferDone,
    TransferRequested,
)
from receptionist.dialog.matching import same_person
from receptionist.domain.profile import Service
from receptionist.media.leg import TransferResult
from receptionist.store.db import Store, now_iso
from receptionist.tools.booking import BookingService, booking_key
from receptionist.tools.claims import Claims
from receptionist.tools.confirmation_route import ConfirmationRoute
from receptionist.tools.messages import MessageService
from receptionist.tools.transfers import TransferService

log = logging.getLogger(__name__)

RESUME_WINDOW = timedelta(minutes=30)
ConnectFn = Callable[[str, str, bool], Awaitable[TransferResult]]


class Effects:
    """One call's side effects. ``connect`` puts the caller through (the PBX leg); without
    one, a transfer fails honestly and the caller stays with the agent."""

    def __init__(
        self,
        store: Store,
        bookings: BookingService,
        call_id: str,
        *,
        connect: ConnectFn | None = None,
        now: Callable[[], datetime] = datetime.now,
        confirmations: ConfirmationRoute | None = None,
    ) -> None:
        self.store = store
        self.bookings = bookings
        self.call_id = call_id
        self.connect = connect
        self.now = now
        self.claims = Claims(store, confirmations, bookings.profile.region)
        # Seconds spent in tools (booking backend, store) since the caller's turn: the
        # reply's "tool" stage. A transfer's ringing is the staff's time, not counted.
        self.tool_s = 0.0
        self.messages = MessageService(store)
        self.transfers = TransferService(store)

    def resumable(self, caller_id: str) -> dict | None:
        """An unfinished booking left by this caller's call within the last 30 minutes,
        offered once."""
        if not caller_id:
            return None
        since = (datetime.now().astimezone() - RESUME_WINDOW).isoformat(timespec="milliseconds")
        row = self.store.first(
            "calls",
            "caller_id = ? and id != ? and state is not null and started_at >= ? "
            "order by started_at desc",
            [caller_id, self.call_id, since],
        )
        if row is None:
            return None
        self.store.set_call_state(row["id"], None)
        return dict(json.loads(row["state"]))

    async def run(self, action: Action) -> Result | None:
        if isinstance(action, CheckSlot):
            return await self._check(action)
        if isinstance(action, FindSlots):
            return await self._find_slots(action)
        if isinstance(action, FindBookings):
            return self._find_bookings(action)
        if isinstance(action, Book):
            return await self._book(action)
        if isinstance(action, Cancel):
            return await self._cancel(action)
        if isinstance(action, Move):
            return await self._move(action)
        if isinstance(action, Report):
            return Reported(self.claims.status(self.call_id, self._booking(action.booking_id)))
        if isinstance(action, TakeMessage):
            return self._take_message(action)
        if isinstance(action, ChangeCallback):
            row = self.messages.change_callback(action.message_id, action.phone)
            return MessageTaken(self.claims.callback_changed(self.call_id, row), action.message_id)
        if isinstance(action, AddToMessage):
            row = self.messages.add_words(action.message_id, action.text, action.name)
            return MessageTaken(self.claims.message_added(self.call_id, row), action.message_id)
        if isinstance(action, Transfer):
            row = self.transfers.request(self.call_id, action.target, action.extension,
                                         action.reason, action.summary, action.warm)  # fmt: skip
            return TransferRequested(int(row["id"]), self.claims.transferring(self.call_id, row))
        if isinstance(action, Connect):
            return await self._connect(action)
        if isinstance(action, RecordEscalation):
            self.store.insert("escalations", {"call_id": self.call_id, "rule": action.rule,
                                              "words": action.words, "target": action.target,
                                              "at": now_iso()})  # fmt: skip
            return None
        if isinstance(action, SaveUnfinished):
            self.store.set_call_state(self.call_id, action.state)
            return None
        raise TypeError(f"not a request: {action!r}")

    # -- the requests ----------------------------------------------------------------------------

    def _service(self, name: str) -> Service:
        service = self.bookings.profile.service(name)
        if service is None:
            raise ValueError(f"unknown service {name!r}")
        return service

    def _booking(self, booking_id: int) -> dict:
        row = self.store.first("bookings", "id = ?", [booking_id])
        if row is None:
            raise ValueError(f"no booking {booking_id}")
        return row

    async def _check(self, action: CheckSlot) -> SlotChecked:
        service = self._service(action.service)
        key = booking_key(action.phone or self.call_id, service.name, action.start)
        mine = self.store.first("bookings", "key = ? and status in ('booked', 'pending')", [key])
        moving = self._booking(action.moving) if action.moving is not None else None
        if mine is not None and mine["status"] == "pending" and moving is None:
            return SlotChecked(True)  # a request still in the outbox: booking it again retries it
        if mine is None and await self.bookings.is_free(service, action.start, moving):
            return SlotChecked(True)
        slots = await self.bookings.free_slots(service, action.start, replacing=moving)
        # Booked already from this number: theirs, said so (a second booking of it returned
        # the first, and "You're booked" was said for a second person who was not)
        held_by = (mine["name"] or "this number") if mine is not None and moving is None else ""
        return SlotChecked(False, tuple(s for s in slots if s >= self.now()), held_by)

    async def _find_slots(self, action: FindSlots) -> SlotsFound:
        service = self._service(action.service)
        window = action.window
        slots = await self.bookings.free_slots_between(
            service,
            action.first_day,
            action.last_day,
            window.start if window else None,
            window.end if window else None,
            not_before=self.now(),
            count=action.count,
            from_end=bool(window and window.latest),
        )
        return SlotsFound(tuple(slots))

    def _find_bookings(self, action: FindBookings) -> BookingsFound:
        states = ("booked", "pending") + (("cancelled",) if action.include_past_states else ())
        marks = ", ".join("?" for _ in states)
        if action.name:
            rows = self.store.rows("bookings", f"status in ({marks})", list(states), "start")
            rows = [r for r in rows if same_person(action.name, r["name"] or "")]
        else:
            rows = self.store.rows("bookings", f"phone = ? and status in ({marks})",
                                   [action.phone, *states], "start")  # fmt: skip
        if action.day is not None:
            rows = [r for r in rows if datetime.fromisoformat(r["start"]).date() == action.day]
        # Live bookings first, then what was cancelled.
        rows.sort(key=lambda r: (r["status"] == "cancelled", r["start"]))
        return BookingsFound(tuple(BookingView.of(r) for r in rows))

    async def _book(self, action: Book) -> BookingDone:
        service = self._service(action.service)
        who = action.phone or self.call_id
        outcome = await self.bookings.book(self.call_id, who, service, action.start, action.name,
                                           action.phone, asked_for=action.asked_for)  # fmt: skip
        row = outcome.booking
        view = BookingView.of(row) if row is not None else None
        if outcome.status == "booked" and row is not None:
            return BookingDone("booked", view, self.claims.booked(self.call_id, row))
        if outcome.status == "pending" and row is not None:
            return BookingDone("pending", view, self.claims.pending(self.call_id, row),
                               outcome.reason)  # fmt: skip
        return BookingDone(outcome.status, view, "", outcome.reason)

    async def _cancel(self, action: Cancel) -> CancelDone:
        outcome = await self.bookings.cancel(self._booking(action.booking_id))
        row = outcome.booking
        view = BookingView.of(row) if row is not None else None
        if outcome.status == "cancelled" and row is not None:
            return CancelDone("cancelled", view, self.claims.cancelled(self.call_id, row))
        if outcome.status == "pending" and row is not None:
            return CancelDone("pending", view, self.claims.cancel_pending(self.call_id, row),
                              outcome.reason)  # fmt: skip
        return CancelDone(outcome.status, view, "", outcome.reason)

    async def _move(self, action: Move) -> MoveDone:
        """The new booking first, under its own key; the old one is given back only once the
        new one is committed, so a failure never leaves the caller with neither."""
        old = self._booking(action.booking_id)
        service = self._service(action.service or old["service"])
        who = old["phone"] or self.call_id
        outcome = await self.bookings.book(self.call_id, who, service, action.start,
                                           old["name"], old["phone"], replaces=old,
                                           asked_for=old.get("asked_for") or "")  # fmt: skip
        row = outcome.booking
        view = BookingView.of(row) if row is not None else None
        if outcome.status == "pending" and row is not None:
            claim = self.claims.pending(self.call_id, row)
            self.messages.take(
                self.call_id, "front desk", old["name"], old["phone"],
                f"Move requested: {old['service']} on {old['start']} to "
                f"{service.name + ' on ' if service.name != old['service'] else ''}"
                f"{action.start.isoformat(timespec='minutes')}; the new booking is pending in "
                "the outbox, so the old one was kept. Cancel the old one once it confirms.",
            )  # fmt: skip
            return MoveDone("pending", view, (claim,), outcome.reason)
        if outcome.status != "booked" or row is None:
            return MoveDone(outcome.status, view, (), outcome.reason)
        claims = []
        cancelled = await self.bookings.cancel(old)
        if cancelled.status == "cancelled" and cancelled.booking is not None:
            claims.append(self.claims.cancelled(self.call_id, cancelled.booking))
        elif cancelled.status == "pending":
            claims.append(self.claims.cancel_pending(self.call_id, old))
        claims.append(self.claims.booked(self.call_id, row))
        return MoveDone("moved", view, tuple(claims))

    def _take_message(self, action: TakeMessage) -> MessageTaken:
        row = self.messages.take(self.call_id, action.for_staff, action.name, action.phone,
                                 action.text)  # fmt: skip
        claim = self.claims.message(self.call_id, row) if action.tell else ""
        return MessageTaken(claim, int(row["id"]))

    async def _connect(self, action: Connect) -> TransferDone:
        if self.connect is None:
            result = TransferResult(action.extension, "failed", "no PBX link on this call")
        else:
            try:
                result = await self.connect(action.extension, action.summary, action.warm)
            except Exception as exc:  # the caller stays with us whatever the PBX did
                log.warning("call %s: transfer failed: %s", self.call_id, exc)
                result = TransferResult(action.extension, "failed", f"transfer error: {exc}")
        if result.outcome == "failed":  # no answer is the staff's choice, not a failure
            telemetry.tool_failed("transfer", "failed")
        self.transfers.finish(action.transfer_id, result.outcome, result.detail)
        return TransferDone(result.outcome, result.detail)


class Output(Protocol):
    """Where a conversation's words go: a speaker on a call, a list in a text run."""

    def say(self, action: Say) -> None: ...

    async def hangup(self, action: Hangup) -> None: ...


async def drive(conversation: Conversation, effects: Effects, event: Event, out: Output) -> None:
    """Feed one event, then carry out every action until the conversation asks for nothing."""
    actions: deque[Action] = deque(conversation.receive(event))
    while actions:
        action = actions.popleft()
        if isinstance(action, Say):
            out.say(action)
        elif isinstance(action, Hangup):
            await out.hangup(action)
        else:
            started = time.perf_counter()
            try:
                result = await effects.run(action)
            except Exception:
                if conversation.waiting:
                    conversation.abandon()
                raise
            finally:
                if not isinstance(action, Connect):
                    effects.tool_s += time.perf_counter() - started
            if result is not None:
                actions.extend(conversation.receive(result))


__all__ = ["Effects", "Output", "drive"]
