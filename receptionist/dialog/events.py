"""What the conversation is told: the caller's turns, digits and silences, and the results of
the requests it made. Events are nouns; the conversation answers each with actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from receptionist.dialog.understand import Understanding


@dataclass(frozen=True)
class CallerSaid:
    text: str
    confidence: float = 1.0  # speech to text's own confidence, 0..1 (text level: 1)
    model: Understanding | None = None  # a capable model's reading, checked by the rules


@dataclass(frozen=True)
class DigitPressed:
    digit: str


@dataclass(frozen=True)
class SilenceElapsed:
    pass


@dataclass(frozen=True)
class CallerLeft:
    reason: str = "caller hung up"
    # What the caller said as they hung up: heard, never answered (see Conversation).
    last_words: str = ""


@dataclass(frozen=True)
class BookingView:
    """A booking as the conversation sees it (the store's row, typed)."""

    id: int
    service: str
    start: datetime
    name: str
    phone: str
    status: str  # booked, pending, cancelled, refused, escalated

    @classmethod
    def of(cls, row: dict) -> BookingView:
        return cls(int(row["id"]), row["service"], datetime.fromisoformat(row["start"]),
                   row["name"] or "", row["phone"] or "", row["status"])  # fmt: skip


# -- results of requests ----------------------------------------------------------------


@dataclass(frozen=True)
class SlotChecked:
    free: bool
    alternatives: tuple[datetime, ...] = ()  # the nearest free starts when it isn't
    # Not free because the caller's number already holds that service at that time: the name
    # on that booking ("Can I book him in at 10 too?" from a phone whose 10 o'clock it is)
    held_by: str = ""


@dataclass(frozen=True)
class SlotsFound:
    slots: tuple[datetime, ...]


@dataclass(frozen=True)
class BookingsFound:
    bookings: tuple[BookingView, ...]


@dataclass(frozen=True)
class BookingDone:
    """A booking request's answer: booked (committed), pending (in the outbox), refused
    (the slot went), failed. ``claim`` is the sentence saved as a claim, or ""."""

    status: str
    booking: BookingView | None
    claim: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CancelDone:
    status: str  # cancelled, pending, refused, failed
    booking: BookingView | None
    claim: str = ""
    reason: str = ""


@dataclass(frozen=True)
class MoveDone:
    status: str  # moved, pending, refused, failed
    booking: BookingView | None  # the new booking
    claims: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class MessageTaken:
    claim: str
    message_id: int | None = None  # the stored message, for a call-back number given after


@dataclass(frozen=True)
class Reported:
    claim: str


@dataclass(frozen=True)
class TransferRequested:
    transfer_id: int
    claim: str


@dataclass(frozen=True)
class TransferDone:
    outcome: str  # answered, no_answer, declined, failed
    detail: str = ""

    @property
    def connected(self) -> bool:
        return self.outcome == "answered"


Result = (
    SlotChecked | SlotsFound | BookingsFound | BookingDone | CancelDone | MoveDone
    | MessageTaken | Reported | TransferRequested | TransferDone
)  # fmt: skip
CallerEvent = CallerSaid | DigitPressed | SilenceElapsed | CallerLeft
Event = CallerEvent | Result
