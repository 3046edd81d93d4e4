"""What the conversation asks for: sentences to say, and requests that the effects runner
carries out and answers with a result event. Actions are verbs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from receptionist.dialog.understand import TimeWindow


@dataclass(frozen=True)
class Say:
    text: str
    cache: bool = False  # a fixed sentence: synthesize once, reuse
    claim: bool = False  # built from a committed record (tools/claims.py)


@dataclass(frozen=True)
class Hangup:
    reason: str


# -- requests: each is answered by one result event --------------------------------------


@dataclass(frozen=True)
class CheckSlot:
    service: str
    start: datetime
    phone: str = ""  # the caller's own earlier request for this slot doesn't make it taken
    moving: int | None = None  # the booking being moved: its own time isn't taken by it


@dataclass(frozen=True)
class FindSlots:
    """Free starts for a vague request: a day or a range of days, a window of the day."""

    service: str
    first_day: date
    last_day: date
    window: TimeWindow | None = None
    around: datetime | None = None
    count: int = 2


@dataclass(frozen=True)
class FindBookings:
    phone: str = ""
    name: str = ""
    day: date | None = None
    include_past_states: bool = False  # also cancelled ones (a status question)


@dataclass(frozen=True)
class Book:
    service: str
    start: datetime
    name: str
    phone: str
    asked_for: str = ""  # a staff member the caller asked for, noted (no promise)


@dataclass(frozen=True)
class Cancel:
    booking_id: int


@dataclass(frozen=True)
class Move:
    booking_id: int
    start: datetime
    service: str = ""  # a change of service with the move ("a colour instead"); else the same


@dataclass(frozen=True)
class Report:
    booking_id: int  # the truth about it from the record, said as a claim


@dataclass(frozen=True)
class TakeMessage:
    for_staff: str
    name: str
    phone: str
    text: str
    tell: bool = True  # False: the caller has gone, nothing is said (no claim)


@dataclass(frozen=True)
class ChangeCallback:
    """A number given after the message was taken: the message's call-back number."""

    message_id: int
    phone: str


@dataclass(frozen=True)
class AddToMessage:
    """Words the caller adds once told the message was passed on ("It's about my colour")."""

    message_id: int
    text: str
    name: str = ""  # the caller's name, when they gave it then


@dataclass(frozen=True)
class Transfer:
    target: str
    extension: str
    reason: str
    summary: str
    warm: bool


@dataclass(frozen=True)
class Connect:
    transfer_id: int
    extension: str
    summary: str
    warm: bool


@dataclass(frozen=True)
class RecordEscalation:
    rule: str
    words: str
    target: str


@dataclass(frozen=True)
class SaveUnfinished:
    state: dict | None


Request = (
    CheckSlot | FindSlots | FindBookings | Book | Cancel | Move | Report | TakeMessage
    | ChangeCallback | AddToMessage | Transfer | Connect
)  # fmt: skip
Record = RecordEscalation | SaveUnfinished  # carried out, nothing comes back
Action = Say | Hangup | Request | Record
