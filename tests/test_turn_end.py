"""When is the caller done? The dialog's verdict on what they said so far."""

from datetime import date, datetime, time

import pytest

from receptionist.app.config import load_settings
from receptionist.call import judge_caller_turn
from receptionist.dialog.frame import Expect, Frame, Task
from receptionist.dialog.turn_end import judge_turn
from receptionist.dialog.understand import TimeWindow

PROFILE = load_settings().profile
TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expecting", "verdict"),
    [
        ("I'd like to book a haircut on Thursday at three.", None, "complete"),
        ("can I book a beard trim for Wednesday at 5", None, "complete"),
        ("I'd like to make an appointment for a colour on Thursday.", None, "unsure"),
        ("I'd like to book", None, "unsure"),
        ("What are your opening hours?", None, "complete"),
        # The week's hours are whole without Whisper's question mark (it left it off in
        # the bench's calls): a day said after them only narrows the answer.
        ("and what are your opening hours", "anything_else", "complete"),
        ("what are your hours", None, "complete"),
        ("What time do you close", None, "unsure"),
        # A price or a length asked of a service is whole without Whisper's question mark.
        ("and how much is a haircut.", None, "complete"),
        ("how long does a beard trim take", None, "complete"),
        ("How much is", None, "unsure"),
        # ... or of nothing yet: "how much is, um, a colour?" heard at the pause as "how
        # much is on it?" may still be naming it. Of something named, or of a service
        # already spoken of, it is whole.
        ("how much is on it?", None, "unsure"),
        ("How long does it take?", None, "unsure"),
        # A question about nothing the business knows of waits the default: it is what
        # Whisper makes of a request it misheard at the pause ("Can I book a beard trim |
        # for Wednesday" heard as "Can I boot appear at print?"), and "I'm not sure about
        # that" loses nothing by the wait.
        ("Do you sell gift cards? How much are they?", None, "unsure"),
        ("Can I boot appear at print?", None, "unsure"),
        ("Do you do beard trims?", None, "complete"),
        # A time the business opens or closes, asked of no day, may be naming the day.
        ("What time do you close?", None, "unsure"),
        ("Are you open?", None, "unsure"),
        ("Are you open on Sunday?", None, "complete"),
        ("what time do you close today?", None, "complete"),
        # A length asked as "how long a colour takes" is a question, not a booking.
        ("Could you tell me how long a colour takes?", None, "complete"),
        # A cancellation that names the booking's day, a move that names the new day and
        # time, are whole as a booking with its service, day and time is.
        ("I need to cancel my appointment on Friday.", None, "complete"),
        ("I need to cancel", None, "unsure"),
        ("Can I move my booking to Monday at three?", None, "complete"),
        ("Is it possible to move my booking to next Monday?", None, "unsure"),
        ("how much do you charge for", None, "unsure"),
        ("John Smith.", "name", "complete"),
        ("Thursday.", "day", "complete"),
        # Asked to say it again, it is said at once; "Sorry." may open what comes next.
        ("Sorry?", "choose_slot", "complete"),
        ("Could you repeat that?", "confirm", "complete"),
        ("Pardon?", None, "complete"),
        ("Sorry.", "choose_slot", "unsure"),
        ("No, that's all, thank you.", "anything_else", "complete"),
        ("Please call me back", "message_text", "unsure"),
        ("I need to leave a message", None, "unsure"),
        # A caller's first words that ask nothing: they go on ("Okay, can I book one...").
        ("Okay.", None, "unsure"),
        ("Hi.", None, "unsure"),
        ("Bye.", None, "unsure"),  # Whisper's "Hi" at the opening (make bench's curve)
        ("No, bye.", "anything_else", "complete"),
        # To "Is there anything else?", "Okay" and "Great" alone go on with what else
        # ("Great, | can I book one for Friday?"): the longest wait. "Thanks" and "No, that's
        # it" end the call.
        ("Okay.", "anything_else", "hesitant"),
        ("Great.", "anything_else", "hesitant"),
        ("Yes.", "anything_else", "hesitant"),
        ("Yes, can I also book a beard trim?", "anything_else", "unsure"),
        ("Thanks.", "anything_else", "complete"),
        # A bare "No" to "anything else?": whole, since words said over the goodbye that
        # ask for more take the call back (test_goodbye_taken_back.py). To "a message, or
        # someone who can help?" it leads on to what they do want.
        ("No.", "anything_else", "complete"),
        ("Nope.", "anything_else", "complete"),
        ("No.", "offer_help", "unsure"),
        ("No, that's it.", "anything_else", "complete"),
        ("No thanks.", "anything_else", "complete"),
        # A first name alone may be followed by the surname asked for ("Mary | Jones").
        ("Mary.", "name", "unsure"),
        ("Mary Jones.", "name", "complete"),
        # Callers pause between a number's groups of digits.
        ("555 123", "phone", "hesitant"),
        ("It's five five five", "phone", "hesitant"),
        ("555 123 4567", "phone", "complete"),
        ("I'd rather not.", "phone", "unsure"),
    ],
)
def test_verdicts(text: str, expecting: str | None, verdict: str) -> None:
    """Rows expecting nothing are a caller's first words."""
    expect = Expect(expecting) if expecting else None
    first = expect is None
    assert judge_turn(text, Frame(), expect, PROFILE, TODAY, first_words=first) == verdict


def test_first_words_are_an_opening_whatever_the_caller_id_put_in_the_frame() -> None:
    """A caller id puts a call-back number in the frame before anything is said; the
    caller's "Okay." still opens a request ("Okay, so | I wanted to book ...")."""
    frame = Frame(phone="5550000004")
    assert judge_turn("Okay.", frame, None, PROFILE, TODAY, first_words=True) == "unsure"
    assert judge_turn("Bye.", frame, None, PROFILE, TODAY, first_words=True) == "unsure"


def test_later_a_goodbye_after_a_turn_not_understood_is_whole() -> None:
    """Nothing is expected after "Sorry, I didn't quite get that", and nothing is in the
    frame of a caller with no caller id: a goodbye then is not an opening."""
    assert judge_turn("No, goodbye.", Frame(), None, PROFILE, TODAY) == "complete"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("5 5 5 1 2 3 4 5 6 7", "complete"),
        ("It's 212 555 0123.", "complete"),
        ("My number is five five five, one two three", "unsure"),  # may go on
        ("555 1234", "unsure"),  # only a local number: the area code may follow
    ],
)
def test_a_phone_number_said_to_its_end_is_whole_asked_for_or_not(text: str, verdict: str) -> None:
    frame = Frame(phone="5550000004")
    assert judge_turn(text, frame, Expect.ANYTHING_ELSE, PROFILE, TODAY) == verdict
    assert judge_turn(text, frame, None, PROFILE, TODAY) == verdict


def test_a_day_and_time_for_the_service_spoken_of_are_a_whole_booking() -> None:
    """After "How much is a kids cut?", "can I book one on Saturday at 10?" heard as "can I
    boot one ...": no request named, but the dialog books a service, day and time."""
    text = "Okay, can I boot one on Saturday at 10?"
    spoken_of = Frame(phone="5550000004", service="kids cut")
    assert judge_turn(text, spoken_of, Expect.ANYTHING_ELSE, PROFILE, TODAY) == "complete"
    nothing = Frame(phone="5550000004")
    assert judge_turn(text, nothing, Expect.ANYTHING_ELSE, PROFILE, TODAY) == "unsure"


def test_a_price_asked_of_the_service_already_spoken_of_is_whole() -> None:
    frame = Frame(task=Task.BOOK, service="colour")
    assert judge_turn("How much is it?", frame, None, PROFILE, TODAY) == "complete"


@pytest.mark.parametrize(
    "text",
    [
        "how much is under",  # Whisper at the pause of "how much is, um, a colour?"
        "Hello, I'd like a haircut, that's",
        "I'm free from",
        "Could I book it for my",
        "I'd like a haircut if",
        "I'm calling about",
        "Can I speak to whoever",
    ],
)
def test_words_a_sentence_cannot_end_on_wait_for_the_rest(text: str) -> None:
    assert judge_caller_turn(text, Frame(), None, PROFILE, TODAY) == "hesitant"


@pytest.mark.parametrize("text", ["Yes, I do.", "Thank you.", "I can.", "Can I come in?"])
def test_short_whole_answers_are_not_hesitations(text: str) -> None:
    assert judge_caller_turn(text, Frame(), Expect.ANYTHING_ELSE, PROFILE, TODAY) != "hesitant"


def test_later_in_the_call_a_bare_yes_or_goodbye_is_a_whole_turn() -> None:
    frame = Frame(task=Task.BOOK, service="haircut")
    assert judge_turn("Okay.", frame, None, PROFILE, TODAY) == "complete"
    assert judge_turn("Bye.", frame, None, PROFILE, TODAY) == "complete"


def test_a_name_asked_for_is_whole_by_its_own_words_not_the_bookings() -> None:
    """Asked for the name, the booking's service, day and time are all known: "Mary" is
    still only a first name ("Mary | Jones"), "it's done" (heard at the pause of "It's |
    John Smith") no name at all."""
    frame = Frame(task=Task.BOOK, service="haircut", day=date(2026, 11, 26), time=time(15, 0))
    assert judge_turn("Mary.", frame, Expect.NAME, PROFILE, TODAY) == "unsure"
    assert judge_turn("it's done.", frame, Expect.NAME, PROFILE, TODAY) == "unsure"
    assert judge_turn("Mary Jones.", frame, Expect.NAME, PROFILE, TODAY) == "complete"
    # A change to the booking said instead of the name is whole as any booking is.
    assert judge_turn("Actually, make it Friday.", frame, Expect.NAME, PROFILE, TODAY) == (
        "complete"
    )


@pytest.mark.parametrize("expecting", ["day", "time", "name", "service", "anything_else"])
@pytest.mark.parametrize("text", ["Yeah.", "Okay.", "Great."])
def test_a_bare_yes_where_the_agent_asked_what_is_still_getting_to_it(
    text: str, expecting: str
) -> None:
    """'Yes, we do colours. What day would you like?' - 'Yeah, | how long does that take?'"""
    frame = Frame(task=Task.BOOK, service="colour")
    assert judge_turn(text, frame, Expect(expecting), PROFILE, TODAY) == "hesitant"


def test_a_bare_yes_to_several_times_offered_is_still_getting_to_which() -> None:
    """'On Friday I have 10 AM, 12 PM or 3 PM.' - 'Yes, | at noon please.' One time
    offered, the yes is the answer."""
    friday = date(2026, 11, 27)
    several = [datetime.combine(friday, time(h)) for h in (10, 12, 15)]
    frame = Frame(task=Task.BOOK, service="haircut", day=friday, offered=several)
    assert judge_turn("Yes.", frame, Expect.CHOOSE_SLOT, PROFILE, TODAY) == "hesitant"
    assert judge_turn("Yes, at noon.", frame, Expect.CHOOSE_SLOT, PROFILE, TODAY) == "complete"
    one = Frame(task=Task.BOOK, service="haircut", day=friday, offered=several[:1])
    assert judge_turn("Yes.", one, Expect.CHOOSE_SLOT, PROFILE, TODAY) == "complete"


@pytest.mark.parametrize("expecting", ["confirm", "confirm_cancel", "next_booking"])
def test_a_bare_yes_to_a_yes_or_no_question_is_whole(expecting: str) -> None:
    frame = Frame(task=Task.BOOK, service="colour")
    assert judge_turn("Yeah.", frame, Expect(expecting), PROFILE, TODAY) == "complete"
    assert judge_turn("Okay, thanks.", frame, Expect.ANYTHING_ELSE, PROFILE, TODAY) == ("complete")


def test_a_day_alone_is_whole_only_where_no_time_is_still_to_come() -> None:
    """Asked the day for a booking, callers give its time with it as often as not ("Next
    Wednesday | at two"): a day alone waits the default, a day with a time, a part of the
    day, or a time said before it is whole. Asked which of their bookings they mean, the
    day is the whole answer."""
    booking = Frame(task=Task.BOOK, service="haircut")
    assert judge_turn("Next Wednesday.", booking, Expect.DAY, PROFILE, TODAY) == "unsure"
    assert judge_turn("Friday, please.", booking, Expect.DAY, PROFILE, TODAY) == "unsure"
    assert judge_turn("Wednesday at two.", booking, Expect.DAY, PROFILE, TODAY) == "complete"
    assert judge_turn("Friday morning", booking, Expect.DAY, PROFILE, TODAY) == "complete"
    timed = Frame(task=Task.BOOK, service="haircut", time=time(14, 0))
    assert judge_turn("Thursday.", timed, Expect.DAY, PROFILE, TODAY) == "complete"
    which = Frame(task=Task.CANCEL, phone="5550000004")
    assert judge_turn("The Thursday one.", which, Expect.DAY, PROFILE, TODAY) == "complete"


@pytest.mark.parametrize(
    ("text", "expecting"),
    [
        ("Hi, my name is us", None),  # Whisper's word for the "uh" after "my name is"
        ("Yes, my name is a", "name"),
        ("The name's uh", "verify"),
    ],
)
def test_a_caller_saying_who_they_are_without_a_name_is_still_getting_to_it(
    text: str, expecting: str | None
) -> None:
    expect = Expect(expecting) if expecting else None
    frame = Frame(task=Task.BOOK, service="haircut")
    assert judge_turn(text, frame, expect, PROFILE, TODAY, first_words=expect is None) == (
        "hesitant"
    )


def test_a_caller_saying_who_they_are_with_the_name_is_whole() -> None:
    frame = Frame(task=Task.BOOK, service="haircut", day=date(2026, 11, 26), time=time(15, 0))
    assert judge_turn("My name is Sarah Miller.", frame, Expect.NAME, PROFILE, TODAY) == (
        "complete"
    )


def test_slots_already_known_complete_a_short_answer() -> None:
    frame = Frame(task=Task.BOOK, service="haircut", day=date(2026, 11, 26))
    assert judge_turn("At three.", frame, Expect.TIME, PROFILE, TODAY) == "complete"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # Whisper ends a whole question with a comma now and then (make bench, 2026-11-30).
        ("how much is a kid's cut,", "complete"),
        ("How long does a colour take,", "complete"),
        # Where more than the comma trails off, or the question doesn't name its subject,
        # the caller may be looking for the next word: the longest wait.
        ("how much is a haircut and,", "hesitant"),
        ("What time do you close,", "hesitant"),
        ("Hello, I'd like a haircut,", "hesitant"),
        ("My name is Mary,", "hesitant"),
        ("how much is a haircut", "complete"),
        ("I'd like to book um", "hesitant"),
    ],
)
def test_a_comma_is_a_hesitation_unless_the_question_before_it_is_whole(
    text: str, verdict: str
) -> None:
    assert judge_caller_turn(text, Frame(), None, PROFILE, TODAY) == verdict


def test_a_name_with_whispers_trailing_comma_still_waits() -> None:
    """'Mary,' may go on 'Jones': asked for a name, a trailing comma still waits."""
    verdict = judge_caller_turn("Mary,", Frame(), Expect.NAME, PROFILE, TODAY)
    assert verdict == "hesitant"


def test_a_whole_name_with_whispers_trailing_comma_waits_the_default_not_the_hesitation() -> None:
    """tiny.en ends many a caller's last words with a comma in voices not ours ("Mary,
    Jones,", "Martin Cruz,"): a whole answer before it need not wait 1.2 s, but may still go
    on ("..., that's Smyth with a Y"), and a name goes on the record: the default wait."""
    assert judge_caller_turn("Martin Cruz,", Frame(), Expect.NAME, PROFILE, TODAY) == "unsure"
    assert judge_caller_turn("next Wednesday,", Frame(), Expect.DAY, PROFILE, TODAY) == "unsure"
    assert judge_caller_turn("Martin Cruz", Frame(), Expect.NAME, PROFILE, TODAY) == "complete"


@pytest.mark.parametrize(
    ("text", "expecting", "verdict"),
    [
        # A person asked for by who they are is a whole request; "someone" alone is not:
        # callers go on to say who or about what ("I'd like to speak to | someone about a
        # complaint").
        ("Could I speak to Marco?", None, "complete"),
        ("Can I talk to a real person?", None, "complete"),
        ("yeah can i speak to whoever owns the place", None, "complete"),
        ("I'd like to speak to the owner please", "name", "complete"),
        ("I'd like to speak to someone.", None, "unsure"),
        # A message asked to be left for someone named is whole; its words run on.
        ("I'd like to leave a message for Marco.", None, "complete"),
        ("message for the front desk please", None, "complete"),
        ("I need to leave a message.", None, "unsure"),
        ("Can you ask Marco to call me", None, "unsure"),
        ("Please ask him to call me about my colour appointment.", "message_text", "unsure"),
        # Whether it is a machine; whether a booking stands (asked, or of a day); the hours
        # of a day whatever the punctuation.
        ("Wait, am I talking to a robot?", None, "complete"),
        ("did my booking go through?", None, "complete"),
        ("did my booking for Friday go through", None, "complete"),
        ("did my booking", None, "unsure"),
        ("what time do you shut on friday", None, "complete"),
        ("what time do you shut", None, "unsure"),
        # The slots to choose from, said with the service: a day with a part of it, a range
        # of days, the earliest. A day alone may still get its time ("a colour on Thursday |
        # at ten").
        ("Hello, have you got anything tomorrow afternoon for a haircut?", None, "complete"),
        ("I'm looking for a beard trim sometime next week", None, "complete"),
        ("What's the earliest you can fit me in for a haircut?", None, "complete"),
        ("I want to book a colour for Friday.", None, "unsure"),
        ("Have you got anything tomorrow afternoon?", None, "unsure"),
        # Turning down the offer of a message or a person ends the call as "anything else?"
        # does; a yes goes on with what is wanted.
        ("Okay, no problem, thanks.", "offer_help", "complete"),
        ("Yes please.", "offer_help", "unsure"),
        # A contraction typed or transcribed without its apostrophe.
        ("thats all", "anything_else", "complete"),
    ],
)
def test_whole_requests_without_a_booking_s_details(
    text: str, expecting: str | None, verdict: str
) -> None:
    expect = Expect(expecting) if expecting else None
    assert judge_turn(text, Frame(), expect, PROFILE, TODAY, first_words=expect is None) == verdict


def test_the_times_offered_are_not_chosen_by_the_window_asked_for_before_them() -> None:
    """The caller asked for "tomorrow afternoon" and was offered times: a turn that names
    none of them ("Um, | the later one" heard at the pause as "done.") is not whole for the
    window the frame still holds."""
    window = TimeWindow(start=time(12), end=time(17))
    frame = Frame(task=Task.BOOK, service="haircut", day=TODAY, window=window)
    assert judge_turn("done.", frame, Expect.CHOOSE_SLOT, PROFILE, TODAY) == "unsure"
    assert judge_turn("in the morning", frame, Expect.CHOOSE_SLOT, PROFILE, TODAY) == "complete"
