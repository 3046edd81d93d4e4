"""Callers' words from session 27's lists of text calls that no scenario wrote: each was
wrong before (a wrong time booked, a booking held taken for a new one, ...).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from receptionist.app.config import Settings
from receptionist.dialog import replies
from receptionist.dialog.about_the_call import checks_the_line
from receptionist.dialog.actions import (
    Cancel,
    CheckSlot,
    FindBookings,
    FindSlots,
    RecordEscalation,
    Transfer,
)
from receptionist.dialog.events import (
    BookingsFound,
    BookingView,
    CallerSaid,
    CancelDone,
    Reported,
    SlotChecked,
    SlotsFound,
)
from receptionist.dialog.frame import Expect, Task
from receptionist.dialog.names import addressed
from receptionist.dialog.understand import understand
from receptionist.store.db import Store
from tests.conftest_dialog import start_call
from tests.test_conversation import PROFILE, TODAY, new, says


def test_the_hour_on_the_dot_is_asked_for_not_the_offered_time_in_that_hour() -> None:
    """To "3:30 PM or 4:30 PM", "the four o'clock" is 4:00 (it booked 4:30)."""
    c = new()
    c.receive(CallerSaid("I need a kids cut on Thursday after 3:30"))
    offered = [datetime(2026, 11, 26, 15, 30), datetime(2026, 11, 26, 16, 30)]
    c.receive(SlotsFound(offered))
    out = c.receive(CallerSaid("Sure, the four o'clock"))
    assert CheckSlot("kids cut", datetime(2026, 11, 26, 16, 0), "5551234567") in out


@pytest.mark.parametrize(
    "turn",
    [
        "I have something with you Friday, can you tell me what time it is again?",
        "Hi there, I booked online for Friday but I never got a confirmation",
        "I've got a slot on Friday, is it still on?",
    ],
)
def test_a_booking_held_asked_about_is_looked_up_not_booked_again(turn: str) -> None:
    c = new()
    out = c.receive(CallerSaid(turn))
    assert c.frame.task == Task.STATUS, turn
    assert isinstance(out[-1], FindBookings) and not any(isinstance(a, FindSlots) for a in out)


@pytest.mark.parametrize(
    ("turn", "staff"),
    [
        ("Hi there, is Sarah in today? I just want a quick word", "Sarah"),
        ("Is Marco in?", "Marco"),
        ("Could I have a word with Marco?", "Marco"),
    ],
)
def test_a_staff_member_asked_for_by_whether_they_are_in_is_put_through(
    turn: str, staff: str
) -> None:
    """It answered "I don't have that information"."""
    out = new().receive(CallerSaid(turn))
    assert any(isinstance(a, Transfer) and a.target == staff for a in out), out


def test_whether_a_stylist_is_in_on_another_day_is_no_transfer() -> None:
    out = new().receive(CallerSaid("Is Marco in on Friday?"))
    assert not any(isinstance(a, Transfer) for a in out)


@pytest.mark.parametrize(
    "turn",
    [
        "I'm really not happy, I was charged $50 for a haircut that's meant to be 35",
        "Hi, it's about the colour Sarah did last week, it's gone a bit orange",
    ],
)
def test_a_complaint_in_the_salons_own_words_goes_to_the_owner(turn: str) -> None:
    """Both were taken for a new booking ("Sure, a haircut. What day ...?")."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert any(isinstance(a, RecordEscalation) and a.rule == "refund or complaint" for a in out)
    assert any(isinstance(a, Transfer) and a.target == "Sarah" for a in out)


@pytest.mark.parametrize(
    "turn",
    ["Hi, it's about the colour Sarah did last week", "The cut Marco gave me yesterday, well"],
)
def test_a_service_someone_did_is_a_visit_made_not_a_booking(turn: str) -> None:
    c = new()
    out = c.receive(CallerSaid(turn))
    assert c.frame.task != Task.BOOK, turn
    assert not any(isinstance(a, FindSlots) for a in out)


@pytest.mark.parametrize(
    "turn",
    [
        "Could you move me from Friday to Saturday same time?",
        "Can you switch me over to Thursday?",
        "Could you move us to next week?",
    ],
)
def test_moving_the_caller_is_a_move(turn: str) -> None:
    """ "Move me from Friday to Saturday" asked what to book on Friday."""
    c = new()
    c.receive(CallerSaid(turn))
    assert c.frame.task == Task.MOVE, turn


@pytest.mark.parametrize(
    "answer", ["Nope that's all, bye", "Actually never mind", "Nah, forget it", "Yeah um"]
)
def test_a_word_that_is_no_service_is_never_said_back_as_one(answer: str) -> None:
    """To "What would you like to book?": "I'm sorry, we don't offer nope that's all"."""
    c = new()
    c.receive(CallerSaid("I'd like to book something on Friday"))
    out = c.receive(CallerSaid(answer))
    assert not any("offer" in s and "don't" in s for s in says(out)), says(out)


@pytest.mark.parametrize(
    ("rebook", "first", "last"),
    [
        ("Could I rebook for the week after?", date(2026, 11, 30), date(2026, 12, 6)),
        ("Can I rebook it for next Tuesday?", date(2026, 12, 1), date(2026, 12, 1)),
    ],
)
def test_a_rebooking_once_cancelled_books_the_same_service_anew(
    rebook: str, first: date, last: date
) -> None:
    """It looked for a booking to move (there was none left) and sent the caller to a person."""
    c = new()
    c.receive(CallerSaid("I need to cancel my Friday appointment"))
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    c.receive(BookingsFound((friday,)))
    assert c.receive(CallerSaid("Yes."))[-1] == Cancel(9)
    c.receive(CancelDone("cancelled", friday, "Your haircut on Friday is cancelled (claim)."))
    out = c.receive(CallerSaid(rebook))
    assert c.frame.task == Task.BOOK and c.frame.name == "Jane Miller"
    found = out[-1]
    assert isinstance(found, FindSlots) and found.service == "haircut", out
    assert (found.first_day, found.last_day) == (first, last), found


@pytest.mark.parametrize(
    "turn",
    [
        "My phone number has changed, can you update it on my booking?",
        "Hi, I've got a new number, can you put it on my appointment for Friday?",
    ],
)
def test_a_new_number_for_a_booking_is_a_message_for_the_front_desk(turn: str) -> None:
    """ "My phone number has changed" was "What would you like to book?"."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert c.frame.task == Task.MESSAGE and c.frame.staff == "front desk", out
    assert not any(isinstance(a, FindSlots) for a in out)


def test_a_check_of_the_line_on_a_bad_line_is_answered() -> None:
    """ "can you hear me I'm on a bad line" was "Sorry, I didn't quite get that"."""
    assert checks_the_line("yeah hi um can you hear me i'm on a bad line")
    assert checks_the_line("hello? you're breaking up, can you hear me?")
    assert not checks_the_line("can you hear me? i'd like to book a haircut on a bad day")


@pytest.mark.parametrize(
    "turn",
    ["Hello, I'm wondering whether you do gift vouchers", "I wanted to ask if you sell shampoo"],
)
def test_a_question_we_cannot_answer_said_as_wondering_offers_a_message_or_a_person(
    turn: str,
) -> None:
    """Was "Sorry, I didn't quite get that" (no question mark, no question word first)."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [replies.DONT_KNOW] and c.expecting == Expect.OFFER_HELP


@pytest.mark.parametrize(
    ("after", "name"),
    [
        ("Emma", "Emma"),
        ("My name's Priya and the number you have is fine", "Priya"),
    ],
)
async def test_a_name_given_once_the_message_is_passed_on_goes_on_it(
    salon: Settings, store_file: Store, after: str, name: str
) -> None:
    call = start_call(salon, store_file, "u1", caller_id="5553334444")
    await call.say("Hi, I think I left my scarf there yesterday")
    said = await call.say("Can someone check and let me know?")
    assert said[0].startswith("Yes. I've passed your message to the front desk"), said
    said = await call.say(after)
    assert said[0] == f"Thank you, {name}.", said
    (message,) = store_file.rows("messages")
    assert message["caller_name"] == name
    assert "scarf" in message["text"]


def test_how_long_asked_just_after_a_price_is_of_that_service() -> None:
    """It read out every service's length."""
    c = new()
    c.receive(CallerSaid("A friend said you do good highlights. What does that cost?"))
    out = c.receive(CallerSaid("And how long would I need to set aside?"))
    assert says(out)[0] == "A colour takes about 90 minutes.", says(out)
    out = c.receive(CallerSaid("And what are your prices?"))
    assert says(out)[0].startswith("Our prices: a haircut is 35 dollars"), says(out)


@pytest.mark.parametrize("answer", ["Fine by me", "Any", "Either", "Any of them is fine"])
def test_any_of_the_times_offered_takes_the_first(answer: str) -> None:
    c = new()
    c.receive(CallerSaid("I'd like a colour on Thursday"))
    offered = [datetime(2026, 11, 26, 9), datetime(2026, 11, 26, 10)]
    c.receive(SlotsFound(offered))
    out = c.receive(CallerSaid(answer))
    assert out[-1] == CheckSlot("colour", offered[0], "5551234567"), out


def test_coming_earlier_in_the_day_than_a_booking_held_is_a_move() -> None:
    """ "I've got a booking for Thursday afternoon, but I'd rather come earlier in the day" was
    "I can't do that over the phone"."""
    c = new()
    c.receive(CallerSaid("Hi I've got a booking for Thursday afternoon, but I think I'd rather "
                         "come earlier in the day if you can"))  # fmt: skip
    assert c.frame.task == Task.MOVE


def test_another_service_we_do_not_offer_asked_after_the_first_is_said_so() -> None:
    """ "What about keratin treatments?" after perms: "I can't answer your question myself"
    and the perms said again."""
    c = new()
    c.receive(CallerSaid("Hi, do you guys do perms?"))
    out = c.receive(CallerSaid("What about keratin treatments?"))
    assert says(out) == [
        "I'm sorry, we don't offer keratin treatments. We offer a haircut, a beard trim, a "
        "colour or a kids cut. Would you like one of those?"
    ], says(out)


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("Mrs. Dorothy Hill", "Mrs. Hill"),
        ("Dr. Ray Patel", "Dr. Patel"),
        ("Dorothy Hill", "Dorothy"),
    ],
)
def test_a_caller_with_a_title_is_addressed_by_title_and_surname(name: str, called: str) -> None:
    """ "It's Mrs. Dorothy Hill" was thanked "Thank you, Mrs..": the title alone."""
    assert addressed(name) == called
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Friday"))
    c.receive(SlotsFound([datetime(2026, 11, 27, 9), datetime(2026, 11, 27, 10, 30)]))
    out = c.receive(CallerSaid(f"It's {name}"))
    assert says(out)[0] == f"Thank you, {called}.", says(out)


def test_one_after_the_other_is_no_time_nor_the_saturday_after() -> None:
    """It was Saturday December 5 at 1 PM."""
    u = understand(
        "Can I book a kids cut and a haircut for Saturday, one after the other?",
        PROFILE,
        TODAY,
    )
    assert (u.day, u.time) == (date(2026, 11, 28), None)


@pytest.mark.parametrize("more", ["Later still?", "Even later?"])
def test_later_still_asks_for_later_times_not_the_later_one(more: str) -> None:
    """ "Later still?" booked the later of the two offered."""
    c = new()
    c.receive(CallerSaid("I want a colour on Wednesday"))
    c.receive(SlotsFound([datetime(2026, 11, 25, 10, 15), datetime(2026, 11, 25, 11, 15)]))
    out = c.receive(CallerSaid(more))
    assert not any(isinstance(a, CheckSlot) for a in out), out
    found = out[-1]
    assert isinstance(found, FindSlots) and found.window is not None, out
    assert found.window.start is not None and found.window.start > time(11, 15), found


def test_a_time_before_an_oh_that_starts_the_next_sentence_is_kept() -> None:
    """ "at 9. Oh, and can I pay by card?": "9 oh" was read as digits of a number."""
    u = understand("I'd like a haircut on Friday at 9. Oh, and can I pay by card?", PROFILE, TODAY)
    assert (u.day, u.time) == (date(2026, 11, 27), time(9, 0))
    assert understand("at nine oh five", PROFILE, TODAY).time == time(9, 5)


def test_bringing_a_child_along_to_a_booking_held_books_them() -> None:
    """ "my appointment is on Friday and ... could I bring my son along and get him a cut
    too" only read out the caller's own booking."""
    c = new()
    out = c.receive(CallerSaid("Hi! So my appointment is on Friday and I was wondering if I "
                               "could bring my son along and get him a cut too"))  # fmt: skip
    assert c.frame.task == Task.BOOK and c.frame.service == "kids cut", out


def test_the_latest_asked_for_among_times_offered_looks_at_the_whole_day() -> None:
    """ "Latest you've got" to 9 or 10 AM was "Both of those would suit"."""
    c = new()
    c.receive(CallerSaid("Can I get a beard trim today?"))
    c.receive(SlotsFound([datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 10)]))
    out = c.receive(CallerSaid("Latest you've got"))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.window is not None and found.window.latest


def test_book_him_in_is_no_service_called_him() -> None:
    """ "Okay, book him in Thursday morning then" was "we don't offer him"."""
    c = new()
    c.receive(CallerSaid("I'm trying to get a haircut for my dad, he's 80"))
    out = c.receive(CallerSaid("Okay, book him in Thursday morning then"))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.service == "haircut", out
    assert found.first_day == date(2026, 11, 26)


def test_a_question_at_the_end_of_a_booking_request_is_not_lost() -> None:
    c = new()
    out = c.receive(CallerSaid("I'm trying to get a haircut for my dad, he's 80, does he get a "
                               "discount?"))  # fmt: skip
    assert replies.QUESTION_LATER in says(out), says(out)


def test_a_cancellation_asked_for_with_a_word_for_a_stylist_is_done() -> None:
    """ "let Marco know I can't make it Friday and cancel it for me" only took a message."""
    c = new()
    out = c.receive(CallerSaid("Could you let Marco know I can't make it Friday and cancel it "
                               "for me?"))  # fmt: skip
    assert c.frame.task == Task.CANCEL
    assert isinstance(out[-1], FindBookings), out


@pytest.mark.parametrize("turn", ["Hola, habla español?", "Do you speak Spanish?"])
def test_a_caller_asking_for_another_language_is_told_plainly(turn: str) -> None:
    """Was "I'm sorry, I don't have that information"."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [replies.ENGLISH_ONLY] and c.expecting == Expect.OFFER_HELP


FRIDAY_10 = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                        "booked")  # fmt: skip


def test_moved_to_the_following_week_same_time_is_a_week_later() -> None:
    """ "I need to move Friday to the following week, same time" cancelled Friday 10 AM and
    booked Friday 10 AM again."""
    c = new()
    c.receive(CallerSaid("I need to move Friday to the following week, same time"))
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert CheckSlot("haircut", datetime(2026, 12, 4, 10), moving=9) in out, out


def test_a_move_to_the_time_the_booking_already_has_moves_nothing() -> None:
    c = new()
    c.receive(CallerSaid("Can you move my Friday appointment to Friday at 10?"))
    out = c.receive(BookingsFound((FRIDAY_10,)))
    assert not any(isinstance(a, CheckSlot) for a in out), out
    assert says(out)[0].startswith("Your haircut is already on Friday November 27 at 10 AM.")


def test_i_cannot_make_friday_anymore_cancels_friday() -> None:
    """Was "Sorry, I didn't quite get that"."""
    c = new()
    out = c.receive(CallerSaid("I can't make Friday anymore"))
    assert c.frame.task == Task.CANCEL and isinstance(out[-1], FindBookings), out


def test_what_else_is_there_to_the_times_offered_offers_others() -> None:
    """ "I can't make Friday at 9, what else is there?" was "Sorry, I didn't quite get that"."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Friday"))
    c.receive(SlotsFound([datetime(2026, 11, 27, 9), datetime(2026, 11, 27, 10, 30)]))
    out = c.receive(CallerSaid("I can't make Friday at 9, what else is there?"))
    found = out[-1]
    assert isinstance(found, FindSlots) and found.window is not None, out
    assert found.window.start is not None and found.window.start > time(10, 30), found


def test_a_stylist_asked_for_on_a_booking_held_is_a_message_for_the_front_desk() -> None:
    """ "Can I have Marco for my Friday appointment instead?" started a new booking."""
    c = new()
    out = c.receive(CallerSaid("Can I have Marco for my Friday appointment instead?"))
    assert c.frame.task == Task.MESSAGE and c.frame.staff == "front desk", out


def test_the_price_of_a_booking_held_is_its_own_looked_up() -> None:
    """ "How much will my appointment on Friday cost?" was the price list, then "What would you
    like to book on Friday?"."""
    c = new()
    out = c.receive(CallerSaid("How much will my appointment on Friday cost?"))
    assert c.frame.task == Task.STATUS and isinstance(out[-1], FindBookings), out
    assert not any("Our prices" in s for s in says(out))
    out = c.receive(BookingsFound((FRIDAY_10,)))
    out = c.receive(Reported("You have a haircut booked on Friday (claim)."))
    assert says(out)[:2] == [
        "You have a haircut booked on Friday (claim).",
        "A haircut is 35 dollars and takes about 30 minutes.",
    ], says(out)


@pytest.mark.parametrize(
    ("turn", "goodbye"),
    [
        ("us at the shame never mind then by.", True),  # Festival's "Ah, that's a shame ..."
        ("Okay thanks, by", True),
        ("Can I drop by?", False),
        ("I'll pop by on Friday", False),
    ],
)
def test_whispers_by_at_the_end_of_a_farewell_is_bye(turn: str, goodbye: bool) -> None:
    assert understand(turn, PROFILE, TODAY, "day").goodbye == goodbye, turn


@pytest.mark.parametrize(
    "turn",
    [
        "here, just checking my appointments all booked for this week.",  # as heard
        "I'm checking if my booking is confirmed",
    ],
)
def test_checking_a_booking_is_a_question_of_its_status(turn: str) -> None:
    """ "just checking my appointment's all booked" was "What would you like to book?"."""
    assert understand(turn, PROFILE, TODAY).intents == ("status",), turn


def test_is_this_a_machine_asked_at_a_read_back_is_answered() -> None:
    """To "Just to check: ... Is that right?" it was "Please say yes or no"."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut, Wednesday at Wells."))  # as Whisper heard "noon"
    out = c.receive(SlotChecked(True))
    assert says(out)[0].startswith("Just to check:"), says(out)
    out = c.receive(CallerSaid("Sorry, is this a machine I'm speaking to?"))
    assert says(out)[0].startswith("Yes, I'm an automated assistant"), says(out)


def test_a_run_of_digits_said_with_a_weekday_is_its_time() -> None:
    """ "Eleven thirty, Thursday." as tiny.en wrote it, "1130, Thursday": the time was lost."""
    u = understand("1130, Thursday, Thursday,", PROFILE, TODAY)
    assert (u.day, u.time) == (date(2026, 11, 26), time(11, 30))
    assert understand("Call me on 5551130", PROFILE, TODAY).time is None


def test_a_name_said_to_which_service_is_taken_and_the_service_asked_again() -> None:
    """ "Ben Carter" to "What would you like to book ...?" was "Sorry, I didn't quite get
    that"."""
    c = new()
    c.receive(CallerSaid("Thursday at 11:30 please"))
    out = c.receive(CallerSaid("Ben Carter"))
    assert says(out)[0] == "Thank you, Ben." and c.frame.name == "Ben Carter", says(out)
    assert c.expecting == Expect.SERVICE, says(out)


async def test_he_knows_my_number_leaves_the_message_without_one(
    salon: Settings, store_file: Store
) -> None:
    """ "Nah, he knows my number" (heard "not he knows my number") to "What number should they
    call you back on?" was "Sorry, I didn't quite get that"."""
    call = start_call(salon, store_file, "u2", caller_id="")
    await call.say("Can you give Marco a message, tell him Ricky says football's off tonight?")
    said = await call.say("not he knows my number")
    assert said[0].startswith("I've passed your message to Marco"), said
    (message,) = store_file.rows("messages")
    assert message["callback_number"] == ""


@pytest.mark.parametrize(
    "turn",
    ["Are you an I?", "are you and I?", "wait, am I talking to ro.", "am I speaking to a dot?"],
)
def test_are_you_a_robot_as_whisper_writes_it_is_answered(turn: str) -> None:
    assert understand(turn, PROFILE, TODAY).intents == ("robot",), turn


@pytest.mark.parametrize(
    ("turn", "expecting", "yes", "goodbye"),
    [
        ("you ask.", "confirm", True, False),
        ("catch all", "anything_else", False, True),
        ("No, pets all.", "anything_else", False, True),
    ],
)
def test_yes_and_thats_all_as_whisper_writes_them(
    turn: str, expecting: str, yes: bool, goodbye: bool
) -> None:
    u = understand(turn, PROFILE, TODAY, expecting)
    assert (u.yes, u.goodbye) == (yes, goodbye), turn
