"""Callers' words from session 29's lists of text calls that no scenario wrote: each was
wrong before (a booking on the wrong day, a message with the wrong words, a question taken
for a booking, ...).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from receptionist.app.config import Settings
from receptionist.dialog.actions import (
    CheckSlot,
    FindBookings,
    FindSlots,
    TakeMessage,
)
from receptionist.dialog.events import (
    BookingsFound,
    CallerSaid,
    SlotChecked,
    SlotsFound,
)
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.understand import understand
from receptionist.store.db import Store
from tests.conftest_dialog import start_call
from tests.test_callers_own_words import FRIDAY_10
from tests.test_conversation import PROFILE, TODAY, new, says

TODAYS = (datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 10))
SATURDAYS = (datetime(2026, 11, 28, 9), datetime(2026, 11, 28, 10))


def test_another_days_first_one_to_todays_times_is_not_todays() -> None:
    """ "OK, tomorrow's first one then" to today's 9 AM and 10 AM booked today at 9."""
    c = new()
    c.receive(CallerSaid("Hi, what's the soonest you can fit me in for a haircut?"))
    c.receive(SlotsFound(TODAYS))
    out = c.receive(CallerSaid("OK tomorrow's first one then."))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 25), out
    assert c.frame.time is None


def test_the_first_one_on_the_day_offered_is_still_taken() -> None:
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Saturday."))
    c.receive(SlotsFound(SATURDAYS))
    out = c.receive(CallerSaid("The first one on Saturday please."))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 28, 9), "5551234567"), out


def test_first_thing_takes_the_time_we_open() -> None:
    """ "First thing." to Saturday's 9 AM or 10 AM (we open at 9) offered them again."""
    c = new("")
    c.receive(CallerSaid("I'd like a haircut on Saturday."))
    c.receive(SlotsFound(SATURDAYS))
    out = c.receive(CallerSaid("First thing."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 28, 9), "")], out


def test_first_thing_is_no_choice_of_times_after_the_opening() -> None:
    c = new("")
    c.receive(CallerSaid("I'd like a haircut on Saturday."))
    c.receive(SlotsFound((datetime(2026, 11, 28, 11), datetime(2026, 11, 28, 12))))
    out = c.receive(CallerSaid("First thing."))
    assert not any(isinstance(a, CheckSlot) for a in out), out


@pytest.mark.parametrize(("turn", "hour"), [("Ten-ish?", 10), ("Around 3ish?", 15)])
def test_a_time_said_roughly_is_no_question(turn: str, hour: int) -> None:
    """ "Ten-ish?" to the times offered was "I can't answer your question myself"."""
    u = understand(turn, PROFILE, TODAY, Expect.CHOOSE_SLOT.value)
    assert u.time == time(hour) and u.asks_other is None and "question" not in u.intents


@pytest.mark.parametrize("turn", ["Anything at all?", "Anything else?", "Any others?"])
def test_anything_else_to_the_times_offered_looks_after_them(turn: str) -> None:
    """ "Anything at all?" was a question passed on to the front desk as a message."""
    c = new()
    c.receive(CallerSaid("Hello! Is it possible to get a beard trim today?"))
    c.receive(SlotsFound(TODAYS))
    out = c.receive(CallerSaid(turn))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.window and found.window.start == time(10, 1), out
    assert c.frame.task == Task.BOOK and not c._question_left


def test_what_to_tell_someone_asked_about_is_the_message() -> None:
    """ "Hey, is Sarah around?" then "Just tell her to call her sister." left the message
    "Hey, is Sarah around?"."""
    c = new()
    c.receive(CallerSaid("Hey, is Sarah around?"))
    out = c.receive(CallerSaid("Just tell her to call her sister."))
    (taken,) = [a for a in out if isinstance(a, TakeMessage)]
    assert taken.for_staff == "Sarah" and "call her sister" in taken.text, out
    assert "around" not in taken.text


def test_only_a_call_back_asked_keeps_the_question_as_the_message() -> None:
    c = new()
    c.receive(CallerSaid("Is Marco in today?"))
    out = c.receive(CallerSaid("Just tell him to call me back."))
    (taken,) = [a for a in out if isinstance(a, TakeMessage)]
    assert taken.for_staff == "Marco" and taken.text == "Is Marco in today?", out


async def _jane_booked_friday(salon: Settings, store: Store) -> None:
    first = start_call(salon, store, "earlier")
    await first.say("I'd like a haircut on Friday at 10")
    await first.say("Jane Miller")
    assert [(b["service"], b["start"]) for b in store.rows("bookings")] == [
        ("haircut", "2026-11-27T10:00")
    ]


async def test_a_service_added_to_a_booking_held_by_its_service_books_the_other(
    salon: Settings, store_file: Store
) -> None:
    """ "I'm booked for a haircut on Friday, would it be possible to add a colour as well?"
    offered a second haircut, and a yes booked it."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say("Hello, I'm booked for a haircut on Friday, would it be possible to "
                          "add a colour as well?")  # fmt: skip
    assert any("colour on Friday November 27 at 10:30 AM" in s for s in said), said
    held = sorted((b["service"], b["start"]) for b in store_file.rows("bookings"))
    assert held == [("colour", "2026-11-27T10:30"), ("haircut", "2026-11-27T10:00")]


@pytest.mark.parametrize(
    "turn",
    [
        "And do I need to come in with clean hair?",
        "Should I wash my hair before I come in?",
        "Do I need to bring anything?",
    ],
)
def test_how_to_come_in_is_a_question_not_a_booking(turn: str) -> None:
    """ "And do I need to come in with clean hair?" began a booking ("What day?")."""
    u = understand(turn, PROFILE, TODAY, Expect.ANYTHING_ELSE.value)
    assert "book" not in u.intents and u.asks_other, u


def test_when_to_come_in_is_still_a_booking() -> None:
    u = understand("Should I come in on Friday or Saturday?", PROFILE, TODAY)
    assert "book" in u.intents


def test_hours_of_weekdays_and_the_weekend() -> None:
    """ "And on a weekday?" after Saturday's hours was "I don't have that information"; "Are you
    open at the weekend?" read out the whole week."""
    c = new()
    c.receive(CallerSaid("What time do you shut on a Saturday?"))
    out = says(c.receive(CallerSaid("And on a weekday?")))
    assert out == ["During the week we're open Tuesday to Friday 9 AM to 6 PM; closed Monday.",
                   "Is there anything else I can help you with?"]  # fmt: skip
    out = says(new().receive(CallerSaid("Are you open at the weekend?")))
    assert out[0] == "At the weekend we're open Saturday 9 AM to 2 PM; closed Sunday.", out


def _move_found() -> object:
    c = new()
    c.receive(CallerSaid("I need to change the time of my appointment."))
    c.receive(BookingsFound((FRIDAY_10,)))
    c.receive(CallerSaid("It's Jane Miller."))
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert says(out) == ["I found your haircut on Friday November 27 at 10 AM. What day and "
                         "time would you like instead?"], out  # fmt: skip
    return c


def test_later_in_the_day_for_a_move_looks_after_its_time() -> None:
    """It was "Sorry, I didn't quite get that."."""
    c = _move_found()
    out = c.receive(CallerSaid("Later in the day if possible."))  # type: ignore[attr-defined]
    found = out[-1]
    assert isinstance(found, FindSlots) and found.window is not None, out
    assert (found.first_day, found.window.start) == (date(2026, 11, 27), time(10)), out


def test_the_same_time_on_another_days_times_keeps_the_bookings_time() -> None:
    """ "Same time." to Tuesday's times, moving Friday's 10 AM, was not understood."""
    c = new()
    c.receive(CallerSaid("Hi, it's Jane Miller, I can't make Friday anymore."))
    c.receive(BookingsFound((FRIDAY_10,)))
    c.receive(CallerSaid("Could we do the following Tuesday?"))
    c.receive(SlotsFound((datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10))))
    out = c.receive(CallerSaid("Same time."))
    assert c.frame.task == Task.MOVE
    assert (c.frame.day, c.frame.time) == (date(2026, 12, 1), time(10)), out


def test_need_to_move_my_booking_on_a_day_names_the_one_held() -> None:
    """ "I need to move my haircut on Friday." took Friday for where it goes (split at "need
    to") and asked for the name or the day."""
    c = new()
    out = c.receive(CallerSaid("I need to move my haircut on Friday."))
    assert out[-1] == FindBookings("5551234567", "", date(2026, 11, 27)), out


def test_both_after_two_prices_books_those_two() -> None:
    """ "Can I book both for Thursday at 11?" was "we don't offer both"."""
    c = new()
    c.receive(CallerSaid("How much would it be for a haircut and a beard trim together?"))
    out = c.receive(CallerSaid("Can I book both for Thursday at 11?"))
    assert c.frame.service == "haircut" and c.frame.more_services == ["beard trim"], says(out)
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 26, 11), "5551234567")


async def test_no_all_good_to_the_second_booking_drops_it(
    salon: Settings, store_file: Store
) -> None:
    """ "Nope, all good." to "shall I book it right after?" asked when, instead."""
    call = start_call(salon, store_file, "b1")
    await call.say("How much would it be for a haircut and a beard trim together?")
    await call.say("Can I book both for Thursday at 11?")
    said = await call.say("Jim Carrey.")
    assert said[-1] == "And the beard trim: shall I book it right after, at 11:30 AM?", said
    said = await call.say("Nope, all good.")
    assert said == ["Is there anything else I can help you with?"], said
    booked = [(b["service"], b["start"], b["name"]) for b in store_file.rows("bookings")]
    assert booked == [("haircut", "2026-11-26T11:00", "Jim Carrey")]


def test_him_after_asking_about_a_stylist_on_a_day_is_that_stylist_that_day() -> None:
    """ "Is Marco in on Friday?" then "Great, can I get him at 2 for a haircut?" offered
    Tuesday and Wednesday at 2, and Marco was forgotten."""
    c = new()
    c.receive(CallerSaid("Is Marco in on Friday?"))
    out = c.receive(CallerSaid("Great, can I get him at 2 for a haircut?"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 27, 14), "5551234567"), out
    assert c.frame.asked_for == "Marco"


def test_if_a_stylist_is_free_is_a_wish_for_them() -> None:
    c = new()
    c.receive(CallerSaid("Hi there. I was hoping to get a fade, if Marco's free Saturday?"))
    assert c.frame.service == "haircut" and c.frame.asked_for == "Marco"


async def test_the_whole_name_just_after_a_booking_under_the_first_asks_to_change_it(
    salon: Settings, store_file: Store
) -> None:
    """ "Danny Ocean." just after "... under the name Danny" was not understood."""
    call = start_call(salon, store_file, "d1")
    await call.say("Can I book a haircut on Saturday at 11?")
    await call.say("Danny.")
    said = await call.say("Danny Ocean.")
    assert said[0].endswith("so I'll ask the front desk to change it to Danny Ocean."), said
    (message,) = store_file.rows("messages")
    assert "from Danny to Danny Ocean" in message["text"]


async def test_what_time_just_told_of_a_booking_says_it_again(
    salon: Settings, store_file: Store
) -> None:
    """ "OK and what time?" after the booking was read out was "I don't have that
    information"."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    await call.say("Hi I have a booking this week and I think it's Friday but I'm not sure, can "
                   "you check?")  # fmt: skip
    said = await call.say("OK and what time?")
    assert said[0] == "It's on Friday November 27 at 10 AM.", said


def test_no_i_will_rebook_another_time_asks_again_before_cancelling() -> None:
    """ "No, I'll rebook another time." to "Shall I cancel it?" was a move ("What day and time
    would you like instead?")."""
    c = new()
    c.receive(CallerSaid("Something's come up and I'm going to have to cancel."))
    c.receive(BookingsFound((FRIDAY_10,)))
    c.receive(CallerSaid("Yes, the Friday one."))
    c.receive(BookingsFound((FRIDAY_10,)))
    assert c.expecting == Expect.CONFIRM_CANCEL
    out = says(c.receive(CallerSaid("No, I'll rebook another time.")))
    assert c.frame.task == Task.CANCEL and c.expecting == Expect.CONFIRM_CANCEL, out
    assert out[0].startswith("Just to be sure: shall I cancel your haircut on Friday"), out


def test_a_time_after_a_day_and_a_full_stop_is_kept() -> None:
    """ "hi. book cut. saturday. 10." offered 9 AM and 10 AM, and a yes booked 9."""
    out = new().receive(CallerSaid("hi. book cut. saturday. 10."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 28, 10), "5551234567")], out


@pytest.mark.parametrize(
    ("turn", "start", "end"),
    [
        ("I'm calling on behalf of my elderly father, he needs a haircut but he can't come in "
         "before 11.", time(11), None),
        ("I can't do anything after 3 on Friday, can I book a colour?", None, time(15)),
    ],
)  # fmt: skip
def test_a_time_the_caller_cannot_come_bounds_the_other_way(
    turn: str, start: time | None, end: time | None
) -> None:
    """ "he can't come in before 11" offered 9 AM and 10 AM (read as "before 11")."""
    u = understand(turn, PROFILE, TODAY)
    assert u.window is not None and (u.window.start, u.window.end) == (start, end), u


def test_if_i_have_any_appointments_coming_up_is_a_status_question() -> None:
    """It was "I'm sorry, I don't have that information"."""
    u = understand("Can you tell me if I've got any appointments coming up?", PROFILE, TODAY)
    assert u.intents == ("status",), u


def test_one_of_each_after_two_prices_asked_in_turn_books_both() -> None:
    """ "How much is a men's haircut?" "And a kids one?" "can I book one of each for Saturday
    morning?" booked a kids cut alone."""
    c = new()
    c.receive(CallerSaid("How much is a men's haircut?"))
    c.receive(CallerSaid("And a kids one?"))
    c.receive(CallerSaid("OK great, can I book one of each for Saturday morning?"))
    assert c.frame.service == "haircut" and c.frame.more_services == ["kids cut"]


@pytest.mark.parametrize(
    "turn",
    [
        "I wanted to make an appointment for a wash and cut, my usual lady is Sarah.",
        "I'd like a haircut on Friday, I always see Sarah.",
    ],
)
def test_the_stylist_a_caller_usually_sees_is_asked_for(turn: str) -> None:
    c = new()
    c.receive(CallerSaid(turn))
    assert c.frame.asked_for == "Sarah"


def test_in_the_next_hour_looks_from_now() -> None:
    """ "any chance of getting a haircut in the next hour?" asked what day."""
    out = new().receive(CallerSaid("Hi, is there any chance of getting a haircut in the next "
                                   "hour?"))  # fmt: skip
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == TODAY, out
    assert found.window is not None and found.window.earliest


def test_a_name_and_another_first_name_gives_the_callers() -> None:
    """ "Dave Grohl and Jess" to "What name?" (two bookings) was not understood."""
    u = understand("Dave Grohl and Jess", PROFILE, TODAY, Expect.NAME.value)
    assert u.name == "Dave Grohl"


def test_what_you_have_got_next_week_is_the_booking_not_a_question_passed_on() -> None:
    """ "I'd like to book in for a colour ... Can you tell me what you've got next week?"
    passed "what you've got" on to the front desk as a question we can't answer."""
    u = understand("Hi, I'd like to book in for a colour, but I'm not sure which day yet. Can "
                   "you tell me what you've got next week?", PROFILE, TODAY)  # fmt: skip
    assert u.intents == ("book",) and u.asks_other is None and u.days is not None, u


def test_this_coming_weekday_said_on_that_weekday_is_next_weeks() -> None:
    """ "for this coming Tuesday" said on a Tuesday offered today's times."""
    u = understand("I'd like a haircut for this coming Tuesday.", PROFILE, TODAY)
    assert u.day == date(2026, 12, 1)
    assert understand("a haircut on Tuesday", PROFILE, TODAY).day == TODAY


def test_one_service_of_two_said_then_chosen_books_it_once() -> None:
    """ "It's just a cut and blow dry, maybe a bit of colour." then "A colour then." booked
    a colour and asked after "the second colour"."""
    c = new()
    c.receive(CallerSaid("Hi, my daughter needs her hair done on the 12th, what have you got?"))
    c.receive(SlotsFound((datetime(2026, 12, 12, 9), datetime(2026, 12, 12, 10))))
    c.receive(CallerSaid("It's just a cut and blow dry, maybe a bit of colour."))
    c.receive(SlotsFound((datetime(2026, 12, 12, 9), datetime(2026, 12, 12, 10))))
    c.receive(CallerSaid("A colour then."))
    assert c.frame.service == "colour" and c.frame.more_services == []


def test_when_a_stylist_is_next_available_asks_for_them_first_free() -> None:
    """ "Can you tell me when Sarah is next available?" then "For a colour." asked what day,
    and Sarah was forgotten."""
    c = new()
    c.receive(CallerSaid("Hi, can you tell me when Sarah is next available?"))
    out = c.receive(CallerSaid("For a colour."))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == TODAY, out
    assert c.frame.asked_for == "Sarah"


@pytest.mark.parametrize(
    ("turn", "service"),
    [
        ("Hallo, I want make appointment for hair cutting, for Friday please.", "haircut"),
        ("Can I book some beard trimming on Saturday?", "beard trim"),
    ],
)
def test_a_service_said_in_its_ing_form_is_that_service(turn: str, service: str) -> None:
    """ "for hair cutting" was "I'm sorry, we don't offer hair cutting"."""
    u = understand(turn, PROFILE, TODAY)
    assert u.service == service and u.unknown_service is None, u


def test_rebooking_one_cancelled_before_is_a_new_booking() -> None:
    """ "I had to cancel last week and wanted to rebook, do you have anything Friday?" asked
    for the name or day of a booking to move, then forgot Friday."""
    c = new()
    c.receive(CallerSaid("Hi there, I had to cancel last week and wanted to rebook, do you have "
                         "anything Friday?"))  # fmt: skip
    assert c.frame.task == Task.BOOK and c.frame.day == date(2026, 11, 27)
    out = c.receive(CallerSaid("For a haircut."))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == date(2026, 11, 27), out


def test_a_visit_on_a_day_told_of_is_no_booking_that_day() -> None:
    """ "I came in on Saturday and honestly I'm not thrilled with how my fringe turned out."
    was "What would you like to book on Saturday?"."""
    c = new()
    out = c.receive(CallerSaid("Hi, I came in on Saturday and honestly I'm not thrilled with "
                               "how my fringe turned out."))  # fmt: skip
    assert c.frame.task != Task.BOOK and c.expecting == Expect.OFFER_HELP, says(out)


def test_a_visit_told_of_with_another_day_asked_is_a_booking() -> None:
    c = new()
    c.receive(CallerSaid("My daughter came in last month with Marco, can she see him again on "
                         "Friday?"))  # fmt: skip
    assert c.frame.task == Task.BOOK and c.frame.day == date(2026, 11, 27)


def test_the_whole_name_given_when_asked_the_number_is_the_bookings() -> None:
    """ "It's Chris." then "Chris Pratt, P-R-A-T-T." to "what number?" (caller id withheld)
    was "Could you say the number digit by digit", and the booking stayed under "Chris"."""
    c = new("")
    c.receive(CallerSaid("Can I book a haircut on Wednesday at 5?"))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("It's Chris."))
    c.receive(SlotChecked(True))  # checked again before the number is asked
    assert c.expecting == Expect.PHONE
    out = says(c.receive(CallerSaid("Chris Pratt, P-R-A-T-T.")))
    assert out == ["Thanks, Chris Pratt. And what's a phone number we can reach you on?"], out
    assert c.frame.name == "Chris Pratt" and c.expecting == Expect.PHONE


async def test_two_bookings_said_with_and_then_go_on_their_own_days(
    salon: Settings, store_file: Store
) -> None:
    """ "Friday at 4 for a haircut and then Saturday at 10 for a colour" booked the colour on
    Friday at 4:30."""
    call = start_call(salon, store_file, "g1")
    await call.say("Can I book an appointment for Friday at 4 for a haircut and then Saturday "
                   "at 10 for a colour?")  # fmt: skip
    await call.say("Gina Linetti.")
    booked = sorted((b["service"], b["start"]) for b in store_file.rows("bookings"))
    assert booked == [("colour", "2026-11-28T10:00"), ("haircut", "2026-11-27T16:00")]


def test_booking_over_the_phone_names_no_service() -> None:
    """ "Can I book over the phone instead?" was "I'm sorry, we don't offer over"."""
    u = understand("Hello, I'm trying to book online but your website isn't working. Can I book "
                   "over the phone instead?", PROFILE, TODAY)  # fmt: skip
    assert u.intents == ("book",) and u.unknown_service is None, u


async def test_which_booking_said_after_a_late_message_is_added_to_it(
    salon: Settings, store_file: Store
) -> None:
    """ "It's Jane, my appointment's at 10." once told "I'm running late" was passed on
    began a booking at 10."""
    call = start_call(salon, store_file, "late")
    await call.say("Hello, I'm running late, I'll be there in 10 minutes.")
    said = await call.say("It's Jane, my appointment's at 10.")
    assert said[0] == "I've added that to your message for the front desk.", said
    (message,) = store_file.rows("messages")
    assert message["text"].endswith("my appointment's at 10.")
    assert not store_file.rows("bookings")


def test_a_day_named_the_same_everywhere_is_its_date() -> None:
    """ "Are you open on Boxing Day?" (not a holiday in the US) read out the week's hours."""
    out = says(new().receive(CallerSaid("Hi! Quick question, are you open on Boxing Day?")))
    assert out[0].startswith("Boxing Day is Saturday December 26"), out


async def test_a_new_time_just_told_of_a_booking_moves_that_booking(
    salon: Settings, store_file: Store
) -> None:
    """ "Yes, can we make it 11 instead?" after the booking was read out began a new booking
    at 11 ("What would you like to book at 11 AM?")."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    await call.say("Hi, I booked for Friday but I can't remember what time, and I might need to "
                   "change it.")  # fmt: skip
    said = await call.say("Yes, can we make it 11 instead?")
    assert said[-2] == "You're booked for a haircut on Friday November 27 at 11 AM, under the "\
        "name Jane Miller.", said  # fmt: skip
    held = sorted((b["start"], b["status"]) for b in store_file.rows("bookings"))
    assert held == [("2026-11-27T10:00", "cancelled"), ("2026-11-27T11:00", "booked")]


def test_if_a_stylist_could_fit_me_in_is_a_wish_for_them() -> None:
    c = new()
    c.receive(CallerSaid("Hey, I was wondering if Sarah could fit me in for a colour this week "
                         "sometime."))  # fmt: skip
    assert c.frame.service == "colour" and c.frame.asked_for == "Sarah"


def test_a_day_put_right_with_on_after_no_sorry_is_the_day() -> None:
    """ "I have an appointment tomorrow, no sorry, on Friday, ... bring my daughter along for a
    kids cut" offered tomorrow's times."""
    u = understand("Hello, yes, I have an appointment tomorrow, no sorry, on Friday, and I "
                   "wanted to ask if I can bring my daughter along for a kids cut at the same "
                   "time.", PROFILE, TODAY)  # fmt: skip
    assert u.day == date(2026, 11, 27) and u.service == "kids cut", u
