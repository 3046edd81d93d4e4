"""What the conversation knows so far: the task in progress and every detail the caller gave.

A detail stays until the caller changes it; a correction replaces it. The frame is saved with
the call when it ends unfinished, so that a call-back can pick it up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from receptionist.dialog.events import BookingView
from receptionist.dialog.understand import DayRange, TimeWindow


class Task(StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    MOVE = "move"
    MESSAGE = "message"
    STATUS = "status"


class Expect(StrEnum):
    """What the agent just asked for: how the next caller turn is read."""

    SERVICE = "service"
    DAY = "day"
    TIME = "time"
    NAME = "name"
    PHONE = "phone"
    STAFF = "staff"
    MESSAGE_TEXT = "message_text"
    CHOOSE_SLOT = "choose_slot"
    CONFIRM = "confirm"  # "Thursday at 3 PM, is that right?"
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_MOVE = "confirm_move"
    NEXT_BOOKING = "next_booking"  # "Shall I book the second one right after?"
    OFFER_HELP = "offer_help"  # "Shall I take a message, or put you through to someone?"
    ANYTHING_ELSE = "anything_else"
    VERIFY = "verify"  # "what name or day was the booking you started for?"


class Outcome(StrEnum):
    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    MESSAGE = "message"
    CALLER_HUNG_UP = "caller_hung_up"
    FAILED = "failed"


@dataclass
class Frame:
    task: Task | None = None
    service: str | None = None
    day: date | None = None
    days: DayRange | None = None
    time: time | None = None
    window: TimeWindow | None = None
    not_weekday: int | None = None  # "any day next week except Tuesday"
    name: str | None = None
    phone: str | None = None
    staff: str | None = None
    asked_for: str = ""  # a booking's staff member asked for ("with Marco"): noted on it
    no_phone: bool = False  # asked for a number for a booking (no caller id), none given
    phone_asked: int = 0  # times a booking's number was asked for
    details_change: bool = False  # a booking's details to change: a message, said so first
    message_text: str | None = None
    message_for: str = ""  # "It's for whoever does the colours.": kept with the message
    message_asked: str | None = None  # "Have Sarah call me back": the words, if nothing more
    more_services: list[str] = field(default_factory=list)  # further bookings asked for
    next_names: list[str] = field(default_factory=list)  # the names for them, when given
    same_name: bool = False  # "both under Derek Young"
    next_whens: list[tuple[date | None, dt.time | None]] = field(default_factory=list)
    back_to_back: bool = False  # "and him right after": book the next without asking
    together: bool = False  # "... same time if you can": the next at the same start
    unconfirmed: set[str] = field(default_factory=set)  # slots heard with low confidence
    confirmed: bool = False  # the caller said yes to the read-back
    offered: list[datetime] = field(default_factory=list)
    offered_days: list[date] = field(default_factory=list)  # "we could do Saturday or Tuesday"
    unknown_service: str | None = None  # asked for something the business doesn't offer
    target: BookingView | None = None  # the existing booking to cancel, move or report
    also: list[BookingView] = field(default_factory=list)  # "cancel both": the others with it
    every_one: bool = False  # "cancel all my appointments", "both of them"
    which: int | None = None  # "the first one" when asked which of the caller's bookings
    move_to: tuple[date | None, dt.time | None, TimeWindow | None] | None = None
    move_days: DayRange | None = None  # "move my Friday appointment to next week"
    move_by: dt.timedelta | None = None  # "push it back an hour": from the booking's own time
    added_service: str = ""  # "can I also book a beard trim?" while booking: said back once
    service_changed: bool = False  # another service named once a time was found for the first
    after_held: bool = False  # "add a beard trim after my haircut": when the held one ends
    price_asked: bool = False  # "how much will my appointment cost?": said with the record
    same_as_before: bool = False  # "the same as last time": the service of the last visit
    people: int = 0  # "two slots for my twins" before the service is said: how many for
    children: int = 0  # of those, children
    move_way: str = ""  # "to a later time": "later" or "earlier" the same day, how much unsaid
    new_services: tuple[str, ...] = ()  # "a colour instead": the service a move may change to
    booked_ids: list[int] = field(default_factory=list)  # committed in this call
    last_booking: tuple[str, datetime] | None = None  # (service, end) of the last one made

    def clear_task(self) -> None:
        """A task is done or dropped: who the caller is stays, the request's details go."""
        keep = (self.name, self.phone, self.booked_ids, self.last_booking)
        self.__init__()  # type: ignore[misc]
        self.name, self.phone, self.booked_ids, self.last_booking = keep

    def unfinished(self) -> dict[str, Any] | None:
        """The part worth resuming on a call-back: a booking started and not committed."""
        if self.task != Task.BOOK:
            return None
        data = {
            "intent": str(self.task),
            "service": self.service,
            "day": self.day.isoformat() if self.day else None,
            "time": self.time.isoformat(timespec="minutes") if self.time else None,
            "name": self.name,
        }
        return data if data["service"] or data["day"] else None

    @classmethod
    def resumed(cls, saved: dict[str, Any]) -> Frame:
        intent = saved.get("intent")
        return cls(
            task=Task(intent) if isinstance(intent, str) and intent in set(Task) else None,
            service=saved.get("service"),
            day=date.fromisoformat(saved["day"]) if saved.get("day") else None,
            time=time.fromisoformat(saved["time"]) if saved.get("time") else None,
            name=saved.get("name"),
        )
