"""Booking: what a booking needs, asked for in turn; free slots offered for a vague time or a
taken one; several bookings in one call, back to back. Steps of the conversation (no I/O).
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from receptionist.dialog import replies
from receptionist.dialog.actions import Action, Book, CheckSlot, FindBookings, FindSlots, Say
from receptionist.dialog.events import (
    BookingDone,
    BookingsFound,
    BookingView,
    Result,
    SlotChecked,
    SlotsFound,
)
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.understand import TimeWindow, Understanding
from receptionist.domain.profile import Service
from receptionist.domain.saying import DAY_NAMES, say_day, say_digits, say_time, with_article

if TYPE_CHECKING:
    from receptionist.dialog.conversation import Conversation, Step


def _last_visits_service(c: Conversation) -> Generator[Action, Result | None, Service | None]:
    """ "The same as last time, please": the service of the caller's last visit, found by the
    number they call from and said back; none found is said, and the service is asked."""
    f = c.frame
    visits: list[BookingView] = []
    if f.phone:
        found = c._result((yield FindBookings(f.phone)), BookingsFound)
        visits = [b for b in found.bookings if b.status == "booked" and b.start < c._now()]
    last = c.profile.service(max(visits, key=lambda b: b.start).service) if visits else None
    if last is None:
        yield Say("I'm sorry, I can't find an earlier visit under this number.")
        return None
    f.service = last.name
    yield Say(f"Last time you had {with_article(last.name)}.")
    return last


def advance_booking(c: Conversation, u: Understanding) -> Step:
    f, p = c.frame, c.profile
    service = p.service(f.service) if f.service else None
    if service is None and f.same_as_before:
        f.same_as_before = False
        service = yield from _last_visits_service(c)
    if service is None and len(p.services) == 1 and not f.unknown_service:
        # "Can I book something on Thursday?" where the business offers one thing: that
        # (it asked "What would you like to book? We offer a consultation.")
        service = p.services[0]
        f.service = service.name
    if (
        f.day is not None
        and not p.hours.is_open(f.day)
        and not (service is None and f.unknown_service)
    ):
        # before the service is asked: "Is there any way I could get in on Sunday?" was
        # "What would you like to book on Sunday?", and the closed day said only after
        options = p.hours.nearest_open_days(f.day, c.today)
        f.offered_days = options
        day_name = DAY_NAMES[f.day.weekday()]
        f.day = None
        c.expecting = Expect.DAY
        yield Say(
            f"I'm sorry, we're closed on {day_name}s. We could do "
            + " or ".join(DAY_NAMES[d.weekday()] for d in options)
            + ". Which day works for you?"
        )
        return
    if service is None:
        unknown = f.unknown_service
        if unknown:
            f.unknown_service = None
            c.expecting = Expect.SERVICE
            yield Say(f"I'm sorry, we don't offer {unknown}. We offer "
                      f"{replies.services_list(p)}. Would you like one of those?")  # fmt: skip
            return
        yield from c._ask(Expect.SERVICE, **c._words())
        return
    if f.day is not None and f.day < c.today:
        f.day = None
        yield from c._ask(Expect.DAY, **c._words())
        return
    if f.after_held and f.day is not None and f.time is None and f.phone:
        # "I have a haircut on Friday, could I add a beard trim after it?": the new one starts
        # when the caller's own booking that day ends.
        f.after_held = False
        found = c._result((yield FindBookings(f.phone, "", f.day)), BookingsFound)
        if found.bookings:
            last = max(found.bookings, key=lambda b: b.start)
            held = p.service(last.service)
            f.time = (last.start + timedelta(minutes=held.minutes if held else 0)).time()
            f.window = None
            # its number and its day agree: the name it is under is the caller's
            f.name = f.name or last.name
    if f.day is None or f.time is None:
        if f.days is not None or f.window is not None or f.day is not None or f.time:
            # A day with no time, or a vague time: concrete free times to choose from.
            yield from offer_slots(c, service)
            return
        yield from c._ask(Expect.DAY, **c._words())
        return
    start = datetime.combine(f.day, f.time)
    if start < c._now():
        f.time = None
        c.expecting = Expect.TIME
        yield Say("That time has already passed today. What other time would suit you?")
        return
    checked = c._result((yield CheckSlot(service.name, start, f.phone or "")),
                           SlotChecked)  # fmt: skip
    if not checked.free:
        f.service_changed = False
        yield from say_taken(c, service, start, checked.alternatives, checked.held_by)
        return
    if f.service_changed:
        f.service_changed = False
        yield Say(f"Sure, {with_article(service.name)} instead.")
    if f.added_service:
        yield Say(f"Sure, and the {f.added_service} once this one is booked.")
        f.added_service = ""
    if f.unconfirmed and not f.confirmed:
        c._asked.pop(Expect.CONFIRM, None)
        yield from c._ask(Expect.CONFIRM, **c._words())
        return
    if not f.name:
        yield from c._ask(Expect.NAME, slot=replies.slot_free(f.day.weekday(), f.time))
        return
    if not f.phone and not f.no_phone and f.phone_asked >= 3:
        f.no_phone = True  # three tries: booked without one rather than lost
    if not f.phone and not f.no_phone:
        # The caller id is withheld: a booking nobody can call about (a change, an illness)
        # is no booking the business can keep. "I'd rather not" books it anyway.
        if c._impossible_phone:  # digits that can't be a number: read back, asked again
            heard = say_digits(c._impossible_phone, c.profile.region)
            yield Say(f"I heard {heard}, which isn't a whole phone number.")
            c._impossible_phone = None
        asked, f.phone_asked = f.phone_asked, f.phone_asked + 1
        c.expecting = Expect.PHONE
        # then narrower: digit by digit, or the keypad
        yield Say(replies.BOOKING_PHONE if not asked else replies.ask(Expect.PHONE, asked, p),
                  cache=True)  # fmt: skip
        return
    if not c.said_in_this_reply(replies.FILLER_BOOKING):  # once, before back-to-back bookings
        yield Say(replies.FILLER_BOOKING, cache=True)
    done = c._result((yield Book(service.name, start, f.name, f.phone or "", f.asked_for)),
                        BookingDone)  # fmt: skip
    yield from booking_done(c, done, service, start)


def booking_done(c: Conversation, done: BookingDone, service: Service, start: datetime) -> Step:
    f = c.frame
    if done.status == "booked" and done.booking is not None:
        yield Say(done.claim, claim=True)
        f.booked_ids.append(done.booking.id)
        c.last_booked = done.booking  # "Actually, can you make it 4?" moves this one
        f.last_booking = (service.name, start + timedelta(minutes=service.minutes))
        yield from after_booking(c)
    elif done.status == "pending" and done.booking is not None:
        c.failed_tools += 1
        yield Say(done.claim, claim=True)
        f.booked_ids.append(done.booking.id)
        f.more_services.clear()
        f.clear_task()
        yield from c._tool_failed(f"booking pending: {done.reason}")
    else:
        checked = c._result((yield CheckSlot(service.name, start)), SlotChecked)
        yield from say_taken(c, service, start, checked.alternatives, checked.held_by)


def after_booking(c: Conversation) -> Step:
    f = c.frame
    if f.more_services and f.last_booking:
        nxt = f.more_services[0]
        end = f.last_booking[1]
        if nxt == f.last_booking[0]:
            nxt = f"second {nxt}" if len(f.more_services) == 1 else f"next {nxt}"  # two haircuts
        if f.next_whens:
            # Its own day and time were said with the first ("one Friday, one the week after").
            day, at = f.next_whens.pop(0)
            next_booking(c)
            f.day, f.time = day or f.day, at
            yield from advance_booking(c, Understanding(text=""))
            return
        if f.together:
            # "a colour for me and a kids cut for my daughter, same time": at the same start,
            # checked as any other (taken, the nearest times are offered)
            made = c.profile.service(f.last_booking[0])
            start = end - timedelta(minutes=made.minutes) if made else end
            next_booking(c)
            f.day, f.time = start.date(), start.time()
            yield from advance_booking(c, Understanding(text=""))
            return
        if f.back_to_back:
            # "Me at 10 and him right after": asked for already, so no question about it.
            next_booking(c)
            yield from advance_booking(c, Understanding(text=""))
            return
        more, names, same = list(f.more_services), list(f.next_names), f.same_name
        f.clear_task()
        f.more_services, f.next_names, f.same_name = more, names, same
        f.task = Task.BOOK
        c.expecting = Expect.NEXT_BOOKING
        yield Say(f"And the {nxt}: shall I book it right after, at {say_time(end.time())}?")
        return
    f.clear_task()
    yield from c._anything_else()


def next_booking(c: Conversation) -> None:
    """The next of several bookings, starting when the last one ends, under the next name
    the caller gave (or the same one, "both under Derek Young")."""
    f = c.frame
    assert f.last_booking is not None
    nxt = f.more_services.pop(0)
    end = f.last_booking[1]
    name = f.next_names.pop(0) if f.next_names else (f.name if f.same_name else None)
    f.service, f.day, f.time, f.name = nxt, end.date(), end.time(), name
    f.window, f.days, f.offered, f.unconfirmed = None, None, [], set()
    f.task = Task.BOOK


def say_taken(
    c: Conversation,
    service: Service,
    start: datetime,
    slots: tuple[datetime, ...],
    held_by: str = "",
) -> Step:
    f = c.frame
    just_made = f.last_booking == (service.name, start + timedelta(minutes=service.minutes))
    if held_by and just_made:
        # "two haircuts at 10, same time" from one phone: the first is the one just booked
        yield Say(f"{say_time(start.time())} on {DAY_NAMES[start.weekday()]} is the "
                  f"{service.name} I've just booked for {held_by}.")  # fmt: skip
    elif held_by:
        # the caller's own booking already: said so, and the nearest times for another
        yield Say(f"You already have {with_article(service.name)} booked on "
                  f"{DAY_NAMES[start.weekday()]} at {say_time(start.time())}, under the name "
                  f"{held_by}.")  # fmt: skip
    if not slots:
        f.time = None
        c.expecting = Expect.DAY
        if held_by:
            yield Say("Which other day would suit you?")
            return
        yield Say(f"I'm sorry, {say_time(start.time())} is taken and I can't find a free "
                  "time nearby. Which other day would suit you?")  # fmt: skip
        return
    if held_by:
        f.offered = list(slots)
        c.expecting = Expect.CHOOSE_SLOT
        said = " or ".join(say_slot(slot, start.date()) for slot in slots)
        yield Say(f"The nearest free times are {said}. Would one of those work?" if len(slots) > 1
                  else f"The nearest free time is {said}. Would that work?")  # fmt: skip
        return
    f.offered = list(slots)
    c.expecting = Expect.CHOOSE_SLOT
    said = " or ".join(say_slot(slot, start.date()) for slot in slots)
    fits = c.profile.hours.fits(start, service.minutes)
    why = "is taken" if fits else "isn't within our opening hours"
    ends = [b for a, b in c.profile.hours.spans(start.weekday()) if a <= start.time() < b]
    if not fits and ends:
        # open then, but it would not be done in time: "11:45 AM on Monday is too late for
        # a check-up before our break"
        before = (
            "we close"
            if ends[0] == c.profile.hours.spans(start.weekday())[-1][1]
            else ("our break")
        )
        why = f"is too late for {with_article(service.name)} before {before}"
    yield Say(
        f"I'm sorry, {say_time(start.time())} on {DAY_NAMES[start.weekday()]} {why}. "
        + (f"The nearest free times are {said}. Would one of those work?" if len(slots) > 1
           else f"The nearest free time is {said}. Would that work?")
    )  # fmt: skip


def offer_slots(c: Conversation, service: Service) -> Step:
    """A vague request ("tomorrow afternoon", "next week", "the earliest you have"):
    concrete free times to choose from."""
    f = c.frame
    if f.day is not None:
        first = last = f.day
    elif f.days is not None:
        first, last = max(f.days.first, c.today), f.days.last
    else:
        first, last = c.today, c.today + timedelta(days=7)
    window = f.window
    if window is None and f.time is not None:
        window = TimeWindow(start=f.time, end=f.time)
    around = datetime.combine(first, f.time) if f.time else None
    found = c._result((yield FindSlots(service.name, first, last, window, around)),
                         SlotsFound)  # fmt: skip
    while f.not_weekday is not None and found.slots and found.slots[0].weekday() == f.not_weekday:
        # "except Tuesday": from the day after the one not wanted.
        first = found.slots[0].date() + timedelta(days=1)
        if first > last:
            break
        found = c._result((yield FindSlots(service.name, first, last, window, around)),
                             SlotsFound)  # fmt: skip
    if f.not_weekday is not None:
        found = SlotsFound(tuple(s for s in found.slots if s.weekday() != f.not_weekday))
    outside = _outside_hours(c, f.time) if not found.slots and f.day is None else None
    if outside is not None and f.time is not None:
        # "Can I get a haircut at 8 in the morning?" with no day: on no day at all. Said so,
        # with the first (or last) free times of the day instead.
        early = outside == "before"
        yield Say(f"I'm sorry, {say_time(f.time)} is {outside} we "
                  f"{'open' if early else 'close'}.")  # fmt: skip
        f.time = None
        closes = max(h[1] for h in c.profile.hours.days if h is not None)
        late = (datetime.combine(c.today, closes) - timedelta(minutes=90)).time()
        f.window = TimeWindow(end=time(12, 0)) if early else TimeWindow(start=late)
        yield from offer_slots(c, service)
        return
    hours = c.profile.hours.on(f.day) if f.day is not None else None
    if not found.slots and f.day is not None and f.window is not None and hours is not None:
        # "Anything before 9 on Saturday?" when Saturday opens at 9 (or "after 5" when it
        # closes at 2): said so, and that day's first (or last) free times instead (it was
        # "I can't find a free time then")
        opens, closes = hours
        day_name = DAY_NAMES[f.day.weekday()]
        if f.window.end is not None and f.window.end <= opens:
            yield Say(f"We open at {say_time(opens)} on {day_name}.")
            f.window = TimeWindow(earliest=True)
            yield from offer_slots(c, service)
            return
        last_start = (datetime.combine(f.day, closes) - timedelta(minutes=service.minutes)).time()
        if f.window.start is not None and f.window.start > last_start:
            yield Say(f"We close at {say_time(closes)} on {day_name}.")
            f.window = TimeWindow(latest=True)
            yield from offer_slots(c, service)
            return
    if not found.slots:
        f.window, f.days = None, None
        c.expecting = Expect.DAY
        yield Say("I'm sorry, I can't find a free time then. Which other day would suit you?")
        return
    f.offered = list(found.slots)
    c.expecting = Expect.CHOOSE_SLOT
    # The heading is made at start-up (replies.profile_sentences) and plays at once, while
    # Piper makes the times; a comma before each "or" lets it make them a clause at a time.
    said = ", or ".join(f"{say_day(s.date())} at {say_time(s.time())}" for s in found.slots)
    yield Say(replies.slots_heading(service.name), cache=True)
    yield Say(
        f"{said}. " + ("Would one of those work?" if len(found.slots) > 1 else "Would that work?")
    )


def _outside_hours(c: Conversation, at: time | None) -> str | None:
    """ "before" or "after" when ``at`` is outside the opening hours of every open day."""
    hours = [h for h in c.profile.hours.days if h is not None]
    if at is None or not hours:
        return None
    if all(at < opens for opens, _ in hours):
        return "before"
    if all(at >= closes for _, closes in hours):
        return "after"
    return None


def say_slot(slot: datetime, asked_day: date) -> str:
    if slot.date() == asked_day:
        return say_time(slot.time())
    return f"{DAY_NAMES[slot.weekday()]} at {say_time(slot.time())}"
