"""A second detail before a booking found by the caller's number is revealed or changed.

A caller id can be spoofed, so the number alone only finds a booking: the agent says what it
is, cancels it, moves it, reports on it or offers to finish it only once the caller has said
the name on it (near enough, as names are heard) or its day.

Guessing is capped: after ``second_detail_limit`` names or days that match no booking (the
profile's, 2 by default) the built-in escalation rule "second detail not confirmed" sends the
caller to a person (a message when nobody answers), and for the rest of the call no booking is
looked up, described or changed.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from receptionist.dialog.actions import Action, Say
from receptionist.dialog.escalation import unconfirmed_detail
from receptionist.dialog.events import Result
from receptionist.dialog.frame import Expect, Frame
from receptionist.dialog.matching import same_person
from receptionist.dialog.understand import Understanding
from receptionist.domain.saying import DAY_NAMES

if TYPE_CHECKING:
    from receptionist.dialog.conversation import Conversation

Reading = Generator[Action, Result | None, tuple[Understanding, bool] | None]
Step = Generator[Action, Result | None, None]

ASK_FOUND = "Before I go on, can I have the name on the booking, or the day it's for?"
WELCOME_BACK = (
    "Welcome back! You started a booking with us earlier. To finish it, can you tell me the "
    "name or the day it was for?"
)
_ASK_AGAIN = "Sure. What name or day was that booking for?"
_NO_MATCH = (
    "I'm sorry, that doesn't match the booking started from this number. How can I help you today?"
)
_AFRESH = "No problem. How can I help you today?"
_ASK_DAY = "Thanks. And which day was that booking for?"
REFUSED = (
    "I'm sorry, I can't look up or change a booking on this call. Would you like me to put "
    "you through to someone, or take a message?"
)


@dataclass
class PendingResume:
    """An unfinished booking found by the caller's number, not yet picked up."""

    saved: Frame
    name: str | None = None  # a name the caller gave that the booking does not hold
    asked: int = 0

    def unfinished(self) -> dict[str, Any] | None:
        return self.saved.unfinished()


def locked(c: Conversation) -> bool:
    """Too many wrong names or days on this call: no booking is looked up any more."""
    return c.wrong_details >= c.profile.second_detail_limit


def refuse(c: Conversation) -> Step:
    """A booking asked for again after the limit: nothing is looked up; a person or a message
    is offered."""
    c.frame.clear_task()
    c.expecting = Expect.OFFER_HELP
    yield Say(REFUSED)


def wrong_answer(c: Conversation, said: str) -> Generator[Action, Result | None, bool]:
    """A name or day that matches no booking. At the limit the call goes to a person by the
    escalation rule (recorded, counted in the metrics by rule) and True comes back: the
    caller is told nothing more about bookings. The same detail looked up again (a "yes" to
    "What name is the booking under?" leaves the day said before) is no second guess."""
    if said in c.wrong_said:
        return False
    c.wrong_said.add(said)
    c.wrong_details += 1
    escalation = unconfirmed_detail(c.wrong_details, c.profile)
    if escalation is None:
        return False
    yield from c._escalate(escalation, said)
    return True


def matches(saved: Frame, u: Understanding) -> bool:
    """The caller said the name on the unfinished booking or its day (the service, only when
    the booking has neither)."""
    if saved.name and u.name and same_person(u.name, saved.name):
        return True
    if saved.day and u.day == saved.day:
        return True
    return not saved.name and not saved.day and bool(u.service) and u.service == saved.service


def read_resume_detail(c: Conversation, u: Understanding) -> Reading:
    """The answer to ``WELCOME_BACK``: the saved booking is picked up only on a match."""
    pending = c.pending_resume
    if pending is None:
        return u, False
    saved = pending.saved
    if u.name and not u.day and not saved.name and saved.day:
        # A name the booking doesn't hold proves nothing: its day does.
        pending.name = u.name
        c.expecting = Expect.VERIFY
        yield Say(_ASK_DAY)
        return None
    if u.name or u.day or (u.service and not saved.name and not saved.day):
        c.pending_resume = None
        if matches(saved, u):
            phone = c.frame.phone
            c.frame, c.frame.phone = saved, phone
            c.frame.name = c.frame.name or pending.name
            what = f"your {saved.service}" if saved.service else "your appointment"
            when = f" on {DAY_NAMES[saved.day.weekday()]}" if saved.day else ""
            yield Say(f"Thanks. Let's finish booking {what}{when}.")
            return replace(u, intents=("book",)), True
        if c._task_intent(u):
            return u, False  # a new request, with its own details
        if (yield from wrong_answer(c, u.text)):
            return None
        yield Say(_NO_MATCH)
        return None
    if u.no or c._task_intent(u) or u.goodbye:
        c.pending_resume = None
        if u.no and not c._task_intent(u) and not u.goodbye:
            yield Say(_AFRESH)
            return None
        return u, False
    pending.asked += 1
    if pending.asked > 2:
        c.pending_resume = None
        yield Say(_AFRESH)
        return None
    c.expecting = Expect.VERIFY
    yield Say(_ASK_AGAIN)
    return None
