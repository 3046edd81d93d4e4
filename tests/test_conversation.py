"""The conversation alone: events in, actions out, no store, no audio, no clock.

Like LiveKit Agents' text tests: feed a line, then assert on the next actions; a request's
result is fed back by hand, so each test says exactly what the tools answered.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from receptionist.app.config import load_settings
from receptionist.dialog import replies
from receptionist.dialog.actions import (
    AddToMessage,
    Book,
    Cancel,
    ChangeCallback,
    CheckSlot,
    Connect,
    FindBookings,
    FindSlots,
    Hangup,
    Move,
    RecordEscalation,
    Report,
    SaveUnfinished,
    Say,
    TakeMessage,
    Transfer,
)
from receptionist.dialog.conversation import Conversation, ConversationError, plausible_phone
from receptionist.dialog.events import (
    BookingDone,
    BookingsFound,
    BookingView,
    CallerLeft,
    CallerSaid,
    CancelDone,
    DigitPressed,
    MessageTaken,
    MoveDone,
    Reported,
    SilenceElapsed,
    SlotChecked,
    SlotsFound,
    TransferDone,
    TransferRequested,
)
from receptionist.dialog.frame import Expect, Outcome, Task
from receptionist.dialog.intents import asks_to_say_again
from receptionist.dialog.understand import TimeWindow

PROFILE = load_settings().profile
TODAY = date(2026, 11, 24)  # a Tuesday
THURSDAY_3PM = datetime(2026, 11, 26, 15, 0)


def new(caller_id: str = "5551234567") -> Conversation:
    conversation = Conversation(PROFILE, caller_id=caller_id, today=TODAY,
                                now=lambda: datetime(2026, 11, 24, 8, 0))  # fmt: skip
    conversation.start()
    return conversation


def says(actions: list) -> list[str]:
    return [a.text for a in actions if isinstance(a, Say)]


def booked(service: str, start: datetime, name: str, booking_id: int = 1) -> BookingDone:
    view = BookingView(booking_id, service, start, name, "5551234567", "booked")
    return BookingDone("booked", view, f"You're booked for a {service} (claim {booking_id}).")


def test_a_whole_request_checks_the_slot_then_books_after_the_filler() -> None:
    c = new()
    out = c.receive(CallerSaid("Hi, I'd like a haircut on Thursday at 3, my name is John Smith."))
    assert out == [CheckSlot("haircut", THURSDAY_3PM, "5551234567")]
    out = c.receive(SlotChecked(True))
    assert isinstance(out[0], Say) and out[0].text == "One moment while I check that for you."
    assert out[-1] == Book("haircut", THURSDAY_3PM, "John Smith", "5551234567")
    out = c.receive(booked("haircut", THURSDAY_3PM, "John Smith"))
    assert out[0] == Say("You're booked for a haircut (claim 1).", claim=True)
    assert says(out)[-1] == "Is there anything else I can help you with?"
    out = c.receive(CallerSaid("No, that's all, thanks."))
    assert isinstance(out[-1], Hangup) and c.ended and c.outcome == Outcome.COMPLETED


def test_nothing_is_claimed_before_the_result_comes_back() -> None:
    c = new()
    out = c.receive(CallerSaid("A beard trim Friday at 10 for Sam Hill please"))
    out += c.receive(SlotChecked(True))
    assert isinstance(out[-1], Book)
    assert not any(isinstance(a, Say) and a.claim for a in out)
    assert c.waiting
    with pytest.raises(ConversationError):
        c.receive(CallerSaid("hello?"))


def test_a_detail_given_early_is_kept_when_another_is_refused() -> None:
    c = new()
    c.receive(CallerSaid("This is Maria Lopez, I'd like a colour on Sunday at 10."))
    assert c.frame.name == "Maria Lopez"
    assert c.expecting == Expect.DAY  # Sunday is closed: a day is asked for again
    out = c.receive(CallerSaid("Saturday then."))
    assert out == [CheckSlot("colour", datetime(2026, 11, 28, 10, 0), "5551234567")]
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book("colour", datetime(2026, 11, 28, 10, 0), "Maria Lopez", "5551234567")


@pytest.mark.parametrize(
    ("said", "heard", "day"),
    [
        # Whisper, at one alignment of the Piper caller in tests/test_barge_in.py.
        ("No, no, I want to book a hair come on Friday.", "on Friday?", date(2026, 11, 27)),
        ("Could I book something for Friday at 3?", "on Friday at 3 PM?", date(2026, 11, 27)),
        ("Can I book something for December 15?", "on Tuesday December 15?", date(2026, 12, 15)),
        ("Do you have anything open tomorrow?", "tomorrow?", date(2026, 11, 25)),
    ],
)
def test_the_question_of_what_to_book_says_back_the_day_already_heard(
    said: str, heard: str, day: date
) -> None:
    c = new()
    out = says(c.receive(CallerSaid(said)))
    assert c.expecting == Expect.SERVICE
    assert f"What would you like to book {heard}" in " ".join(out)
    asked = c.receive(CallerSaid("A haircut."))[-1]  # and that day is the one looked at
    if isinstance(asked, CheckSlot):
        assert asked.start.date() == day
    else:
        assert isinstance(asked, FindSlots) and asked.first_day == day


@pytest.mark.parametrize(
    ("reply", "day"),
    [("The first one.", 28), ("The second one, please.", 1), ("The later one.", 1)],
)
def test_one_of_the_days_offered_instead_of_a_closed_one_is_taken_by_its_place(
    reply: str, day: int
) -> None:
    c = new()
    out = c.receive(CallerSaid("A colour on Sunday at 10, please."))
    assert "We could do Saturday or Tuesday" in " ".join(says(out))
    out = c.receive(CallerSaid(reply))
    when = datetime(2026, 11 if day > 24 else 12, day, 10, 0)
    assert out == [CheckSlot("colour", when, "5551234567")]


@pytest.mark.parametrize(
    ("request_", "answer", "message"),
    [
        # The request says what the detail becomes: it is the message, nothing is asked.
        (
            "Can you add a note to my booking that I have sensitive skin?",
            None,
            "Can you add a note to my booking that I have sensitive skin?",
        ),
        (
            "Can you change the number on my booking to 555 222 3344?",
            None,
            "Can you change the number on my booking to 555 222 3344?",
        ),
        # It names the detail only: what it becomes is asked, and the message has both.
        (
            "I need to change the name on my booking.",
            "It should be Janet Miller, not Jane.",
            "I need to change the name on my booking. It should be Janet Miller, not Jane.",
        ),
    ],
)
def test_a_booking_detail_to_change_is_a_message_for_the_front_desk_not_a_booking(
    request_: str, answer: str | None, message: str
) -> None:
    c = new()
    out = c.receive(CallerSaid(request_))
    assert says(out)[0] == replies.DETAILS_BY_MESSAGE
    if answer is not None:
        assert c.expecting == Expect.MESSAGE_TEXT
        out = c.receive(CallerSaid(answer))
    (taken,) = [a for a in out if isinstance(a, TakeMessage)]
    assert (taken.for_staff, taken.text) == ("front desk", message)
    assert not any(isinstance(a, CheckSlot | FindSlots | Book) for a in out)


@pytest.mark.parametrize(
    ("said", "asked_for"),
    [
        ("A haircut with Marco on Thursday at 3, please.", "Marco"),
        ("Can Marco do my haircut on Thursday at 3?", "Marco"),
        ("A haircut with the owner on Thursday at 3.", "Sarah"),
        ("Can I book a haircut for Thursday at 3? Marco recommended you.", ""),
        ("I want a haircut Thursday at 3, but not with Marco.", ""),
        # a visit told of is no wish; asked for again it is
        ("I was in last month with Marco, a haircut Thursday at 3 please.", ""),
        (
            "I was in last month with Marco, can I book a haircut with him again Thursday at 3?",
            "Marco",
        ),
    ],
)
def test_a_staff_member_asked_for_goes_on_the_booking(said: str, asked_for: str) -> None:
    c = new()
    c.receive(CallerSaid(said))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("John Smith."))
    out += c.receive(SlotChecked(True))
    assert out[-1] == Book("haircut", THURSDAY_3PM, "John Smith", "5551234567", asked_for)


@pytest.mark.parametrize(
    ("answer", "phone"), [("It's 555 303 4040.", "5553034040"), ("I'd rather not.", "")]
)
def test_a_caller_with_no_caller_id_is_asked_for_a_number_before_booking(
    answer: str, phone: str
) -> None:
    c = new(caller_id="")
    c.receive(CallerSaid("I'd like a haircut on Thursday at 3."))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("Amy Cole."))
    out = c.receive(SlotChecked(True))
    assert says(out) == [replies.BOOKING_PHONE] and c.expecting == Expect.PHONE
    assert not any(isinstance(a, Book) for a in out)  # no booking nobody can call about
    out = c.receive(CallerSaid(answer))
    out += c.receive(SlotChecked(True))  # the slot checked again, as after every answer
    assert out[-1] == Book("haircut", THURSDAY_3PM, "Amy Cole", phone)


def test_a_number_that_cant_be_one_is_read_back_and_asked_for_in_other_words() -> None:
    c = new(caller_id="")
    c.receive(CallerSaid("I'd like a haircut on Thursday at 3, my name is Amy Cole."))
    assert says(c.receive(SlotChecked(True))) == [replies.BOOKING_PHONE]
    out = c.receive(CallerSaid("It's 555 303 40401."))
    if isinstance(out[-1], CheckSlot):
        out = c.receive(SlotChecked(True))
    assert says(out)[0] == "I heard 5 5 5, 3 0 3, 4 0 4, 0 1, which isn't a whole phone number."
    assert says(out)[-1] != replies.BOOKING_PHONE and c.expecting == Expect.PHONE


def test_two_names_for_two_bookings_put_each_booking_under_its_own() -> None:
    c = new()
    c.receive(CallerSaid("A haircut for me and my husband on Thursday at 3, please."))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Ann and Bob Lee."))  # was not understood: asked again
    out += c.receive(SlotChecked(True))
    assert out[-1] == Book("haircut", THURSDAY_3PM, "Ann Lee", "5551234567")
    assert c.frame.next_names == ["Bob Lee"]


def test_the_same_question_is_never_asked_twice_in_the_same_words() -> None:
    c = new()
    c.receive(CallerSaid("I want to book something"))
    first = says(c.receive(CallerSaid("hmm")))
    second = says(c.receive(CallerSaid("err")))
    assert first != second
    assert all(first[-1] != later for later in second)


def test_after_the_limit_of_tries_on_one_detail_a_person_or_a_message_is_offered() -> None:
    c = new()
    c.receive(CallerSaid("I'd like to book a haircut"))  # asks the day
    for line in ("yes", "sure", "okay"):
        out = c.receive(CallerSaid(line))  # agreeable, but never the day
    assert "put you through to someone, or take a message" in " ".join(says(out))
    out = c.receive(CallerSaid("A message please"))
    assert c.frame.staff == "front desk"


def test_low_speech_confidence_is_checked_with_the_caller_before_booking() -> None:
    c = new()
    c.receive(CallerSaid("a haircut on Thursday at 3, my name is John Smith", confidence=0.3))
    out = c.receive(SlotChecked(True))
    assert says(out) == ["Just to check: a haircut on Thursday at 3 PM. Is that right?"]
    assert c.low_confidence_turns == 1
    out = c.receive(CallerSaid("Yes."))
    assert out == [CheckSlot("haircut", THURSDAY_3PM, "5551234567")]
    assert isinstance(c.receive(SlotChecked(True))[-1], Book)


def test_a_name_given_in_answer_to_the_check_accepts_it_and_is_taken() -> None:
    c = new()
    c.receive(CallerSaid("a haircut on Thursday at 3", confidence=0.3))
    out = c.receive(SlotChecked(True))
    assert says(out) == ["Just to check: a haircut on Thursday at 3 PM. Is that right?"]
    out = c.receive(CallerSaid("Peter Parker."))  # straight on to the next question
    assert out == [CheckSlot("haircut", THURSDAY_3PM, "5551234567")]
    assert c.frame.name == "Peter Parker"
    book = c.receive(SlotChecked(True))[-1]
    assert isinstance(book, Book) and book.name == "Peter Parker"


@pytest.mark.parametrize(
    ("reply", "answer"),
    [("Hmm, not sure.", "Please say yes or no."), ("Wait.", replies.TAKE_YOUR_TIME)],
)
def test_words_that_are_no_name_leave_the_check_open(reply: str, answer: str) -> None:
    c = new()
    c.receive(CallerSaid("a haircut on Thursday at 3", confidence=0.3))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid(reply))
    assert c.expecting == Expect.CONFIRM and c.frame.name is None
    assert answer in says(out)[-1]


def test_a_no_to_the_check_asks_again_for_what_was_unsure() -> None:
    c = new()
    c.receive(CallerSaid("a haircut on Thursday at 3, my name is John Smith", confidence=0.3))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("No"))
    assert c.frame.time is None and c.frame.day is None and c.frame.service is None
    assert c.expecting == Expect.SERVICE and says(out)


def test_a_vague_time_gets_concrete_free_slots_to_choose_from() -> None:
    c = new()
    out = c.receive(CallerSaid("Could I get a haircut tomorrow afternoon? I'm Ann Lee."))
    (find,) = out
    assert isinstance(find, FindSlots) and find.first_day == find.last_day == date(2026, 11, 25)
    assert find.window is not None and find.window.start == time(12, 0)
    slots = (datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))
    out = c.receive(SlotsFound(slots))
    # A fixed heading first (made at start-up: it plays while Piper makes the times).
    assert out[0] == Say("Here's what I have for a haircut.", cache=True)
    assert "Here's what I have for a haircut." in replies.profile_sentences(c.profile)
    assert says(out)[1] == (
        "Wednesday November 25 at 1 PM, or Wednesday November 25 at 2 PM. Would one of those work?"
    )
    out = c.receive(CallerSaid("The second one."))
    assert out == [CheckSlot("haircut", slots[1], "5551234567")]


def test_a_taken_time_offers_the_nearest_and_yes_takes_the_first() -> None:
    c = new()
    c.receive(CallerSaid("haircut Thursday at 3 please, Bob Stone"))
    alternatives = (datetime(2026, 11, 26, 14, 30), datetime(2026, 11, 26, 15, 30))
    out = c.receive(SlotChecked(False, alternatives))
    assert "2:30 PM or 3:30 PM" in says(out)[0]
    out = c.receive(CallerSaid("Yes, that's fine."))
    assert out == [CheckSlot("haircut", alternatives[0], "5551234567")]


def _offered_instead_of_thursday_3pm(*hours: int, minute: int = 30) -> Conversation:
    """Thursday at 3 PM asked for and taken: these hours of that Thursday offered instead."""
    c = new()
    c.receive(CallerSaid("haircut Thursday at 3 please, Bob Stone"))
    c.receive(SlotChecked(False, tuple(datetime(2026, 11, 26, h, minute) for h in hours)))
    return c


@pytest.mark.parametrize(
    "reply",
    [
        "Anna, those don't work for me, I'll call another time",  # "Ah no, ..." as heard
        "Neither of those works, I'll try again later.",
        "I can't do either of those, never mind.",
    ],
)
def test_offered_times_turned_down_in_so_many_words_book_nothing(reply: str) -> None:
    c = _offered_instead_of_thursday_3pm(14, 15)
    out = c.receive(CallerSaid(reply))
    assert not any(isinstance(a, CheckSlot | Book) for a in out), out
    assert "I haven't booked anything" in " ".join(says(out))


@pytest.mark.parametrize(("reply", "ends"), [("Never mind.", False), ("Forget it, thanks.", True)])
def test_a_booking_dropped_when_asked_for_the_name_is_said_to_be_not_made(
    reply: str, ends: bool
) -> None:
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Thursday at 3."))
    c.receive(SlotChecked(True))
    assert c.expecting == Expect.NAME
    out = c.receive(CallerSaid(reply))
    assert not any(isinstance(a, Book) for a in out)
    assert says(out)[0] == "Okay, I haven't booked anything."
    assert c.ended is ends


def test_doesnt_matter_when_asked_for_the_name_asks_again_and_drops_nothing() -> None:
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Thursday at 3."))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Doesn't matter."))
    assert out[-1] == CheckSlot("haircut", THURSDAY_3PM, "5551234567")  # still free?
    out = c.receive(SlotChecked(True))
    assert c.expecting == Expect.NAME and "name" in says(out)[-1]
    out = c.receive(CallerSaid("Liam Jones."))
    assert out == [CheckSlot("haircut", THURSDAY_3PM, "5551234567")]


def test_a_day_turned_down_is_not_the_day_asked_for() -> None:
    c = _offered_instead_of_thursday_3pm(14, 15)
    out = c.receive(CallerSaid("Thursday doesn't work after all, how about Friday at 3?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 15, 0), "5551234567")]


def test_an_offered_time_named_by_its_hour_is_that_one_not_the_first() -> None:
    c = _offered_instead_of_thursday_3pm(14, 16, minute=0)
    out = c.receive(CallerSaid("Yeah, the 4 works for me."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 16, 0), "5551234567")]


@pytest.mark.parametrize(
    ("reply", "minute"), [("OK, the 4 then.", 30), ("At 4 then.", 0)]
)  # fmt: skip
def test_an_offered_time_pointed_at_by_its_hour_is_the_one_in_that_hour(
    reply: str, minute: int
) -> None:
    """ "The 4" to "2:30 or 4:30" took 4:00, which was not offered; "at 4" asks for 4:00."""
    c = _offered_instead_of_thursday_3pm(14, 16)
    out = c.receive(CallerSaid(reply))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 16, minute), "5551234567")]


def _booked_then_asked_anything_else() -> Conversation:
    c = new()
    c.receive(CallerSaid("Hi, I'd like a haircut on Thursday at 3, my name is Bob Stone."))
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", THURSDAY_3PM, "Bob Stone"))
    assert says(out)[-1] == "Is there anything else I can help you with?"
    return c


@pytest.mark.parametrize("reply", ["Not at the moment.", "Not right now."])
def test_nothing_else_in_other_words_ends_the_call(reply: str) -> None:
    c = _booked_then_asked_anything_else()
    out = c.receive(CallerSaid(reply))
    assert isinstance(out[-1], Hangup) and c.outcome == Outcome.COMPLETED


@pytest.mark.parametrize(
    "reply",
    ["Not right now, but can I book a colour for Friday?", "No, tomorrow would be better."],
)
def test_a_no_that_asks_for_a_day_or_a_service_does_not_end_the_call(reply: str) -> None:
    c = _booked_then_asked_anything_else()
    out = c.receive(CallerSaid(reply))
    assert not any(isinstance(a, Hangup) for a in out) and not c.ended, out


def test_a_booking_named_by_its_hour_moves_to_the_hour_said_after_to() -> None:
    c = new()
    out = c.receive(CallerSaid("Could I move my 3 o'clock to 4?"))
    assert out == [FindBookings("5551234567", "", None)]
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    c.receive(BookingsFound((existing,)))
    c.receive(CallerSaid("John Smith"))
    out = c.receive(BookingsFound((existing,)))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 16, 0), moving=9)]


@pytest.mark.parametrize(
    "said",
    [
        "I've been charged twice for my appointment.",
        "Hey, I was in last week and I'm not happy with my colour.",  # was "What day?"
        "My colour went green, this is a disaster.",  # was "Sure, a colour. What day ...?"
    ],
)
def test_a_complaint_goes_to_the_owner_by_rule(said: str) -> None:
    out = new().receive(CallerSaid(said))
    assert [a.target for a in out if isinstance(a, Transfer)] == ["Sarah"]


def test_hair_that_needs_doing_is_no_complaint() -> None:
    out = new().receive(CallerSaid("My hair is a disaster, can you fit me in tomorrow?"))
    assert not any(isinstance(a, Transfer) for a in out), out


@pytest.mark.parametrize(
    ("reply", "asked"),
    [
        ("No, can I move it to Friday instead?", "the free times on Friday"),
        ("Actually, could we do Friday at 3 instead?", None),
    ],
)
def test_asked_to_confirm_a_cancellation_the_caller_moves_it_instead(
    reply: str, asked: str | None
) -> None:
    c = new()
    c.receive(CallerSaid("I'm supposed to come in Thursday at 3 but something came up."))
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    out = c.receive(BookingsFound((existing,)))
    assert says(out)[-1].endswith("Shall I cancel it?")
    out = c.receive(CallerSaid(reply))
    assert not any(isinstance(a, Cancel) for a in out) and c.frame.task == Task.MOVE
    friday = date(2026, 11, 27)
    if asked:  # a day alone: the free times that day are looked up, as for a new booking
        assert isinstance(out[-1], FindSlots) and (out[-1].first_day, out[-1].last_day) == (
            friday,
            friday,
        )
    else:
        assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 15, 0), moving=9)]


@pytest.mark.parametrize(
    "opening",
    ["Is my booking tomorrow still on?", "Hi, I'm calling about my appointment tomorrow."],
)
def test_a_booking_asked_about_is_told_then_cancelled_as_it_without_asking_again(
    opening: str,
) -> None:
    c = new()
    tomorrow_3pm = datetime(2026, 11, 25, 15, 0)
    existing = BookingView(9, "haircut", tomorrow_3pm, "John Smith", "5551234567", "booked")
    out = c.receive(CallerSaid(opening))
    assert out == [FindBookings("5551234567", "", date(2026, 11, 25), include_past_states=True)]
    out = c.receive(BookingsFound((existing,)))
    assert out == [Report(9)]
    out = c.receive(Reported("Your haircut on Wednesday November 25 at 3 PM is booked."))
    assert says(out)[-1] == "Is there anything else I can help you with?"
    out = c.receive(CallerSaid("Actually, I need to cancel it."))
    assert out == [FindBookings("5551234567", "", None)]
    # Shown to be theirs by its day a moment ago: no second detail asked again.
    out = c.receive(BookingsFound((existing,)))
    assert says(out) == [
        "I found your haircut on Wednesday November 25 at 3 PM. Shall I cancel it?"
    ]
    out = c.receive(CallerSaid("Yes."))
    assert out[-1] == Cancel(9)


def test_a_booking_found_by_the_number_alone_still_needs_a_second_detail() -> None:
    c = new()
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    c.receive(CallerSaid("I need to cancel my appointment."))
    out = c.receive(BookingsFound((existing,)))
    assert says(out) == ["Before I go on, can I have the name on the booking, or the day it's for?"]


@pytest.mark.parametrize(
    ("reply", "window"),
    [
        ("Have you got anything later in the day?", TimeWindow(start=time(11, 1))),
        ("Anything a bit earlier?", TimeWindow(end=time(9, 59), latest=True)),
    ],
)
def test_anything_later_asks_for_other_times_not_the_later_one(
    reply: str, window: TimeWindow
) -> None:
    c = new()
    c.receive(CallerSaid("Do you have anything Saturday for a colour?"))
    # (a 90-minute colour at 1 PM would end after Saturday's 2 PM close: times that fit)
    offered = (datetime(2026, 11, 28, 10, 0), datetime(2026, 11, 28, 11, 0))
    c.receive(SlotsFound(offered))
    out = c.receive(CallerSaid(reply))
    assert not any(isinstance(a, CheckSlot) for a in out), out  # neither offered is taken
    saturday = date(2026, 11, 28)
    assert out == [FindSlots("colour", saturday, saturday, window)], out


@pytest.mark.parametrize(
    ("opening", "day", "window"),
    [
        # A new booking of Friday afternoon before: the caller would have had two.
        (
            "Jane Miller here, is there any chance of pushing my Friday back to the afternoon?",
            date(2026, 11, 27),
            TimeWindow(start=time(12, 0), end=time(17, 0)),
        ),
        ("Could we bump my Friday to Saturday?", date(2026, 11, 28), None),
        ("Can I swap my Friday for a Saturday?", date(2026, 11, 28), None),  # was a booking
        # were new bookings (on Saturday; on Friday at 9)
        (
            "Instead of Friday can I come Saturday morning?",
            date(2026, 11, 28),
            TimeWindow(end=time(12, 0)),
        ),
        (
            "Could we make my Friday one a bit earlier?",
            date(2026, 11, 27),
            TimeWindow(end=time(10, 0)),
        ),
        # Earlier than the booking, the day said is the booking's: it was asked which booking
        # ("can I have the name on the booking, or the day it's for?")
        (
            "Do you have anything earlier on Friday? I'm booked at 10.",
            date(2026, 11, 27),
            TimeWindow(end=time(10, 0)),  # before the booking's own time
        ),
    ],
)
def test_a_booking_named_by_its_day_alone_is_moved(
    opening: str, day: date, window: TimeWindow | None
) -> None:
    c = new()
    out = c.receive(CallerSaid(opening))
    assert len(out) == 1 and isinstance(out[0], FindBookings), out
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((friday,)))
    # Which booking, then the free times asked for it: that day's afternoon, or Saturday.
    assert "I found your haircut on Friday November 27 at 10 AM." in says(out), out
    find = out[-1]
    assert isinstance(find, FindSlots) and (find.first_day, find.window) == (day, window), out


def test_asked_for_a_new_day_and_time_a_bare_hour_moves_it_on_its_own_day() -> None:
    c = new()
    c.receive(CallerSaid("Hi, I need to reschedule my haircut."))
    existing = BookingView(9, "haircut", THURSDAY_3PM, "Jane Miller", "5551234567", "booked")
    c.receive(BookingsFound((existing,)))
    c.receive(CallerSaid("Jane Miller"))
    out = c.receive(BookingsFound((existing,)))
    assert says(out)[-1].endswith("What day and time would you like instead?")
    out = c.receive(CallerSaid("11 please"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 11, 0), moving=9)]


@pytest.mark.parametrize(
    "opening",
    [
        "Hi, I've got a haircut on Friday, can I make it a bit later?",
        "Hiya, I'm booked in Friday at 10 but can I come at 11 instead?",
        "Hello, I'm meant to be in on Friday, could I swap to Saturday?",
    ],
)
def test_a_booking_held_and_changed_is_looked_up_not_made_again(opening: str) -> None:
    """Each was taken as a new booking: the caller would have had two."""
    out = new().receive(CallerSaid(opening))
    assert len(out) == 1 and isinstance(out[0], FindBookings), out


@pytest.mark.parametrize(
    ("said", "staff", "text"),
    [
        # Who is asking is part of the message (it kept "to ring me when he's free" alone)
        (
            "Hello, I'm calling for Marco, it's his mum, tell him to ring me when he's free.",
            "Marco",
            "Hello, I'm calling for Marco, it's his mum, tell him to ring me when he's free.",
        ),
        ("Could you tell Marco that I'll be late today?", "Marco", "I'll be late today?"),
        # "Let the front desk know": a message (it was a question nobody could answer)
        (
            "Could you let the front desk know I found an earring that might be the salon's?",
            "front desk",
            "I found an earring that might be the salon's?",
        ),
        (
            "Can you let the owner know the card machine was down when I paid?",
            "Sarah",
            "the card machine was down when I paid?",
        ),
    ],
)
def test_a_message_said_in_one_breath_keeps_what_staff_need(
    said: str, staff: str, text: str
) -> None:
    out = new().receive(CallerSaid(said))
    assert out[0] == TakeMessage(staff, "", "5551234567", text)


def test_a_phone_number_written_as_digits_is_kept_for_a_message() -> None:
    c = new(caller_id="")
    c.receive(CallerSaid("Can I leave a message for Marco?"))
    c.receive(CallerSaid("Tell him my colour faded."))
    out = c.receive(CallerSaid("555-867-5309"))
    assert out == [TakeMessage("Marco", "", "5558675309", "Tell him my colour faded.")]


def test_a_message_without_a_number_is_still_taken_when_the_caller_says_goodbye() -> None:
    c = new(caller_id="")
    c.receive(CallerSaid("I'd like to leave a message for Sarah"))
    c.receive(CallerSaid("Please tell her the delivery came."))
    out = c.receive(CallerSaid("Actually never mind the number, goodbye."))
    assert out == [TakeMessage("Sarah", "", "", "Please tell her the delivery came.")]
    out = c.receive(MessageTaken("I've passed your message to Sarah (claim)."))
    assert out[0] == Say("I've passed your message to Sarah (claim).", claim=True)
    assert isinstance(out[-1], Hangup) and c.outcome == Outcome.MESSAGE


def test_a_caller_who_hangs_up_mid_message_keeps_their_words() -> None:
    c = new(caller_id="")
    c.receive(CallerSaid("Message for Marco please"))
    c.receive(CallerSaid("Tell him I'll be ten minutes late."))
    out = c.receive(CallerLeft())
    assert out == [TakeMessage("Marco", "", "", "Tell him I'll be ten minutes late.", tell=False)]
    out = c.receive(MessageTaken(""))
    assert out == [SaveUnfinished(None)] and c.outcome == Outcome.MESSAGE


def test_a_caller_id_that_is_no_number_is_not_a_callback_number() -> None:
    assert plausible_phone("caller0") is None
    assert plausible_phone("0000000000") is None
    assert plausible_phone("201") is None
    assert plausible_phone("+1 (555) 123-4567") == "15551234567"
    assert new(caller_id="caller0").frame.phone is None


def test_am_i_talking_to_a_robot_gets_the_truth_and_a_person_on_yes() -> None:
    c = new()
    out = c.receive(CallerSaid("Wait, am I talking to a real person?"))
    assert "automated assistant" in says(out)[0]
    assert not any(isinstance(a, (Transfer, RecordEscalation)) for a in out)
    out = c.receive(CallerSaid("Yes please, put me through."))
    assert isinstance(out[-1], Transfer) and out[-1].extension == "200"


def test_a_question_the_profile_cannot_answer_is_not_invented() -> None:
    c = new()
    out = c.receive(CallerSaid("Do you have parking nearby?"))
    assert says(out) == ["I'm sorry, I don't have that information. I can take a message for "
                         "the team, or put you through to someone who can help. Which would "
                         "you prefer?"]  # fmt: skip


def test_pressing_zero_transfers_with_a_summary_in_a_full_sentence() -> None:
    c = new()
    out = c.receive(DigitPressed("0"))
    (transfer,) = out
    assert isinstance(transfer, Transfer) and transfer.extension == "200"
    assert transfer.summary.startswith("A caller who didn't give a name")
    out = c.receive(TransferRequested(7, "I'm transferring you (claim)."))
    assert out == [Say("I'm transferring you (claim).", claim=True),
                   Connect(7, "200", transfer.summary, True)]  # fmt: skip
    c.receive(TransferDone("answered"))
    assert c.ended and c.outcome == Outcome.TRANSFERRED


def test_a_transfer_nobody_answers_comes_back_for_a_message() -> None:
    c = new()
    c.receive(DigitPressed("0"))
    c.receive(TransferRequested(1, "claim"))
    out = c.receive(TransferDone("no_answer"))
    assert "isn't available right now" in says(out)[0]
    assert c.expecting == Expect.MESSAGE_TEXT and not c.ended


@pytest.mark.parametrize(
    "opening",
    [
        "Hi, I booked a haircut for Thursday but I'd rather do a colour instead.",
        "I've got an appointment Thursday at 3, could you change it to a colour instead of a cut?",
        "Can I switch my haircut on Thursday to a colour?",
    ],
)
def test_a_booking_held_changed_to_another_service_is_moved_not_booked_again(opening: str) -> None:
    """Each was a new colour offered, the haircut kept: the caller could end with both."""
    c = new()
    out = c.receive(CallerSaid(opening))
    assert out == [FindBookings("5551234567", "", date(2026, 11, 26))]
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    out = c.receive(BookingsFound((existing,)))  # its day said: the second detail
    assert says(out) == [
        "I found your haircut on Thursday November 26 at 3 PM. Shall I change it to a colour "
        "at the same time?"
    ]
    out = c.receive(CallerSaid("Yes, please."))
    assert out == [CheckSlot("colour", THURSDAY_3PM, moving=9)]  # at its own time
    out = c.receive(SlotChecked(True))
    assert out[-1] == Move(9, THURSDAY_3PM, "colour")


@pytest.mark.parametrize(
    ("reply", "then"),
    [
        ("No, make it Saturday at 10.", CheckSlot("colour", datetime(2026, 11, 28, 10), moving=9)),
        ("No, leave it.", Say("Okay, I've left your appointment as it is.")),
    ],
)
def test_a_change_of_service_read_back_can_be_moved_elsewhere_or_dropped(
    reply: str, then: object
) -> None:
    c = new()
    c.receive(CallerSaid("I booked a haircut for Thursday but I'd rather do a colour instead."))
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    c.receive(BookingsFound((existing,)))
    out = c.receive(CallerSaid(reply))
    assert out[0] == then and not any(isinstance(a, Move) for a in out)


def test_a_move_of_a_booking_named_by_its_service_keeps_its_service() -> None:
    c = new()
    c.receive(CallerSaid("Can I move my colour on Thursday to Friday at 4?"))
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    out = c.receive(BookingsFound((existing,)))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 16, 0), moving=9)]


def test_moving_a_booking_finds_it_then_moves_it_in_one_request() -> None:
    c = new()
    out = c.receive(CallerSaid("I need to move my haircut to Friday at 4"))
    assert out == [FindBookings("5551234567", "", None)]
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    out = c.receive(BookingsFound((existing,)))
    # Found by the number alone: nothing is said of it before a second detail.
    assert says(out) == ["Before I go on, can I have the name on the booking, or the day it's for?"]
    out = c.receive(CallerSaid("John Smith"))
    assert out == [FindBookings("5551234567", "John Smith", None)]
    out = c.receive(BookingsFound((existing,)))
    new_start = datetime(2026, 11, 27, 16, 0)
    assert out == [CheckSlot("haircut", new_start, moving=9)]
    out = c.receive(SlotChecked(True))
    assert out[-1] == Move(9, new_start)
    out = c.receive(MoveDone("moved", existing, ("cancelled (claim)", "booked (claim)")))
    assert [a.text for a in out if isinstance(a, Say) and a.claim] == [
        "cancelled (claim)",
        "booked (claim)",
    ]


def test_cancel_with_a_withheld_number_is_found_by_name() -> None:
    c = new(caller_id="")
    out = c.receive(CallerSaid("I need to cancel my appointment on Thursday"))
    assert says(out) == ["What name is the booking under?"]
    out = c.receive(CallerSaid("John Smith"))
    assert out == [FindBookings("", "John Smith", date(2026, 11, 26))]
    existing = BookingView(4, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    out = c.receive(BookingsFound((existing,)))
    assert "Shall I cancel it?" in says(out)[0]
    assert c.receive(CallerSaid("yes")) == [Say("One moment.", cache=True), Cancel(4)]


def test_silence_reprompts_then_says_goodbye() -> None:
    c = new()
    assert says(c.receive(SilenceElapsed())) == ["Are you still there? How can I help you?"]
    c.receive(SilenceElapsed())
    out = c.receive(SilenceElapsed())
    assert isinstance(out[-1], Hangup) and c.ended


def test_two_bookings_in_one_call_back_to_back() -> None:
    c = new()
    c.receive(CallerSaid("A haircut and a kids cut on Thursday at 3 please, my name is Dana Cole"))
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", THURSDAY_3PM, "Dana Cole"))
    assert "right after, at 3:30 PM" in says(out)[-1]
    out = c.receive(CallerSaid("Yes"))
    assert out == [CheckSlot("kids cut", datetime(2026, 11, 26, 15, 30), "5551234567")]


def test_me_and_my_son_are_a_haircut_and_a_kids_cut_and_his_name_answers_the_second() -> None:
    c = new()
    c.receive(CallerSaid("Can I book for me and my son, two haircuts Thursday at 3?"))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("Dana Cole"))
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book("haircut", THURSDAY_3PM, "Dana Cole", "5551234567")
    out = c.receive(booked("haircut", THURSDAY_3PM, "Dana Cole"))
    assert says(out)[-1] == "And the kids cut: shall I book it right after, at 3:30 PM?"
    out = c.receive(CallerSaid("His name is Sam."))  # a yes, under his name
    assert out == [CheckSlot("kids cut", datetime(2026, 11, 26, 15, 30), "5551234567")]
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book("kids cut", datetime(2026, 11, 26, 15, 30), "Sam", "5551234567")


def test_two_services_for_the_caller_alone_are_both_booked_under_the_name_given_once() -> None:
    c = new()
    c.receive(CallerSaid("Can I book a haircut for Thursday at 3 and a beard trim straight after?"))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("Tom Hardy."))
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", THURSDAY_3PM, "Tom Hardy"))
    assert out[-1] == CheckSlot("beard trim", datetime(2026, 11, 26, 15, 30), "5551234567")
    out = c.receive(SlotChecked(True))
    assert out == [Book("beard trim", datetime(2026, 11, 26, 15, 30), "Tom Hardy", "5551234567")]
    # "One moment while I check that for you." once in the reply, not before each booking


def test_a_second_booking_for_someone_else_asks_their_name() -> None:
    c = new()
    c.receive(CallerSaid("A haircut for me and my son on Thursday at 3, back to back please"))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("Tom Hardy."))
    c.receive(SlotChecked(True))
    c.receive(booked("haircut", THURSDAY_3PM, "Tom Hardy"))
    out = c.receive(SlotChecked(True))
    assert c.expecting == Expect.NAME and c.frame.name is None, says(out)


def test_a_time_typed_on_the_keypad_is_taken() -> None:
    c = new()
    c.receive(CallerSaid("A beard trim on Friday, my name is Lee Park"))
    c.receive(SlotsFound((datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 10, 0))))
    for key in "330":
        assert c.receive(DigitPressed(key)) == []  # a 0 inside a number is not the front desk
    out = c.receive(DigitPressed("#"))
    assert out == [CheckSlot("beard trim", datetime(2026, 11, 27, 15, 30), "5551234567")]


def test_a_request_that_opens_with_a_misheard_bye_does_not_end_the_call() -> None:
    """On a GPU box a caller's "Hi, I'd like to book | a haircut..." was cut at the pause and
    heard as "Bye, I'd like to vote.": the agent said goodbye and hung up on a booking."""
    c = new()
    out = c.receive(CallerSaid("Bye, I'd like to vote."))
    assert not c.ended and not any(isinstance(a, Hangup) for a in out), says(out)
    out = c.receive(CallerSaid("A haircut on Thursday at three."))
    assert out == [CheckSlot("haircut", THURSDAY_3PM, "5551234567")]
    assert not c.ended


@pytest.mark.parametrize("ask", ["Sorry?", "Pardon?", "Could you say that again, please?"])
def test_a_caller_who_did_not_catch_the_check_hears_it_again(ask: str) -> None:
    c = new()
    c.receive(CallerSaid("a haircut on Thursday at 3", confidence=0.3))
    check = says(c.receive(SlotChecked(True)))
    out = c.receive(CallerSaid(ask))
    assert says(out) == check and c.expecting == Expect.CONFIRM
    assert c.misunderstood == 0 and c.not_understood_turns == 0
    assert c.receive(CallerSaid("Yes.")) == [CheckSlot("haircut", THURSDAY_3PM, "5551234567")]


@pytest.mark.parametrize(
    "ask",
    ["Sorry, I didn't catch the times.", "Sorry, what were those times again?",
     "What were they again?", "Can you go over those again?"],
)  # fmt: skip
def test_the_times_offered_are_said_again_and_can_still_be_chosen(ask: str) -> None:
    c = new()
    c.receive(CallerSaid("Could I get a haircut tomorrow afternoon? I'm Ann Lee."))
    slots = (datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))
    offer = c.receive(SlotsFound(slots))
    assert c.receive(CallerSaid(ask)) == offer
    assert c.receive(CallerSaid("Sorry?")) == offer  # and again
    out = c.receive(CallerSaid("The second one."))
    assert out == [CheckSlot("haircut", slots[1], "5551234567")]


def test_what_is_said_again_is_the_last_reply_not_a_silence_prompt_nor_the_filler() -> None:
    c = new()
    c.receive(CallerSaid("Hi, I'd like a haircut on Thursday at 3, my name is John Smith."))
    reply = says(c.receive(SlotChecked(True)))
    done = c.receive(booked("haircut", THURSDAY_3PM, "John Smith"))
    reply += says(done)
    assert reply[0] == replies.FILLER_BOOKING
    c.receive(SilenceElapsed())  # "Are you still there?"
    out = c.receive(CallerSaid("What was that?"))
    assert says(out) == reply[1:]  # the claim (never dropped) and the question after it
    assert out[0] == done[0] and isinstance(out[0], Say) and out[0].claim


@pytest.mark.parametrize(
    "turn", ["Sorry, I meant Thursday.", "Sorry, I can't make it.", "No, sorry.", "What time?"]
)
def test_sorry_with_something_to_say_is_no_request_to_hear_it_again(turn: str) -> None:
    assert not asks_to_say_again(turn.lower())


@pytest.mark.parametrize("name", ["Peter Parker.", "My name is Peter Parker."])
def test_a_name_given_before_the_choice_is_taken_and_not_asked_for_again(name: str) -> None:
    c = new()
    c.receive(CallerSaid("Could I get a haircut tomorrow afternoon?"))
    slots = (datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))
    offer = c.receive(SlotsFound(slots))
    out = c.receive(CallerSaid(name))
    assert out[0] == Say("Thank you, Peter.") and c.frame.name == "Peter Parker"
    assert isinstance(out[-1], FindSlots)  # the times again, as the calendar has them now
    assert c.receive(SlotsFound(slots)) == offer
    assert c.receive(CallerSaid("The first one.")) == [CheckSlot("haircut", slots[0], "5551234567")]
    book = c.receive(SlotChecked(True))[-1]
    assert book == Book("haircut", slots[0], "Peter Parker", "5551234567")


def test_whatever_works_takes_the_first_time_offered_and_no_name_is_made_of_it() -> None:
    c = new()
    c.receive(CallerSaid("Could I get a haircut tomorrow afternoon?"))
    slots = (datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))
    c.receive(SlotsFound(slots))
    out = c.receive(CallerSaid("Dunno."))
    assert c.frame.name is None and c.expecting == Expect.CHOOSE_SLOT
    assert "Thank you" not in " ".join(says(out))
    out = c.receive(CallerSaid("Whatever works."))
    assert out == [CheckSlot("haircut", slots[0], "5551234567")] and c.frame.name is None


@pytest.mark.parametrize(
    ("first", "then", "answer"),
    [
        ("What time do you shut today?", "And tomorrow?",
         "On Wednesday we're open from 9 AM to 6 PM."),
        ("What time do you close on Friday?", "What about Saturday?",
         "On Saturday we're open from 9 AM to 2 PM."),
        ("How much is a haircut?", "And a colour?", "A colour is 90 dollars"),
        ("How long does a colour take?", "What about a kids cut?",
         "A kids cut takes about 20 minutes."),
    ],
)  # fmt: skip
def test_the_same_question_of_another_day_or_service_is_answered(
    first: str, then: str, answer: str
) -> None:
    """ "And tomorrow?" after the hours was "What would you like to book?"."""
    c = new()
    c.receive(CallerSaid(first))
    out = c.receive(CallerSaid(then))
    assert says(out)[0].startswith(answer) and c.frame.task is None, says(out)
    assert c.expecting == Expect.ANYTHING_ELSE


def test_a_booking_after_a_question_answered_is_still_a_booking() -> None:
    c = new()
    c.receive(CallerSaid("Are you open on Saturday?"))
    out = c.receive(CallerSaid("Saturday at 10 then please, for a haircut."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 28, 10, 0), "5551234567")]


def test_cancelled_and_booked_again_in_one_breath_is_moved() -> None:
    """ "Anything else?" came after the cancellation, and the new booking was forgotten."""
    c = new()
    c.receive(CallerSaid("Cancel my Thursday one and book me in on Saturday instead."))
    existing = BookingView(9, "haircut", THURSDAY_3PM, "John Smith", "5551234567", "booked")
    out = c.receive(BookingsFound((existing,)))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 28)
    saturday = [datetime(2026, 11, 28, 9, 0), datetime(2026, 11, 28, 10, 0)]
    out = c.receive(SlotsFound(tuple(saturday)))
    assert says(out)[-1].startswith("Saturday November 28 at 9 AM, or")
    out = c.receive(CallerSaid("At 10."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 28, 10, 0), moving=9)]


@pytest.mark.parametrize("question", ["Is Marco working tomorrow?", "Is Marco in today?"])
def test_whether_a_staff_member_is_in_is_a_question_for_them(question: str) -> None:
    """ "Is Marco in today?" was "What would you like to book?": the profile has no rota."""
    c = new()
    out = c.receive(CallerSaid(question))
    assert says(out) == [replies.DONT_KNOW] and c.expecting == Expect.OFFER_HELP
    out = c.receive(CallerSaid("A message, please."))
    assert out == [TakeMessage("Marco", "", "5551234567", question)]


@pytest.mark.parametrize(
    "question",
    ["Hi, who's working on Friday?", "Which stylists are in tomorrow?", "Who's on today?"],
)
def test_who_is_in_is_a_question_we_cannot_answer_not_a_booking(question: str) -> None:
    """ "Who's working on Friday?" was "What would you like to book on Friday?": the profile
    has no rota. A booking asked for after it is that day's."""
    c = new()
    out = c.receive(CallerSaid(question))
    assert says(out) == [replies.DONT_KNOW] and c.expecting == Expect.OFFER_HELP
    if "Friday" in question:
        out = c.receive(CallerSaid("Okay, can I just book a haircut then, at 11?"))
        assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 11, 0), "5551234567")]


def test_put_through_after_asking_about_a_staff_member_rings_them() -> None:
    c = new()
    c.receive(CallerSaid("Is Marco in today?"))
    out = c.receive(CallerSaid("Can you put me through?"))
    assert [a.target for a in out if isinstance(a, Transfer)] == ["Marco"]


def test_trying_to_reach_a_staff_member_asks_for_them() -> None:
    out = new().receive(CallerSaid("Hi, I'm trying to reach Marco, is he around?"))
    assert [a.target for a in out if isinstance(a, Transfer)] == ["Marco"]


def test_a_plain_yes_to_the_latest_times_takes_the_latest() -> None:
    """Asked for the last appointment, "yes" to "12:30 or 1:30" took 12:30."""
    c = new()
    c.receive(CallerSaid("Can I get the last appointment on Saturday for a haircut?"))
    c.receive(SlotsFound((datetime(2026, 11, 28, 12, 30), datetime(2026, 11, 28, 13, 30))))
    out = c.receive(CallerSaid("Yes."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 28, 13, 30), "5551234567")]


def test_one_time_offered_is_asked_about_as_one() -> None:
    c = new()
    c.receive(CallerSaid("A beard trim on Friday morning, please."))
    out = c.receive(SlotsFound((datetime(2026, 11, 27, 9, 0),)))
    assert says(out)[-1] == "Friday November 27 at 9 AM. Would that work?"


def test_a_weekday_alone_after_next_weeks_day_is_in_that_week() -> None:
    """ "Next Tuesday or Wednesday" ... "the Wednesday one" looked for tomorrow."""
    c = new()
    c.receive(CallerSaid("A haircut next Tuesday or Wednesday, in the morning."))
    out = c.receive(SlotsFound((datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 1, 10, 0))))
    out = c.receive(CallerSaid("The Wednesday one."))
    assert isinstance(out[0], FindSlots)
    assert out[0].first_day == out[0].last_day == date(2026, 12, 2)
    c = new()
    c.receive(CallerSaid("A haircut on Friday at 10, please."))
    c.receive(SlotChecked(False, (datetime(2026, 11, 27, 10, 30),)))
    out = c.receive(CallerSaid("Actually, Wednesday."))  # before Friday, this week: tomorrow
    assert out == [CheckSlot("haircut", datetime(2026, 11, 25, 10, 0), "5551234567")]


def test_the_week_after_the_day_offered_is_that_weekday_a_week_on() -> None:
    """ "What about the week after?" to Thursday's times was "I don't have that information"."""
    c = new()
    c.receive(CallerSaid("Do you have anything on Thursday for a haircut?"))
    c.receive(SlotsFound((datetime(2026, 11, 26, 9, 0), datetime(2026, 11, 26, 10, 0))))
    out = c.receive(CallerSaid("What about the week after?"))
    assert isinstance(out[0], FindSlots)
    assert out[0].first_day == out[0].last_day == date(2026, 12, 3)


def test_someone_to_call_me_back_is_a_message_not_a_transfer() -> None:
    """The salon's "get someone" rule put this caller through to the front desk."""
    out = new().receive(CallerSaid("Could you get someone to call me back about a group booking?"))
    assert not any(isinstance(a, Transfer) for a in out)
    # anyone will do: the front desk, with the caller's words (since 2026-12-02; was "Who is
    # the message for?")
    assert [a for a in out if isinstance(a, TakeMessage)] == [
        TakeMessage("front desk", "", "5551234567",
                    "Could you get someone to call me back about a group booking?")
    ]  # fmt: skip


def test_a_day_asked_to_book_after_the_hours_is_a_booking_not_the_hours_again() -> None:
    c = new()
    c.receive(CallerSaid("Are you open on Saturday?"))
    out = c.receive(CallerSaid("Can I book Saturday then?"))
    assert not any("we're open" in s for s in says(out)), says(out)


# -- callers' own ways, session 22 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "answer"),
    [
        ("Please have Sarah call me back at 212 555 0199", "No, that's all."),
        ("Can Sarah give me a call back?", "Nothing, just ask her to call me."),
        ("I'd like to leave a message for Sarah.", "No, that's it."),
    ],
)
def test_a_call_back_asked_for_is_a_message_when_nothing_more_is_said(
    request_: str, answer: str
) -> None:
    """ "Have Sarah call me back" ... "No, that's all" ended the call with nothing stored."""
    c = new()
    c.receive(CallerSaid(request_))
    assert c.expecting == Expect.MESSAGE_TEXT
    out = c.receive(CallerSaid(answer))
    (taken,) = [a for a in out if isinstance(a, TakeMessage)]
    assert (taken.for_staff, taken.text) == ("Sarah", request_)


def test_a_message_dropped_when_asked_what_it_is_is_not_taken() -> None:
    c = new()
    c.receive(CallerSaid("I'd like to leave a message for Sarah."))
    out = c.receive(CallerSaid("No, never mind."))
    assert not any(isinstance(a, TakeMessage) for a in out)
    assert says(out) == ["No problem.", replies.ANYTHING_ELSE]


@pytest.mark.parametrize(
    "more",
    ["It's about my colour.", "It's Dave, about the invoice.", "Oh, and tell him it's urgent."],
)
def test_words_said_after_the_message_was_passed_on_are_added_to_it(more: str) -> None:
    """ "It's about my colour" once told the message was passed on began a booking."""
    c = new()
    out = c.receive(CallerSaid("Could you ask Marco to call me back?"))
    assert [a.for_staff for a in out if isinstance(a, TakeMessage)] == ["Marco"]
    out = c.receive(MessageTaken("I've passed your message to Marco (claim).", 7))
    assert c.expecting == Expect.ANYTHING_ELSE
    out = c.receive(CallerSaid(more))
    assert out == [AddToMessage(7, more, "Dave" if "Dave" in more else "")]
    out = c.receive(MessageTaken("I've added that to your message for Marco.", 7))
    assert says(out) == ["I've added that to your message for Marco.", replies.ANYTHING_ELSE]
    assert c.frame.task is None


def test_a_booking_asked_for_after_a_message_is_a_booking() -> None:
    c = new()
    c.receive(CallerSaid("Could you ask Marco to call me back? Tell him it's about the bill."))
    c.receive(MessageTaken("I've passed your message to Marco (claim).", 7))
    out = c.receive(CallerSaid("Can I also book a haircut on Friday at 2?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 14, 0), phone="5551234567")]


@pytest.mark.parametrize("thanks", ["OK, thanks.", "Alright, thank you."])
def test_thanks_to_a_message_or_a_person_is_neither(thanks: str) -> None:
    """ "OK thanks" to "a message, or someone who can help?" put the caller through."""
    c = new()
    out = c.receive(CallerSaid("What's your address?"))
    assert c.expecting == Expect.OFFER_HELP
    out = c.receive(CallerSaid(thanks))
    assert not any(isinstance(a, Transfer) for a in out)
    assert says(out) == [replies.ANYTHING_ELSE]


def test_thanks_after_a_turn_not_understood_ends_the_call() -> None:
    c = new()
    c.receive(CallerSaid("Is my booking on Friday still on?"))
    c.receive(BookingsFound((BookingView(9, "haircut", datetime(2026, 11, 27, 10), "John Smith",
                                         "5551234567", "booked"),)))  # fmt: skip
    c.receive(Reported("You have a haircut booked on Friday (claim)."))
    out = c.receive(CallerSaid("Yes it's Jane."))
    assert says(out)[-1] == replies.NOT_UNDERSTOOD
    out = c.receive(CallerSaid("Great, thanks."))
    assert isinstance(out[-1], Hangup)


def test_the_price_asked_of_what_is_being_booked_is_its_price() -> None:
    """ "How much are they?" after "What about highlights?" was the whole price list."""
    c = new()
    c.receive(CallerSaid("What about highlights?"))
    out = c.receive(CallerSaid("How much are they?"))
    assert says(out)[0] == "A colour is 90 dollars and takes about 90 minutes."


@pytest.mark.parametrize(
    ("asked", "sums"),
    [
        (
            "How much would a haircut and beard trim come to together?",
            ["That's 50 dollars together, about 45 minutes in all."],
        ),
        (
            "What's the total for a colour and a haircut?",
            ["That's 125 dollars together, about 2 hours in all."],
        ),
        ("How much is a haircut and how much is a colour?", []),  # each, no sum asked
    ],
)
def test_prices_asked_as_one_sum_are_added_up(asked: str, sums: list[str]) -> None:
    said = says(new().receive(CallerSaid(asked)))
    assert [s for s in said if s.startswith("That's ")] == sums, said


@pytest.mark.parametrize(
    "opening", ["How are you today?", "Hi, how are you?", "Hello, how's it going?"]
)
def test_how_are_you_is_answered(opening: str) -> None:
    c = new()
    assert says(c.receive(CallerSaid(opening))) == [replies.WELL_THANKS]


def test_how_are_you_with_a_request_is_the_request() -> None:
    c = new()
    out = c.receive(CallerSaid("Hi, how are you, I need a haircut on Friday at 2."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 14, 0), phone="5551234567")]


@pytest.mark.parametrize("said", ["Leave a message for the manager please.",
                                  "Can I leave a message for the owner?"])  # fmt: skip
def test_a_message_for_a_role_is_for_the_one_who_has_it(said: str) -> None:
    """ "Leave a message for the manager" was put through by the words "the manager"."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert not any(isinstance(a, Transfer) for a in out)
    assert says(out) == ["What would you like me to tell Sarah?"]


def test_the_second_of_two_of_the_same_service_is_called_the_second() -> None:
    c = new()
    c.receive(CallerSaid("Two haircuts please, Saturday at 11."))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("Ann Lee."))
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", datetime(2026, 11, 28, 11), "Ann Lee"))
    assert says(out)[-1] == "And the second haircut: shall I book it right after, at 11:30 AM?"


def test_a_day_misremembered_is_found_by_the_name_on_a_booking_from_this_number() -> None:
    """ "Cancel my Saturday appointment" ... "Jane Miller" (hers is on Friday) went to a
    person as two wrong details."""
    c = new()
    out = c.receive(CallerSaid("I want to cancel my appointment on Saturday."))
    assert out[-1] == FindBookings("5551234567", "", date(2026, 11, 28))
    c.receive(BookingsFound(()))
    out = c.receive(CallerSaid("Jane Miller."))
    assert out[-1] == FindBookings("5551234567", "Jane Miller", date(2026, 11, 28))
    out = c.receive(BookingsFound(()))
    assert out[-1] == FindBookings("5551234567", "Jane Miller", None)
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((friday,)))
    assert says(out) == [
        "I couldn't find one on Saturday.",
        "I found your haircut on Friday November 27 at 10 AM. Shall I cancel it?",
    ]


def test_a_name_on_a_booking_from_another_number_is_no_second_detail() -> None:
    c = new()
    c.receive(CallerSaid("I want to cancel my appointment on Saturday."))
    c.receive(BookingsFound(()))
    c.receive(CallerSaid("John Smith."))
    c.receive(BookingsFound(()))
    theirs = BookingView(8, "haircut", datetime(2026, 11, 26, 15), "John Smith", "5559999999",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((theirs,)))
    assert not any("Thursday" in s for s in says(out))
    assert c.outcome == Outcome.TRANSFERRED or any(isinstance(a, Transfer) for a in out)


@pytest.mark.parametrize(
    "said",
    [
        "Hi, I have a haircut on Friday. Could I add a beard trim after it?",
        "Can I book a beard trim on Friday right after my haircut?",
    ],
)
def test_a_booking_added_after_one_held_starts_when_that_one_ends(said: str) -> None:
    """It offered 9 AM, before the haircut, and took it on a yes."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert out == [FindBookings("5551234567", "", date(2026, 11, 27))]
    assert c.frame.service == "beard trim" and not c.frame.more_services
    held = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                       "booked")  # fmt: skip
    out = c.receive(BookingsFound((held,)))
    assert out == [CheckSlot("beard trim", datetime(2026, 11, 27, 10, 30), "5551234567")]


@pytest.mark.parametrize(
    "change",
    [
        "Actually, forget the haircut, I want a colour.",
        "Could I get a colour instead of a haircut?",
    ],
)
def test_a_service_changed_when_asked_the_name_replaces_the_first(change: str) -> None:
    """It booked the haircut and then offered the colour "right after"."""
    c = new()
    c.receive(CallerSaid("I want a haircut on Friday at 2."))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid(change))
    assert out == [CheckSlot("colour", datetime(2026, 11, 27, 14), "5551234567")]
    out = c.receive(SlotChecked(True))
    assert says(out) == [
        "Sure, a colour instead.",
        "Friday at 2 PM is free. What name should I put the booking under?",
    ]
    assert c.frame.more_services == []


def test_a_number_given_after_the_message_with_a_no_changes_it() -> None:
    """ "No, use 555 867 0199 instead" to "anything else?" ended the call."""
    c = new()
    c.receive(CallerSaid("Could you ask Marco to call me back? Tell him it's about the bill."))
    c.receive(MessageTaken("I've passed your message to Marco (claim).", 7))
    out = c.receive(CallerSaid("No, use 555 867 0199 instead."))
    assert out == [ChangeCallback(7, "5558670199")]


@pytest.mark.parametrize(
    "wait", ["Hold on a sec.", "Hang on, can you hold on a moment?", "Let me check my calendar."]
)
def test_asked_to_wait_the_question_stays_asked(wait: str) -> None:
    """ "Hang on, can you hold on a moment?" was "I don't have that information"."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut."))
    assert c.expecting == Expect.DAY
    out = c.receive(CallerSaid(wait))
    assert says(out) == [replies.TAKE_YOUR_TIME] and c.expecting == Expect.DAY
    out = c.receive(SilenceElapsed())
    assert says(out) == [replies.STILL_HERE]
    out = c.receive(CallerSaid("Sorry, what was that?"))
    assert says(out) == ["Sure, a haircut. What day would you like to come in?"]
    out = c.receive(CallerSaid("Friday at 3 works."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 15), "5551234567")]


def test_silence_after_asking_to_wait_is_counted_from_the_second() -> None:
    c = new()
    c.receive(CallerSaid("Hold on."))
    assert says(c.receive(SilenceElapsed())) == [replies.STILL_HERE]
    assert says(c.receive(SilenceElapsed())) == [replies.STILL_THERE]


def test_hold_on_with_a_request_is_the_request() -> None:
    c = new()
    out = c.receive(CallerSaid("Hold on, can I book a haircut for Friday at 3?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 15), "5551234567")]


def test_what_is_free_asked_while_moving_a_booking_is_for_the_move() -> None:
    """ "What have you got on Saturday?" began a new booking and left the move."""
    c = new()
    c.receive(CallerSaid("Can I reschedule my appointment on Friday?"))
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    c.receive(BookingsFound((friday,)))
    out = c.receive(CallerSaid("What have you got on Saturday?"))
    assert c.frame.task == Task.MOVE
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 28)
    assert not any(s.startswith("I found your") for s in says(out))  # said the turn before


@pytest.mark.parametrize(
    "said",
    [
        "I got a haircut yesterday and I'm wondering about it, it's uneven.",
        "I had a colour last week and I have a question about it.",
        "Hi, it's about the colour Sarah did last week",
    ],
)
def test_a_visit_that_has_happened_is_no_new_booking(said: str) -> None:
    """Were "Sure, a haircut. What day would you like to come in?". ("I'm really not happy",
    "it's gone orange" are the salon's complaint rule's words now: to Sarah.)"""
    c = new()
    out = c.receive(CallerSaid(said))
    assert says(out) == [replies.ABOUT_A_VISIT] and c.expecting == Expect.OFFER_HELP
    out = c.receive(CallerSaid("A message, please."))
    assert out == [TakeMessage("front desk", "", "5551234567", said)]


def test_a_visit_that_has_happened_and_another_booking_is_the_booking() -> None:
    c = new()
    out = c.receive(CallerSaid("I had a haircut last week, can I book another for Friday at 2?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 14), "5551234567")]


@pytest.mark.parametrize(
    ("said", "target"), [("Is Sarah available?", "Sarah"), ("Agent.", "front desk")]
)
def test_asking_for_someone_in_few_words_puts_the_caller_through(said: str, target: str) -> None:
    """ "Is Sarah available?" was "What would you like to book?"; "Agent" not understood."""
    out = new().receive(CallerSaid(said))
    assert [a.target for a in out if isinstance(a, Transfer)] == [target]


def test_a_change_asked_once_told_it_is_booked_moves_that_booking() -> None:
    """ "Actually can you make it 4?" was "What would you like to book?"."""
    c = new()
    c.receive(CallerSaid("A haircut tomorrow at 3, my name is Bruce Banner."))
    c.receive(SlotChecked(True))
    wednesday_3pm = datetime(2026, 11, 25, 15)
    out = c.receive(booked("haircut", wednesday_3pm, "Bruce Banner", booking_id=12))
    assert says(out)[-1] == replies.ANYTHING_ELSE
    out = c.receive(CallerSaid("Actually, can you make it 4?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 25, 16), moving=12)]
    out = c.receive(SlotChecked(True))
    assert out[-1] == Move(12, datetime(2026, 11, 25, 16))


def test_another_booking_asked_once_told_it_is_booked_is_a_new_one() -> None:
    c = new()
    c.receive(CallerSaid("A haircut tomorrow at 3, my name is Bruce Banner."))
    c.receive(SlotChecked(True))
    c.receive(booked("haircut", datetime(2026, 11, 25, 15), "Bruce Banner", booking_id=12))
    out = c.receive(CallerSaid("Can I also make one for my son on Friday at 4?"))
    assert not any(isinstance(a, Move) for a in out) and c.frame.task == Task.BOOK


@pytest.mark.parametrize(
    ("answer", "then"),
    [
        ("No.", "Okay. When would you like the beard trim?"),
        ("No, Friday at 11.", None),
    ],
)
def test_no_to_right_after_asks_when_the_second_booking_should_be(
    answer: str, then: str | None
) -> None:
    """ "No" to "shall I book it right after?" dropped the beard trim the caller asked for."""
    c = new()
    c.receive(CallerSaid("A haircut and a beard trim on Thursday at 10, I'm Steve Rogers."))
    c.receive(SlotChecked(True))
    c.receive(booked("haircut", datetime(2026, 11, 26, 10), "Steve Rogers"))
    out = c.receive(CallerSaid(answer))
    if then:
        assert says(out) == [then] and c.frame.service == "beard trim"
    else:
        assert out == [CheckSlot("beard trim", datetime(2026, 11, 27, 11), "5551234567")]


@pytest.mark.parametrize("answer", ["No thanks, just the haircut.", "No, that's all."])
def test_no_more_to_right_after_drops_the_second_booking(answer: str) -> None:
    c = new()
    c.receive(CallerSaid("A haircut and a beard trim on Thursday at 10, I'm Steve Rogers."))
    c.receive(SlotChecked(True))
    c.receive(booked("haircut", datetime(2026, 11, 26, 10), "Steve Rogers"))
    out = c.receive(CallerSaid(answer))
    assert not any(isinstance(a, CheckSlot | FindSlots) for a in out)
    assert c.frame.more_services == [] and c.frame.task is None


def test_another_service_asked_for_while_booking_comes_after_not_instead() -> None:
    """ "Can I also book a beard trim on Saturday at 10?" when asked the name for a haircut
    replaced the haircut (and moved it to Saturday)."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut on Friday at 2."))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Can I also book a beard trim on Saturday at 10?"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 14), "5551234567")]
    out = c.receive(SlotChecked(True))
    assert says(out)[0] == "Sure, and the beard trim once this one is booked."
    assert c.frame.more_services == ["beard trim"]


def test_another_booking_for_someone_else_the_same_day_is_not_under_the_callers_name() -> None:
    """It was booked under the caller's name, on today's date, not the day of the first."""
    c = new()
    c.receive(CallerSaid("Colour on Wednesday at 9 for me please, I'm Tara Lewis."))
    c.receive(SlotChecked(True))
    c.receive(booked("colour", datetime(2026, 11, 25, 9), "Tara Lewis"))
    out = c.receive(CallerSaid("And one more, a haircut for my friend Jess, same day at 11."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 25, 11), "5551234567")]
    out = c.receive(SlotChecked(True))
    assert c.frame.name is None and c.expecting == Expect.NAME


def test_a_visit_spoken_of_beside_a_request_for_a_day_is_a_booking() -> None:
    c = new()
    out = c.receive(
        CallerSaid("My sister came in last month and loved it, so Friday at 11 for a cut?")
    )
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 11), "5551234567")]


@pytest.mark.parametrize(
    "said",
    [
        "A haircut on Thursday at 10 and a beard trim on Friday at 11, I'm Steve Rogers.",
        "Two haircuts, one Thursday at 10 and one on Friday at 11. Name's Steve Rogers.",
    ],
)
def test_several_bookings_each_at_its_own_time_are_each_made_then(said: str) -> None:
    """The second was offered "right after" the first, its own day and time forgotten."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 10), "5551234567")]
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", datetime(2026, 11, 26, 10), "Steve Rogers"))
    second = "beard trim" if "beard" in said else "haircut"
    assert out[-1] == CheckSlot(second, datetime(2026, 11, 27, 11), "5551234567")
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book(second, datetime(2026, 11, 27, 11), "Steve Rogers", "5551234567")


def test_several_bookings_one_time_for_all_go_back_to_back() -> None:
    c = new()
    out = c.receive(CallerSaid("A haircut and a beard trim on Thursday at 10, I'm Steve Rogers."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 10), "5551234567")]
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", datetime(2026, 11, 26, 10), "Steve Rogers"))
    assert "right after, at 10:30 AM" in says(out)[-1]


def test_a_day_excepted_is_not_offered() -> None:
    """ "Any day next week except Tuesday" offered Tuesday's times."""
    c = new()
    out = c.receive(CallerSaid("Any day next week except Tuesday for a haircut."))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 11, 30)
    tuesday = (datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10))
    out = c.receive(SlotsFound(tuesday))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 12, 2)
    out = c.receive(SlotsFound((datetime(2026, 12, 2, 9), datetime(2026, 12, 2, 10))))
    assert says(out)[-1].startswith("Wednesday December 2 at 9 AM, or")


def test_a_time_counted_from_now_is_today_from_then() -> None:
    """ "Can I come in in an hour?" asked which day; now it is today from now plus an hour,
    the first free times from then offered."""
    c = Conversation(PROFILE, caller_id="5551234567", today=TODAY,
                     now=lambda: datetime(2026, 11, 24, 14, 10, 37))  # fmt: skip
    c.start()
    out = c.receive(CallerSaid("Can I come in in an hour for a haircut?"))
    assert out[-1] == FindSlots("haircut", TODAY, TODAY, TimeWindow(time(15, 10), earliest=True))
    c = Conversation(PROFILE, caller_id="5551234567", today=TODAY,
                     now=lambda: datetime(2026, 11, 24, 14, 10))  # fmt: skip
    c.start()
    c.receive(CallerSaid("I'd like a beard trim."))
    out = c.receive(CallerSaid("Anything in about half an hour?"))
    assert out[-1] == FindSlots("beard trim", TODAY, TODAY, TimeWindow(time(14, 40), earliest=True))


def _thursday_at(hour: int) -> Conversation:
    at = datetime(2026, 11, 26, hour, 44)  # a Thursday
    c = Conversation(PROFILE, caller_id="5551234567", today=at.date(), now=lambda: at)
    c.start()
    return c


def test_todays_weekday_at_an_hour_gone_is_next_weeks() -> None:
    """ "Thursday at three" said on a Thursday evening is the coming Thursday's three, as a
    person at the desk hears it; "today at three" still says the hour has passed."""
    c = _thursday_at(19)
    out = c.receive(CallerSaid("Hi, I'd like to book a haircut on Thursday at 3, I'm John Smith."))
    assert out == [CheckSlot("haircut", datetime(2026, 12, 3, 15, 0), "5551234567")]
    c = _thursday_at(19)
    out = c.receive(CallerSaid("I'd like a haircut today at 3."))
    assert not any(isinstance(a, (CheckSlot, Book)) for a in out)
    assert "already passed" in " ".join(says(out))
    c = _thursday_at(12)  # an hour still to come today is today's
    out = c.receive(CallerSaid("A haircut on Thursday at 3 for John Smith."))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 26, 15, 0), "5551234567")]


def test_a_time_from_now_that_asks_for_nothing_books_nothing() -> None:
    """Running late ("I'll be there in 10 minutes") and "call me back in an hour" are no
    booking."""
    c = new()
    out = c.receive(CallerSaid("Hi, I'm running late, I'll be there in 10 minutes."))
    assert not any(isinstance(a, (FindSlots, CheckSlot, Book)) for a in out)
    assert "Thanks for letting us know." in says(out)
    c = new()
    out = c.receive(CallerSaid("Could someone call me back in half an hour?"))
    assert not any(isinstance(a, (FindSlots, CheckSlot, Book)) for a in out)


def test_a_name_given_before_the_day_is_taken_and_the_day_asked_again() -> None:
    """ "Jane Miller" to "what day?" was not understood; now it is the name."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut."))
    assert c.expecting == Expect.DAY
    out = c.receive(CallerSaid("Jane Miller"))
    assert says(out)[0] == "Thank you, Jane." and c.frame.name == "Jane Miller"
    assert c.expecting == Expect.DAY
    out = c.receive(CallerSaid("Friday at 2"))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 14, 0), "5551234567")]
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book("haircut", datetime(2026, 11, 27, 14, 0), "Jane Miller", "5551234567")
    # "Dunno." is no name
    c = new()
    c.receive(CallerSaid("I'd like a haircut."))
    c.receive(CallerSaid("Dunno."))
    assert c.frame.name is None and c.expecting == Expect.DAY


@pytest.mark.parametrize("answer", ["Whatever works.", "I don't mind.", "Any day is fine.",
                                    "I'm flexible.", "Up to you."])  # fmt: skip
def test_leaving_the_day_to_us_offers_the_first_free_times(answer: str) -> None:
    """They were not understood ("Sorry, I didn't quite get that.")."""
    c = new()
    c.receive(CallerSaid("I'd like a haircut."))
    out = c.receive(CallerSaid(answer))
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == TODAY, out
    assert out[-1].window is not None and out[-1].window.earliest, out
    friday = (datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 10, 0))
    c.receive(SlotsFound(friday))
    out = c.receive(CallerSaid("Either is fine."))
    assert c.frame.day == friday[0].date() and c.frame.time == friday[0].time(), out


def test_whom_a_message_is_for_and_the_message_in_one_answer() -> None:
    """ "For Sarah. Tell her ..." to "who is it for?" asked what to tell Sarah; "No thanks"
    to that ended the call with nothing stored."""
    c = new()
    c.receive(CallerSaid("Can I leave a message?"))
    assert c.expecting == Expect.STAFF
    said = "For Sarah. Tell her the product she ordered for me, I'll pick it up Friday."
    out = c.receive(CallerSaid(said))
    assert out[-1] == TakeMessage("Sarah", "", "5551234567", said)
    # whom alone: the message is asked for
    c = new()
    c.receive(CallerSaid("Can I leave a message?"))
    out = c.receive(CallerSaid("It's for Sarah, please."))
    assert says(out) == ["What would you like me to tell Sarah?"]


def test_a_message_keeps_what_the_request_said_when_whom_is_answered_with_more() -> None:
    """ "This is Tom from Acme, on 555 444 3322" to "who is it for?" was the whole message:
    "we need to reschedule Thursday's delivery" was lost."""
    c = new()
    request = (
        "Hi, this is the supplier, we need to reschedule Thursday's delivery. "
        "Can someone call me back?"
    )
    out = c.receive(CallerSaid(request))
    # anyone will do: the front desk at once (since 2026-12-02; "Who is it for?" was asked)
    assert out == [TakeMessage("front desk", "", "5551234567", request)], out
    out = c.receive(MessageTaken("I've passed your message to the front desk (claim).", 7))
    out = c.receive(CallerSaid("This is Tom from Acme, on 555 444 3322."))
    # who calls goes into the message, then the number staff call back on
    assert out == [AddToMessage(7, "This is Tom from Acme, on 555 444 3322.", "Tom")], out
    out = c.receive(MessageTaken("I've added that to your message (claim).", 7))
    assert out[-1] == ChangeCallback(7, "5554443322"), out


@pytest.mark.parametrize(
    "question",
    ["And do I need a patch test?", "Do I have to get a consultation before a colour?"],
)
def test_what_must_come_first_is_a_question_not_a_service_we_lack(question: str) -> None:
    """ "We don't offer patch test" answered a question about one; now a person or a message."""
    out = new().receive(CallerSaid(question))
    assert says(out) == [replies.DONT_KNOW], out
    assert not any(isinstance(a, FindSlots | CheckSlot) for a in out)


def test_a_move_is_split_at_the_last_words_that_name_a_new_day() -> None:
    """ "... can we do the Saturday instead, same time?" was split at "instead": the new day
    was lost with the booking's, and the caller asked which booking it was."""
    c = new()
    out = c.receive(CallerSaid("I booked for the 27th but I've double booked myself, can we do "
                               "the Saturday instead, same time?"))  # fmt: skip
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    assert out == [FindBookings("5551234567", "", date(2026, 11, 27))], out
    out = c.receive(BookingsFound((friday,)))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 28, 10), moving=9)], out


@pytest.mark.parametrize(
    ("said", "service"),
    [
        ("Hi, I missed my appointment yesterday, sorry about that, can I rebook?", None),
        ("I missed my haircut on Saturday, can I book another one?", "haircut"),
        ("I couldn't make it last week, can I reschedule?", None),
    ],
)
def test_a_missed_booking_asked_again_is_a_new_booking_on_no_day_yet(
    said: str, service: str | None
) -> None:
    """Was a move of a booking held (the caller's Friday one, found by number), or a haircut
    offered on the coming Saturday, the day missed."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert c.frame.task == Task.BOOK and c.frame.day is None, out
    assert c.frame.service == service
    assert not any(isinstance(a, FindBookings | FindSlots) for a in out), out


@pytest.mark.parametrize(
    ("said", "told", "window"),
    [
        ("Is it possible to get a haircut at 8 in the morning?", "8 AM is before we open",
         TimeWindow(end=time(12, 0))),
        ("Could I get a haircut at half seven in the evening?", "7:30 PM is after we close",
         TimeWindow(start=time(16, 30))),
    ],
)  # fmt: skip
def test_a_time_outside_every_days_hours_is_said_so_with_the_days_first_or_last_times(
    said: str, told: str, window: TimeWindow
) -> None:
    """ "I can't find a free time then. Which other day would suit you?": no day would do."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert isinstance(out[-1], FindSlots)
    out = c.receive(SlotsFound(()))
    assert says(out) == [f"I'm sorry, {told}."], out
    assert isinstance(out[-1], FindSlots) and out[-1].window == window, out


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("Hi, just wondering if you have any cancellations today?", date(2026, 11, 24)),
        ("Have you had any cancellations for Saturday? I'm after a haircut.", date(2026, 11, 28)),
    ],
)
def test_others_cancellations_asked_about_are_free_times_not_a_cancellation(
    said: str, day: date
) -> None:
    """Each looked for a booking of the caller's to cancel, then went to a person."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert not any(isinstance(a, FindBookings) for a in out), out
    assert c.frame.task == Task.BOOK and c.frame.day == day, out


@pytest.mark.parametrize(
    "said",
    [
        "Can you put me on the waiting list for Saturday?",
        "I'd like to go on the cancellation list.",
    ],
)
def test_a_place_on_the_waiting_list_is_a_message_for_the_front_desk_in_the_callers_words(
    said: str,
) -> None:
    """The message asked who it was for, then kept the answer ("Kate Moss.") as its words."""
    out = new().receive(CallerSaid(said))
    assert out == [TakeMessage("front desk", "", "5551234567", said)], out


@pytest.mark.parametrize(
    "said",
    [
        "Hi, I'd like to book a haircut for next Friday, not this one, the one after.",
        "A haircut on Friday, not this one but next.",
        "A haircut the Friday after this one.",
    ],
)
def test_a_day_turned_down_for_the_one_a_week_on_is_that_one(said: str) -> None:
    """Was this Friday at 1 PM ("the one after" read as one o'clock): a booking neither asked."""
    c = new()
    out = c.receive(CallerSaid(said))
    assert (c.frame.day, c.frame.time) == (date(2026, 12, 4), None), out
    assert isinstance(out[-1], FindSlots) and out[-1].first_day == date(2026, 12, 4), out


def test_a_status_asked_of_the_wrong_day_finds_the_callers_booking_on_another() -> None:
    """ "Confirm my appointment for tomorrow" ... "Jane Miller" (hers is on Friday, booked from
    this number): "I couldn't find a booking under that name or number", as if she had none."""
    c = new()
    c.receive(CallerSaid("Hello, I'm calling to confirm my appointment for tomorrow."))
    out = c.receive(BookingsFound(()))
    assert "What name is it under?" in says(out)[-1]
    out = c.receive(CallerSaid("Jane Miller."))
    wednesday = date(2026, 11, 25)
    assert out == [FindBookings("5551234567", "Jane Miller", wednesday, include_past_states=True)]
    out = c.receive(BookingsFound(()))
    assert out == [FindBookings("5551234567", "Jane Miller", None)]
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((friday,)))
    assert says(out) == ["It isn't on Wednesday."] and out[-1] == Report(9), out


def test_a_status_by_a_name_on_another_numbers_booking_on_another_day_is_not_found() -> None:
    """The fallback asks for the caller's own booking: another number's, under the same name,
    is not told."""
    c = new()
    c.receive(CallerSaid("Hello, I'm calling to confirm my appointment for tomorrow."))
    c.receive(BookingsFound(()))
    c.receive(CallerSaid("Jane Miller."))
    c.receive(BookingsFound(()))
    elsewhere = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5550000000",
                            "booked")  # fmt: skip
    out = c.receive(BookingsFound((elsewhere,)))
    assert not any(isinstance(a, Report) for a in out), out
    assert "couldn't find" in " ".join(says(out)), out


@pytest.mark.parametrize(
    ("question", "service", "answer"),
    [
        ("Hi, what's your cheapest service?", "beard trim",
         ["Our cheapest is a beard trim.",
          "A beard trim is 15 dollars and takes about 15 minutes."]),
        ("What's the quickest thing you do?", "beard trim",
         ["Our quickest is a beard trim.", "A beard trim takes about 15 minutes."]),
        ("What's your most expensive service?", "colour",
         ["Our most expensive is a colour.", "A colour is 90 dollars and takes about 90 minutes."]),
    ],
)  # fmt: skip
def test_a_service_asked_for_by_its_price_or_length_is_named_from_the_profile(
    question: str, service: str, answer: list[str]
) -> None:
    """ "I don't have that information" before, and "I'll book that then" had no service."""
    c = new()
    out = c.receive(CallerSaid(question))
    assert says(out) == [*answer, replies.ANYTHING_ELSE], out
    out = c.receive(CallerSaid("Alright, I'll book that then, Friday afternoon."))
    assert isinstance(out[-1], FindSlots) and out[-1].service == service, out


def test_the_first_one_to_the_services_listed_is_the_first_service() -> None:
    c = new()
    out = c.receive(CallerSaid("Can I book an appointment for Saturday?"))
    assert says(out)[-1].endswith("We offer a haircut, a beard trim, a colour or a kids cut.")
    out = c.receive(CallerSaid("The first one."))
    assert isinstance(out[-1], FindSlots) and out[-1].service == "haircut", out


@pytest.mark.parametrize("said", ["Ten please.", "No, at 10."])
def test_an_hour_said_when_asked_for_a_name_is_the_time_wanted_instead(said: str) -> None:
    """ "Friday at 1 PM is free. What name ...?" "Ten please.": was not understood."""
    c = new()
    c.receive(CallerSaid("Can I get a haircut Friday at 1?"))
    out = c.receive(SlotChecked(True))
    assert c.expecting == Expect.NAME, out
    out = c.receive(CallerSaid(said))
    assert out == [CheckSlot("haircut", datetime(2026, 11, 27, 10), "5551234567")], out


def test_a_weekday_said_to_the_times_offered_is_the_one_offered_not_todays() -> None:
    """ "Tuesday at 10" to "Tuesday December 1 at 9 AM, or ... at 10 AM", said on Tuesday
    November 24: booked that morning, a week early."""
    c = new()
    out = c.receive(CallerSaid("Can I get a haircut next week?"))
    assert isinstance(out[-1], FindSlots)
    offered = (datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10))
    c.receive(SlotsFound(offered))
    out = c.receive(CallerSaid("Tuesday at 10."))
    assert (c.frame.day, c.frame.time) == (date(2026, 12, 1), time(10)), out


@pytest.mark.parametrize(
    ("opening", "which"),
    [
        ("Can I move my Friday appointment to next week?", None),
        ("I need to cancel my appointment and book a new one for next week.", "The Friday one."),
    ],
)
def test_a_booking_moved_to_next_week_gets_next_weeks_times(
    opening: str, which: str | None
) -> None:
    """The first asked which booking ("my Friday appointment" lost), the second booked this
    Tuesday for "Tuesday at 10"."""
    c = new()
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(CallerSaid(opening))
    if which is not None:
        c.receive(BookingsFound((friday,)))  # by the number alone: which one is asked
        out = c.receive(CallerSaid(which))
    assert out == [FindBookings("5551234567", "", date(2026, 11, 27))], out
    out = c.receive(BookingsFound((friday,)))
    assert "I found your haircut on Friday November 27 at 10 AM." in says(out), out
    find = out[-1]
    assert isinstance(find, FindSlots) and (find.first_day, find.last_day) == (
        date(2026, 11, 30),
        date(2026, 12, 6),
    ), out
    c.receive(SlotsFound((datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 11))))
    out = c.receive(CallerSaid("Tuesday at 10."))
    assert out == [CheckSlot("haircut", datetime(2026, 12, 1, 10), moving=9)], out


@pytest.mark.parametrize(
    ("who", "kept"),
    [
        ("It's for whoever does the colours.", "It's for whoever does the colours. "),
        ("Anyone.", ""),
    ],
)
def test_a_message_for_no_one_of_the_staff_asks_for_the_message_itself(who: str, kept: str) -> None:
    """Whom the message was for was taken as the message, and the message, said next, was
    lost."""
    c = new()
    c.receive(CallerSaid("Can I leave a message?"))
    out = c.receive(CallerSaid(who))
    assert says(out) == ["What would you like me to tell the front desk?"], out
    said = "I want to know if you can do pastel pink."
    out = c.receive(CallerSaid(said))
    assert out == [TakeMessage("front desk", "", "5551234567", kept + said)], out


def test_someone_asked_to_call_back_is_the_front_desk_with_the_callers_words() -> None:
    """ "Who is the message for?" was asked of a caller who said anyone would do."""
    said = (
        "Hi, this is Dave from Supply Co, just calling about your order, can someone call me back?"
    )
    out = new().receive(CallerSaid(said))
    assert out == [TakeMessage("front desk", "Dave", "5551234567", said)], out


def test_a_name_spelled_after_each_part_keeps_both_parts() -> None:
    """Booked as "Sam": the surname's spelling ran to the question mark and was lost."""
    c = new()
    c.receive(CallerSaid("Can I book a haircut on Friday at 3 for Sam, S-A-M, Wilkinson, "
                         "W-I-L-K-I-N-S-O-N?"))  # fmt: skip
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book("haircut", datetime(2026, 11, 27, 15), "Sam Wilkinson", "5551234567")


@pytest.mark.parametrize(
    "said",
    [
        "I'm calling about my appointment on Friday, I'd like to add a beard trim.",
        "Can I add a beard trim to my Friday appointment?",
        "I've got a haircut on Friday, can I add a beard trim?",
    ],
)
def test_a_service_added_to_a_booking_held_is_booked_when_that_one_ends(said: str) -> None:
    """The first was told its booking and nothing more; the others were offered Friday's first
    times, 9 AM before the haircut, and asked a name the booking already has."""
    c = new()
    out = c.receive(CallerSaid(said))
    friday = date(2026, 11, 27)
    assert out == [FindBookings("5551234567", "", friday)], out
    held = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                       "booked")  # fmt: skip
    out = c.receive(BookingsFound((held,)))
    assert out == [CheckSlot("beard trim", datetime(2026, 11, 27, 10, 30), "5551234567")], out
    out = c.receive(SlotChecked(True))
    assert out[-1] == Book("beard trim", datetime(2026, 11, 27, 10, 30), "Jane Miller",
                           "5551234567"), out  # fmt: skip


@pytest.mark.parametrize("said", ["the ten one", "The 10 one, please.", "the ten o'clock one"])
def test_an_offered_time_pointed_at_by_its_hour_and_one_is_that_time(said: str) -> None:
    """ "the ten one" was 1 PM ("ten" taken for a phone number's first digit, "one" the hour):
    booked at a time neither offered nor asked."""
    c = new()
    c.receive(CallerSaid("Can I book my son in for a haircut on Saturday morning?"))
    offered = (datetime(2026, 11, 28, 9), datetime(2026, 11, 28, 10))
    c.receive(SlotsFound(offered))
    c.receive(CallerSaid(said))
    assert (c.frame.day, c.frame.time) == (date(2026, 11, 28), time(10)), said


def test_a_booking_then_after_a_question_of_a_staff_members_day_is_that_day_with_them() -> None:
    """ "Is Marco in on Saturday?" then "OK, can I book with him then at 10?": the day and
    Marco were lost ("What would you like to book at 10 AM?", then today's 10 AM offered)."""
    c = new()
    c.receive(CallerSaid("Is Marco in on Saturday?"))
    out = c.receive(CallerSaid("OK, can I book with him then at 10?"))
    assert c.frame.day == date(2026, 11, 28) and c.frame.asked_for == "Marco", out
    assert "on Saturday at 10 AM" in says(out)[-1], out


@pytest.mark.parametrize(
    "said",
    [
        "Hi, I've been waiting for a call back since Monday, nobody called me.",
        "Hi, I found an earring in my bag after my appointment, I think it's someone's.",
        "I think I left my scarf at the salon on Friday.",
    ],
)
def test_a_call_back_waited_for_or_lost_property_is_a_message_for_the_front_desk(
    said: str,
) -> None:
    """The first two began a booking (on Monday; of what, asked), the third was not
    understood."""
    out = new().receive(CallerSaid(said))
    assert out == [TakeMessage("front desk", "", "5551234567", said)], out


def test_wanting_someone_to_know_is_a_message_not_a_transfer() -> None:
    """ "No, I just want someone to know." to "a message, or someone who can help?" put the
    caller through ("someone")."""
    c = new()
    said = "I was there last week and the girl was really rude to me."
    c.receive(CallerSaid(said))
    out = c.receive(CallerSaid("No, I just want someone to know."))
    assert not any(isinstance(a, Transfer) for a in out), out
    assert out == [TakeMessage("front desk", "", "5551234567", said)], out


def test_a_cancellation_and_a_booking_for_someone_else_in_one_breath_are_both_done() -> None:
    """The cancellation looked for a booking on Saturday (the booking's day), found none, and
    a person was asked for; the daughter's booking was never made."""
    c = new()
    out = c.receive(CallerSaid("Hi, I need to cancel my Friday appointment and also I want to "
                               "book my daughter in for a kids cut on Saturday."))  # fmt: skip
    assert out == [FindBookings("5551234567", "", date(2026, 11, 27))], out
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    c.receive(BookingsFound((friday,)))
    out = c.receive(CallerSaid("Yes."))
    assert out[-1] == Cancel(9), out
    out = c.receive(CancelDone("cancelled", friday, "Your haircut on Friday is cancelled (claim)."))
    # then the other request, with nothing asked again
    saturday = date(2026, 11, 28)
    assert out[-1] == FindSlots("kids cut", saturday, saturday), out
    assert replies.ANYTHING_ELSE not in says(out), out


@pytest.mark.parametrize("task", ["book", "message"])
def test_the_number_called_from_when_it_is_withheld_is_said_to_be_unseen(task: str) -> None:
    """ "Same number I'm calling from" with the caller id withheld: "Sorry, I didn't quite get
    that", as if the caller had said nothing."""
    c = new(caller_id="")
    if task == "book":
        c.receive(CallerSaid("Hi, can I book a haircut on Friday at 2?"))
        c.receive(SlotChecked(True))
        c.receive(CallerSaid("Ann Lee."))
        c.receive(SlotChecked(True))
    else:
        c.receive(CallerSaid("Can I leave a message for Sarah? Tell her Lucy called about the "
                             "invoice."))  # fmt: skip
    assert c.expecting == Expect.PHONE
    out = c.receive(CallerSaid("Same number I'm calling from."))
    assert says(out) == [replies.NUMBER_NOT_SHOWN] and c.expecting == Expect.PHONE, out
    out = c.receive(CallerSaid("555 303 4040"))
    if task == "book":
        out = c.receive(SlotChecked(True))
    assert any(isinstance(a, Book | TakeMessage) and a.phone == "5553034040" for a in out), out


def test_another_service_asked_for_the_booking_just_made_changes_it() -> None:
    """ "Wait, can you make it a haircut instead?" once told the colour is booked: a second
    booking was begun ("What day would you like to come in?"), the colour kept."""
    c = new()
    c.receive(CallerSaid("I'd like a colour Saturday at 10, Ann Lee."))
    c.receive(SlotChecked(True))
    saturday_10 = datetime(2026, 11, 28, 10)
    c.receive(booked("colour", saturday_10, "Ann Lee", booking_id=4))
    out = c.receive(CallerSaid("Wait, can you make it a haircut instead?"))
    assert says(out) == [
        "I found your colour on Saturday November 28 at 10 AM. Shall I change it to a haircut "
        "at the same time?"
    ], out
    out = c.receive(CallerSaid("Yes please."))
    assert out[-1] == CheckSlot("haircut", saturday_10, moving=4), out


def test_an_hour_someone_else_says_puts_the_time_right() -> None:
    c = new()
    c.receive(CallerSaid("Can I get a kids cut Saturday at 9?"))
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Hold on, my wife says 10."))
    assert out == [CheckSlot("kids cut", datetime(2026, 11, 28, 10), "5551234567")], out


@pytest.mark.parametrize(
    ("at", "answer"),
    [
        (datetime(2026, 11, 24, 8, 0), "We're not open yet. Today we're open from 9 AM to 6 PM."),
        (datetime(2026, 11, 24, 11, 0), "Yes, we're open now, until 6 PM."),
        (
            datetime(2026, 11, 28, 15, 0),
            "We're closed right now. We open again on Tuesday at 9 AM.",
        ),
    ],
)
@pytest.mark.parametrize(
    "asked", ["Are you open right now?", "Are you open?", "I'm outside, are you open?"]
)
def test_open_right_now_is_answered_for_the_hour_asked(
    at: datetime, answer: str, asked: str
) -> None:
    """ "Are you open right now?" heard the day's hours, whatever the clock said; "Are you
    open?" alone, and "I'm outside, are you open?", were answered with the week's hours."""
    c = Conversation(PROFILE, caller_id="5551234567", today=at.date(), now=lambda: at)
    c.start()
    out = c.receive(CallerSaid(asked))
    assert says(out)[0] == answer, out


def test_how_long_several_services_take_together_is_added_up() -> None:
    out = new().receive(CallerSaid("How long will a colour and cut take altogether?"))
    assert "That's about 2 hours in all." in says(out), out


def test_three_names_for_three_bookings_are_each_ones_name() -> None:
    """ "Leo, Max and Sam Smith." was not understood (asked again for the name)."""
    c = new()
    c.receive(CallerSaid("I'd like to book three kids cuts for my three boys on Saturday at 9, "
                         "back to back."))  # fmt: skip
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Leo, Max and Sam Smith."))
    out = c.receive(SlotChecked(True)) if isinstance(out[-1], CheckSlot) else out
    nine = datetime(2026, 11, 28, 9)
    assert out[-1] == Book("kids cut", nine, "Leo Smith", "5551234567"), out
    out = c.receive(booked("kids cut", nine, "Leo Smith"))
    out = c.receive(SlotChecked(True)) if isinstance(out[-1], CheckSlot) else out
    assert out[-1] == Book("kids cut", datetime(2026, 11, 28, 9, 20), "Max Smith", "5551234567")
    out = c.receive(booked("kids cut", datetime(2026, 11, 28, 9, 20), "Max Smith", 2))
    out = c.receive(SlotChecked(True)) if isinstance(out[-1], CheckSlot) else out
    assert out[-1] == Book("kids cut", datetime(2026, 11, 28, 9, 40), "Sam Smith", "5551234567")


@pytest.mark.parametrize(
    ("opening", "then"),
    [
        # asked which booking: "on Friday" was lost
        ("Something's come up on Friday, could I do Saturday instead?",
         FindSlots("haircut", date(2026, 11, 28), date(2026, 11, 28))),
        # a message that the caller was late
        ("I'm booked in Friday at 10 but I'll be stuck at work, have you got anything after 5?",
         FindSlots("haircut", date(2026, 11, 27), date(2026, 11, 27), TimeWindow(start=time(17)))),
        # new bookings
        ("Can we change Friday to Saturday?",
         FindSlots("haircut", date(2026, 11, 28), date(2026, 11, 28))),
        ("Hi, the appointment I have on Friday, can I make it 30 minutes later?",
         CheckSlot("haircut", datetime(2026, 11, 27, 10, 30), moving=9)),
    ],
)  # fmt: skip
def test_a_booking_held_and_asked_another_time_in_other_words_is_moved(
    opening: str, then: object
) -> None:
    c = new()
    out = c.receive(CallerSaid(opening))
    assert out == [FindBookings("5551234567", "", date(2026, 11, 27))], out
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((friday,)))
    assert out[-1] == then, out


def test_a_cancellation_then_a_booking_for_the_same_person_is_a_move() -> None:
    c = new()
    out = c.receive(CallerSaid("Cancel my son's kids cut on Friday and book him in for Saturday "
                               "instead."))  # fmt: skip
    assert out == [FindBookings("5551234567", "", date(2026, 11, 27))], out
    friday = BookingView(9, "kids cut", datetime(2026, 11, 27, 10), "Tom Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((friday,)))
    assert c.frame.task == Task.MOVE, out
    assert out[-1] == FindSlots("kids cut", date(2026, 11, 28), date(2026, 11, 28)), out


@pytest.mark.parametrize(
    ("ask", "offered", "told"),
    [
        ("Nothing earlier?", (datetime(2026, 11, 28, 9), datetime(2026, 11, 28, 10)),
         "We open at 9 AM that day, so 9 AM is the earliest."),
        ("Anything later?", (datetime(2026, 11, 28, 11), datetime(2026, 11, 28, 12, 30)),
         "We close at 2 PM that day, so 12:30 PM is the latest."),
    ],
)  # fmt: skip
def test_other_times_asked_past_the_days_opening_or_closing_keep_the_times_offered(
    ask: str, offered: tuple[datetime, datetime], told: str
) -> None:
    """ "I can't find a free time then. Which other day would suit you?", and "the first one"
    then was not understood: the times offered were gone."""
    c = new()
    c.receive(CallerSaid("What's free on Saturday for a colour?"))
    c.receive(SlotsFound(offered))
    out = c.receive(CallerSaid(ask))
    assert says(out) == [told, "Would one of those work?"], out
    c.receive(CallerSaid("OK, the first one then."))
    assert (c.frame.day, c.frame.time) == (offered[0].date(), offered[0].time())


def test_a_name_to_shall_i_book_the_next_one_is_a_yes_under_that_name() -> None:
    """ "And the haircut: shall I book it right after?" "Sam Peters.": "Please say yes or no"."""
    c = new()
    c.receive(CallerSaid("My son and his friend both need a trim on Friday at 3."))
    c.receive(SlotChecked(True))
    c.receive(CallerSaid("Max Jones."))
    out = c.receive(SlotChecked(True))
    three = datetime(2026, 11, 27, 15)
    assert out[-1] == Book("kids cut", three, "Max Jones", "5551234567"), out
    out = c.receive(booked("kids cut", three, "Max Jones"))
    assert c.expecting == Expect.NEXT_BOOKING, out
    out = c.receive(CallerSaid("Sam Peters."))
    out = c.receive(SlotChecked(True)) if isinstance(out[-1], CheckSlot) else out
    assert out[-1] == Book("haircut", datetime(2026, 11, 27, 15, 20), "Sam Peters", "5551234567")


def test_a_question_said_with_a_booking_is_passed_on_once_the_booking_is_made() -> None:
    """ "Can I get a haircut on Friday at 2? Also, is there parking?": the question was dropped
    without a word."""
    c = new()
    said = "Can I get a haircut on Friday at 2? Also, is there parking?"
    out = c.receive(CallerSaid(said))
    assert says(out) == [replies.QUESTION_LATER], out
    c.receive(SlotChecked(True))
    out = c.receive(CallerSaid("Ann Lee."))
    two = datetime(2026, 11, 27, 14)
    out = c.receive(SlotChecked(True)) if isinstance(out[-1], CheckSlot) else out
    assert out[-1] == Book("haircut", two, "Ann Lee", "5551234567"), out
    out = c.receive(booked("haircut", two, "Ann Lee"))
    assert out[-1] == TakeMessage("front desk", "Ann Lee", "5551234567", said), out
    out = c.receive(MessageTaken("I've passed your message to the front desk (claim).", 3))
    assert says(out)[-1] == replies.ANYTHING_ELSE and c.outcome == Outcome.COMPLETED, out


def test_a_service_asked_for_then_a_question_of_it_is_answered_then_booked() -> None:
    """ "I'd like a colour on Saturday, how long does it take?" was answered, and the colour
    forgotten ("Is there anything else I can help you with?")."""
    out = new().receive(CallerSaid("I'd like a colour on Saturday, how long does it take?"))
    assert says(out)[0] == "A colour takes about 90 minutes.", out
    saturday = date(2026, 11, 28)
    assert out[-1] == FindSlots("colour", saturday, saturday), out


def test_a_question_joined_on_with_and_is_a_question_of_its_own() -> None:
    """ "Can I book a haircut Friday at 2, and do you take cards?": the question, one sentence
    with the request, was not heard as one and was dropped."""
    out = new().receive(CallerSaid("Can I book a haircut Friday at 2, and do you take cards?"))
    assert says(out) == [replies.QUESTION_LATER], out
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 27, 14), "5551234567"), out


def test_a_price_asked_as_a_sum_of_money_is_answered() -> None:
    out = new().receive(CallerSaid("I'd like a colour, and is it 90 dollars?"))
    assert says(out)[0] == "A colour is 90 dollars and takes about 90 minutes.", out
    assert replies.QUESTION_LATER not in says(out), out


def _booked_as(name: str) -> Conversation:
    c = new()
    c.receive(CallerSaid(f"Beard trim Thursday at noon, name's {name}."))
    c.receive(SlotChecked(True))
    c.receive(booked("beard trim", datetime(2026, 11, 26, 12, 0), name))
    assert c.expecting == Expect.ANYTHING_ELSE
    return c


@pytest.mark.parametrize(
    ("said", "new_name"),
    [
        ("No, no, it's Don. Don Price.", "Don Price"),
        ("Sorry, I said Don Price, not Jon.", "Don Price"),
        ("Sorry, the name's actually John with an h.", ""),
        ("Actually can you put it under my wife's name, Sue Green?", "Sue Green"),
    ],
)
def test_the_name_put_right_after_the_booking_goes_to_the_front_desk(
    said: str, new_name: str
) -> None:
    """ "No, no, it's Don. Don Price." once told "... under the name Jon Price" was "no,
    nothing else": the call ended with the booking under the wrong name. The booking can't be
    renamed from here: the front desk is asked to, in the caller's words, and the caller hears
    so, then "anything else?"."""
    c = _booked_as("Jon Price")
    out = c.receive(CallerSaid(said))
    assert not c.ended and not any(isinstance(a, Hangup) for a in out), says(out)
    (message,) = [a for a in out if isinstance(a, TakeMessage)]
    assert message.for_staff == "front desk" and message.phone == "5551234567"
    assert "Jon Price" in message.text and said in message.text
    assert (new_name in message.text) if new_name else (" to " not in message.text.split(".")[0])
    first = says(out)[0]
    assert ("change it to " + new_name) in first if new_name else "put it right" in first
    out = c.receive(MessageTaken("I've passed your message to the front desk (claim)."))
    assert says(out)[-1] == replies.ANYTHING_ELSE and c.outcome == Outcome.COMPLETED


@pytest.mark.parametrize("said", ["No, that's all, thank you.", "No thanks, bye.", "No."])
def test_a_no_after_the_booking_still_ends_the_call(said: str) -> None:
    c = _booked_as("Jon Price")
    out = c.receive(CallerSaid(said))
    assert c.ended and not any(isinstance(a, TakeMessage) for a in out), says(out)


def test_asked_about_kids_hair_then_a_booking_for_the_son_is_one_kids_cut() -> None:
    """ "Do you cut kids' hair?" was a haircut and a kids cut: once the son's kids cut was
    booked, "And the second kids cut: shall I book it right after?"."""
    c = new()
    out = c.receive(CallerSaid("Do you cut kids' hair?"))
    assert says(out)[0].startswith("Sure, a kids cut."), out
    out = c.receive(CallerSaid("Okay, can I book one for my son on Saturday at 11?"))
    saturday_11 = datetime(2026, 11, 28, 11, 0)
    assert out == [CheckSlot("kids cut", saturday_11, "5551234567")]
    c.receive(SlotChecked(True))
    assert c.receive(CallerSaid("Leo Miller.")) == [
        CheckSlot("kids cut", saturday_11, "5551234567")
    ]
    out = c.receive(SlotChecked(True))  # checked again before it is booked
    assert out[-1] == Book("kids cut", saturday_11, "Leo Miller", "5551234567"), out
    out = c.receive(booked("kids cut", saturday_11, "Leo Miller"))
    assert says(out)[-1] == replies.ANYTHING_ELSE, out


@pytest.mark.parametrize(
    ("said", "each"),
    [
        # were four kids cuts, the adults' too
        (
            "I'd like to bring the whole family in on Saturday, me, my husband and our two kids.",
            ["haircut", "haircut", "kids cut", "kids cut"],
        ),
        # the wife's haircut was lost (a haircut, then the son's kids cut)
        (
            "Haircuts for me, my wife and my son on Saturday at 10 please.",
            ["haircut", "haircut", "kids cut"],
        ),
        ("A haircut for me and my son on Friday at 2.", ["haircut", "kids cut"]),
        ("Two kids cuts for my twins on Saturday.", ["kids cut", "kids cut"]),
        ("A colour for me and my daughter on Saturday.", ["colour", "colour"]),
    ],
)
def test_a_family_booked_together_is_each_person_s_own_service(said: str, each: list) -> None:
    c = new()
    c.receive(CallerSaid(said))
    assert [c.frame.service, *c.frame.more_services] == each


@pytest.mark.parametrize(
    "question",
    ["Is it more expensive for long hair?", "How much is a haircut? Is it more for long hair?",
     "Is a colour cheaper for students?"],
)  # fmt: skip
def test_a_price_that_depends_on_what_we_do_not_know_says_so_and_offers_help(
    question: str,
) -> None:
    """ "Is it more expensive for long hair?" was the price list alone, as if that answered."""
    c = new()
    out = c.receive(CallerSaid(question))
    assert "dollars" in says(out)[0], out
    assert says(out)[-1] == replies.PRICE_DEPENDS_UNKNOWN and c.expecting == Expect.OFFER_HELP
    out = c.receive(CallerSaid("A message, please."))
    assert out == [TakeMessage("front desk", "", "5551234567", question)]


@pytest.mark.parametrize("question", ["How much is a colour?", "Is a beard trim extra?"])
def test_a_plain_price_question_is_answered_alone(question: str) -> None:
    out = new().receive(CallerSaid(question))
    assert replies.PRICE_DEPENDS_UNKNOWN not in says(out) and says(out)[-1] == replies.ANYTHING_ELSE


def test_asking_if_it_is_us_with_a_request_is_no_question_to_pass_on() -> None:
    """ "Is that the hairdressers? I was wondering if you had anything ..." was "I can't
    answer your question myself, so I'll pass it on", and a message of it after the booking."""
    c = new()
    out = c.receive(
        CallerSaid(
            "Yeah hi, is that the hairdressers? I was wondering if you had anything going "
            "tomorrow morning for a trim."
        )
    )
    assert replies.QUESTION_LATER not in says(out), out
    assert isinstance(out[-1], FindSlots) and out[-1].service == "haircut", out


def test_a_part_of_the_day_every_time_offered_is_in_asks_which_not_the_same_offer_again() -> None:
    """ "Afternoon, please." to "1 PM or 2 PM" offered the same two again, word for word."""
    c = new()
    c.receive(CallerSaid("Could I get a haircut tomorrow? I'm Ann Lee."))
    slots = (datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))
    c.receive(SlotsFound(slots))
    out = c.receive(CallerSaid("Afternoon, please."))
    assert says(out) == ["Both of those would suit. Which would you prefer, 1 PM or 2 PM?"]
    assert c.receive(CallerSaid("The second one.")) == [
        CheckSlot("haircut", slots[1], "5551234567")
    ]


def test_a_part_of_the_day_none_offered_is_in_looks_for_it() -> None:
    c = new()
    c.receive(CallerSaid("Could I get a haircut tomorrow? I'm Ann Lee."))
    c.receive(SlotsFound((datetime(2026, 11, 25, 13, 0), datetime(2026, 11, 25, 14, 0))))
    out = c.receive(CallerSaid("Morning, please."))
    assert isinstance(out[-1], FindSlots) and out[-1].window is not None, out


@pytest.mark.parametrize(
    "said",
    ["Can Sarah call me back about my wedding hair?",
     "Can you get Sarah to ring me back when she's free? It's about my wedding hair."],
)  # fmt: skip
def test_a_call_back_asked_with_what_it_is_about_is_the_message(said: str) -> None:
    """It was asked for again ("What would you like me to tell Sarah?"), and a number said
    next taken for the message."""
    out = new().receive(CallerSaid(said))
    assert out == [TakeMessage("Sarah", "", "5551234567", said)]


def test_a_number_given_for_the_message_of_a_call_back_is_the_number_to_call() -> None:
    c = new()
    asked = "Can you get Sarah to ring me back when she's free?"
    c.receive(CallerSaid(asked))
    assert c.expecting == Expect.MESSAGE_TEXT
    out = c.receive(CallerSaid("My number is 555 222 3333."))
    assert out == [TakeMessage("Sarah", "", "5552223333", asked)]


def test_a_number_given_for_a_message_still_to_be_said_asks_for_it_again() -> None:
    c = new()
    c.receive(CallerSaid("I'd like to leave a message for Marco."))
    out = c.receive(CallerSaid("555 222 3333."))
    assert not any(isinstance(a, TakeMessage) for a in out) and c.expecting == Expect.MESSAGE_TEXT
    out = c.receive(CallerSaid("Tell him my colour faded."))
    assert out == [TakeMessage("Marco", "", "5552223333", "Tell him my colour faded.")]


def _asked_the_name_for_friday_at_2() -> tuple[Conversation, list[str]]:
    c = new()
    c.receive(CallerSaid("Haircut Friday at 2."))
    asked = says(c.receive(SlotChecked(True)))
    assert c.expecting == Expect.NAME, asked
    return c, asked


def test_a_question_we_cannot_answer_during_a_booking_is_passed_on_after_it() -> None:
    """ "Oh wait, do I need to bring anything?" asked the name was "a message, or someone who
    can help?", and the name said next not understood: the booking was lost."""
    c, asked = _asked_the_name_for_friday_at_2()
    out = c.receive(CallerSaid("Oh wait, do I need to bring anything?"))
    assert says(out) == [replies.QUESTION_LATER, *asked] and c.expecting == Expect.NAME
    friday_2 = datetime(2026, 11, 27, 14, 0)
    assert c.receive(CallerSaid("Okay. Lucy Gray.")) == [
        CheckSlot("haircut", friday_2, "5551234567")
    ]
    c.receive(SlotChecked(True))
    out = c.receive(booked("haircut", friday_2, "Lucy Gray"))
    (message,) = [a for a in out if isinstance(a, TakeMessage)]
    assert message.text == "Oh wait, do I need to bring anything?"


def test_the_hours_asked_during_a_booking_leave_its_day_as_it_is() -> None:
    """ "Are you open Sunday?" asked the name for Friday's booking moved it to Sunday, closed:
    "closed on Sundays" was said twice, and other days offered."""
    c, asked = _asked_the_name_for_friday_at_2()
    out = c.receive(CallerSaid("Hmm, actually, are you open Sunday?"))
    assert says(out) == ["We're closed on Sundays.", *asked] and c.expecting == Expect.NAME
    assert c.frame.day == date(2026, 11, 27) and c.frame.time == time(14, 0)


def test_a_booking_made_earlier_to_the_time_said_is_checked_there() -> None:
    """ "Could we make my Friday one a bit earlier, like 9?" was a new booking on Friday."""
    c = new()
    out = c.receive(CallerSaid("Could we make my Friday one a bit earlier, like 9?"))
    assert len(out) == 1 and isinstance(out[0], FindBookings), out
    friday = BookingView(9, "haircut", datetime(2026, 11, 27, 10), "Jane Miller", "5551234567",
                         "booked")  # fmt: skip
    out = c.receive(BookingsFound((friday,)))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 27, 9, 0), moving=9), out


def test_someone_of_a_staff_member_s_asking_for_them_is_put_through() -> None:
    """ "Hi, it's Marco's wife, is he there?" was "I don't have that information"."""
    out = new().receive(CallerSaid("Hi, it's Marco's wife, is he there?"))
    assert [a.target for a in out if isinstance(a, Transfer)] == ["Marco"], out


def test_calls_never_answered_are_a_message_for_the_front_desk() -> None:
    """ "This is the third time I've called, nobody ever picks up!" was not understood."""
    said = "This is the third time I've called, nobody ever picks up!"
    out = new().receive(CallerSaid(said))
    assert out == [TakeMessage("front desk", "", "5551234567", said)]


def test_whether_the_call_back_is_coming_once_told_is_told_again() -> None:
    """ "That's all I wanted to know, can they call me back?" once told the message was passed
    on began a second message ("Who is the message for?")."""
    c = new()
    c.receive(CallerSaid("Do you have wheelchair access?"))
    c.receive(CallerSaid("Yes please, a message."))
    claim = "I've passed your message to the front desk to call you back (claim)."
    c.receive(MessageTaken(claim, 7))
    out = c.receive(CallerSaid("That's all I wanted to know, can they call me back?"))
    assert says(out) == ["Yes. " + claim, replies.ANYTHING_ELSE], out
    assert not any(isinstance(a, TakeMessage) for a in out)
    # a call back asked with more to it is not told "yes" as it stands
    out = c.receive(CallerSaid("Can they call me back tomorrow instead?"))
    assert not any(s.startswith("Yes. ") for s in says(out)), out
