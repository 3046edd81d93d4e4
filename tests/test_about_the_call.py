"""What callers say about the call itself: "Hello? Can you hear me?", "Sorry, wrong number",
"I'm running fifteen minutes late".

Each was answered "Sorry, I didn't quite get that" (or taken as a booking) before: real
callers say them often, none of the scenarios did.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from receptionist.app.config import Settings
from receptionist.dialog import replies
from receptionist.dialog.about_the_call import (
    adds_to_message,
    asks_how_we_are,
    asks_to_wait,
    checks_the_line,
    gives_another_number,
    only_greets,
    says_running_late,
    says_we_called,
    says_wrong_number,
)
from receptionist.dialog.actions import (
    ChangeCallback,
    CheckSlot,
    FindBookings,
    FindSlots,
    Hangup,
    Say,
    TakeMessage,
)
from receptionist.dialog.events import CallerSaid, MessageTaken, SlotChecked, SlotsFound
from receptionist.dialog.frame import Expect, Outcome, Task
from receptionist.dialog.turn_end import judge_turn
from receptionist.store.db import Store
from tests.conftest_dialog import start_call
from tests.test_conversation import PROFILE, TODAY, new, says

GREETING = PROFILE.greeting


@pytest.mark.parametrize(
    "turn",
    ["Hello?", "Hello? Hello, can you hear me?", "Are you still there?", "Is anyone there?",
     "Hello, hello.", "Can you hear me?", "Um, hello? Are you there?"],
)  # fmt: skip
def test_a_check_of_the_line_is_heard_as_one(turn: str) -> None:
    assert checks_the_line(turn.lower())


@pytest.mark.parametrize(
    "turn",
    ["Hello.", "Hi there.", "Hello, I'd like to book a haircut.", "Yes, hello, do you do?",
     "Can you hear me okay, I'm "
     "calling about my booking?", "Yes.", "Are you open on Saturday?", "Is Sarah there?"],
)  # fmt: skip
def test_a_greeting_or_a_request_is_no_check_of_the_line(turn: str) -> None:
    assert not checks_the_line(turn.lower())


def test_can_you_hear_me_after_the_greeting_hears_it_again_without_the_notice() -> None:
    c = new()
    out = c.receive(CallerSaid("Hello? Hello, can you hear me?"))
    assert says(out) == [replies.CAN_HEAR_YOU, GREETING]
    assert c.misunderstood == 0 and c.not_understood_turns == 0
    assert not c.ended


def test_a_check_of_the_line_hears_the_times_again_and_they_can_still_be_chosen() -> None:
    c = new()
    c.receive(CallerSaid("Could I get a haircut tomorrow afternoon? I'm Ann Lee."))
    slots = (datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))
    offer = says(c.receive(SlotsFound(slots)))
    out = c.receive(CallerSaid("Hello? Are you still there?"))
    assert says(out) == [replies.CAN_HEAR_YOU, *offer]
    assert c.expecting == Expect.CHOOSE_SLOT
    assert c.receive(CallerSaid("The second one.")) == [
        CheckSlot("haircut", slots[1], "5551234567")
    ]


@pytest.mark.parametrize("turn", ["Hello.", "Hi there.", "Good morning.", "Hello, yes."])
def test_a_caller_who_greets_and_waits_is_asked_how_we_can_help(turn: str) -> None:
    assert only_greets(turn.lower()) and not checks_the_line(turn.lower())
    c = new()
    assert says(c.receive(CallerSaid(turn))) == [replies.HELLO]
    assert c.misunderstood == 0 and c.not_understood_turns == 0
    out = c.receive(CallerSaid("I'd like a haircut on Thursday at 3."))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 26, 15, 0), "5551234567")


def test_a_first_turn_heard_as_bye_there_is_a_greeting_not_a_goodbye() -> None:
    """flite slt's "Hi there." through the line, heard by tiny.en."""
    c = new()
    out = c.receive(CallerSaid("Bye there."))
    assert says(out) == [replies.HELLO] and not c.ended
    assert says(c.receive(CallerSaid("Okay, bye.")))[-1] == replies.GOODBYE and c.ended


def test_a_greeting_in_the_middle_of_a_request_is_no_new_start() -> None:
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Thursday at 3."))
    c.receive(SlotChecked(True))
    assert c.expecting == Expect.NAME
    assert replies.HELLO not in says(c.receive(CallerSaid("Hi.")))


@pytest.mark.parametrize(
    "turn",
    ["Sorry, wrong number.", "Oh, I think I dialled the wrong number, sorry.",
     "I must have misdialed."],
)  # fmt: skip
def test_a_wrong_number_at_the_start_is_let_go_politely(turn: str) -> None:
    assert says_wrong_number(turn.lower())
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [replies.WRONG_NUMBER, replies.GOODBYE]
    assert isinstance(out[-1], Hangup) and c.outcome == Outcome.COMPLETED
    assert c.reason == "caller dialled a wrong number"


@pytest.mark.parametrize(
    "turn",
    ["Hi there, I missed a call from this number.", "Someone rang me from here earlier?",
     "Hi, I'm returning a missed call.", "I had a missed call from you guys."],
)  # fmt: skip
def test_a_call_returned_is_offered_a_message_or_a_person(turn: str) -> None:
    """Each was "Sorry, I didn't quite get that" twice: who called can't be seen from here."""
    assert says_we_called(turn.lower())
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [replies.WE_CALLED] and c.expecting == Expect.OFFER_HELP
    out = c.receive(CallerSaid("A message, please."))
    assert out == [TakeMessage("front desk", "", "5551234567", turn)]


@pytest.mark.parametrize(
    "turn",
    ["You called me about my appointment, I need to cancel it.", "I'm calling about a haircut.",
     "Can I call you back later?"],
)  # fmt: skip
def test_a_request_said_with_a_call_returned_is_that_request(turn: str) -> None:
    out = new().receive(CallerSaid(turn))
    assert replies.WE_CALLED not in says(out)


def test_a_wrong_number_said_of_a_number_read_back_does_not_end_the_call() -> None:
    c = new()
    c.receive(CallerSaid("Can I leave a message for Marco?"))
    c.receive(CallerSaid("Tell him my colour faded."))
    c.receive(MessageTaken("I've passed your message to Marco (claim).", message_id=1))
    out = c.receive(CallerSaid("No, that's the wrong number."))
    assert says(out) == ["What number should they call you back on?"]
    assert not c.ended and c.expecting == Expect.PHONE
    out = c.receive(CallerSaid("It's 555 123 9876."))
    assert out == [ChangeCallback(1, "5551239876")]


@pytest.mark.parametrize(
    "turn",
    ["I'm running about fifteen minutes late for my appointment.", "I'll be 10 mins late.",
     "Hi, I'm going to be a bit late.", "We're running behind, sorry.",
     "I'm stuck in traffic."],
)  # fmt: skip
def test_running_late_is_heard_as_such(turn: str) -> None:
    assert says_running_late(turn.lower())


@pytest.mark.parametrize(
    "turn",
    ["Do you have anything late on Friday?", "How late are you open on Saturday?",
     "Can I book a late afternoon slot?", "Is it too late to book for today?",
     "I'd like to be seen late afternoon.",
     # another time asked for the booking (was a message that the caller would be late)
     "I'm booked in Friday at 10 but I'll be stuck at work, have you got anything after 5?"],
)  # fmt: skip
def test_a_late_time_asked_for_is_no_caller_running_late(turn: str) -> None:
    assert not says_running_late(turn.lower())


def test_running_late_becomes_a_message_and_is_told_only_once_taken() -> None:
    c = new()
    turn = "Hi, I'm running about fifteen minutes late for my appointment today."
    out = c.receive(CallerSaid(turn))
    assert out == [
        Say(replies.LATE_NOTED, cache=True),
        TakeMessage("front desk", "", "5551234567", turn),
    ]
    out = c.receive(MessageTaken("I've passed your message to the front desk (claim).", 1))
    assert out[0] == Say("I've passed your message to the front desk (claim).", claim=True)
    assert c.outcome == Outcome.MESSAGE and c.expecting == Expect.ANYTHING_ELSE


def test_running_late_for_a_stylist_named_is_a_message_for_them() -> None:
    c = new()
    out = c.receive(CallerSaid("I'll be ten minutes late for Marco."))
    assert isinstance(out[-1], TakeMessage) and out[-1].for_staff == "Marco"


def test_running_late_in_the_middle_of_a_booking_is_not_taken_for_a_message() -> None:
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Thursday."))
    c.receive(SlotsFound((datetime(2026, 11, 26, 9, 0), datetime(2026, 11, 26, 10, 0))))
    assert c.frame.task == Task.BOOK
    out = c.receive(CallerSaid("Sorry, I'm running late, can you do Friday at ten?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 10, 0), "5551234567")]
    assert c.frame.task == Task.BOOK


def test_a_booking_held_with_a_question_about_it_is_looked_up_not_booked_again() -> None:
    c = new()
    out = c.receive(
        CallerSaid("Hi, I booked a colour for Thursday, I just wanted to check what time it was.")
    )
    assert c.frame.task == Task.STATUS
    assert isinstance(out[-1], FindBookings) and not any(isinstance(a, FindSlots) for a in out)


@pytest.mark.parametrize(
    ("turn", "first_words", "verdict"),
    [("Hello? Can you hear me?", False, "complete"), ("Sorry, wrong number.", True, "complete"),
     ("Hello.", True, "unsure")],
)  # fmt: skip
def test_the_turn_ends_at_once_on_a_check_of_the_line_or_a_wrong_number(
    turn: str, first_words: bool, verdict: str
) -> None:
    c = new()
    assert judge_turn(turn, c.frame, None, PROFILE, TODAY, first_words=first_words) == verdict


async def test_a_caller_running_late_leaves_a_stored_message_for_the_front_desk(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "late1", caller_id="5550000007")
    said = await call.say("Hi, it's Dana, I'm stuck in traffic, I'll be about twenty minutes late.")
    assert said[:2] == [
        replies.LATE_NOTED,
        "I've passed your message to the front desk to call you back at 5 5 5, 0 0 0, 0 0 0 7.",
    ]
    (message,) = store_file.rows("messages")
    assert message["for_staff"] == "front desk" and message["callback_number"] == "5550000007"
    assert "twenty minutes late" in message["text"]
    assert [c["kind"] for c in store_file.rows("claims")] == ["message"]
    assert store_file.rows("bookings") == []


@pytest.mark.parametrize(
    "turn",
    ["Yes hi, I booked in for Friday but I think I put the wrong name, it should be Jane Smith.",
     "I've got an appointment on Thursday and I wanted to know if I can bring my dog."],
)  # fmt: skip
def test_a_booking_the_caller_has_is_not_booked_again_and_a_person_or_message_is_offered(
    turn: str,
) -> None:
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [replies.CANT_DO_THAT] and c.expecting == Expect.OFFER_HELP
    assert c.frame.task is None
    out = c.receive(CallerSaid("A message please."))
    assert out[-1] == TakeMessage("front desk", "", "5551234567", turn)


def test_another_booking_beside_the_one_held_is_still_a_booking() -> None:
    c = new()
    out = c.receive(CallerSaid("I have an appointment on Friday and I'd like to book another one."))
    assert c.frame.task == Task.BOOK and replies.CANT_DO_THAT not in says(out)


@pytest.mark.parametrize(
    "closing", ["Okay, I'll think about it.", "Alright, I'll call back later."]
)
def test_a_caller_leaving_without_a_farewell_word_is_let_go(closing: str) -> None:
    c = new()
    c.receive(CallerSaid("How much is a haircut?"))
    out = c.receive(CallerSaid(closing))
    assert any(isinstance(a, Hangup) for a in out) and c.outcome == Outcome.COMPLETED


def test_i_will_call_back_later_as_the_message_is_the_message() -> None:
    c = new()
    c.receive(CallerSaid("Can I leave a message for Marco?"))
    out = c.receive(CallerSaid("I'll call back later."))
    assert [a for a in out if isinstance(a, TakeMessage)] == [
        TakeMessage("Marco", "", "5551234567", "I'll call back later.")
    ]


@pytest.mark.parametrize(
    "turn",
    ["Hello? Is this the salon?", "Hi, is this Bella Hair?", "Is this Bela hair salon?",
     "I'm trying to reach Bella Hair.",
     # a possessive, and a greeting with the name asked alone ("I don't have that information")
     "Hi, is this Bella's?", "Hello, Bella Hair?"],
)  # fmt: skip
def test_is_this_the_business_is_answered_yes_and_the_call_goes_on(turn: str) -> None:
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [f"Yes, this is {PROFILE.name}. How can I help you today?"]
    assert not c.ended and c.frame.task is None
    out = c.receive(CallerSaid("I'd like a haircut on Thursday at 3."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 15, 0), "5551234567")]


@pytest.mark.parametrize("turn", ["Is this the dentist?", "Hello, is this Mario's Pizza?"])
def test_is_this_another_place_hears_who_we_are_and_no_yes(turn: str) -> None:
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [f"This is {PROFILE.name}. How can I help you today?"]


@pytest.mark.parametrize(
    "turn",
    ["Is this a robot?", "Are you open on Saturday?", "Is that right?", "Is this Marco?",
     "Hello, haircut?", "Hi, Sarah?"],
)  # fmt: skip
def test_other_questions_that_start_alike_are_not_who_we_are(turn: str) -> None:
    out = new().receive(CallerSaid(turn))
    assert not any("this is " + PROFILE.name in s for s in says(out)), out


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, my wife booked me in for Friday but I can't make it, can she have it instead?",
        "I booked a haircut for Friday but I can't make it, my husband will come instead.",
    ],
)
def test_someone_else_to_come_instead_is_for_a_person_not_a_move(turn: str) -> None:
    """Each was a move (the caller asked what time instead) or a new booking."""
    c = new()
    out = c.receive(CallerSaid(turn))
    assert says(out) == [replies.CANT_DO_THAT] and c.expecting == Expect.OFFER_HELP


@pytest.mark.parametrize(
    ("said", "waits"),
    [
        ("Hold on a sec.", True),
        ("Hang on, can you hold on a moment?", True),
        ("Let me check my calendar.", True),
        ("Hold on a second, let me check my caliber", True),  # tiny.en, flite rms
        ("OK sorry, just a second.", True),
        ("Hang on, let me grab a pen.", True),
        ("I'm just looking at my diary.", True),
        ("Can you wait?", True),
        ("Hold on, I want a colour.", False),
        ("Hold on, can I book for Thursday?", False),
        ("Hang on, I'll type it in", False),
        ("Wait, am I talking to a robot?", False),
    ],
)
def test_asked_to_wait(said: str, waits: bool) -> None:
    assert asks_to_wait(said.lower()) == waits, said


@pytest.mark.parametrize(
    ("said", "asks"),
    [
        ("How are you today?", True),
        ("Hi, how are you?", True),
        ("Hello, how's it going?", True),
        ("Hi, how are you, I need a haircut", False),
        ("How are you open on Sunday?", False),
    ],
)
def test_how_are_you(said: str, asks: bool) -> None:
    assert asks_how_we_are(said.lower()) == asks, said


@pytest.mark.parametrize(
    ("said", "adds"),
    [
        ("It's about my colour.", True),
        ("It's Dave, about the invoice.", True),
        ("Oh, and tell him it's urgent.", True),
        ("Regarding the delivery on Thursday.", True),
        ("Can I book a haircut?", False),
        ("No, that's all.", False),
        ("What about Saturday?", False),
    ],
)
def test_more_words_for_the_message(said: str, adds: bool) -> None:
    assert adds_to_message(said.lower()) == adds, said


@pytest.mark.parametrize(
    ("said", "another"),
    [
        ("Please don't call this number, I'll key in my office number.", True),
        ("Can she call me back on a different number?", True),
        ("Let me type it in.", True),
        ("Call me back on this number.", False),
        ("Tell her I called.", False),
    ],
)
def test_another_number_than_the_one_calling(said: str, another: bool) -> None:
    assert gives_another_number(said.lower()) == another, said
