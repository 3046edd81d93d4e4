"""A caller's turn read as the answer to what the agent just asked.

Each reader takes the turn's understanding and either handles the turn itself (returns None)
or hands back the understanding to go on with and whether the turn answered the question
(a "yes" to a read-back moves the call on though it carries no new detail).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from receptionist.dialog import booking_flow, existing_flow, replies, second_detail
from receptionist.dialog.actions import Action, Say
from receptionist.dialog.events import Result
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.intents import (
    changes_booking_details,
    goes_on,
    leaves_without_farewell,
    other_times_asked,
    rebooks_later,
    says_more_than_asking,
)
from receptionist.dialog.matching import without_staff
from receptionist.dialog.names import addressed, is_first_name
from receptionist.dialog.understand import TimeWindow, Understanding, understand
from receptionist.dialog.when import leaves_it_to_us, names_a_weekday_alone, points_at_an_hour
from receptionist.domain.saying import say_day, say_time

if TYPE_CHECKING:
    from receptionist.dialog.conversation import Conversation, Step
    from receptionist.domain.profile import BusinessProfile

Reading = Generator[Action, Result | None, tuple[Understanding, bool] | None]

DROP = re.compile(
    r"\b(never ?mind|nvm|forget (it|about it)|don't worry( about it)?|no worries|not interested|"
    r"i'll pass|leave it|doesn't matter|no thanks|no thank you|i'll (sort|think)|"
    r"i'll (call|ring|try) (back|again|another time|some other time|later))\b",
    re.I,
)
_ALL_GOOD = re.compile(
    r"\b(?:all good|i'm good|we're good|i'm fine|that's fine|that's ok(?:ay)?|it's fine)\b", re.I
)
THANKS = re.compile(
    r"\b(thanks|thank you|thank u|cheers|ta|lovely|perfect|great|brilliant)\b", re.I
)
_JUST = re.compile(r"\b(?:just|only)\b", re.I)
# "Nothing, just ask her to call me", "just that I called": no more to the message than that.
_JUST_CALL_BACK = re.compile(
    r"^\W*(?:(?:no|nothing|nope|that's (?:it|all))\W+)*(?:just|only)\b.*\b(?:call|ring|phone)",
    re.I,
)
_CALL_ME_BACK = re.compile(r"\b(?:call|ring|phone|get back to) (?:me|us)\b", re.I)
_NO_NUMBER = re.compile(
    r"\b(don't have|do not have|no number|rather not|no phone|not give|won't give|skip)\b|"
    # "Nah, he knows my number" (heard "not he knows my number", "nothing knows my number")
    r"\b\w+ (?:knows|has|have got|has got|already has) (?:my|the) "
    r"(?:number|phone number|mobile|details)\b|\bknows my number\b",
    re.I,
)
_WANTS_MESSAGE = re.compile(
    r"\b(message|pass (it )?on|call me back|call back|ring me back|get back to me|note|"
    # "No, I just want someone to know": told, not put through
    r"(?:want|like|need) (?:someone|somebody|you|them|the (?:owner|manager|team|salon)) to know|"
    r"let (?:someone|somebody|them|the (?:owner|manager|team)) know)\b",
    re.I,
)
_SAME_TIME = re.compile(r"\b(?:same|usual) (?:time|hour)\b", re.I)
# "... tell her to call me back": nothing for the message but the call back
_ONLY_CALL_ME = re.compile(
    r"\W*(?:to )?(?:(?:call|ring|phone) (?:me|us)(?: back)?|get back to (?:me|us)|call back)"
    r"(?: (?:please|today|asap|as soon as (?:she|he|they) can))?\W*"
)
_WANTS_PERSON = re.compile(
    r"\b(person|someone|somebody|human|put me through|transfer|connect|speak|talk)\b", re.I
)


def read_answer(c: Conversation, u: Understanding, expecting: Expect | None) -> Reading:
    reader = _READERS.get(expecting) if expecting is not None else None
    if reader is None:
        return u, False
    return (yield from reader(c, u))


def names_a_slot(u: Understanding) -> bool:
    """A service, a day or a time: something to book or look up."""
    return bool(u.service or u.day or u.time or u.window or u.days)


def has_details(u: Understanding) -> bool:
    return bool(u.service or u.day or u.time or u.window or u.days or u.name or u.phone
                or u.staff or u.choice is not None)  # fmt: skip


def _message_text(c: Conversation, u: Understanding) -> Reading:
    leaving = u.goodbye and not leaves_without_farewell(u.text.lower())
    asked = c.frame.message_asked
    nothing_more = u.no or leaving or _JUST_CALL_BACK.search(u.text)
    dropped = DROP.search(u.text) and not _JUST_CALL_BACK.search(u.text)
    if asked and nothing_more and len(u.text.split()) <= 8 and not dropped:
        # "Have Sarah call me back" ... "No, that's all": the request is the message (staff
        # call back); "never mind" drops it.
        c.frame.message_text = asked
        if leaving and c.frame.phone and c.frame.staff:
            yield from c._take_message(tell=True)
            yield from c._goodbye("caller said goodbye")
            return None
        return Understanding(text=u.text), True
    if not u.text or ((u.no or leaving) and len(u.text.split()) <= 4):
        return u, False  # "No, that's all" as the answer to "what's the message?" is none
    from receptionist.dialog.conversation import words_besides_a_number  # it reads this module

    if asked and u.phone and not words_besides_a_number(u.text):
        # "Can you get Sarah to ring me back?" ... "My number is 555 222 3333.": the number
        # to call back on, and the request the message (the number was taken for it); a
        # message asked for without a call back is still to be said.
        if _CALL_ME_BACK.search(asked):
            c.frame.message_text = asked
        return Understanding(text=u.text, phone=u.phone), True
    details = asked and changes_booking_details(asked.lower())
    # "Change the number on my booking" ... "It's 555 867 5309": the front desk needs both.
    c.frame.message_text = f"{asked} {u.text}" if details else u.text
    if c.frame.message_for:
        c.frame.message_text = f"{c.frame.message_for} {c.frame.message_text}"
    return Understanding(text=u.text, phone=u.phone, name=u.name), True
    yield  # a generator, like the other readers


def _staff(c: Conversation, u: Understanding) -> Reading:
    if u.staff is None and _SOMEONE_THERE.match(u.text.lower()):
        # "It's for whoever does the colours.", "Anyone.": whom, not the message (which was
        # taken as these words, and the message itself, said next, was lost)
        c.frame.staff = "front desk"
        if not _ANYONE.match(u.text.lower()):
            c.frame.message_for = u.text.strip()  # who it is for, in the caller's words
        return Understanding(text=u.text, phone=u.phone, name=u.name), True
    if u.staff is None and u.text and not ({"cancel", "message"} & set(u.intents) or u.no
                                            or u.goodbye):  # fmt: skip
        # "Who is it for?" answered with the message itself: the front desk gets it, after
        # what the request itself said ("we need to reschedule Thursday's delivery, can
        # someone call me back?" then "This is Tom from Acme"), when it said more than that.
        asked = c.frame.message_asked
        said = f"{asked} {u.text}" if asked and says_more_than_asking(asked.lower()) else u.text
        c.frame.staff, c.frame.message_text = "front desk", said
        return Understanding(text=u.text, phone=u.phone, name=u.name), True
    if u.staff is not None and _says_more_than_who(u.text, c.profile):
        # "For Sarah. Tell her the product she ordered for me, I'll pick it up Friday.": who
        # and the message at once (the message was asked for again, and "No thanks" to that
        # lost it).
        c.frame.staff, c.frame.message_text = u.staff, u.text
        return Understanding(text=u.text, phone=u.phone, name=u.name), True
    return u, False
    yield


# An answer to "who is the message for?" that names no one of the staff, and says nothing else
_SOMEONE_THERE = re.compile(
    r"^\W*(?:(?:um|uh|oh|yes|yeah|ok|okay|well|so|erm|er)\W+)*(?:(?:it's|it is|that's|that is|"
    r"the message is|this is|it'd be|it would be)\s+)?(?:for|to)?\s*(?:just\s+)?(?:anyone|anybody|"
    r"someone|somebody|whoever\b[\w' ]{0,40}|(?:the )?front desk|(?:the )?reception(?:ist)?|"
    r"the (?:salon|shop|office|team|manager|boss|desk)|the \w+ists?|the stylists?|"
    r"the person (?:who|that)\b[\w' ]{0,40}|(?:one of )?(?:the|your) (?:staff|team|stylists?|"
    r"hairdressers?|barbers?))\W*(?:please|thanks|thank you)?\W*$"
)


_ANYONE = re.compile(
    r"^\W*(?:(?:um|uh|oh|yes|yeah|ok|okay|well|so|erm|er)\W+)*(?:(?:it's|it is|that's|that is|"
    r"the message is|this is|it'd be|it would be)\s+)?(?:for|to)?\s*(?:just\s+)?(?:anyone|anybody|"
    r"someone|somebody|(?:the )?front desk|(?:the )?reception(?:ist)?|the desk)\W*"
    r"(?:please|thanks|thank you)?\W*$"
)


# What names whom a message is for, in an answer to "who is the message for?"
_FOR_WHOM = re.compile(
    r"\b(?:it's|it is|that's|the message is|this is|message)?\s*(?:for|to)\b|"
    r"\b(?:please|thanks|thank you|the|a|an|just|oh|um|uh|yes|yeah|ok|okay)\b"
)


def _says_more_than_who(text: str, profile: BusinessProfile) -> bool:
    """Does an answer to "who is it for?" carry the message too (four words or more
    besides whom it is for)?"""
    rest = without_staff(text, profile)
    rest = _FOR_WHOM.sub(" ", rest.lower())
    return len(re.findall(r"[a-z0-9']+", rest)) >= 4


def _phone(c: Conversation, u: Understanding) -> Reading:
    if u.phone is None and u.extra.get("phone") == "caller_id" and not c.frame.phone:
        # "The number I'm calling from": withheld, so nothing to take; said so, and the keypad
        c.frame.phone_asked += 1
        c.expecting = Expect.PHONE
        yield Say(replies.NUMBER_NOT_SHOWN, cache=True)
        return None
    if (
        c.frame.task == Task.MESSAGE
        and u.phone is None
        and (u.no or u.goodbye or _NO_NUMBER.search(u.text))
    ):
        # A message keeps whatever the caller gave, number or not.
        yield from c._take_message(tell=True)
        if u.goodbye:
            yield from c._goodbye("caller said goodbye")
        else:
            yield from c._anything_else()
        return None
    whole = understand(u.text, c.profile, c.today, Expect.NAME.value).name if not u.phone else None
    given = (c.frame.name or "").lower().split()
    if whole and given and whole.lower().split()[: len(given)] == given and whole != c.frame.name:
        # "It's Chris." then "Chris Pratt, P-R-A-T-T." to "what number?": the whole name
        c.frame.name = whole
        c.expecting = Expect.PHONE
        yield Say(f"Thanks, {whole}. And what's a phone number we can reach you on?")
        return None
    asks_for_one = c.frame.task in (Task.MESSAGE, Task.BOOK)
    if whole and not given and asks_for_one and not (u.intents or u.yes or u.no):
        # "Ben Grimm" to "What number should they call you back on?": the name, kept, and the
        # number asked again (it was "Sorry, I didn't quite get that")
        c.frame.name = whole
        c.expecting = Expect.PHONE
        again = (
            "And what number should they call you back on?"
            if c.frame.task == Task.MESSAGE
            else "And what's a phone number we can reach you on?"
        )
        yield Say(f"Thanks, {whole}. {again}")
        return None
    if c.frame.task == Task.BOOK and u.phone is None and (u.no or _NO_NUMBER.search(u.text)):
        c.frame.no_phone = True  # "I'd rather not": booked without one, as they wish
        return Understanding(text=u.text), True
    if c.frame.task is None and u.phone is None and (u.no or _NO_NUMBER.search(u.text)):
        # Asked again for the number a message was passed on with, and none comes: the
        # message keeps the one it has.
        yield from (c._goodbye("caller said goodbye") if u.goodbye else c._anything_else())
        return None
    return u, False


def _confirm_cancel(c: Conversation, u: Understanding) -> Reading:
    f = c.frame
    new_when = bool(u.day or u.time or u.window) and existing_flow.NEW_TIME.search(u.text)
    if not u.goodbye and ("move" in u.intents or new_when):
        # "Shall I cancel it?" - "No, can I move it to Friday instead?": the booking found is
        # moved, not cancelled and not left as it was.
        f.task = Task.MOVE
        f.day, f.time, f.window, f.days = None, None, None, None
        f.move_to = (None, None, None)
        return replace(u, no=False, yes=False), False
    if u.yes and not u.no:
        yield from existing_flow.cancel_confirmed(c)
        return None
    if u.no and rebooks_later(u.text.lower()) and f.target is not None:
        # "No, I'll rebook another time": no to another booking now, not to the cancelling
        when = f"{say_day(f.target.start.date())} at {say_time(f.target.start.time())}"
        yield Say(f"Just to be sure: shall I cancel your {f.target.service} on {when}? "
                  "You can book again whenever suits.")  # fmt: skip
        c.expecting = Expect.CONFIRM_CANCEL
        return None
    if u.no or u.goodbye:
        yield from _left_as_it_is(c, u)
        return None
    return u, False


def _left_as_it_is(c: Conversation, u: Understanding) -> Step:
    """No to cancelling or changing a booking found: it stays, and the caller hears so."""
    c.frame.clear_task()
    yield Say("Okay, I've left your appointment as it is.")
    if u.goodbye:
        yield from c._goodbye("caller kept the appointment")
    else:
        yield from c._anything_else()


def _confirm_move(c: Conversation, u: Understanding) -> Reading:
    """ "Shall I change it to a colour at the same time?": yes moves it so; another day or
    time said is where it goes instead; no leaves it as it is."""
    f = c.frame
    if u.day or u.time or u.window or u.days:
        return replace(u, yes=False, no=False), False  # "No, Saturday at 10 instead"
    if u.yes and not u.no:
        f.confirmed = True
        return replace(u, yes=False), True
    if u.no or u.goodbye:
        yield from _left_as_it_is(c, u)
        return None
    return u, False


def _confirm(c: Conversation, u: Understanding) -> Reading:
    f = c.frame
    changed = {k for k in ("service", "day", "time") if getattr(u, k)}
    if u.no and not changed and not u.goodbye:
        for slot in f.unconfirmed:
            setattr(f, slot, None)
        f.unconfirmed.clear()
        return u, True
    if not (u.yes or u.no or changed or u.name or u.phone) and f.name is None:
        # Straight on to the next question's answer ("Peter Parker."). understand() reads a
        # bare name as a name only where one was asked, so it reads this turn that way too
        # (a strict reading: "Wrong day." or "Sorry?" is no name).
        u = replace(u, name=understand(u.text, c.profile, c.today, Expect.NAME.value).name)
    accepted = u.goodbye and not u.no  # "that's all, thanks" to the read-back: no objection
    if (u.yes and not u.no) or accepted or (not changed and (u.name or u.phone)):
        # A yes, or the caller moved on to the next detail: what was read back stands.
        f.unconfirmed -= {"day", "time", "service"} - changed
        f.confirmed = True
        return u, True
    if not changed and not {"robot", "person"} & set(u.intents):
        # Neither yes nor no ("no, that's all" is no answer to "is that right?"); "is this a
        # machine?" is answered as anywhere (below), the read-back asked again after it.
        yield from c._ask(Expect.CONFIRM, **c._words())
        return None
    return u, False


def _name_before_asked(
    c: Conversation, u: Understanding
) -> Generator[Action, Result | None, str | None]:
    """The name given before it was asked ("Peter Parker." to "would one of those work?" or
    to "what day?"): taken, and the question asked again. A bare name is read as an answer
    to "what name?", strictly, and only from a first name ("Wrong day.", "Whatever works."
    and "Dunno." are no names)."""
    details = u.yes or u.no or u.day or u.time or u.window or u.days or u.choice is not None
    if details or u.intents or u.phone or c.frame.name is not None:
        return None
    name = u.name
    if name is None:
        bare = understand(u.text, c.profile, c.today, Expect.NAME.value).name
        name = bare if bare and is_first_name(bare.split()[0]) else None
    if name:
        yield Say(f"Thank you, {addressed(name)}.")
    return name


def _service(c: Conversation, u: Understanding) -> Reading:
    """ "Ben Carter." to "Which service would you like?": the name, taken, and the service
    asked again (it was "Sorry, I didn't quite get that")."""
    if u.service or u.services or u.unknown_service:
        return u, False
    name = yield from _name_before_asked(c, u)
    return (replace(u, name=name), True) if name else (u, False)


def _day_or_time(c: Conversation, u: Understanding) -> Reading:
    name = yield from _name_before_asked(c, u)
    return (replace(u, name=name), True) if name else (u, False)


def _choose_slot(c: Conversation, u: Understanding) -> Reading:
    f = c.frame
    if not f.offered:
        return u, False
    name = yield from _name_before_asked(c, u)
    if name:
        return replace(u, name=name), True
    moving = f.task == Task.MOVE and f.target is not None
    if moving and f.target is not None and u.time is None and _SAME_TIME.search(u.text):
        u = replace(u, time=f.target.start.time())  # "Same time." moving to another day
    chosen = chosen_slot(u, f.offered, latest=bool(f.window and f.window.latest))
    if chosen is not None:
        f.day, f.time = chosen.date(), chosen.time()
        f.days, f.window, f.offered = None, None, []
        f.unconfirmed -= {"day", "time"}
        return replace(u, day=None, time=None, days=None, window=None, yes=False), True
    if u.time is not None and not (u.day or u.days) and len({s.date() for s in f.offered}) == 1:
        # "12" to today's 11:30 AM or 12:30 PM: 12 on that day (it looked for 12 on any day)
        u = replace(u, day=f.offered[0].date())
    window = u.window
    opening = _opening_offered(c, f.offered)
    if (
        window is not None
        and window.earliest
        and opening is not None
        and not (u.day or u.time or u.days or u.no or u.intents)
    ):
        # "First thing." to "9 AM or 10 AM" when we open at 9: the first one
        f.day, f.time = opening.date(), opening.time()
        f.days, f.window, f.offered = None, None, []
        f.unconfirmed -= {"day", "time"}
        return replace(u, window=None, yes=False), True
    if (
        window is not None
        and len(f.offered) > 1
        and not (window.latest or window.earliest)  # "Latest you've got": of the day
        and not (u.day or u.time or u.days or u.no or u.intents)
        and all(
            (window.start is None or window.start <= slot.time())
            and (window.end is None or slot.time() <= window.end)
            for slot in f.offered
        )
    ):
        # "Morning please." to "9 AM or 10 AM": both are; which one (it was the same two
        # offered again, word for word)
        yield _which_time(c, "would suit", "Which would you prefer")
        return None
    if (
        u.day is not None
        and len(f.offered) > 1
        and not (u.time or u.window or u.days or u.no or u.intents)
        and len({slot.date() for slot in f.offered}) == 1
        # "Tuesday's good" said on a Tuesday is today to the reader; to next Tuesday's times
        # it is that day ("next Tuesday" to today's times is not)
        and (
            f.offered[0].date() == u.day
            or (
                u.day == c.today
                and f.offered[0].date().weekday() == u.day.weekday()
                and not re.search(r"\b(?:today|this|next)\b", u.text.lower())
            )
        )
    ):
        # "Tuesday's good." to "Tuesday at 9 AM, or Tuesday at 10 AM": both are on that day;
        # which time (it was the same two offered again, word for word)
        yield _which_time(c, f"are on {u.day.strftime('%A')}", "Which time would you prefer")
        return None
    other = other_times_asked(u.text.lower())
    edge = _at_the_days_edge(c, sorted(f.offered), other) if other else None
    if edge and not (u.day or u.time or u.window or u.days):
        # "Nothing earlier?" when 9 AM, our opening, was offered: nothing is; the times stay
        yield Say(edge)
        yield Say("Would one of those work?")
        c.expecting = Expect.CHOOSE_SLOT
        return None
    if other and not (u.day or u.time or u.window or u.days):
        # "Anything later in the day?": the times after the last one offered (before the
        # first), on its day.
        offered = sorted(f.offered)
        if len({slot.date() for slot in offered}) == 1:
            f.day, f.days = offered[0].date(), None
        step = timedelta(minutes=1)
        f.window = (
            TimeWindow(start=(offered[-1] + step).time())
            if other == "later"
            else TimeWindow(end=(offered[0] - step).time(), latest=True)
        )
        f.time, f.offered = None, []
        u = replace(u, intents=tuple(i for i in u.intents if i != "question"), asks_other=None)
        return u, True
    if u.no and not (u.day or u.time or u.window or u.days):
        f.offered, f.time, f.window = [], None, None
        if u.goodbye or DROP.search(u.text):
            f.clear_task()
            yield Say(replies.NOTHING_BOOKED, cache=True)
            yield from c._goodbye("caller took none of the times offered")
            return None
        c.expecting = Expect.TIME if f.day else Expect.DAY
        yield Say("Okay. Which other day or time would suit you?")
        return None
    return u, False


def _which_time(c: Conversation, what_they_are: str, question: str) -> Say:
    """ "Both of those would suit. Which would you prefer, 9 AM or 10 AM?": the times offered
    all fit what was said; which one, and they stay offered."""
    offered = c.frame.offered
    every = "Both" if len(offered) == 2 else "All"
    times = " or ".join(say_time(slot.time()) for slot in offered)
    c.expecting = Expect.CHOOSE_SLOT
    return Say(f"{every} of those {what_they_are}. {question}, {times}?")


def _opening_offered(c: Conversation, offered: list[datetime]) -> datetime | None:
    """The first time offered, where it is when we open that day (all offered on one day)."""
    if not offered or len({slot.date() for slot in offered}) != 1:
        return None
    first = min(offered)
    hours = c.profile.hours.on(first.date())
    return first if hours is not None and first.time() <= hours[0] else None


def _at_the_days_edge(c: Conversation, offered: list[datetime], other: str) -> str | None:
    """ "Nothing earlier?" when the first time offered is when we open (or "anything later?"
    when the last ends as we close): said so, instead of a search that finds nothing."""
    if not offered or len({slot.date() for slot in offered}) != 1:
        return None
    day = offered[0].date()
    hours = c.profile.hours.on(day)
    service = c.profile.service(c.frame.service or "")
    if hours is None or service is None:
        return None
    first, last = say_time(offered[0].time()), say_time(offered[-1].time())
    if other == "earlier" and offered[0].time() <= hours[0]:
        return f"We open at {say_time(hours[0])} that day, so {first} is the earliest."
    ends = offered[-1] + timedelta(minutes=service.minutes)
    if other == "later" and ends.time() >= hours[1]:
        return f"We close at {say_time(hours[1])} that day, so {last} is the latest."
    return None


def _next_booking(c: Conversation, u: Understanding) -> Reading:
    f = c.frame
    just_that = (
        bool(u.services) and f.last_booking is not None and set(u.services) <= {f.last_booking[0]}
    )
    if (u.no or _JUST.search(u.text)) and just_that and not set(u.intents) - {"book"}:
        # "No thanks, just the haircut": the one made is all; the rest are dropped.
        f.more_services.clear()
        f.clear_task()
        yield from c._anything_else()
        return None
    not_then = u.no and not (
        u.goodbye or u.intents or DROP.search(u.text) or THANKS.search(u.text)
        or _ALL_GOOD.search(u.text)  # "Nope, all good": no second one
    )  # fmt: skip
    if not_then and f.more_services and f.last_booking:
        # "No" (or "No, Friday at 11") to "shall I book it right after?": not then, but the
        # second booking was asked for: when, instead of dropping it.
        booking_flow.next_booking(c)
        f.day, f.time = None, None
        if names_a_slot(replace(u, service=None, services=())):
            return replace(u, no=False), True
        c.expecting = Expect.DAY
        yield Say(f"Okay. When would you like the {f.service}?")
        return None
    if (u.no or u.goodbye) and not u.intents:
        f.more_services.clear()
        f.clear_task()
        if u.goodbye:
            yield from c._goodbye("caller had nothing else")
        else:
            yield from c._anything_else()
        return None
    if (u.yes or u.name) and f.more_services and f.last_booking:
        # "Her name's Emma" to "shall I book it right after?": a yes, under that name.
        booking_flow.next_booking(c)
        return replace(u, yes=False), True
    return u, False


def _offer_help(c: Conversation, u: Understanding) -> Reading:
    f = c.frame
    wants_message = "message" in u.intents or bool(_WANTS_MESSAGE.search(u.text))
    wants_person = not wants_message and (
        "person" in u.intents or bool(_WANTS_PERSON.search(u.text))
    )
    if u.goodbye and not (wants_message or wants_person):
        yield from c._goodbye("caller needed nothing more")
        return None
    if wants_message:
        question = f.message_text  # the question we couldn't answer goes on as the message
        body = c._message_body.search(u.text)
        if body and not _ONLY_CALL_ME.fullmatch(body.group("body").lower()):
            question = None  # "Just tell her to call her sister": these words are the message
        staff = f.staff  # "Is Marco in today?": for him
        f.clear_task()
        f.task, f.staff, f.message_text = Task.MESSAGE, staff or "front desk", question
        return replace(u, intents=tuple(i for i in u.intents if i != "message")), True
    if THANKS.search(u.text) and not (wants_person or u.intents or has_details(u)):
        # "OK, thanks" to "a message, or someone who can help?": neither; nothing is done.
        f.clear_task()
        yield from c._anything_else()
        return None
    # "Can you book me in with him anyway?" reads as a yes, but asks for a booking
    tasks = {"book", "cancel", "move", "status"} & set(u.intents)
    if wants_person or (u.yes and not u.no and not tasks):
        who = u.staff or f.staff or "front desk"  # asked about Marco: Marco
        yield from c._transfer(who, "caller asked for a person", u.text)
        return None
    if u.no and not u.intents and f.task is None:
        yield from c._anything_else()
        return None
    return u, False  # "No, carry on. The name's Edith Clarke": back to the request


def _anything_else(c: Conversation, u: Understanding) -> Reading:
    if u.intents or u.phone:
        return u, False  # "No, use 555 0199 instead": a number is never "nothing else"
    # "No" with a day, a time or a service is not "nothing else": "Not right now, tomorrow
    # instead?" goes on. A farewell ends the call whatever else it names.
    thanks_only = THANKS.search(u.text) and not has_details(u)
    if (u.no and not names_a_slot(u)) or u.goodbye or thanks_only:
        yield from c._goodbye("caller had nothing else")
        return None
    if (u.yes or goes_on(u.text)) and not has_details(u):
        # "Yes", "Actually, one more thing" (said over our goodbye too: Conversation.reopen)
        yield Say("Sure, what else can I help you with?")
        return None
    return u, False


def chosen_slot(u: Understanding, offered: list[datetime], latest: bool = False) -> datetime | None:
    """The offered time the caller took; a plain yes takes the first, or the last where the
    latest was asked for ("the last appointment on Saturday")."""
    weekday_alone = u.day is not None and names_a_weekday_alone(u.text.lower())

    def on_its_day(slot: datetime) -> bool:
        # "Tuesday at 10" to "Tuesday December 1 at 9 AM or at 10 AM": the Tuesday offered,
        # not today's, a Tuesday too
        return (
            u.day is None
            or u.day == slot.date()
            or (weekday_alone and u.day.weekday() == slot.weekday())
        )

    if u.choice is not None:
        if not -len(offered) <= u.choice < len(offered):
            return None
        # "OK, tomorrow's first one then" to today's times: that day's, not one of these
        return offered[u.choice] if on_its_day(offered[u.choice]) else None

    if u.time is not None:
        for slot in offered:
            if slot.time() == u.time and on_its_day(slot):
                return slot
        if u.time.minute == 0 and points_at_an_hour(u.text.lower()):
            # "OK, the 11 then" to "10:15 AM or 11:15 AM": the one offered in that hour.
            in_hour = [s for s in offered if s.hour == u.time.hour and on_its_day(s)]
            if len(in_hour) == 1:
                return in_hour[0]
    if u.day is not None and u.time is None:
        on_day = [s for s in offered if on_its_day(s)]
        if len(on_day) == 1:
            return on_day[0]
    if u.day is not None or u.time is not None:
        return None  # "yes, Thursday": a day or time none of the offers has is a new request
    if ((u.yes and not u.no) or leaves_it_to_us(u.text)) and offered:
        # "Yes", "Either is fine", "Whatever works"
        return offered[-1] if latest else offered[0]
    return None


_READERS: dict[Expect, Callable[[Conversation, Understanding], Reading]] = {
    Expect.MESSAGE_TEXT: _message_text,
    Expect.STAFF: _staff,
    Expect.PHONE: _phone,
    Expect.VERIFY: second_detail.read_resume_detail,
    Expect.CONFIRM_CANCEL: _confirm_cancel,
    Expect.CONFIRM: _confirm,
    Expect.CONFIRM_MOVE: _confirm_move,
    Expect.CHOOSE_SLOT: _choose_slot,
    Expect.SERVICE: _service,
    Expect.DAY: _day_or_time,
    Expect.TIME: _day_or_time,
    Expect.NEXT_BOOKING: _next_booking,
    Expect.OFFER_HELP: _offer_help,
    Expect.ANYTHING_ELSE: _anything_else,
}
