"""Callers' words from session 30's lists of text calls that no scenario wrote: each was
wrong before (a booking on the wrong day, a second message instead of the first, a booking
left standing, a question taken for a booking, ...).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from receptionist.app.config import Settings
from receptionist.dialog import replies
from receptionist.dialog.actions import Book, CheckSlot, FindBookings, FindSlots
from receptionist.dialog.events import BookingsFound, CallerSaid, SlotChecked, SlotsFound
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.understand import understand
from receptionist.store.db import Store
from tests.conftest_dialog import start_call
from tests.test_callers_everyday_words import _jane_booked_friday
from tests.test_callers_own_words import FRIDAY_10
from tests.test_conversation import PROFILE, TODAY, booked, new, says

FRIDAY = date(2026, 11, 27)
SATURDAY_9_10 = (datetime(2026, 11, 28, 9), datetime(2026, 11, 28, 10))


def test_the_day_one_was_due_to_come_in_names_the_booking_moved() -> None:
    """ "I'm supposed to be coming in Friday but ..., any chance I could come Saturday
    instead?" asked for the name or the day of the booking: Friday was it."""
    c = new()
    said = (
        "Hi there, I'm supposed to be coming in Friday but my car's broken down, any "
        "chance I could come Saturday instead?"
    )
    out = c.receive(CallerSaid(said))
    assert out[-1] == FindBookings("5551234567", "", FRIDAY), out
    out = c.receive(BookingsFound((FRIDAY_10,)))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == date(2026, 11, 28), out


def test_calling_back_to_rebook_is_no_answer_to_cancelling() -> None:
    """ "no I'll call back to rebook" to "Shall I cancel it?" asked for a new day and time, and
    the booking stayed when the caller then said goodbye."""
    c = new()
    c.receive(CallerSaid("Hiya, just ringing to say I won't make my appointment on Friday, sorry"))
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert says(out)[-1].endswith("Shall I cancel it?"), out
    out = c.receive(CallerSaid("no I'll call back to rebook"))
    assert says(out) == ["Just to be sure: shall I cancel your haircut on Friday November 27 at "
                         "10 AM? You can book again whenever suits."], out  # fmt: skip
    assert c.expecting == Expect.CONFIRM_CANCEL


@pytest.mark.parametrize(
    ("turn", "day"),
    [
        ("Hello, I'd like to book a haircut for next Thursday, not this one", date(2026, 12, 3)),
        ("A haircut, not this Thursday, next Thursday", date(2026, 12, 3)),
        ("A haircut not this Friday but the following one", date(2026, 12, 4)),
        # guards: said before, and still so
        ("A haircut on Thursday, not this one but the one after", date(2026, 12, 3)),
        ("A haircut next Thursday please", date(2026, 11, 26)),
        ("A haircut on Thursday, not this week but next", date(2026, 12, 3)),
    ],
)
def test_not_this_one_is_the_one_after(turn: str, day: date) -> None:
    """ "next Thursday, not this one" booked this Thursday."""
    assert understand(turn, PROFILE, TODAY).day == day


def test_a_weekday_turned_down_in_a_week_is_skipped() -> None:
    """ "sometime next week, not Tuesday though" offered Tuesday."""
    c = new()
    out = c.receive(CallerSaid("I need a colour, roots mainly, sometime next week, not Tuesday "
                               "though"))  # fmt: skip
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 30), out
    out = c.receive(SlotsFound((datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10))))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 12, 2), out


@pytest.mark.parametrize(
    "turn",
    [
        "I'd like a haircut any day except Saturday",
        "I'd like a haircut, whatever day suits you",
        "A haircut, whenever you can fit me in",
    ],
)
def test_any_day_is_the_first_free_times(turn: str) -> None:
    """ "any day except Saturday" asked "What day would you like to come in?"."""
    out = new().receive(CallerSaid(turn))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == TODAY, out
    assert found.window is not None and found.window.earliest


def test_any_day_in_a_week_named_stays_in_that_week() -> None:
    out = new().receive(CallerSaid("Do you have any day free next week for a colour?"))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 30), out


async def test_the_weekday_after_in_a_move_is_after_the_booking(
    salon: Settings, store_file: Store
) -> None:
    """ "I have a 10 o'clock on Friday ..., can I move it to the Tuesday after?" offered today,
    a Tuesday, and a yes moved it there."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say("Hi, I have a 10 o'clock on Friday but I'm going to be away, can I "
                          "move it to the Tuesday after?")  # fmt: skip
    assert any("Tuesday December 1 at 9 AM" in s for s in said), said
    await call.say("The 10 please.")
    held = sorted((b["start"], b["status"]) for b in store_file.rows("bookings"))
    assert held == [("2026-11-27T10:00", "cancelled"), ("2026-12-01T10:00", "booked")]


@pytest.mark.parametrize(
    "turn", ["Can she call me back on this number", "And ask her to call me back please."]
)
async def test_a_call_back_asked_after_the_message_is_the_same_message(
    salon: Settings, store_file: Store, turn: str
) -> None:
    """ "Can she call me back on this number" once told the message was passed on began a
    second message ("Who is the message for?"), and the name said next was its text."""
    call = start_call(salon, store_file, "m1")
    await call.say("Hi, can I leave a message for Sarah? It's about the invoice you sent me.")
    said = await call.say(turn)
    assert said[0] == "Yes. I've passed your message to Sarah to call you back at 5 5 5, 1 2 3, "\
                      "4 5 6 7.", said  # fmt: skip
    await call.say("Bruce Wayne")
    (message,) = store_file.rows("messages")
    assert (message["for_staff"], message["caller_name"]) == ("Sarah", "Bruce Wayne")


def test_someone_else_booking_you_in_is_a_status_question() -> None:
    """ "I think my husband booked me in for something this week, could you check?" was
    answered and also passed on as a question we couldn't answer."""
    u = understand("Hi, I think my husband booked me in for something this week, could you "
                   "check? Name's Jane Miller.", PROFILE, TODAY)  # fmt: skip
    assert u.intents == ("status",) and u.asks_other is None, u


def test_who_one_is_booked_with_is_a_status_question() -> None:
    """ "Can you tell me who I'm booked in with on Friday?" began a booking on Friday."""
    u = understand("Can you tell me who I'm booked in with on Friday?", PROFILE, TODAY)
    assert "status" in u.intents and "book" not in u.intents, u


def test_is_anyone_there_after_trying_to_get_through_hears_us() -> None:
    """It was "I'm sorry, I don't have that information"."""
    out = says(new().receive(CallerSaid("Hi, sorry, I've been trying to reach you all day, is "
                                        "anyone there?")))  # fmt: skip
    assert out[0] == replies.CAN_HEAR_YOU, out


def test_the_day_of_an_event_is_no_day_asked_for() -> None:
    """ "I need a trim before my job interview on Thursday morning, can you do Wednesday
    afternoon?" offered Thursday morning."""
    out = new().receive(CallerSaid("I need a trim before my job interview on Thursday morning, "
                                   "can you do Wednesday afternoon?"))  # fmt: skip
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == date(2026, 11, 25), out
    assert found.window is not None and found.window.start == time(12)


def test_book_him_after_asking_about_a_stylist_is_that_stylist() -> None:
    c = new()
    c.receive(CallerSaid("Is Marco in on Friday?"))
    out = c.receive(CallerSaid("Can I book him then for a fade at 10?"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 27, 10), "5551234567"), out
    assert c.frame.asked_for == "Marco"


@pytest.mark.parametrize("turn", ["Does Sarah work Saturdays?", "Does Marco work on Fridays?"])
def test_whether_a_stylist_works_a_day_is_a_question_of_the_rota(turn: str) -> None:
    """ "Does Sarah work Saturdays?" began a booking on Saturday ("Is Marco working Saturday?"
    was already a question we can't answer)."""
    u = understand(turn, PROFILE, TODAY)
    assert "book" not in u.intents and u.asks_other, u


async def test_a_child_brought_along_to_a_booking_held_is_booked_after_it(
    salon: Settings, store_file: Store
) -> None:
    """ "So I booked a haircut for Friday, but can my son come with me and get his done too?"
    offered Friday's first times, as if no booking were held."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say("Hey, so I booked a haircut for Friday, but can my son come with me "
                          "and get his done too?")  # fmt: skip
    assert any("kids cut on Friday November 27 at 10:30 AM" in s for s in said), said
    assert call.conversation.frame.task != Task.BOOK or not call.conversation.frame.offered


async def test_next_weekday_of_the_booking_moved_is_the_week_after(
    salon: Settings, store_file: Store
) -> None:
    """ "Can you cancel Friday and rebook me for next Friday same time?" (said on a Tuesday)
    was "Your haircut is already on Friday November 27 at 10 AM"."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    await call.say("Can you cancel Friday and rebook me for next Friday same time?")
    held = sorted((b["start"], b["status"]) for b in store_file.rows("bookings"))
    assert held == [("2026-11-27T10:00", "cancelled"), ("2026-12-04T10:00", "booked")]


async def test_no_name_to_the_name_question_is_no_second_wrong_detail(
    salon: Settings, store_file: Store
) -> None:
    """ "yes" to "What name is the booking under?", after a day that matched no booking,
    looked the same day up again and counted it twice: the caller was sent to a person."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say("Hi, I'd like to cancel my appointment on Thursday")
    assert said[-1].endswith("What name is the booking under?"), said
    said = await call.say("yes")
    assert not call.transfers and "name" in said[-1], said
    said = await call.say("Jane Miller")
    assert said[-1].endswith("Shall I cancel it?"), said


async def test_two_wrong_details_still_go_to_a_person(salon: Settings, store_file: Store) -> None:
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    await call.say("Hi, I'd like to cancel my appointment on Thursday")
    await call.say("Bob Jones")
    assert [t[0] for t in call.transfers] == ["200"]


def test_a_part_of_the_day_asked_is_no_question_we_cant_answer() -> None:
    """ "... maybe Friday? Like, late afternoon?" booked, and passed "late afternoon" on to
    the front desk as a question."""
    u = understand("Uh yeah, hi, so, um, I need, like, a haircut, maybe Friday? Like, late "
                   "afternoon?", PROFILE, TODAY)  # fmt: skip
    assert u.asks_other is None and u.window is not None and u.window.start == time(15), u
    assert understand("Is the afternoon usually busy?", PROFILE, TODAY).asks_other


def test_just_before_closing_is_the_last_times() -> None:
    """ "can I book a haircut tomorrow just before you close" offered 9 and 10 AM."""
    u = understand("ok and can I book a haircut tomorrow just before you close", PROFILE, TODAY)
    assert u.window is not None and u.window.latest, u


async def test_someone_added_after_a_booking_held_without_on_is_booked_after_it(
    salon: Settings, store_file: Store
) -> None:
    """ "I'm booked in Friday at 10, can I add my husband on after me for a haircut?" checked
    Friday at 10, and the name then "booked" the caller's own booking again."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say("Hi, I'm booked in Friday at 10, can I add my husband on after me for "
                          "a haircut?")  # fmt: skip
    assert any("haircut on Friday November 27 at 10:30 AM" in s for s in said), said
    starts = sorted(b["start"] for b in store_file.rows("bookings"))
    assert starts == ["2026-11-27T10:00", "2026-11-27T10:30"]


def test_a_time_taken_said_back_is_no_question() -> None:
    """ "oh that's taken? what about 3:30 then" to the nearest times was "I don't have that
    information"."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Thursday at 3"))
    c.receive(SlotChecked(False, (datetime(2026, 11, 26, 14, 30), datetime(2026, 11, 26, 15, 30))))
    out = c.receive(CallerSaid("oh that's taken? what about 3:30 then"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 26, 15, 30), "5551234567"), out


def test_the_day_meant_for_a_booking_made_is_a_move() -> None:
    """ "I booked in for Friday at 10 but actually I meant Saturday, can you fix that?" was
    "I can't do that over the phone"."""
    c = new()
    out = c.receive(CallerSaid("Hi, I booked in for Friday at 10 but actually I meant Saturday, "
                               "can you fix that?"))  # fmt: skip
    assert out[-1] == FindBookings("5551234567", "", FRIDAY), out
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 28), out


def test_cutting_hair_is_a_haircut() -> None:
    """ "a reservation for cutting hair on Thursday" asked which service."""
    u = understand("Good day, I would like to make reservation for cutting hair on Thursday, "
                   "please", PROFILE, TODAY)  # fmt: skip
    assert u.service == "haircut", u


def test_the_day_wanted_after_the_day_held_in_plain_words() -> None:
    """ "I want to change my appointment. It is Friday, I want Thursday" looked for a booking
    on Thursday."""
    c = new()
    out = c.receive(CallerSaid("Yes hello, please, I want to change my appointment. It is "
                               "Friday, I want Thursday"))  # fmt: skip
    assert out[-1] == FindBookings("5551234567", "", FRIDAY), out
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 26), out


async def test_the_name_of_the_one_a_booking_is_for_said_with_it_is_its_name(
    salon: Settings, store_file: Store
) -> None:
    """ "... a kids cut for my daughter this Saturday at 10, her name is Ella." asked "What
    name should I put the booking under?"."""
    call = start_call(salon, store_file, "e1")
    await call.say("Hi there, I was wondering if I could book a kids cut for my daughter this "
                   "Saturday at 10, her name is Ella.")  # fmt: skip
    assert [(b["name"], b["start"]) for b in store_file.rows("bookings")] == [
        ("Ella", "2026-11-28T10:00")
    ]


def test_a_friends_name_told_of_is_not_the_bookings() -> None:
    c = new()
    out = c.receive(CallerSaid("I'd like a haircut on Friday at 2, my friend's name is Lucy, "
                               "she recommended you"))  # fmt: skip
    assert c.frame.name is None, out


@pytest.mark.parametrize(
    "turn",
    [
        "Can I book my son and daughter in for kids cuts Saturday at 10, his name is Leo",
        "kids cuts for my son and my daughter on Saturday",
    ],
)
def test_two_relations_named_are_two_people(turn: str) -> None:
    """ "my son and daughter" was one kids cut."""
    assert understand(turn, PROFILE, TODAY).people == 2


async def test_make_it_a_colour_as_well_adds_it(salon: Settings, store_file: Store) -> None:
    """ "I have a haircut on Friday but I'd like to make it a colour as well" offered to change
    the haircut into a colour, and a yes cancelled the haircut."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    await call.say("I have a haircut on Friday but I'd like to make it a colour as well")
    held = sorted((b["service"], b["start"], b["status"]) for b in store_file.rows("bookings"))
    assert held == [("colour", "2026-11-27T10:30", "booked"),
                    ("haircut", "2026-11-27T10:00", "booked")]  # fmt: skip


async def test_another_time_instead_of_the_one_held_moves_it(
    salon: Settings, store_file: Store
) -> None:
    """ "My Friday appointment, can we do 11 instead of 10?" began a new booking at 11."""
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    await call.say("My Friday appointment, can we do 11 instead of 10?")
    held = sorted((b["start"], b["status"]) for b in store_file.rows("bookings"))
    assert held == [("2026-11-27T10:00", "cancelled"), ("2026-11-27T11:00", "booked")]


def test_cancel_and_do_another_service_instead_changes_the_service() -> None:
    """ "Can I cancel my haircut and just do a beard trim instead?" cancelled the haircut, and
    the beard trim was forgotten."""
    u = understand("Can I cancel my haircut and just do a beard trim instead?", PROFILE, TODAY)
    assert "move" in u.intents and "cancel" not in u.intents, u


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, I got a text reminder about an appointment but I don't remember booking one?",
        "Hello, I'm calling to confirm tomorrow's appointment",
        "I'd like to know if my booking for the 27th is still on",
        "Did my husband John book anything for Thursday? His name's John Smith.",
        "My appointment is tomorrow at 3, I just want to check it's with Sarah",
        "Hi, this is John Smith, could you tell me what time I'm in on Thursday?",
        "I've got 2 appointments I think, can you check?",
    ],
)
def test_a_booking_held_asked_after_is_status(turn: str) -> None:
    """Each began a booking ("What would you like to book?"), or (the last) was a question we
    can't answer."""
    u = understand(turn, PROFILE, TODAY)
    assert "status" in u.intents and "book" not in u.intents and u.asks_other is None, u


def test_the_name_said_of_the_one_whose_booking_is_asked_finds_it() -> None:
    c = new()
    out = c.receive(CallerSaid("Did my husband John book anything for Thursday? His name's "
                               "John Smith."))  # fmt: skip
    assert out[-1] == FindBookings("5551234567", "John Smith", date(2026, 11, 26), True), out


@pytest.mark.parametrize(
    "turn",
    [
        "Can I get a haircut on Friday, and how long will it take?",
        "Can I get a haircut on Friday? How much is it?",
    ],
)
def test_a_service_asked_for_with_a_question_is_still_booked(turn: str) -> None:
    """The question was answered and the booking dropped ("anything else?")."""
    out = new().receive(CallerSaid(turn))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == FRIDAY, out


def test_a_cheaper_service_asked_is_a_question_not_a_booking() -> None:
    u = understand("Can I get a haircut cheaper if I'm a student?", PROFILE, TODAY)
    assert "book" not in u.intents, u


def test_earlier_than_the_booking_held_looks_before_it() -> None:
    """ "Any way I could come in earlier than my 10 o'clock Friday?" began a booking at 10."""
    c = new()
    out = c.receive(CallerSaid("Any way I could come in earlier than my 10 o'clock Friday?"))
    assert out[-1] == FindBookings("5551234567", "", FRIDAY), out
    out = c.receive(BookingsFound((FRIDAY_10,)))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.first_day == FRIDAY, out
    assert found.window is not None and found.window.end == time(10), out


def test_whether_there_is_a_booking_under_a_name_is_status() -> None:
    """ "Can you check if there's a booking under Martha Jones?" began a booking."""
    u = understand("Hi, can you check if there's a booking under Martha Jones?", PROFILE, TODAY)
    assert u.intents == ("status",) and u.name == "Martha Jones", u


@pytest.mark.parametrize(
    "turn",
    [
        "What services do you offer?",
        "Can you tell me a bit about what services you offer?",
        "What kind of things do you do?",
        "What do you do there?",
        "What else do you offer besides haircuts?",
    ],
)
def test_the_services_asked_are_said(turn: str) -> None:
    """Each was "I'm sorry, I don't have that information" (or a haircut's booking)."""
    out = says(new().receive(CallerSaid(turn)))
    assert out[0] == "We offer a haircut, a beard trim, a colour or a kids cut.", out


def test_a_price_that_depends_asked_with_a_booking_is_passed_on_after_it() -> None:
    """ "... how much is it? And do you do a discount for seniors?" with a haircut asked for:
    the discount was never answered nor passed on."""
    c = new()
    said = (
        "Hello, I'd like a haircut, but I'm nervous about the price, how much is it? And "
        "do you do a discount for seniors?"
    )
    out = says(c.receive(CallerSaid(said)))
    assert out[1] == replies.QUESTION_LATER and c.frame.task == Task.BOOK, out
    assert "discount" in c._question_left


def test_someone_to_call_about_a_booking_is_a_message() -> None:
    """ "I need someone to call me about a group booking" began a booking."""
    u = understand("Hi, I need someone to call me about a group booking", PROFILE, TODAY)
    assert u.intents == ("message",), u


def test_a_name_to_the_number_question_is_kept_and_the_number_asked_again() -> None:
    """ "Ben Grimm" to "What number should they call you back on?" was "Sorry, I didn't quite
    get that", and the name was lost."""
    c = new("")
    c.receive(CallerSaid("Can I leave a message for the front desk? Tell them Ben called about "
                         "the invoice."))  # fmt: skip
    out = says(c.receive(CallerSaid("Ben Grimm")))
    assert out == ["Thanks, Ben Grimm. And what number should they call you back on?"], out
    assert c.frame.name == "Ben Grimm" and c.expecting == Expect.PHONE


# Words as Whisper tiny.en wrote them from voices not ours (flite, Festival through the
# G.711 line; `python -m receptionist.harness.hearing --save FILE`), where the caller's
# meaning is still plain.


def test_a_weekday_heard_as_words_after_the_service_is_that_day() -> None:
    """ "haircut for ID, no weight, make that free." (Friday, no wait, three) offered Tuesday
    and Wednesday at 3."""
    u = understand("haircut for ID, no weight, make that free.", PROFILE, TODAY)
    assert (u.day, u.time) == (FRIDAY, time(15)) and "day" in u.unsure_slots, u


def test_an_article_heard_before_the_name_is_not_part_of_it() -> None:
    """ "put it under a Lisa Chen." to the name question was not understood."""
    u = understand("put it under a Lisa Chen.", PROFILE, TODAY, Expect.NAME.value)
    assert u.name == "Lisa Chen", u
    assert understand("my name is a bit hard to spell", PROFILE, TODAY, "name").name is None


@pytest.mark.parametrize("turn", ["a beard trim, Friday at 1-0, 30", "beard trim Friday at 1-0-30"])
def test_ten_thirty_heard_digit_by_digit(turn: str) -> None:
    assert understand(turn, PROFILE, TODAY).time == time(10, 30)


@pytest.mark.parametrize("turn", ["555 to 123456", "555 to 1, 2, 3, 4, 5, 6"])
def test_a_two_heard_as_to_among_the_digits_of_a_number(turn: str) -> None:
    """ "555 to 123456" to "What number should they call you back on?" was not understood."""
    assert understand(turn, PROFILE, TODAY, Expect.PHONE.value).phone == "5552123456"


def test_between_two_times_is_no_phone_number() -> None:
    assert understand("555 1234, from 2 to 4", PROFILE, TODAY).phone == "5551234"


def test_a_message_for_the_front_desk_is_not_asked_who_for() -> None:
    """ "I need to leave a message for the front desk." was asked "Who is the message for?"."""
    c = new()
    out = says(c.receive(CallerSaid("I need to leave a message for the front desk.")))
    assert c.frame.staff == "front desk" and not any("Who is" in s for s in out), out


@pytest.mark.parametrize(
    ("turn", "at"),
    [
        ("Good I look at kids cut for half past to on Friday.", time(14, 30)),
        ("sorry, I said for not do.", time(16)),
        ("sorry I said for not to.", time(16)),
        ("Can we move it to the 4th of December 10th AM?", time(10)),
        ("11, 30, Thursday, haircut,", time(11, 30)),
    ],
)
def test_an_hour_heard_as_the_words_it_sounds_like(turn: str, at: time) -> None:
    """Each lost its time ("half past to", "for not do", "10th AM", "11, 30")."""
    assert understand(turn, PROFILE, TODAY).time == at


def test_digits_of_a_number_with_commas_are_no_time() -> None:
    u = understand("my number is 555, 30, 12, 1234", PROFILE, TODAY, Expect.PHONE.value)
    assert u.phone == "55530121234" and u.time is None, u


def test_a_same_day_appointment_is_today() -> None:
    """ "Is there any chance of a same-day appointment?" then "haircut" asked what day."""
    assert understand("Hi, is there any chance of a same-day appointment?", PROFILE, TODAY).day == (
        TODAY
    )


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, I'd like to book with Marco, what days does he work?",
        "Can I book a haircut on Friday? Is Marco in that day?",
    ],
)
def test_the_rota_asked_with_a_booking_is_passed_on(turn: str) -> None:
    """The booking went on and the question of the rota was dropped without a word."""
    c = new()
    out = says(c.receive(CallerSaid(turn)))
    assert out[0] == replies.QUESTION_LATER and c.frame.task == Task.BOOK, out
    assert "Marco" in c._question_left


@pytest.mark.parametrize(
    ("turn", "start", "end"),
    [
        ("I want a colour, Friday. Not in the morning though.", time(12), None),
        ("I can't do mornings, haircut Friday", time(12), None),
        ("a haircut Friday, but not in the afternoon", None, time(12)),
    ],
)
def test_a_part_of_the_day_turned_down_is_the_rest_of_it(
    turn: str, start: time | None, end: time | None
) -> None:
    """ "Not in the morning though" offered 10:30 and 11:30 AM."""
    u = understand(turn, PROFILE, TODAY)
    assert u.window is not None and (u.window.start, u.window.end) == (start, end), u


def test_thanks_for_a_stylist_is_a_message_for_them() -> None:
    """ "just wanted to say thanks to Marco for the great cut yesterday" began a booking."""
    u = understand("Hi, just wanted to say thanks to Marco for the great cut yesterday", PROFILE,
                   TODAY)  # fmt: skip
    assert u.intents == ("message",) and u.staff == "Marco", u


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, I'm a hairdresser looking for work, are you hiring?",
        "Do you have any job openings?",
    ],  # fmt: skip
)
def test_a_job_asked_about_is_a_question_not_a_service(turn: str) -> None:
    """ "... looking for work, are you hiring?" was "I'm sorry, we don't offer work"."""
    u = understand(turn, PROFILE, TODAY)
    assert u.intents == ("question",) and u.unknown_service is None and u.asks_other, u


@pytest.mark.parametrize(
    "turn", ["wait, what was the time you said?", "sorry, can you repeat those times?"]
)
def test_the_times_asked_again_are_said_again(turn: str) -> None:
    """Each was a question passed on to the front desk after the booking."""
    c = new()
    c.receive(CallerSaid("I'd like a colour Thursday"))
    c.receive(SlotsFound((datetime(2026, 11, 26, 9), datetime(2026, 11, 26, 10))))
    out = says(c.receive(CallerSaid(turn)))
    assert "Thursday November 26 at 9 AM, or Thursday November 26 at 10 AM." in " ".join(out)
    assert not c._question_left and c.expecting == Expect.CHOOSE_SLOT, out


def test_hang_on_while_someone_else_talks_is_a_wait() -> None:
    """ "Oh hang on, my wife's telling me something" was "Sorry, I didn't quite get that"."""
    c = new()
    c.receive(CallerSaid("Haircut Saturday please"))
    c.receive(SlotsFound(SATURDAY_9_10))
    out = says(c.receive(CallerSaid("Oh hang on, my wife's telling me something")))
    assert out == ["Sure, take your time."] and c.expecting == Expect.CHOOSE_SLOT, out
    out = c.receive(CallerSaid("OK, Saturday is fine, 10"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 28, 10), "5551234567"), out


@pytest.mark.parametrize(
    ("turn", "service"),
    [
        ("Can I also get a beard trim right after?", "beard trim"),
        ("actually yes, can I also book my son in after me?", "kids cut"),
    ],  # fmt: skip
)
async def test_another_service_right_after_a_booking_just_made_follows_it(
    salon: Settings, store_file: Store, turn: str, service: str
) -> None:
    """It asked "What day would you like to come in?"."""
    call = start_call(salon, store_file, "after")
    await call.say("I'd like to book a haircut Friday at 4")
    await call.say("Sue Storm")
    said = await call.say(turn)
    assert any(f"{service} on Friday November 27 at 4:30 PM" in s for s in said), said


async def test_the_price_of_that_just_booked_is_its_price(
    salon: Settings, store_file: Store
) -> None:
    """ "one more thing, how much will that be?" read the whole price list."""
    call = start_call(salon, store_file, "price")
    await call.say("Haircut Thursday 11")
    await call.say("Reed Richards")
    said = await call.say("one more thing, how much will that be?")
    assert said[0] == "A haircut is 35 dollars and takes about 30 minutes.", said


def test_an_hour_not_offered_is_on_the_day_of_the_times_offered() -> None:
    """ "12" to today's 11:30 AM or 12:30 PM offered 12 PM today or tomorrow."""
    c = new()
    c.receive(CallerSaid("Can I come in at lunch for a quick trim?"))
    c.receive(SlotsFound((datetime(2026, 11, 24, 11, 30), datetime(2026, 11, 24, 12, 30))))
    out = c.receive(CallerSaid("12"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 24, 12), "5551234567"), out


def test_a_weekday_and_its_date_without_the() -> None:
    """ "Saturday 12th" was this Saturday, the 28th."""
    assert understand("Saturday 12th", PROFILE, TODAY, "day").day == date(2026, 12, 12)


@pytest.mark.parametrize(
    "turn",
    [
        "Hello, I was booked in for a colour today but I can't find your address, where are you?",
        "What's your address?",
    ],
)
def test_where_we_are_is_a_question_we_cant_answer(turn: str) -> None:
    """The first offered today's colours."""
    u = understand(turn, PROFILE, TODAY)
    assert u.intents == ("question",) and u.asks_other, u


def test_a_service_swapped_for_a_booking_held_at_a_time_is_a_change() -> None:
    """ "I have a haircut at 10 on Friday, can I swap it for a beard trim?" checked a beard
    trim at 10 as a new booking (taken, by the caller's own haircut)."""
    c = new()
    out = c.receive(CallerSaid("I have a haircut at 10 on Friday, can I swap it for a beard "
                               "trim?"))  # fmt: skip
    assert out[-1] == FindBookings("5551234567", "", FRIDAY), out
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert says(out)[-1].endswith("Shall I change it to a beard trim at the same time?"), out


def test_a_second_booking_asked_at_the_same_time_is_checked_then() -> None:
    """ "... a colour for me Saturday morning and a kids cut for my daughter same time if you
    can" offered the kids cut right after the colour (10:30), not at its time."""
    c = new()
    c.receive(CallerSaid("Hello, I'm after two appointments, a colour for me Saturday morning "
                         "and a kids cut for my daughter same time if you can"))  # fmt: skip
    c.receive(SlotsFound(SATURDAY_9_10))
    c.receive(CallerSaid("9"))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Pepper Potts"))
    out = c.receive(SlotChecked(True)) if isinstance(out[-1], CheckSlot) else out
    nine = datetime(2026, 11, 28, 9)
    assert out[-1] == Book("colour", nine, "Pepper Potts", "5551234567"), out
    out = c.receive(booked("colour", nine, "Pepper Potts"))
    assert out[-1] == CheckSlot("kids cut", nine, "5551234567"), out


def test_i_think_im_booked_is_a_status_question() -> None:
    """ "..., I think I'm booked for Friday?" began a booking on Friday."""
    u = understand("Yeah hello, I rang yesterday about getting my hair done, I think I'm booked "
                   "for Friday?", PROFILE, TODAY)  # fmt: skip
    assert u.intents == ("status",) and u.day == FRIDAY, u


def test_moving_a_childs_booking_from_a_day_is_a_move() -> None:
    """ "move my daughter's kids cut from Saturday to the following Saturday" offered this
    Saturday's times as a new booking."""
    c = new()
    out = c.receive(CallerSaid("Hi, I'm calling to move my daughter's kids cut from Saturday to "
                               "the following Saturday"))  # fmt: skip
    assert out[-1] == FindBookings("5551234567", "", date(2026, 11, 28)), out


async def test_a_call_back_asked_with_more_words_after_a_message_is_added_to_it(
    salon: Settings, store_file: Store
) -> None:
    """ "Could someone give me a call if they find it?" after the scarf left was a second
    message."""
    call = start_call(salon, store_file, "scarf")
    await call.say("Hi, I think I left my scarf there yesterday, a blue one")
    said = await call.say("Could someone give me a call if they find it?")
    assert said[0] == "I've added that to your message for the front desk.", said
    (message,) = store_file.rows("messages")
    assert "if they find it" in message["text"] and "scarf" in message["text"]


def test_cant_make_it_after_an_hour_is_before_it_not_a_cancel() -> None:
    """ "I can't make it after 4, haircut Thursday please" cancelled (and, nothing found on
    Thursday, sent the caller to a person)."""
    u = understand("I can't make it after 4, haircut Thursday please", PROFILE, TODAY)
    assert u.intents == ("book",) and u.window is not None and u.window.end == time(16), u
    assert understand("I can't make it on Friday", PROFILE, TODAY).intents == ("cancel",)


def test_what_time_my_haircut_is_is_a_status_question() -> None:
    """ "Can you tell me what time my haircut is on Friday?" offered Friday's haircuts."""
    u = understand("Can you tell me what time my haircut is on Friday?", PROFILE, TODAY)
    assert u.intents == ("status",), u


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, I need to book a haircut but I use a wheelchair, is that OK?",
        "I'd like a colour, I'm pregnant, is that OK?",
    ],
)
def test_whether_something_told_is_all_right_is_passed_on_with_the_booking(turn: str) -> None:
    """The booking went on and "is that OK?" was never answered nor passed on."""
    c = new()
    out = says(c.receive(CallerSaid(turn)))
    assert out[0] == replies.QUESTION_LATER and c.frame.task == Task.BOOK, out


def test_a_time_asked_is_that_ok_is_checked_not_passed_on() -> None:
    out = new().receive(CallerSaid("Can I book a haircut Friday at 3, is that ok?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 15), "5551234567")], out
