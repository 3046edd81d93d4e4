"""Has the caller finished? A verdict on a speculative transcript, from what the dialog knows.

"complete": a whole request or the answer to what was just asked: end the turn quickly.
"hesitant": stops mid-thought (media decides most of that from the words alone; the dialog
from what it asked): wait longest.
"unsure": anything else, such as a request still missing what it needs ("I'd like to
book a colour on Thursday" may go on "at ten"), or a caller's first words that ask nothing
("Hi.", "Okay."): wait long enough for a natural pause.
"""

from __future__ import annotations

import re
from datetime import date

from receptionist.dialog.about_the_call import checks_the_line, says_wrong_number
from receptionist.dialog.frame import Expect, Frame, Task
from receptionist.dialog.intents import asks_to_say_again
from receptionist.dialog.matching import staff_by_role
from receptionist.dialog.numbers import words_to_numbers
from receptionist.dialog.understand import Understanding, understand
from receptionist.domain.phones import whole_phone
from receptionist.domain.profile import BusinessProfile


def judge_turn(
    text: str,
    frame: Frame,
    expecting: Expect | None,
    profile: BusinessProfile,
    today: date,
    *,
    first_words: bool = False,
) -> str:
    """``first_words``: the caller has said nothing before in this call."""
    u = understand(text, profile, today, expecting.value if expecting else None)
    whole_number = bool(u.phone and whole_phone(u.phone, profile.region))
    if expecting == Expect.PHONE and not whole_number and _DIGIT.search(words_to_numbers(text)):
        return "hesitant"  # callers pause between a number's groups of digits
    lowered = text.lower()
    if _INTRODUCES.search(lowered) and not (u.name or u.intents):
        # "Hi, my name is | uh | Sarah Miller": at the pause Whisper writes a word for the
        # "uh" ("my name is us"), which is no name: the caller is still getting to it.
        return "hesitant"
    if text.strip().endswith("?") and (asks_to_say_again(lowered) or checks_the_line(lowered)):
        return "complete"  # "Sorry?", "Can you hear me?": said again at once
    if first_words and says_wrong_number(lowered):
        return "complete"  # "Sorry, wrong number."
    # Several times offered, a yes doesn't say which either (the dialog takes it for the
    # first): "Yes, | at noon please."
    asks_which = expecting == Expect.CHOOSE_SLOT and len(frame.offered) > 1
    if (expecting in _ASKS_WHAT or asks_which) and _bare_acknowledgement(u, text):
        # "Yes", "Okay", "Yeah" alone, where the agent asked what, not whether: to "anything
        # else?" ("Okay, | and how much is a colour?", "Great, | can I book one"), to "What
        # day would you like?" after the answer it came with ("Yeah, | how long does that
        # take?"). The caller is looking for the words; a bare "yes" that does stop is
        # asked again, which loses nothing by the longer wait.
        return "hesitant"
    answered = {
        # A first name alone may be followed by the surname the question asks for.
        "name": u.name and len(u.name.split()) > 1,
        # A day alone, for a booking or a move still wanting its time: callers asked "what
        # day?" give the time with it ("Next Wednesday | at two") as often as not; the
        # agent offers that day's times when they don't. To "which of your bookings?" a
        # day is the whole answer.
        "day": u.day and (u.time or u.window or frame.time or not _wants_a_slot(frame)),
        "time": u.time,
        "phone": whole_number,
        "service": u.service,
        "staff": u.staff,
        "choose_slot": u.choice is not None or u.time or u.yes or u.no,
        "message_text": False,  # a message runs on: wait for the caller to stop
        "confirm": u.yes or u.no,
        "confirm_cancel": u.yes or u.no,
        "verify": u.name or u.day or u.no,
        "next_booking": u.yes or u.no,
    }.get(expecting.value if expecting else "")
    # A caller's first words, unasked, a lone "Hi", "Okay" or "Bye" (Whisper's "Hi"), open a
    # request: callers go on ("Okay, can I book one..."). Later they answer: "No, bye."
    opening = first_words and expecting is None
    if expecting in (Expect.ANYTHING_ELSE, Expect.OFFER_HELP) and not u.intents:
        if u.goodbye or _THANKED.search(text) or (u.no and len(_WORD.findall(text)) > 2):
            return "complete"  # "No, that's all", "Bye", "Okay, no problem, thanks": done
        if u.no:
            # A bare "No" to "anything else?" ends the call, and callers go on from it ("No,
            # | that's everything, thanks", "No, | actually, one more thing"): words said over
            # the goodbye that ask for more take the call back (Conversation.reopen), so it
            # is whole. To "a message, or someone who can help?" it only leads on: the
            # default wait.
            return "complete" if expecting == Expect.ANYTHING_ELSE else "unsure"
        if u.yes:
            return "unsure"  # "Yes please" to a message or a person offered, "Yes, I do"
    if answered or (not u.intents and not opening and (u.yes or u.no or u.goodbye)):
        return "complete"
    # A question is whole with its question mark, or, since Whisper's punctuation comes and
    # goes ("and how much is a haircut."), when it names what it asks the price or length of.
    # A price or a length asked of nothing known yet ("how much is, um ... a colour?", heard
    # at the pause as "how much is on it?") may still be naming it: not whole on its mark.
    # Nor is a question about nothing the business knows of, or a time it opens or closes
    # asked of no day (see _lacks_its_subject).
    if u.intents == ("question",) and (
        _names_its_subject(u)
        or _asks_the_schedule(u)
        or (text.strip().endswith("?") and not _lacks_its_subject(u, frame))
    ):
        return "complete"
    if not u.intents and whole_number:
        return "complete"  # a number said to its end, asked for or not: callers stop there
    if _whole_without_details(u, profile):
        return "complete"
    booking = "book" in u.intents or frame.task == "book" or not u.intents
    changes = u.service or u.day or u.time  # "Actually, make it Friday" asked for the name
    if booking and (expecting not in _FOR_THE_RECORD or changes):
        # With no request named, a service, day and time are a booking too (the dialog
        # books them): "How much is a kids cut?" then "Okay, can I book one on Saturday at
        # 10?" heard as "can I boot one". Asked for a name or a number, the booking's
        # details were all given before: only the answer's own words say it is whole.
        service = u.service or frame.service
        day = u.day or frame.day
        clock = u.time or frame.time
        if service and day and clock:
            return "complete"  # all a booking needs (Whisper often leaves off the period)
        window = u.window  # said now: the frame's was said before times were offered
        if service and (day and window or u.days or window and window.earliest):
            # The slots the caller means to choose from: "tomorrow afternoon", "sometime
            # next week", "the earliest you have": the agent offers times. A day alone is
            # not ("a colour on Thursday | at ten").
            return "complete"
    if u.intents == ("cancel",) and (u.day or u.time):
        return "complete"  # the booking is named: the caller's number finds it
    if u.intents == ("move",) and (u.day or frame.day) and (u.time or frame.time):
        return "complete"  # the day and the time it moves to, as a booking needs
    return "unsure"


def _whole_without_details(u: Understanding, profile: BusinessProfile) -> bool:
    """Requests whole in themselves, whatever the dialog asked:
    - a person asked for by who they are ("Could I speak to Marco?", "a real person", "the
      owner"); "someone" alone is not: callers go on to say who or about what;
    - a message asked to be left for someone named ("a message for Sarah", "for the front
      desk"), not yet its words ("Can you ask Marco to call me | when he gets a chance");
    - whether the caller is talking to a machine;
    - whether a booking stands, asked as a question or of a day ("did my booking for Friday
      go through");
    - the hours asked of a day ("what time do you shut on Friday"), whatever the punctuation."""
    lowered = u.text.lower()
    if u.intents == ("person",):
        return bool(u.staff or _SOMEONE_NAMED.search(lowered) or staff_by_role(lowered, profile))
    if u.intents == ("message",) and _LEAVE_A_MESSAGE.search(lowered):
        return bool(u.staff or _FOR_SOMEONE.search(lowered) or staff_by_role(lowered, profile))
    if "robot" in u.intents and not set(u.intents) - {"robot", "person"}:
        return True
    if u.intents == ("status",):
        return u.text.rstrip().endswith("?") or bool(u.day or u.days)
    return u.intents == ("question",) and u.asks_hours and bool(u.day or u.days)


def asks_about_a_service(text: str, profile: BusinessProfile, today: date) -> bool:
    """Is ``text`` a question that names the service it asks the price or length of ("how
    much is a kid's cut")? Whole whatever Whisper's punctuation, even a trailing comma."""
    u = understand(text, profile, today, None)
    return u.intents == ("question",) and _names_its_subject(u)


def _asks_the_schedule(u: Understanding) -> bool:
    """The week's hours asked ("what are your opening hours"): whole whatever Whisper's
    punctuation; a day said after it only narrows what the answer already holds."""
    return u.asks_hours and bool(_SCHEDULE.search(u.text))


def _names_its_subject(u: Understanding) -> bool:
    return bool((u.asks_price or u.asks_duration) and u.service is not None)


def _bare_acknowledgement(u: Understanding, text: str) -> bool:
    """Agreement and nothing more ("Yes", "Okay", "Great"): no thanks, no bye, nothing given."""
    given = u.service or u.day or u.days or u.time or u.window or u.name or u.staff or u.phone
    return bool(
        u.yes
        and not (u.intents or u.no or u.goodbye or given or u.choice is not None)
        and not _THANKED.search(text)
        and len(_WORD.findall(text)) <= 2
    )


def _wants_a_slot(frame: Frame) -> bool:
    """Is the day asked for a new booking's or a move's, whose time is still to come?"""
    return frame.task == Task.BOOK or (frame.task == Task.MOVE and frame.target is not None)


_DIGIT = re.compile(r"\d")
# What the agent asked for that a yes doesn't give (the others are yes-or-no questions, or
# take a yes as the choice of the one time offered).
_ASKS_WHAT = frozenset(
    {Expect.SERVICE, Expect.DAY, Expect.TIME, Expect.NAME, Expect.PHONE, Expect.STAFF,
     Expect.MESSAGE_TEXT, Expect.ANYTHING_ELSE}
)  # fmt: skip
# A caller saying who they are, not yet the name ("Hi, my name is", "the name's").
_INTRODUCES = re.compile(r"\b(?:my|the) name(?:'s| is)\b")
_WORD = re.compile(r"[a-z']+", re.I)
# Someone a caller asks for by what they are, not "someone" or "anyone" (a staff member's own
# role in the profile counts too: matching.staff_by_role).
_ROLE = (
    r"(?:person|human|manager|owner|boss|receptionist|front desk|reception|representative|"
    r"operator|stylist|barber|whoever)"
)
_SOMEONE_NAMED = re.compile(rf"\b{_ROLE}\b")
_FOR_SOMEONE = re.compile(rf"\bfor (?:the )?{_ROLE}\b")
_LEAVE_A_MESSAGE = re.compile(r"\b(?:message|note|voicemail)\b")
# Answers that become the record as said: whole only by their own words.
_FOR_THE_RECORD = frozenset({Expect.NAME, Expect.PHONE, Expect.STAFF, Expect.MESSAGE_TEXT})
_THANKED = re.compile(r"\b(?:thanks|thank you|cheers)\b", re.I)
# Asks for the week's hours, not whether or till when it is open on some day.
_SCHEDULE = re.compile(r"\b(?:hours|opening times|what days)\b", re.I)


def _lacks_its_subject(u: Understanding, frame: Frame) -> bool:
    """May the caller still be naming what the question is about?
    - A price or a length asked of nothing: no service (ours or not) nor anything else named
      in it, and no service before it.
    - A time the business opens or closes, asked of no day ("What time do you close | on
      Saturday?", "Are you open | on Sunday?"); the week's hours are whole ("What are your
      hours?").
    - Only a topic the business knows nothing of (``asks_other``): that is also what Whisper
      makes of a request it misheard ("Can I book a beard trim | for ..." heard at the pause
      as "Can I boot appear at print?"), and the answer ("I'm not sure, I can take a
      message") loses nothing by the default wait."""
    named = u.service or u.unknown_service or u.asks_other or frame.service
    if (u.asks_price or u.asks_duration) and not named:
        return True
    if u.asks_hours and not (u.day or u.days or _SCHEDULE.search(u.text)):
        return True
    known = u.service or u.unknown_service or u.staff or u.asks_hours or u.day or u.time
    return bool(u.asks_other and not known)
