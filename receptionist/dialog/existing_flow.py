"""An existing booking: found by the caller's number, or by name and day when the number is
withheld or different; then cancelled, moved, or its status told. Steps of the conversation.

Found by the number alone, a booking is neither described nor changed until the caller has
given a second detail (the name on it or its day; receptionist/dialog/second_detail.py): a
caller id can be spoofed. A name or day that finds nothing counts as a wrong answer; at the
profile's limit a person takes over, and no booking is looked up for the rest of the call.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from receptionist.dialog import replies, second_detail
from receptionist.dialog.actions import (
    Action,
    Cancel,
    CheckSlot,
    FindBookings,
    Move,
    Report,
    Say,
)
from receptionist.dialog.booking_flow import offer_slots, say_taken
from receptionist.dialog.events import (
    BookingsFound,
    BookingView,
    CancelDone,
    MoveDone,
    Reported,
    Result,
    SlotChecked,
)
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.intents import ANY_TIME_ASKED
from receptionist.dialog.numbers import words_to_numbers
from receptionist.dialog.shifts import find_shift
from receptionist.dialog.understand import DayRange, TimeWindow, Understanding, understand
from receptionist.dialog.when import find_day, weekday_after
from receptionist.domain.profile import BusinessProfile
from receptionist.domain.saying import DAY_NAMES, say_day, say_time, with_article

if TYPE_CHECKING:
    from receptionist.dialog.conversation import Conversation, Step


def advance_find(c: Conversation, task: Task, ask_found: str = second_detail.ASK_FOUND) -> Step:
    f = c.frame
    if f.target is None:
        if second_detail.locked(c):
            yield from second_detail.refuse(c)
            return
        if not f.phone and not f.name:
            yield from ask_booking_name(c, "What name is the booking under?")
            return
        found = c._result((yield FindBookings(f.phone or "", f.name or "", f.day)),
                             BookingsFound)  # fmt: skip
        bookings = list(found.bookings)
        if not bookings and f.name and f.day and f.phone:
            # "Cancel my Saturday appointment" ... "Jane Miller": the name is on a booking made
            # from this number on another day. The number and the name are the two details;
            # the day was misremembered.
            again = c._result((yield FindBookings(f.phone, f.name, None)), BookingsFound)
            theirs = [b for b in again.bookings if b.phone == f.phone]
            if theirs:
                yield Say(f"I couldn't find one on {DAY_NAMES[f.day.weekday()]}.")
                f.day, bookings = None, theirs
        if not bookings and (yield from _wrong_detail(c)):
            return
        if not bookings and f.phone and not f.name:
            # Booked from another phone, or the number is withheld: the name finds it.
            yield from ask_booking_name(c, _not_found_by_number(f.day, "the booking"))
            return
        if not bookings:
            when = f" on {DAY_NAMES[f.day.weekday()]}" if f.day else ""
            by = "under that name" if f.name else "under your number"
            f.clear_task()
            yield Say(f"I couldn't find a booking{when} {by}.")
            yield from c._anything_else()
            return
        if _by_number_alone(c) and not _shown_theirs(c, bookings):
            yield from ask_booking_name(c, ask_found)
            return
        if len(bookings) > 1 and task == Task.CANCEL and f.every_one:
            # "Cancel all my appointments": each read back, then cancelled on one yes.
            f.target, f.also = bookings[0], bookings[1:3]
            c.shown_theirs.update(b.id for b in bookings[:3])
            c.expecting = Expect.CONFIRM_CANCEL
            each = " and ".join(f"your {b.service} on {say_day(b.start.date())} at "
                                f"{say_time(b.start.time())}" for b in bookings[:3])  # fmt: skip
            both = "both" if len(bookings[:3]) == 2 else "all of them"
            yield Say(f"I found {each}. Shall I cancel {both}?")
            return
        if len(bookings) > 1 and f.day is None:
            # "The colour", "the first one": which of them, by its service or its place.
            by_service = [b for b in bookings if f.service and b.service == f.service]
            if len(by_service) == 1:
                bookings = by_service
            elif f.which is not None and -len(bookings) <= f.which < len(bookings):
                bookings = [bookings[f.which]]
        if len(bookings) > 1 and f.day is None:
            c.expecting = Expect.DAY
            days = " and ".join(DAY_NAMES[b.start.weekday()] for b in bookings[:3])
            yield Say(f"I see bookings on {days}. Which day is the one you mean?")
            return
        booking = bookings[0]
        f.target = booking
        c.shown_theirs.add(booking.id)
    else:
        booking = f.target
    if task == Task.CANCEL and f.also:
        return  # read back with the others, above
    if task == Task.CANCEL:
        c.expecting = Expect.CONFIRM_CANCEL
        yield Say(f"I found your {booking.service} on {say_day(booking.start.date())} at "
                  f"{say_time(booking.start.time())}. Shall I cancel it?")  # fmt: skip


def cancel_confirmed(c: Conversation) -> Step:
    f = c.frame
    if f.target is None:
        f.clear_task()
        return
    yield Say(replies.ONE_MOMENT, cache=True)
    done = c._result((yield Cancel(f.target.id)), CancelDone)
    while done.status == "cancelled" and f.also:
        # "Shall I cancel both?": each cancelled and told from its own record, in turn.
        yield Say(done.claim, claim=True)
        f.target = f.also.pop(0)
        done = c._result((yield Cancel(f.target.id)), CancelDone)
    if done.status == "cancelled":
        yield Say(done.claim, claim=True)
        c.last_cancelled = f.target
        f.clear_task()
        yield from c._anything_else()
        return
    c.failed_tools += 1
    if done.status == "pending":
        yield Say(done.claim, claim=True)
    else:
        yield Say("I'm sorry, I couldn't cancel it in our system just now.")
    f.clear_task()
    yield from c._tool_failed("cancellation failed: " + done.reason)


def asks_earlier_or_later(text: str) -> bool:
    """ "Later in the day if possible", "a bit earlier": than the booking held, on its day."""
    return bool(_LATER_THAT_DAY.search(text))


def advance_move(c: Conversation, u: Understanding) -> Step:
    f = c.frame
    shift = find_shift(u.text)
    ask_found = second_detail.ASK_FOUND
    if f.target is None:
        way = _LATER_THAT_DAY.search(u.text) if shift is None else None
        if way is not None:
            f.move_way = "later" if way.group(1).lower() == "later" else "earlier"
        if shift is not None:
            # "Can I move my Friday appointment to the same time next week?": the shift is
            # from the booking's own time; the rest of the turn names the booking.
            f.move_by = shift.by
            said = words_to_numbers(u.text.lower())
            rest = understand(said[: shift.span[0]] + said[shift.span[1] :], c.profile, c.today)
            f.day, f.time, f.window, f.days = rest.day, None, None, None
        elif f.move_to is None and "move" in u.intents:
            # "Move my Thursday haircut to Friday at 4": Thursday finds it, Friday is new.
            # A change of service names the booking by its day ("I booked a haircut for Friday
            # but I'd rather do a colour"): only "to ..." or "and book ..." is a new time.
            split = _SERVICE_MOVE_SPLIT if f.new_services else _MOVE_SPLIT
            f.move_to = _move_target(u, c.profile, c.today, split)
            f.move_days = _move_days(u, c.profile, c.today, split)
            if any(f.move_to) or f.move_days:
                f.day, f.time, f.window = (
                    _move_source_day(u, c.profile, c.today, split),
                    None,
                    None,
                )
            if (
                way is not None
                and f.day is None
                and f.move_to[0] is not None
                and not (
                    NEW_TIME.search(u.text)
                    or _INSTEAD_OF.search(u.text)
                    or _TO_LATER.search(u.text)  # "move it to later on Saturday": where to
                )
            ):
                # "Do you have anything earlier on Friday? I'm booked at 10.": earlier or
                # later than the booking, the day said is the booking's (and the time said
                # its own), not where it goes; "a bit earlier, like 9" is the new time.
                after = u.text[way.end() :]
                new_time = f.move_to[1] if not _HELD_AT.search(after) else None
                f.day, f.move_to = f.move_to[0], (None, new_time, None)
            elif way is not None and not any(f.move_to or ()) and f.time is not None:
                # "Could we make my Friday one a bit earlier, like 9?": the time said after
                # "earlier" is where it goes (it was taken for the booking's own, and lost)
                after = u.text[way.end() :]
                if not _HELD_AT.search(after) and understand(after, c.profile, c.today,
                                                             "time").time == f.time:  # fmt: skip
                    f.move_to, f.time = (None, f.time, None), None
        cue = NEW_TIME.search(u.text)
        # "My haircut on Friday, can you make it a bit earlier?": nothing said after the cue
        # but earlier or later, so the day said is the booking's (it was taken for the new one)
        same_day_only = (
            way is not None
            and cue is not None
            and cue.start() > 0
            and not _names_when(understand(u.text[cue.end() :], c.profile, c.today))
        )
        said_new = (
            f.name is None
            and (u.day or u.time)
            and cue
            and not same_day_only
            and not f.new_services  # "... a colour instead": the day said is the booking's
        )
        if shift is None and not any(f.move_to or ()) and said_new:
            # Asked which booking (its name or day), the caller says when it should be
            # instead ("Can we do Saturday instead?"): that is where it goes, not which it is.
            f.move_to = (u.day, u.time, u.window)
            f.day, f.time, f.window, f.days = None, None, None, None
            ask_found = (
                f"Sure, {_said_when(u)}. Before I change it, can I have the name on the "
                "booking, or the day it's booked for now?"
            )
        yield from advance_find(c, Task.MOVE, ask_found)
        if f.target is None:
            return
        f.day, f.time, f.window = f.move_to or (None, None, None)
        after_it = weekday_after(u.text.lower(), f.target.start.date())
        if after_it is not None:
            f.day = after_it  # "the Tuesday after": after the booking's day, not this week's
        f.days = f.move_days if f.day is None else None
        f.move_to, f.move_days = (None, None, None), None
        f.unconfirmed.clear()
    booking = f.target
    if shift is not None:
        f.move_by = shift.by
    if f.move_by is not None:
        moved = booking.start + f.move_by
        f.day, f.time, f.window, f.days, f.move_by = moved.date(), moved.time(), None, None, None
    # "I booked a haircut for Friday but I'd rather do a colour instead": the service changes;
    # when no other day or time was asked, at the booking's own.
    changed_to = [name for name in f.new_services if name != booking.service]
    service = c.profile.service(changed_to[-1] if changed_to else booking.service)
    if service is None:
        f.clear_task()
        yield from c._anything_else()
        return
    if changed_to and f.day is None and f.time is None and f.window is None:
        if not f.confirmed:
            # Another service at the same time is a longer or a dearer booking: read back first.
            c.expecting = Expect.CONFIRM_MOVE
            yield Say(f"I found your {booking.service} on {say_day(booking.start.date())} at "
                      f"{say_time(booking.start.time())}. Shall I change it to "
                      f"{with_article(service.name)} at the same time?")  # fmt: skip
            return
        f.day, f.time = booking.start.date(), booking.start.time()
    if not (f.move_way or f.day or f.time or f.window or changed_to) and shift is None:
        # "Later in the day if possible." to "What day and time would you like instead?"
        way = _LATER_THAT_DAY.search(u.text)
        if way is not None:
            f.move_way = "later" if way.group(1).lower() == "later" else "earlier"
    if f.move_way and f.day is None and f.time is None and f.window is None:
        # "Can I change it to a later time?": that day, after (or before) its own time.
        own = booking.start.time()
        f.day = booking.start.date()
        f.window = TimeWindow(start=own) if f.move_way == "later" else TimeWindow(end=own)
        f.move_way = ""
    if (
        f.day is not None
        and f.day == booking.start.date()
        and re.search(rf"\bnext\s+{DAY_NAMES[f.day.weekday()]}", u.text, re.I)
    ):
        # "Cancel Friday and rebook me for next Friday": said of the booking's own (coming)
        # Friday, the one after it (it was "Your haircut is already on Friday")
        f.day += timedelta(days=7)
    if _SAME_TIME.search(u.text) and f.time is None:
        f.time = booking.start.time()
    if _SAME_DAY.search(u.text) and f.day is None:
        f.day = booking.start.date()
    if f.day is None and (f.time is not None or f.window is not None):
        # "at 2", "to the afternoon" with no day: the booking's own day
        f.day = booking.start.date()
    if f.day is not None and not c.profile.hours.is_open(f.day):
        # "Sunday" for a move: closed, before any time is asked for it.
        day_name = DAY_NAMES[f.day.weekday()]
        f.day = None
        c.expecting = Expect.DAY
        yield Say(f"I'm sorry, we're closed on {day_name}s. Which other day would suit you?")
        return
    if f.day is None and f.days is not None and f.time is None:
        # "Can I move my Friday appointment to next week?": the free times then
        yield from _say_found(c, booking)
        yield from offer_slots(c, service)
        return
    if f.day is None or (f.time is None and f.window is None):
        expect = Expect.DAY if f.day is None else Expect.TIME
        attempt = c._asked.get(expect, 0)
        c._asked = {expect: attempt + 1}
        if attempt >= c.profile.misunderstood_limit:
            yield from c._offer_help()
            return
        # Read as an answer to a time whether a day or a time is asked (``expect`` only counts
        # the asking): a bare hour ("11, please") is the time, on the booking's own day; a day
        # is read as one whatever was asked.
        c.expecting = Expect.TIME
        if f.day is not None and c.profile.hours.is_open(f.day):
            # "Can I move it to Saturday?": the free times that day, as for a new booking.
            if attempt == 0:
                yield from _say_found(c, booking)
            yield from offer_slots(c, service)
            return
        if attempt == 0:
            instead = (
                f"What time on {DAY_NAMES[f.day.weekday()]} would you like instead?"
                if f.day
                else "What day and time would you like instead?"
            )
            yield Say(f"I found your {booking.service} on {say_day(booking.start.date())} at "
                      f"{say_time(booking.start.time())}. {instead}")  # fmt: skip
        else:
            yield Say(_MOVE_AGAIN[min(attempt, len(_MOVE_AGAIN)) - 1])
        return
    if f.time is None:
        if "move" in u.intents:
            yield from _say_found(c, booking)  # "Can I push my Friday to the afternoon?"
        yield from offer_slots(c, service)
        return
    start = datetime.combine(f.day, f.time)
    if start == booking.start and service.name == booking.service:
        # "Move my Friday appointment to Friday at 10" when it is at 10: nothing to move (it
        # was cancelled and booked again, and both said)
        f.day = f.time = None
        c.expecting = Expect.TIME
        yield Say(f"Your {booking.service} is already on {say_day(booking.start.date())} at "
                  f"{say_time(booking.start.time())}. What day and time would you like "
                  "instead?")  # fmt: skip
        return
    checked = c._result((yield CheckSlot(service.name, start, moving=booking.id)), SlotChecked)
    if not checked.free:
        yield from say_taken(c, service, start, checked.alternatives)
        return
    yield Say(replies.FILLER_BOOKING, cache=True)
    changed = service.name if service.name != booking.service else ""
    done = c._result((yield Move(booking.id, start, changed)), MoveDone)
    for claim in done.claims:
        yield Say(claim, claim=True)
    if done.status in ("moved", "pending"):
        if done.status == "pending":
            c.failed_tools += 1
        f.clear_task()
        if done.status == "pending":
            yield from c._tool_failed("move pending: " + done.reason)
        else:
            yield from c._anything_else()
        return
    checked = c._result((yield CheckSlot(service.name, start, moving=booking.id)), SlotChecked)
    yield from say_taken(c, service, start, checked.alternatives)


def _say_found(c: Conversation, booking: BookingView) -> Step:
    """Which booking a move is of, before the free times for it (once)."""
    found = (f"I found your {booking.service} on {say_day(booking.start.date())} "
             f"at {say_time(booking.start.time())}.")  # fmt: skip
    if not any(s.text.startswith(found) for s in c._last_reply):
        yield Say(found)


def advance_status(c: Conversation) -> Step:
    f = c.frame
    if second_detail.locked(c):
        yield from second_detail.refuse(c)
        return
    if not f.phone and not f.name:
        yield from ask_booking_name(c, "Sure, I can check. What name is the booking under?")
        return
    found = c._result(
        (yield FindBookings(f.phone or "", f.name or "", f.day, include_past_states=True)),
        BookingsFound,
    )
    if not found.bookings and f.phone and not f.name:
        yield from ask_booking_name(c, _not_found_by_number(f.day, "it"))
        return
    if not found.bookings and f.name and f.day and f.phone:
        # "Can I confirm my appointment for tomorrow?" ... "Jane Miller": hers, from this
        # number, on another day (the two details agree; the day was misremembered), as a
        # cancellation or a move finds it.
        again = c._result((yield FindBookings(f.phone, f.name, None)), BookingsFound)
        theirs = tuple(b for b in again.bookings if b.phone == f.phone and b.status != "cancelled")
        if theirs:
            yield Say(f"It isn't on {DAY_NAMES[f.day.weekday()]}.")
            f.day, found = None, BookingsFound(theirs)
    if found.bookings and _by_number_alone(c) and not _shown_theirs(c, found.bookings):
        yield from ask_booking_name(c, second_detail.ASK_FOUND)
        return
    if not found.bookings and (yield from _wrong_detail(c)):
        return
    price_asked, asked_for = f.price_asked, f.service
    f.clear_task()
    if not found.bookings:
        yield Say("I'm sorry, I couldn't find a booking under that name or number.")
        yield from c._anything_else()
        return
    if asked_for and all(b.service != asked_for for b in found.bookings[:2]):
        # "Is my beard trim with Marco on Friday?" where Friday's is a haircut: said so, before
        # what is booked (it read the haircut back as if it were the beard trim asked about)
        yield Say(f"I don't see {with_article(asked_for)} booked.")
    c.last_reported = list(found.bookings[:2])
    for booking in found.bookings[:2]:
        c.shown_theirs.add(booking.id)
        reported = c._result((yield Report(booking.id)), Reported)
        yield Say(reported.claim, claim=True)
        service = c.profile.service(booking.service)
        if price_asked and service is not None and booking.status == "booked":
            yield Say(replies.price_answer(service, c.profile.currency))
    yield from c._anything_else()


# "I booked a haircut for Friday but I'd rather come Saturday": the wish comes after "but"
_BUT_WISH = r"\bbut (?=(?:i'?d|i would|i want|i need|can|could|would|is|maybe|perhaps)\b)"
# "I need to move my haircut on Friday": the "to" of a verb names no new time
_TO_A_VERB = (
    r"(?! (?:move|change|reschedule|push|shift|switch|swap|cancel|re-?book|book|bring|make|"
    r"get|come|see|check|put|pull|be)\b)"  # "I'm supposed to be coming in Friday"
)
_MOVE_SPLIT = re.compile(
    r"\b(?:to" + _TO_A_VERB + r"|until|for|instead(?! of)|into|can we do|could we do|how about|"
    r"what about|i meant(?: to (?:say|book))?|"
    # "I want to change my appointment. It is Friday, I want Thursday"
    r"i (?:want|'d like|would like|need|prefer)(?! to\b)|"
    # "any chance I could come Saturday instead?"
    r"(?:can|could) (?:i|we) (?:do|get|have|make it|come(?: in)?)|(?:i|we) could (?:do|come)|"
    # "I've got Friday at 10. Can you make it 10:30 instead?"
    r"(?:can|could|would|will) (?:you|we) (?:make|change|switch|put) (?:it|that|this|me)|"
    + ANY_TIME_ASKED
    + r")\b|"
    r"\band (?:then )?(?:re-?book|book|make|get|schedule)\b|" + _BUT_WISH,
    re.I,
)
_SERVICE_MOVE_SPLIT = re.compile(
    r"\b(?:to"
    + _TO_A_VERB
    + r"|into)\b|\band (?:then )?(?:re-?book|book|make|get|schedule)\b|"
    + _BUT_WISH,
    re.I,
)
# "to Saturday instead of Friday", "rather than Friday": what follows is the booking's day
_INSTEAD_OF = re.compile(
    r"\b(?:instead of|rather than)\b([^,.?!]*?)"
    # "Instead of Friday can I come Saturday morning?": the old, up to the asking
    r"(?=\s+(?:can|could|would|how about|what about|is there|do you|have you)\b|[,.?!]|$)",
    re.I,
)


def _move_parts(text: str, split: re.Pattern[str]) -> list[tuple[str, str]]:
    """The ways to read what names the booking and what names the new time ("Move my Thursday
    haircut to Friday at 4"), the last split first; none when nothing splits them."""
    old = _INSTEAD_OF.search(text)
    rest = text[: old.start()] + text[old.end() :] if old else text
    cuts = [m for m in split.finditer(rest) if rest[m.end() :].strip(" .,!?")]
    if not cuts:
        return [(old.group(1), rest)] if old else []
    if old and find_day(old.group(1), date(2000, 1, 3)) is None:
        # "My Friday appointment, can we do 11 instead of 10?": the old time, and the day
        # said before it
        return [(f"{rest[: m.start()]} {old.group(1)}", rest[m.end() :]) for m in reversed(cuts)]
    return [(old.group(1) if old else rest[: m.start()], rest[m.end() :]) for m in reversed(cuts)]


def _move_when(
    u: Understanding, profile: BusinessProfile, today: date, split: re.Pattern[str]
) -> tuple[str, Understanding] | None:
    """What names the booking, and the new time read from what follows the last split that
    names a day or time: "I booked for the 27th, can we do Saturday instead, same time?" is
    split at "can we do", not at "instead". An earlier split only where what comes before it
    names the booking's day ("I need to change my Friday appointment to a later time" is not
    split at "need to")."""
    for i, (head, tail_said) in enumerate(_move_parts(u.text, split)):
        if i and understand(head, profile, today).day is None:
            break
        tail = understand(tail_said, profile, today)
        if not (tail.day or tail.time or tail.window or tail.days):
            # "Could I move my 3 o'clock to 4?": after "to", a bare hour is the new time.
            tail = understand(tail_said, profile, today, "time")
        if tail.day or tail.time or tail.window or tail.days:
            return head, tail
    return None


def _move_target(
    u: Understanding, profile: BusinessProfile, today: date, split: re.Pattern[str] = _MOVE_SPLIT
) -> tuple[date | None, time | None, TimeWindow | None]:
    """ "Move my Thursday haircut to Friday at 4": the new day and time come after the last
    "to"; with no "to", what the caller said is the new time when a day or time was said."""
    found = _move_when(u, profile, today, split)
    return (found[1].day, found[1].time, found[1].window) if found else (None, None, None)


def _move_days(
    u: Understanding, profile: BusinessProfile, today: date, split: re.Pattern[str] = _MOVE_SPLIT
) -> DayRange | None:
    """ "Move my Friday appointment to next week": the days it may go to, no one day said."""
    found = _move_when(u, profile, today, split)
    return found[1].days if found and found[1].day is None else None


def _move_source_day(
    u: Understanding, profile: BusinessProfile, today: date, split: re.Pattern[str] = _MOVE_SPLIT
) -> date | None:
    found = _move_when(u, profile, today, split)
    return understand(found[0], profile, today).day if found else None


def _wrong_detail(c: Conversation) -> Generator[Action, Result | None, bool]:
    """No booking matched: with a name or a day said, that is a wrong answer (a guess, or a
    caller who misremembers); True when it was one too many and a person takes over."""
    f = c.frame
    if not f.name and not f.day:
        return False  # the number alone found nothing: no detail was tried
    said = " ".join(part for part in (f.name, DAY_NAMES[f.day.weekday()] if f.day else "") if part)
    return (yield from second_detail.wrong_answer(c, said))


def _shown_theirs(c: Conversation, bookings: Sequence[BookingView]) -> bool:
    """The one booking the number finds is one the caller already showed is theirs, with
    its name or day, earlier in this call ("Is it still on?" ... "Then cancel it, please.")."""
    return len(bookings) == 1 and bookings[0].id in c.shown_theirs


def _by_number_alone(c: Conversation) -> bool:
    """Found by the caller's number with neither the name on it nor its day said: the number
    may be spoofed, so nothing is revealed or changed yet."""
    return c.frame.name is None and c.frame.day is None


_NAME_AGAIN = (
    "Sorry, what's the name on the booking? You can spell it if that's easier.",
    "Just the first and last name the booking was made under, please.",
)


def ask_booking_name(c: Conversation, first: str) -> Step:
    """The name a booking was made under; asked again in other words, then a person or a
    message is offered."""
    attempt = c._asked.get(Expect.NAME, 0)
    c._asked = {Expect.NAME: attempt + 1}
    if attempt > len(_NAME_AGAIN):
        yield from c._offer_help()
        return
    c.expecting = Expect.NAME
    yield Say(first if attempt == 0 else _NAME_AGAIN[attempt - 1])


def _not_found_by_number(day: date | None, it: str) -> str:
    on = f" on {DAY_NAMES[day.weekday()]}" if day else ""
    return f"I couldn't find a booking{on} under this number. What name is {it} under?"


def _names_when(u: Understanding) -> bool:
    return bool(u.day or u.time or u.window or u.days)


def _said_when(u: Understanding) -> str:
    day = DAY_NAMES[u.day.weekday()] if u.day else ""
    at = f"at {say_time(u.time)}" if u.time else ""
    return " ".join(part for part in (day, at) if part) or "that time"


# "Can we do Saturday instead?", "How about Friday at 4?": a time the booking should have.
NEW_TIME = re.compile(
    r"\binstead\b|\b(?:can|could) (?:we|i|you) (?:do|make it|have|go for|try|change it to|"
    r"move it to)\b|\b(?:how|what) about\b|\b(?:move|change|switch|put) it to\b|"
    r"\bmake it\b",
    re.I,
)
# "to a later time", "later in the day", "a bit earlier": the same day, how much unsaid.
_LATER_THAT_DAY = re.compile(
    r"\b(?:an? |the )?(?:bit |little )?(later|earlier)(?: (?:time|slot|appointment|one|on|in the "
    r"day|that day|the same day))?\b(?! (?:than|next|this|that) (?:week|month))",
    re.I,
)
_HELD_AT = re.compile(
    r"\b(?:booked|appointment|i'm in|i am in|i have|i've got|mine is|it's at|it is at|"
    r"than (?:my|our))\b",  # "earlier than my 10 o'clock Friday"
    re.I,
)
_TO_LATER = re.compile(
    r"\b(?:to|into|until)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:later|earlier)\b", re.I
)
_SAME_TIME = re.compile(r"\bsame (?:time|hour)\b", re.I)
_SAME_DAY = re.compile(r"\bsame day\b", re.I)
_MOVE_AGAIN = (
    "What day and time would you like to move it to? For example, Friday at 4.",
    "Just the new day and time, please, like Saturday at 10 AM.",
)
