"""Callers' words from session 28's lists of text calls that no scenario wrote: each was
wrong before (a question dropped, a name lost, a booking for two made for one, ...).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from receptionist.app.config import Settings
from receptionist.dialog import replies
from receptionist.dialog.actions import (
    CheckSlot,
    FindBookings,
    FindSlots,
    Hangup,
    TakeMessage,
    Transfer,
)
from receptionist.dialog.events import (
    BookingsFound,
    BookingView,
    CallerSaid,
    SlotChecked,
    SlotsFound,
)
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.intents import says_goodbye
from receptionist.dialog.names import find_name
from receptionist.dialog.understand import understand
from receptionist.store.db import Store
from tests.conftest_dialog import start_call
from tests.test_conversation import PROFILE, TODAY, new, says

FRIDAY_10 = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                        "booked")  # fmt: skip
THURSDAY_3 = BookingView(4, "haircut", datetime(2026, 11, 26, 15), "John Smith", "5559999999",
                         "booked")  # fmt: skip


def test_a_question_we_cannot_answer_joined_to_a_price_question_is_not_dropped() -> None:
    """ "How much is a kids cut and is there parking nearby?" said the price and nothing of
    the parking."""
    c = new()
    out = says(c.receive(CallerSaid("How much is a kids cut and is there parking nearby?")))
    assert out[0].startswith("A kids cut is 20 dollars"), out
    assert out[1] == replies.DONT_KNOW_EITHER, out
    assert c.expecting == Expect.OFFER_HELP


@pytest.mark.parametrize(
    "turn",
    [
        "I'll just call back later, thanks",
        "Okay, I'll give you a call back tomorrow",
        "Never mind, I'll probably ring back later",
        "Let me check my diary and call back",
    ],
)
def test_a_caller_who_will_call_back_is_said_goodbye(turn: str) -> None:
    """ "I'll just call back later, thanks" was "Sorry, I didn't quite get that"."""
    out = new().receive(CallerSaid(turn))
    assert any(isinstance(a, Hangup) for a in out), says(out)


def test_i_will_call_back_later_and_book_is_no_goodbye() -> None:
    out = new().receive(CallerSaid("I'll call you on Friday to book"))
    assert not any(isinstance(a, Hangup) for a in out), says(out)


@pytest.mark.parametrize(
    ("turn", "name"),
    [
        ("Is it possible to book for my mum? She's Margaret Jones. She'd like a colour.",
         "Margaret Jones"),
        ("Can I book in for my dad, his name is Ray Cole, for a haircut", "Ray Cole"),
    ],
)  # fmt: skip
def test_a_booking_for_someone_named_goes_under_their_name(turn: str, name: str) -> None:
    """It asked "What name should I put the booking under?" again (and took the caller's)."""
    c = new()
    c.receive(CallerSaid(turn))
    assert c.frame.task == Task.BOOK and c.frame.name == name


def test_a_day_said_for_the_times_offered_all_on_it_asks_which_time() -> None:
    """ "Tuesday's good" to next Tuesday's 9 AM or 10 AM offered both again, word for word."""
    c = new()
    c.receive(CallerSaid("I was hoping to get in for a trim sometime next week?"))
    c.receive(SlotsFound((datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10))))
    out = c.receive(CallerSaid("Tuesday's good"))
    assert says(out) == ["Both of those are on Tuesday. Which time would you prefer, 9 AM or "
                         "10 AM?"], out  # fmt: skip
    assert c.expecting == Expect.CHOOSE_SLOT


def test_next_tuesday_to_todays_times_looks_at_next_tuesday() -> None:
    c = new()
    c.receive(CallerSaid("Have you got anything today for a haircut?"))
    c.receive(SlotsFound((datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 10))))
    out = c.receive(CallerSaid("Next Tuesday"))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == date(2026, 12, 1), out


def test_the_same_as_last_time_books_the_service_of_the_last_visit() -> None:
    """ "Hi, I'd like the same as last time please" was "Sorry, I didn't quite get that"."""
    c = new()
    out = c.receive(CallerSaid("Hi, I'd like the same as last time please"))
    assert c.frame.task == Task.BOOK and out[-1] == FindBookings("5551234567"), out
    colour = BookingView(2, "colour", datetime(2026, 11, 10, 11), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    beard = BookingView(1, "beard trim", datetime(2026, 10, 10, 11), "Jane Miller",
                        "5551234567", "booked")  # fmt: skip
    out = c.receive(BookingsFound((beard, colour, FRIDAY_10)))  # Friday's is still to come
    assert says(out)[0] == "Last time you had a colour.", out
    assert c.frame.service == "colour" and c.expecting == Expect.DAY


def test_the_same_as_last_time_with_no_visit_found_asks_which_service() -> None:
    c = new("5550000000")
    c.receive(CallerSaid("Can I book my usual for Saturday at 10?"))
    out = c.receive(BookingsFound(()))
    assert says(out)[0] == "I'm sorry, I can't find an earlier visit under this number.", out
    assert c.expecting == Expect.SERVICE


def test_how_many_said_before_the_service_books_one_each() -> None:
    """ "Can I get two slots Saturday morning for my twins?" then "Kids cuts" booked one."""
    c = new()
    c.receive(CallerSaid("Can I get two slots Saturday morning for my twins?"))
    c.receive(CallerSaid("Kids cuts"))
    assert c.frame.service == "kids cut" and c.frame.more_services == ["kids cut"]


@pytest.mark.parametrize(
    ("turn", "said"),
    [
        ("Can you tell me the date of next Thursday?", "That's Thursday November 26."),
        ("What day is the 3rd?", "That's Thursday December 3."),
        ("What's today's date?", "Today is Tuesday November 24."),
    ],
)
def test_a_question_of_the_calendar_is_answered_not_booked(turn: str, said: str) -> None:
    """ "Can you tell me the date of next Thursday?" was "What would you like to book on
    Thursday?"."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out)[0] == said, out
    assert c.frame.task is None and not any(isinstance(a, FindSlots) for a in out)


def test_a_booking_then_at_the_day_asked_about_is_on_that_day() -> None:
    c = new()
    c.receive(CallerSaid("What day is the 3rd?"))
    out = c.receive(CallerSaid("Okay can I book a haircut then at 11?"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 12, 3, 11), "5551234567"), out


def test_a_question_of_the_calendar_while_booking_asks_again_what_was_asked() -> None:
    c = new()
    c.receive(CallerSaid("I'd like a haircut"))
    out = says(c.receive(CallerSaid("What's the date on Friday?")))
    assert out == ["That's Friday November 27.", "Sure, a haircut. What day would you like to "
                   "come in?"], out  # fmt: skip
    assert c.expecting == Expect.DAY


@pytest.mark.parametrize(
    "turn", ["What's the date of my appointment?", "Can you tell me the time of my booking?"]
)
def test_the_date_of_my_appointment_is_its_status(turn: str) -> None:
    """It began a new booking ("What would you like to book?")."""
    c = new()
    c.receive(CallerSaid(turn))
    assert c.frame.task == Task.STATUS


def test_can_you_make_it_another_time_instead_is_where_the_booking_goes() -> None:
    """The new time was lost: "What day and time would you like instead?"."""
    c = new()
    c.receive(CallerSaid("Hi, I've got an appointment Friday at 10 under Jane Miller. Can you "
                         "make it 10:30 instead?"))  # fmt: skip
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 10, 30), "", moving=9)], out


def test_make_my_appointment_another_time_instead_is_a_move() -> None:
    u = understand("Can you make my Friday appointment 10:30 instead?", PROFILE, TODAY)
    assert u.intents == ("move",) and u.time is not None


@pytest.mark.parametrize(
    ("said", "name"),
    [("It's Raj, R-A-J, Patel", "Raj Patel"), ("Smith, S M I T H, John", "John Smith")],
)
def test_a_first_name_spelled_then_a_surname_keeps_both(said: str, name: str) -> None:
    """ "It's Raj, R-A-J, Patel" booked under "Raj"."""
    assert find_name(said, bare=True) == name


def test_someone_elses_booking_by_their_name_is_looked_up_by_it() -> None:
    """ "Can I cancel John Smith's appointment on Thursday? I'm his wife." asked the name."""
    c = new("5557777777")
    out = c.receive(CallerSaid("Hi can I cancel John Smith's appointment on Thursday? I'm his "
                               "wife."))  # fmt: skip
    assert c.frame.task == Task.CANCEL and c.frame.name == "John Smith", out
    assert FindBookings("5557777777", "John Smith", date(2026, 11, 26)) in out, out


def test_the_day_a_caller_was_due_is_not_where_a_move_goes() -> None:
    """ "I was supposed to come in today but I'm sick, can I reschedule?" offered today."""
    u = understand("I was supposed to come in today but I'm sick, can I reschedule?", PROFILE,
                   TODAY)  # fmt: skip
    assert u.intents == ("move",) and u.day is None and u.days is None


def test_a_move_said_between_fillers_is_a_move_of_the_booking_held() -> None:
    """ "I got a, uh, a haircut booked for, like, Friday? And, um, I need to, like, push it?"
    offered a new haircut on Friday and passed "need push" on as a question."""
    u = understand("Yeah, hi, um, so I got a, uh, a haircut booked for, like, Friday? And, um, I "
                   "need to, like, push it?", PROFILE, TODAY)  # fmt: skip
    assert u.intents == ("move",) and u.asks_other is None, u
    assert u.day == date(2026, 11, 27)


def test_put_me_down_for_a_time_is_a_booking() -> None:
    """It was "I'm sorry, I can't do that over the phone" (taken for a booking held)."""
    c = new()
    out = says(c.receive(CallerSaid("Put me down for Friday 3:15")))
    assert c.frame.task == Task.BOOK and (c.frame.day, c.frame.time) == (
        date(2026, 11, 27),
        datetime(2026, 11, 27, 15, 15).time(),
    ), out


def test_a_service_added_to_a_booking_held_at_its_time_starts_when_it_ends() -> None:
    """ "My appointment is at 10 on Friday, can I add a beard trim?" asked for the beard trim at
    10 (taken) and offered 9:30."""
    c = new()
    out = c.receive(CallerSaid("My appointment is at 10 on Friday, can I add a beard trim?"))
    assert out[-1] == FindBookings("5551234567", "", date(2026, 11, 27)), out
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert out[-1] == CheckSlot("beard trim", datetime(2026, 11, 27, 10, 30), "5551234567"), out


@pytest.mark.parametrize(
    ("turn", "said", "window"),
    [
        ("Do you have anything before 9 on Saturday for a haircut?",
         "We open at 9 AM on Saturday.", "earliest"),
        ("Can I get a haircut on Saturday after 3?", "We close at 2 PM on Saturday.", "latest"),
    ],
)  # fmt: skip
def test_a_time_outside_the_days_hours_says_them_and_offers_that_day(
    turn: str, said: str, window: str
) -> None:
    """It was "I'm sorry, I can't find a free time then. Which other day would suit you?"."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert isinstance(out[-1], FindSlots), out
    out = c.receive(SlotsFound(()))
    assert says(out) == [said], out
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == date(2026, 11, 28), out
    assert found.window is not None and getattr(found.window, window), found


def test_a_booking_asked_for_when_offered_a_person_is_booked_with_them_noted() -> None:
    """ "Can you book me in with him anyway, 11 o'clock?" to "a message, or someone who can
    help?" (asked whether Marco works Saturday) put the caller through to Marco."""
    c = new()
    c.receive(CallerSaid("Is Marco working on Saturday? I only go to him."))
    assert c.expecting == Expect.OFFER_HELP
    out = c.receive(CallerSaid("Can you book me in with him anyway, 11 o'clock?"))
    assert not any(isinstance(a, Transfer) for a in out), out
    assert c.frame.task == Task.BOOK and c.frame.asked_for == "Marco"
    assert (c.frame.day, c.frame.time) == (date(2026, 11, 28), datetime(2026, 11, 28, 11).time())


@pytest.mark.parametrize(("answer", "index"), [("Early as possible", 0), ("As late as you can", 1)])
def test_as_early_as_possible_to_the_times_offered_takes_the_first(answer: str, index: int) -> None:
    """ "Early as possible" to 9 AM or 10 AM offered the same two again."""
    c = new()
    c.receive(CallerSaid("I'd like a kids cut on Saturday"))
    offered = (datetime(2026, 11, 28, 9), datetime(2026, 11, 28, 10))
    c.receive(SlotsFound(offered))
    c.receive(CallerSaid(answer))
    assert (c.frame.day, c.frame.time) == (offered[index].date(), offered[index].time())


@pytest.mark.parametrize(
    "turn",
    [
        "What's the damage for a colour?",
        "What would a colour set me back?",
        "What am I looking at for a colour, roughly?",
    ],
)
def test_a_price_asked_in_other_words_is_answered_not_booked(turn: str) -> None:
    """ "What's the damage for a colour?" was "Sure, a colour. What day would you like?"."""
    c = new()
    out = says(c.receive(CallerSaid(turn)))
    assert out[0] == "A colour is 90 dollars and takes about 90 minutes.", out
    assert c.frame.task is None


def test_whether_one_service_comes_with_another_is_their_prices_and_the_truth() -> None:
    """ "Is a beard trim included with a haircut?" began a booking of a beard trim."""
    c = new()
    out = says(c.receive(CallerSaid("Is a beard trim included with a haircut?")))
    assert out[-1] == replies.PRICE_DEPENDS_UNKNOWN, out
    assert any(s.startswith("A haircut is 35 dollars") for s in out), out
    assert c.frame.task is None and c.expecting == Expect.OFFER_HELP


# -- as Whisper wrote voices not ours (flite kal16) -------------------------------------------


def test_what_do_you_have_charged_is_a_price_question() -> None:
    """ "Hi, what do you have charged for a haircut and for a kid's cut?" began a booking."""
    u = understand("Hi, what do you have charged for a haircut and for a kid's cut?", PROFILE,
                   TODAY)  # fmt: skip
    assert u.intents == ("question",) and u.asks_price


@pytest.mark.parametrize(
    ("turn", "robot"),
    [
        ("Sorry, is there some machine names here, can you tell?", True),
        ("Is there a machine I can pay at?", False),
    ],
)
def test_is_there_some_machine_asks_what_the_agent_is(turn: str, robot: bool) -> None:
    """It asked "Who is the message for?"."""
    u = understand(turn, PROFILE, TODAY)
    assert ("robot" in u.intents) is robot, u.intents


def test_a_name_after_and_her_to_the_name_question_is_taken() -> None:
    """ "and her Anna Colvex." (her name's ..., "name's" not heard) was not understood."""
    c = new()
    c.receive(CallerSaid("Could I book a kids cut for half past two on Friday?"))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("and her Anna Colvex."))
    assert c.frame.name == "Anna Colvex"


@pytest.mark.parametrize(
    "turn",
    [
        "Can we do Saturday instead of Friday for my haircut?",
        "Could I come Saturday instead of my Friday appointment?",
    ],
)
def test_another_day_instead_of_a_booking_held_is_a_move(turn: str) -> None:
    """It booked a second haircut on Saturday and left Friday's."""
    u = understand(turn, PROFILE, TODAY)
    assert u.intents == ("move",) and u.day == date(2026, 11, 28), u


def test_a_service_instead_of_my_usual_one_is_a_new_booking_of_it() -> None:
    c = new()
    c.receive(CallerSaid("Can I get a colour instead of my usual haircut?"))
    assert c.frame.task == Task.BOOK and c.frame.service == "colour"
    assert c.frame.more_services == [] and not c.frame.same_as_before


def test_whenever_is_good_for_you_leaves_the_day_to_us() -> None:
    """ "Whenever's good for you guys, I'm flexible" to "What day?" was not understood."""
    c = new()
    c.receive(CallerSaid("Yeah I wanna get my hair cut"))
    assert c.expecting == Expect.DAY
    out = c.receive(CallerSaid("Whenever's good for you guys, I'm flexible"))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == TODAY, out


def test_your_next_free_day_is_the_first_free_time_not_friday() -> None:
    """ "What's your next free day?" to "What day?" offered Friday ("free day" heard as it)."""
    u = understand("What's your next free day?", PROFILE, TODAY, "day")
    assert u.day is None and u.window is not None and u.window.earliest, u


def test_whether_we_are_open_on_a_holiday_said_as_a_date_is_a_holiday_question() -> None:
    """ "Just wanted to check if you're open on the 25th of December?" began a booking on
    Christmas Day."""
    c = new()
    out = says(c.receive(CallerSaid("Hi! Just wanted to check if you're open on the 25th of "
                                    "December?")))  # fmt: skip
    assert out[0].startswith("Christmas Day is Friday December 25"), out
    assert out[-1] == replies.HOLIDAY_HOURS_UNKNOWN and c.frame.task is None


@pytest.mark.parametrize(
    ("turn", "unknown"),
    [
        ("Hello, I'm phoning to book my mother in, she's 82, for a wash and set", None),
        ("Can I book my dad in for a shave on Friday?", "shave"),
    ],
)
def test_who_a_booking_is_for_is_no_service_we_lack(turn: str, unknown: str | None) -> None:
    """It said "I'm sorry, we don't offer mother"."""
    u = understand(turn, PROFILE, TODAY)
    assert u.unknown_service == unknown, u


@pytest.mark.parametrize(
    "turn",
    [
        "What time am I in on Friday?",
        "Who's doing my hair on Friday?",
        "Is my appointment with Sarah or Marco?",
    ],
)
def test_a_question_of_a_booking_held_is_its_status(turn: str) -> None:
    """Each began a new booking ("What would you like to book on Friday?")."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert c.frame.task == Task.STATUS, out
    assert not any(isinstance(a, FindSlots) for a in out)


def test_how_much_do_i_owe_is_the_price_of_the_booking_held() -> None:
    """It was the whole price list."""
    c = new()
    out = c.receive(CallerSaid("How much do I owe for Friday?"))
    assert c.frame.task == Task.STATUS and isinstance(out[-1], FindBookings), out


def test_a_text_reminder_asked_for_is_a_message_for_the_front_desk() -> None:
    """ "Can you text me a reminder for Friday?" began a booking on Friday."""
    out = new().receive(CallerSaid("Can you text me a reminder for Friday?"))
    taken = [a for a in out if isinstance(a, TakeMessage)]
    assert taken and taken[0].for_staff == "front desk", out
    assert taken[0].text == "Can you text me a reminder for Friday?"


def test_a_day_put_right_in_the_same_breath_is_the_day_asked_for() -> None:
    """ "for Thursday, no sorry, Wednesday, at 11" offered Thursday's first times, and booked
    Thursday at 9 to a yes."""
    u = understand("Can I book a haircut for Thursday, no sorry, Wednesday, at 11?", PROFILE,
                   TODAY)  # fmt: skip
    assert (u.day, u.time) == (date(2026, 11, 25), datetime(2026, 11, 25, 11).time()), u


def test_a_weekday_and_its_date_said_together_are_that_date() -> None:
    """ "I'd like a colour next Friday, the 4th" offered Friday the 27th."""
    u = understand("I'd like a colour next Friday, the 4th", PROFILE, TODAY)
    assert u.day == date(2026, 12, 4), u


def test_my_husband_and_i_are_two_people_not_three() -> None:
    """ "My husband and I both want haircuts" asked after a third haircut ("My" is a census
    first name, counted as a third person)."""
    c = new()
    c.receive(CallerSaid("My husband and I both want haircuts, Thursday afternoon"))
    assert c.frame.service == "haircut" and c.frame.more_services == ["haircut"]


@pytest.mark.parametrize(
    ("turn", "staff"),
    [
        ("Can you ask the owner to ring me? It's about a wedding booking for six people", "Sarah"),
        ("Can you get the stylist to ring me?", "Marco"),
    ],
)
def test_a_call_back_asked_of_a_staff_member_by_role_is_a_message_for_them(
    turn: str, staff: str
) -> None:
    """ "Can you ask the owner to ring me? It's about a wedding booking" began a booking."""
    c = new()
    out = c.receive(CallerSaid(turn))
    taken = [a.for_staff for a in out if isinstance(a, TakeMessage)]
    # taken at once with what it is about, or "What would you like me to tell Marco?"
    assert taken == [staff] or (c.frame.task == Task.MESSAGE and c.frame.staff == staff), out
    assert not any(isinstance(a, FindSlots) for a in out)


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Harvey, surname Specter", "Harvey Specter"),
        ("Harvey, last name Specter", "Harvey Specter"),
        ("Donna. Just Donna.", "Donna"),
    ],
)
def test_a_name_answer_in_other_words_is_the_whole_name(said: str, name: str) -> None:
    """ "Harvey, surname Specter" booked under "Specter"; "Donna. Just Donna." was not
    understood."""
    assert find_name(said, bare=True) == name


def test_for_two_said_of_the_people_is_no_time() -> None:
    """ "I'd like to make a booking. For two. Myself and my partner. Haircuts. This Saturday.
    Around 11." asked for 2 PM (and offered 1:15)."""
    u = understand("Hi. I'd like to make a booking. For two. Myself and my partner. Haircuts. "
                   "This Saturday. Around 11.", PROFILE, TODAY)  # fmt: skip
    assert (u.day, u.time, u.people) == (date(2026, 11, 28), datetime(2026, 11, 28, 11).time(), 2)
    u = understand("Can I book a haircut for two on Friday?", PROFILE, TODAY)
    assert u.time == datetime(2026, 11, 27, 14).time()  # no people said: 2 o'clock


def test_changing_a_booking_held_to_another_service_keeps_its_time() -> None:
    """ "Can I change my haircut on Friday to a colour?" asked what day and time instead."""
    c = new()
    c.receive(CallerSaid("Can I change my haircut on Friday to a colour?"))
    out = says(c.receive(BookingsFound((FRIDAY_10,))))
    assert out[-1] == ("I found your haircut on Friday November 27 at 10 AM. Shall I change it "
                       "to a colour at the same time?"), out  # fmt: skip


def test_the_price_of_a_booking_held_and_a_question_beside_it_are_both_answered() -> None:
    """ "I'm booked in on Friday, can you tell me how much it'll be and whether I can pay by
    card?" was the whole price list, and the card question dropped."""
    c = new()
    out = c.receive(CallerSaid("Hi there, it's Jane Miller, I'm booked in on Friday, can you tell "
                               "me how much it'll be and whether I can pay by card?"))  # fmt: skip
    assert c.frame.task == Task.STATUS and isinstance(out[-1], FindBookings), out
    assert replies.QUESTION_LATER in says(out)


def test_her_name_without_is_to_the_name_question_is_the_name() -> None:
    """ "Her name Aisha Khan" (a caller whose English leaves out "is") was not understood."""
    c = new()
    c.receive(CallerSaid("Please, I need for my daughter the hair cut, Saturday at 10"))
    c.receive(SlotChecked(True))
    assert c.expecting == Expect.NAME
    c.receive(CallerSaid("Her name Aisha Khan"))
    assert c.frame.name == "Aisha Khan"


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, I need to book a colour for my wedding on December 12th, so ideally the day before",
        "a colour the day before my wedding on the 12th",
    ],
)
def test_the_day_before_a_day_named_is_that_day_less_one(turn: str) -> None:
    """It booked the wedding day itself."""
    assert understand(turn, PROFILE, TODAY).day == date(2026, 12, 11)


def test_before_the_weekend_is_the_days_up_to_it() -> None:
    """ "Any chance of a haircut before the weekend?" offered Saturday."""
    u = understand("Any chance of a haircut before the weekend?", PROFILE, TODAY)
    assert u.day is None and u.days is not None
    assert (u.days.first, u.days.last) == (TODAY, date(2026, 11, 27))


# -- as Whisper wrote espeak-ng's voices ------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "hour"),
    [
        ("I'd like a haircut on Thursday, free,", 15),
        ("Friday, free work", 15),
        ("Is Thursday free?", None),
    ],
)
def test_a_weekday_then_free_is_three_oclock_to_confirm(turn: str, hour: int | None) -> None:
    """ "on Thursday at three" heard as "on Thursday, free,": the time was lost."""
    u = understand(turn, PROFILE, TODAY)
    assert (u.time.hour if u.time else None) == hour, u
    if hour is not None:
        assert "time" in u.unsure_slots  # a near match: read back before it is used


@pytest.mark.parametrize(
    "turn",
    ["No, that's oil.", "nice oil", "next all, thank you.", "No, not soil.", "I saw all thanks."],
)
def test_thats_all_as_whisper_wrote_espeak_is_goodbye(turn: str) -> None:
    """Heard where "that's all" closes a turn (to a read-back, a name question, a message):
    they were "Sorry, I didn't quite get that"."""
    assert says_goodbye(turn.lower())


def test_not_all_of_them_is_no_farewell() -> None:
    """ "No, not all" (to "shall I cancel both?") says no farewell; "not soil" is one."""
    assert not says_goodbye("no, not all") and not says_goodbye("not all of them")


@pytest.mark.parametrize(
    "turn",
    [
        "Can I move my 10 o'clock on Friday to the afternoon?",
        "I'm calling about an appointment I made, I need to move it forward a bit",
        "Could I change my 3:30 to 4?",
    ],
)
def test_a_booking_held_named_by_its_hour_or_moved_forward_is_a_move(turn: str) -> None:
    """ "Can I move my 10 o'clock on Friday to the afternoon?" began a booking at 10."""
    assert understand(turn, PROFILE, TODAY).intents == ("move",)


def test_book_one_just_after_a_price_books_that_service() -> None:
    """ "How much is a colour for short hair?" then "Okay. And could I book one on Saturday?"
    asked which service (and "Do you have time for a quick question?" was a question we
    couldn't answer)."""
    c = new()
    out = says(c.receive(CallerSaid("Hi there! Do you have time for a quick question? How much "
                                    "is a colour for short hair?")))  # fmt: skip
    assert out[0] == "A colour is 90 dollars and takes about 90 minutes.", out
    assert replies.DONT_KNOW_EITHER not in out
    out = c.receive(CallerSaid("Okay. And could I book one on Saturday?"))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.service == "colour", out


async def test_a_name_said_with_the_call_back_number_goes_on_the_message(
    salon: Settings, store_file: Store
) -> None:
    """ "Ellen Ripley, 555 234 9876" to "What number should they call you back on?" (the
    caller's number withheld) left the message without her name."""
    call = start_call(salon, store_file, "w1", caller_id="")
    await call.say("Can I leave a message for Marco?")
    await call.say("Just that I'll be late for my appointment tomorrow")
    said = await call.say("Ellen Ripley, 555 234 9876")
    assert said[0].startswith("I've passed your message to Marco"), said
    (message,) = store_file.rows("messages")
    assert (message["caller_name"], message["callback_number"]) == ("Ellen Ripley", "5552349876")


@pytest.mark.parametrize(
    "turn",
    [
        "Yes hello, I phoned earlier and left a message, has anyone picked it up?",
        "Has anyone listened to my voicemail?",
    ],
)
def test_a_message_left_and_not_answered_is_a_message_for_the_front_desk(turn: str) -> None:
    """It was "I'm sorry, I don't have that information"."""
    out = new().receive(CallerSaid(turn))
    taken = [a for a in out if isinstance(a, TakeMessage)]
    assert taken and taken[0].for_staff == "front desk" and taken[0].text == turn, out


@pytest.mark.parametrize(
    ("turn", "day"),
    [
        ("I'd like to cancel my booking for Friday but keep the one on Thursday", 27),
        ("Cancel Thursday but keep Friday", 26),
        ("Move my Friday one to Saturday and keep Thursday as it is", 28),
    ],
)
def test_a_booking_the_caller_keeps_is_no_target(turn: str, day: int) -> None:
    """ "cancel my booking for Friday but keep the one on Thursday" looked for Thursday's."""
    assert understand(turn, PROFILE, TODAY).day == date(2026, 11, day)


def test_a_closed_day_is_said_before_the_service_is_asked() -> None:
    """ "Is there any way I could get in on Sunday?" was "What would you like to book on
    Sunday?", the closed day said only once a service was named."""
    c = new()
    out = says(c.receive(CallerSaid("Is there any way I could get in on Sunday?")))
    assert out == ["I'm sorry, we're closed on Sundays. We could do Saturday or Tuesday. Which "
                   "day works for you?"], out  # fmt: skip
    assert c.expecting == Expect.DAY
