"""Understanding by rules: intents and slots with no model at all.

Rules carry the call with the bundled models (which are far too weak to understand callers);
a capable model, where a site has one, can only add to what the rules found, and the same
checks apply to what it says. Days and times are read in ``when``, numbers in ``numbers``,
services and staff in ``matching``, the caller's name in ``names``, how many people in
``people``, intents, answers and questions in ``intents``; this module holds the contract
(``Understanding``) and puts the pieces together. Pure and fast: it runs on every speculative
transcript.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from receptionist.dialog import matching
from receptionist.dialog.holiday_names import find_holiday, holiday_on
from receptionist.dialog.intents import (
    INTENTS,
    cancels,
    changes_mind,
    read_answer,
    read_choice,
    read_wants,
)
from receptionist.dialog.names import (
    find_name,
    find_name_called_for,
    find_other_name,
    is_first_name,
)
from receptionist.dialog.numbers import find_phone
from receptionist.dialog.people import find_people
from receptionist.dialog.when import (
    cant_come_as_a_bound,
    find_day,
    find_days,
    find_from_now,
    find_near_day_said,
    find_window,
    names_the_one_after,
    read_clock,
    sound_alike_hours,
    turns_down_a_part_of_the_day,
)
from receptionist.domain.profile import SUPERLATIVES, BusinessProfile
from receptionist.domain.saying import DAY_NAMES

__all__ = ["INTENTS", "DayRange", "TimeWindow", "Understanding", "clean", "find_service",
           "find_staff", "understand"]  # fmt: skip


_FILLERS = re.compile(r"\b(?:um+|uh+|er+|erm|hmm+|ah+|mm+)\b[,.]?\s*|,\s*like,\s*", re.I)


@dataclass(frozen=True)
class TimeWindow:
    """A vague time: "in the morning", "after four", "before noon", "the earliest you have".

    ``start``/``end`` bound the start of an appointment (either may be None: open-ended);
    ``earliest``/``latest`` ask for the first or last free slot in the window."""

    start: time | None = None
    end: time | None = None
    earliest: bool = False
    latest: bool = False


@dataclass(frozen=True)
class DayRange:
    """A vague day: "next week", "this week", "early next week", "any weekday"."""

    first: date
    last: date


@dataclass(frozen=True)
class Understanding:
    """What one caller turn said, as intents and slots. The conversation keeps a frame of
    these; a field left None means "not said in this turn", never "cleared".

    Intents (a tuple, in the order said): "book", "cancel", "move" (an existing booking to
    another day or time), "message", "question", "person" (wants a human), "status" (did my
    booking go through / when is my appointment), "robot" (am I talking to a machine?).
    """

    text: str
    intents: tuple[str, ...] = ()
    service: str | None = None  # one of the profile's service names (the first one said)
    services: tuple[str, ...] = ()  # every service named, in order ("a haircut and a beard trim")
    unknown_service: str | None = None  # asked for something not offered ("a manicure")
    day: date | None = None
    days: DayRange | None = None  # a vague day instead of one day
    time: time | None = None
    window: TimeWindow | None = None  # a vague time instead of one time
    # "in an hour": how long from now, with no day or time said (the conversation knows the
    # clock and turns it into today from that time)
    from_now: timedelta | None = None
    name: str | None = None  # the caller's own name, only from words the caller said
    phone: str | None = None  # digits only, 7 to 15 of them
    staff: str | None = None  # a profile staff name, resolved from a name or a role
    people: int | None = None  # bookings for several people at once ("for me and my son": 2)
    yes: bool = False
    no: bool = False
    goodbye: bool = False
    correction: bool = False  # "actually", "no, Friday", "make it ..."
    choice: int | None = None  # "the first one" / "the second" / "the later one"
    asks_price: bool = False
    asks_hours: bool = False
    asks_duration: bool = False  # "how long does a colour take?" (the profile knows)
    asks_other: str | None = None  # a question the profile can't answer (its topic words)
    confident: bool = True  # False: a slot came from a near match ("at free" -> 3 PM)
    unsure_slots: tuple[str, ...] = ()  # which slots were near matches: "time", "service"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing at all was understood."""
        return not (
            self.intents or self.service or self.day or self.time or self.name or self.phone
            or self.staff or self.yes or self.no or self.goodbye or self.choice is not None
            or self.days or self.window or self.unknown_service or self.asks_other
            or self.asks_duration or self.people or self.extra or self.from_now
        )  # fmt: skip

    def with_intent(self, intent: str) -> Understanding:
        return replace(self, intents=(*self.intents, intent))


# "did my book in go through?": Whisper's "booking" in two words after a possessive.
_BOOK_IN = re.compile(r"\b(my|your|our|the|his|her)\s+book\s+in\b(?!\s+(?:for|on|at|with)\b)", re.I)
# "book" one sound off, as tiny.en writes it from voices not ours on the line: "did my booting
# go through?", "a group booting", "can I boot one on Friday?". "boot" alone is a book only
# before what is booked or who for ("my car boot" stays a boot).
_BOOTING = re.compile(
    r"\bboot(ing|ed)\b|\bboot(?=\s+(?:a|an|one|two|me|us|myself|in|it|him|her|them|for)\b)",
    re.I,
)


def _booking(match: re.Match[str]) -> str:
    return "book" + (match.group(1) or "")


# Contractions written without their apostrophe (a typed line, a transcript's "thats all"),
# where no other word is spelt so ("its", "ill", "well", "were", "lets", "hes" are left alone).
_NO_APOSTROPHE = re.compile(
    r"\b(that|what|there|here|where|how|who)(s)\b|"
    r"\b(do|does|did|is|was|ca|wo|should|could|would|have|has|had|are|were|must)(nt)\b|"
    r"\b(i)(m|ve)\b|\b(you|they)(re|ve)\b",
    re.I,
)


# "No, that's all" / "That's all" / "No, that's it" as a small Whisper writes them in voices
# not ours, the "'s" run into the next word: "know that solve", "let's solve", "know that
# shit". At a sentence's start "know that" is "no, that"; "solve" / "sit" after "that" or
# "let's", ending a sentence, is "'s all" / "'s it" (not "let's solve this").
_KNOW_THAT = re.compile(r"(^|[.!?]\s+)knows? that\b", re.I)
_RUN_TOGETHER = re.compile(r"\b(?:that|let's|lets) (solve|sit|shit)\b(?=\W*(?:$|[.!?,]))", re.I)


def _run_apart(match: re.Match[str]) -> str:
    return "that's all" if match.group(1).lower() == "solve" else "that's it"


def _apostrophe(match: re.Match[str]) -> str:
    word, ending = [g for g in match.groups() if g is not None]
    if ending.lower() == "nt":
        return f"{word}n't"
    return f"{word}'{ending}"


# A title's full stop before a name ("Dr. Chen", "Mrs. Jones")
_TITLE_DOT = re.compile(r"\b(dr|mr|mrs|ms|mx|prof|st)\.(?=\s+[A-Z])", re.I)


# What follows a name that makes it a place's ("Mercy Hospital", "Smith's office")
_PLACE = (
    r"(?:hospital|office|practice|clinic|pharmacy|surgery|bank|school|insurance|company|"
    r"agency|council|department|lab|laboratory|salon|shop|store|studio|centre|center)"
)


# A bare hour from 1 to 7 is read as the afternoon ("at three"); these say it is
_SAYS_PM = re.compile(r"\b(?:pm|p\.m\.|afternoon|evening|tonight|night|after (?:work|school))\b")
_SAYS_MORNING = re.compile(r"\bmornings?\b|\ba\.m\.")


def _morning_where_it_must_be(
    at: time | None, lowered: str, day: date | None, today: date, profile: BusinessProfile
) -> time | None:
    """ "Tomorrow morning at 7:30", or "7:30" where the business opens at 7 and closes at 7:
    the morning, not 7:30 PM, when the caller said no afternoon and the morning's time is
    when the business is open (on the day said, or on one of the week's)."""
    if at is None or not 13 <= at.hour <= 19 or _SAYS_PM.search(lowered):
        return at
    morning = time(at.hour - 12, at.minute)
    days = [day] if day else [today + timedelta(days=i) for i in range(7)]

    def open_at(when: time) -> bool:
        return any(h is not None and h[0] <= when < h[1] for h in map(profile.hours.on, days))

    if open_at(morning) and (_SAYS_MORNING.search(lowered) or not open_at(at)):
        return morning
    return at


def clean(text: str) -> str:
    """The caller's words without fillers ("um", "uh") and with plain apostrophes."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _TITLE_DOT.sub(r"\1", text)  # "Can I see Dr. Chen?": no sentence ends at "Dr."
    text = _NO_APOSTROPHE.sub(_apostrophe, text)
    text = _RUN_TOGETHER.sub(_run_apart, _KNOW_THAT.sub(r"\1no, that", text))
    text = _BOOK_IN.sub(r"\1 booking", text)
    text = _BOOTING.sub(_booking, text)
    text = _FILLERS.sub(" ", text)  # "booked for, like, Friday": "for, Friday" (was "for,Friday")
    text = sound_alike_hours(text)
    return re.sub(r"\s+,", ",", re.sub(r"\s+", " ", text)).strip(" ,")


def find_service(text: str, profile: BusinessProfile) -> str | None:
    """The first of the profile's services named (near matches included)."""
    found = matching.find_services(text, profile)
    return found[0].name if found else None


def find_staff(text: str, profile: BusinessProfile) -> str | None:
    """A staff member named in ``text``, by name, near name or role."""
    found = matching.find_staff(text, profile, expecting=True)
    return found.name if found else None


_DAY_BREAK = re.compile(
    r"[,.;!?]|\b(?:to|instead|actually|but|rather|make it|make that|how about|what about|"
    r"can we do|could we do|can i do|switch|move|change|no)\b"
)
_TIME_BREAK = re.compile(
    r"[,;!?]|\.(?!\d)|\b(?:instead|actually|but|rather|no)\b|"
    r"(?=\b(?:make it|make that|how about|what about|can we do|could we do|can i do)\b)"
)  # "make that 3": the cue stays with the time it introduces
_VALUE = r"[\w:.']+(?:\s+(?:at|pm|am)\b\s*[\w:.]*)?"
_OLD_VALUE = re.compile(
    r"\b(?:instead of|rather than|not(?!\s+(?:before|after|later|earlier|too|so|that|very)\b))"
    rf"\s+(?:on\s+|at\s+|the\s+|this\s+|that\s+)*{_VALUE}"  # "not this one": no 1 PM
)
# A day or time turned down: after "can't do", or before "doesn't work", "is no good"
# ("Thursday doesn't work, how about Friday?"). What is said after it is asked for; in a move
# it is the booking's day, and stays.
_TURNED_DOWN = re.compile(
    r"\b(?:can't|cannot|can not|couldn't)\s+(?:do|make)(?:\s+it)?\s+"
    r"(?!(?:any(?:thing|time)?\s+)?(?:before|after|until|till)\b)"  # "can't do anything after 3"
    rf"(?:on\s+|at\s+|the\s+)*{_VALUE}"
    r"|\b[\w:.]+(?:\s+(?:at|pm|am)\b\s*[\w:.]*)?(?=\s+(?:really\s+)?"
    r"(?:doesn't|does not|don't|do not|won't|will not|wouldn't|isn't|is not|aren't|are not)\s+"
    r"(?:really\s+)?(?:work|suit|fit|good|possible)"
    r"|(?:'s|\s+is)\s+(?:no good|bad|not good|not possible|out)\b)"
)
_STARTS_NO = re.compile(r"^\W*no\b")
# "Cancel my booking for Friday but keep the one on Thursday": the day kept is no target (it
# looked for Thursday's)
_KEPT = re.compile(
    r"\b(?:but|and)?\s*(?:keep|leave|don't (?:cancel|move|touch))\s+(?:the one|the other one|"
    r"my \w+|the \w+|it|that|that one)?\s*(?:(?:on|for)\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|"
    r"sun)day|"
    r"tomorrow|today|the \d+\w*)\b(?:'s)?(?: (?:one|appointment|booking))?(?: as it is)?"
)
# "I was supposed to come in today but I'm sick, can I reschedule?": in a move, the day the
# caller was due is the booking's, not the one asked for (it offered today's times).
_WAS_DUE = re.compile(
    r"\b(?:i was|i'm|i am|we were|we're|we are|he was|she was|he's|she's|i've been) "
    r"(?:supposed|meant|due) (?:to (?:come(?: in)?|be(?: in| there)?|"
    r"see \w+|have (?:my|a|an|our) \w+)|in|for (?:a|an|my|our) \w+)"
    r"(?: (?:for|at|with) (?:a|an|my|our|the) \w+)?"
    r"(?: (?:today|tomorrow|tonight|this (?:morning|afternoon|evening)|on (?:mon|tues|wednes|"
    r"thurs|fri|satur|sun)day|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
    r"(?: (?:at|around|for) [\w:.]+(?: ?[ap]\.?m\.?)?)?)\b"
)
# "before Christmas", "ahead of my holiday on the 12th": the day said is a bound, not the day
_BEFORE_A_DAY = re.compile(r"(?<!\bday )\b(?:before|ahead of|prior to)\s+[^,.?!]*")
_NOT_BEFORE = re.compile(r"(?:\b(?:not|never|no)|n't)\b(?:\s+\w+){0,3}\s*$")
# "before work on Thursday", "before lunch": a time of that day, not a bound on the days
_DAILY = re.compile(r"\b(?:work|school|lunch|breakfast|dinner|class|classes|my shift|the gym|"
                    r"noon|midday|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                    r"twelve)\b")  # fmt: skip


def _bound_by(said: str, finds: Callable[[str], object]) -> bool:
    """Is the day in ``said`` one the caller wants to come before ("before Christmas", "ahead
    of my holiday on the 12th"), the clause after "before" being what names it?"""
    before = _BEFORE_A_DAY.search(said)
    if before is None or _NOT_BEFORE.search(said[: before.start()]):
        return False  # "I can't come before Friday": Friday is the earliest
    if _DAILY.search(before.group(0)):
        return False
    return finds(said[: before.start()] + said[before.end() :]) is None


# "..., not Jon" closing a name put right: the name it replaces
_NOT_THAT = re.compile(r"[,;]?\s*\b(?:not|rather than|instead of)\s+[A-Za-z'\-]+\W*$", re.I)
_GREETING = re.compile(r"\bgood (?:morning|afternoon|evening)\b")
# "Morning!" opening a call greets; as the answer to a question it is a time of day.
# "Hi, yes, morning, I'd like ...": after other greetings too.
_OPENING_GREETING = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hiya|yes|yeah|oh|um|uh|and|a very)\W+)*"
    r"(?:morning|afternoon|evening)\W*(?:[,!.]|$)"
)


def _without_greetings(lowered: str, expecting: str | None) -> str:
    lowered = _GREETING.sub(" ", lowered)
    return _OPENING_GREETING.sub(" ", lowered) if expecting is None else lowered


def _drop_old_time(lowered: str) -> str:
    """ "from 3 to 4" when moving: 3 is the old time."""
    return re.sub(r"\bfrom\s+[\w:.]+(?:\s*(?:am|pm|p\.m\.|a\.m\.))?\s+(?=to\b)", " ", lowered)


def _last_said(
    lowered: str, breaks: re.Pattern[str], today: date | None, keep_turned_down: bool
) -> str:
    """The last part of the words that names a day (``today`` given) or a time."""
    kept = _OLD_VALUE.sub(" ", lowered)
    if not keep_turned_down:
        kept = _TURNED_DOWN.sub(" ", kept)
    parts = [p for p in breaks.split(kept) if p and p.strip()]
    for part in reversed(parts):
        if (
            (find_day(part, today) or find_days(part, today))
            if today
            else (read_clock(part)[0] or find_window(part))
        ):
            return part
        hour = None if today else _CORRECTED_HOUR.match(part)
        if hour is not None:
            return f" at {hour.group(1)}"  # "Thursday at 11. Sorry, I meant 12."
    return kept


# A bare hour that puts right the one before it: "... sorry, I meant 12", "oops, 12"
# Words before an hour that puts another right: "sorry, 12", "hold on, my wife says 10"
_PUT_RIGHT = (
    r"(?:no|nope|actually|sorry|i meant|i mean|i said|oops|um|uh|oh|er|erm|ah|hmm|or|rather|wait|"
    r"make (?:it|that)|can we do|could we do|how about|what about|hold on|hang on|"
    r"(?:my \w+|he|she|they) (?:says|said))"
)
_HOUR_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_CORRECTED_HOUR = re.compile(
    rf"^\W*(?:{_PUT_RIGHT}\W+)*(?:at\s+)?(\d{{1,2}}(?:[:.]\d\d)?(?:\s*[ap]\.?m\.?)?|{_HOUR_WORD})"
    r"\W*(?:please\W*)?$"
)


# A clause that asks for something, as against one that tells why ("my daughter's got a
# school photo on Monday, is Saturday possible?", "I have a wedding on Sunday, can I get a
# haircut on Friday?").
_CLAUSE = re.compile(r"[,.;!?]|\b(?:so|but)\b")
_ASKS = re.compile(
    r"\b(?:can (?:i|we|you)|could (?:i|we|you)|may i|i'?d like|i would like|i want|i need|"
    r"we need|book|booking|appointment|how about|what about|do you have|have you got|"
    r"any (?:chance|room|space|time|slots?)|is (?:\w+ )?(?:possible|ok|okay|free|available|good)|"
    r"are you (?:free|open)|works?|suits?)\b"
)


_EVENTS_DAY = re.compile(
    r"\b(?:before|ahead of|after|in time for) (?:my|our|his|her|their|the) [a-z' ]{0,30}?"
    r"\b(?:on |this |next )?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
)


_PARTY_SIZE = re.compile(
    r"\bfor (two|three|four|five|six|2|3|4|5|6)\b(?=\s*(?:[.!?,;]|$|people|persons|adults|"
    r"of us|guests))"
)
_PARTY_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _without_party_size(lowered: str, people: int | None) -> str:
    """ "A booking. For two. Myself and my partner. ... Around 11.": "for two" is how many
    (it was 2 PM, and 11 lost) when the turn counts that many people and says a time besides."""
    if not people:
        return lowered
    for match in _PARTY_SIZE.finditer(lowered):
        word = match.group(1)
        if (int(word) if word.isdigit() else _PARTY_WORDS[word]) != people:
            continue
        rest = lowered[: match.start()] + " " + lowered[match.end() :]
        if read_clock(rest)[0] or find_window(rest):
            return rest
    return lowered


def _asked_part(said: str, today: date) -> str | None:
    """Of clauses that each name a different day, the one clause that asks: the day the
    caller wants, not the day they told us about. None where that is not clear."""
    parts = [part for part in _CLAUSE.split(said) if part and part.strip()]
    with_days = [(part, find_day(part, today)) for part in parts]
    with_days = [(part, day) for part, day in with_days if day is not None]
    if len({day for _, day in with_days}) < 2:
        return None
    days = {day for _, day in with_days if day is not None}
    if find_day(said, today) in days and len({day.weekday() for day in days}) == 1:
        return None  # "next Friday, the 4th": one day said two ways, read whole (it was the 27th)
    asking = [part for part, _ in with_days if _ASKS.search(part)]
    if len(asking) > 1:
        # "I need a trim before my interview on Thursday, can you do Wednesday?": the day of
        # the event told of is no day asked for
        asking = [part for part in asking if not _EVENTS_DAY.search(part)]
    return asking[0] if len(asking) == 1 else None


def _name_with_a_service_word(
    said: str, profile: BusinessProfile, staff: frozenset[str]
) -> str | None:
    """The whole answer as a name (a census first name, then a surname or two) when the
    only reason it was no name is a service's word in it."""
    never, service_words = matching.profile_words(profile)
    name = find_name(said, never - service_words, True, staff)
    if name is None or len(name.split()) < 2 or not is_first_name(name.split()[0]):
        return None
    return name


# "a kids cut and a haircut for Saturday, one after the other": two bookings in a row
_ONE_AFTER_ANOTHER = re.compile(r"\bone (?:right |straight )?after (?:the other|another)\b")


def understand(
    text: str, profile: BusinessProfile, today: date, expecting: str | None = None
) -> Understanding:
    """What the caller said, as intents and slots. ``expecting`` is the slot just asked for."""
    said = clean(text)
    lowered = said.lower()
    if expecting in ("name", "confirm") and _HOUR_ALONE.match(lowered):
        # "Ten please." to "Friday at 1 PM is free. What name ...?": not the time wanted
        expecting = "time"
    missed = _MISSED.search(said)
    if missed is not None:
        unmissed = understand(
            said[: missed.start()] + said[missed.end() :], profile, today, expecting
        )
        if {"book", "move"} & set(unmissed.intents):
            # "I missed my appointment yesterday, can I rebook?": the day said is the one
            # missed, gone by; the booking asked for is a new one, when is yet to be said.
            intents = tuple(dict.fromkeys("book" if i == "move" else i for i in unmissed.intents))
            unmissed = replace(unmissed, text=said, intents=intents)
            if not unmissed.services:  # "I missed my haircut ...": the service is the same
                missed_services = tuple(
                    dict.fromkeys(f.name for f in matching.find_services(missed.group(0), profile))
                )
                if missed_services:
                    unmissed = replace(
                        unmissed, service=missed_services[0], services=missed_services
                    )
            return unmissed
    unsure: list[str] = []

    found = matching.find_services(said, profile)
    services = tuple(dict.fromkeys(f.name for f in found))
    superlative = None
    if not services:
        services, superlative = _service_by_superlative(lowered, profile)
    if any(f.near for f in found):
        unsure.append("service")
    phone = find_phone(said)
    correction, move = changes_mind(lowered)
    # A change of mind says the old value first: the day and time are the last ones said.
    shifting = correction or move or cancels(lowered)
    shifting = shifting or bool(
        _OLD_VALUE.search(lowered) or _TURNED_DOWN.search(lowered) or _STARTS_NO.match(lowered)
    )
    # "I can't make it on Friday any more": in a cancel, as in a move, the day turned down
    # is the booking's, and stays.
    keeps_old = move or bool(cancels(lowered))
    when_said = _WAS_DUE.sub(" ", lowered) if move and not cancels(lowered) else lowered
    if keeps_old:
        when_said = _KEPT.sub(" ", when_said)  # "... but keep the one on Thursday": not that one
    people = find_people(said, lowered, profile)
    when_said = _without_party_size(when_said, people)
    day, days, at, window = _read_when(
        _ONE_AFTER_ANOTHER.sub("back to back", when_said),  # not 1 PM, nor the Saturday after
        today, expecting, shifting, keeps_old, phone, unsure,
    )  # fmt: skip
    at = _morning_where_it_must_be(at, lowered, day, today, profile)
    holiday = find_holiday(lowered, today, profile.region) if day is None and not days else None
    if (
        holiday is not None
        and not shifting
        and _bound_by(lowered, lambda t: find_holiday(t, today, profile.region))
    ):
        # "my roots done before Christmas": the days up to Christmas Eve (Christmas Day itself
        # was offered, and booked)
        days, holiday = DayRange(today, max(today, holiday[1] - timedelta(days=1))), None
    if holiday is not None:
        day = holiday[1]  # "Christmas Eve": the date it falls on next

    never, _ = matching.profile_words(profile)
    staff_names = matching.staff_words(profile)
    wants = read_wants(said, lowered, profile, services, staff=False, expecting=expecting)
    choice, day = read_choice(lowered, expecting, day)
    if expecting == "service" and choice is not None and not services:
        # "The first one." to "We offer a haircut, a beard trim, ...": the services listed, in
        # the profile's order
        if -len(profile.services) <= choice < len(profile.services):
            services, choice = (profile.services[choice].name,), None
    answer = read_answer(
        text, lowered, bool(wants.intents), bool(day or at or services or days), expecting
    )
    bare = expecting in ("name", "verify", "next_booking") and not (
        wants.intents or services or day or days or at or window or phone or answer.correction
        or answer.no or choice is not None or wants.unknown_service
    )  # fmt: skip
    name = find_name(said, never, bare, staff_names)
    if name is None and expecting == "phone" and phone:
        # "Ellen Ripley, 555 234 9876" to "what number?": the name said before it, kept (the
        # message had no name)
        before = re.split(r"\d", said, maxsplit=1)[0]
        name = find_name(before, never, True, staff_names) if before.strip(" ,.") else None
    if (
        name is None
        and expecting == "name"
        and set(wants.intents) <= {"question"}
        and "?" not in said
        and len(said.split()) <= 3
        and not (services or day or days or at or window or phone)
    ):
        # "May Parker.", "Will Smith.": a first name that starts a question ("may I...") is
        # the name asked for when the whole answer is a name and asks nothing.
        name = find_name(said, never, True, staff_names)
        if name is not None:
            wants = replace(wants, intents=(), asks_other=None)
    if name is None and expecting == "name" and not bare:
        # "Kim Lee. Oh wait, can we make it 3 instead?": the name, then a change; the first
        # sentence alone is the answer asked for when it is nothing but a name.
        first, _, rest = said.partition(". ")
        if rest.strip() and len(first.split()) <= 4:
            name = find_name(first, never, True, staff_names)
    if (
        name is None
        and expecting == "name"
        and answer.correction
        and not (wants.intents or services or day or days or at or window or phone)
    ):
        # "Sorry, I said Don Price, not Jon.": the name put right, and the one it replaces
        name = find_name(_NOT_THAT.sub("", said), never, True, staff_names)
    if name is None and expecting in ("name", "next_booking"):
        # Asked what name a booking goes under, "her name's Emma" is the answer: the
        # booking is for them ("Shall I book the kids cut right after?" "His name is Sam.").
        name = find_other_name(said, never | staff_names) if "name" in lowered else None
    if (
        name is None
        and expecting == "service"
        and wants.unknown_service
        and len(said.split()) <= 3
        and not (day or days or at or window or phone)
    ):
        # "Amy Pond." asked which service: a name said early, no service we lack
        given = find_name(said, never, True, staff_names)
        if given is not None and len(given.split()) == 2 and is_first_name(given.split()[0]):
            name = given
            wants = replace(wants, unknown_service=None, intents=(), asks_other=None)
    if services and expecting == "name" and (name is None or len(name.split()) == 1):
        # "John Child.", "Lisa Colour.", "Sam Kidd." asked for a name: a surname that is also a
        # word of a service is the name, not a change of service.
        surnamed = _name_with_a_service_word(said, profile, staff_names)
        if surnamed is not None and not (
            set(wants.intents) - {"book"} or day or days or at or window or phone
            or answer.correction or answer.no or choice is not None
        ):  # fmt: skip
            name = surnamed
    if name and services and expecting == "name":
        # "It's Sam, Sam Kidd.": "Kidd" is near "kid", a kids cut here; the name holds it.
        rest = re.sub(
            r"\b(?:" + "|".join(re.escape(w) for w in name.split()) + r")\b", " ", said, flags=re.I
        )
        if not matching.find_services(rest, profile):
            services = ()
            wants = read_wants(said, lowered, profile, services, staff=False, expecting=expecting)
    if name and re.search(rf"\b{re.escape(name.lower())}(?:'s)? {_PLACE}\b", lowered):
        name = None  # "This is Mercy Hospital calling", "Dr. Smith's office": a place's name
    name_words = frozenset(name.lower().split()) if name else frozenset()
    staff_found = matching.find_staff(said, profile, name_words, expecting=expecting == "staff")
    if staff_found and staff_found.near:
        unsure.append("staff")
    if staff_found:
        wants = read_wants(said, lowered, profile, services, staff=True, expecting=expecting)

    if superlative and not _ASKS_FOR_IT.search(lowered):
        # "What's your cheapest service?": which one, and its price (or length), not a booking
        pricey = superlative in _PRICE_SUPERLATIVES
        wants = replace(wants, intents=("question",), asks_other=None, asks_price=pricey,
                        asks_duration=not pricey)  # fmt: skip
    asked_others = _SERVICES_ASKED.search(lowered)
    if (
        asked_others is not None
        and services
        and not matching.find_services(
            lowered[: asked_others.start()] + " " + lowered[asked_others.end() :], profile
        )
    ):
        # a business with a service called "service" (a garage's): "What are your services?"
        # asks what they are; read again without that one
        services = ()
        wants = read_wants(said, lowered, profile, (), staff=bool(staff_found), expecting=expecting)
    services_asked = asked_others is not None and (
        not services or asked_others.group(0).startswith("what else")
    )
    if services_asked and not set(wants.intents) - {"question"}:
        # "What services do you offer?": the services (it was "I don't have that information")
        wants = replace(wants, intents=("question",), asks_other=None)
        services = ()
    else:
        services_asked = False
    if wants.asks_hours and holiday is None and _HOLIDAY_HOURS.search(lowered):
        # "What are your holiday hours?": the profile has none, a question we can't answer.
        wants = replace(wants, asks_hours=False, asks_other="holiday hours")
    asked_day = {}
    if wants.policy:
        # "Do you need a deposit for a colour?", "Is Marco in today?": asked, nothing to book
        # (the day asked about is kept apart: "OK, can I book with him then?" is that day)
        asked_day = {"asked_day": day.isoformat()} if day else {}
        services, day, days, at, window = (), None, None, None, None
    return Understanding(
        text=said,
        intents=wants.intents,
        service=services[0] if services else None,
        services=services,
        unknown_service=wants.unknown_service,
        day=day,
        days=days,
        time=at,
        window=window,
        from_now=None if (wants.policy or day or days or at or window) else find_from_now(said),
        name=name,
        phone=phone,
        staff=staff_found.name if staff_found else None,
        people=people,
        yes=answer.yes,
        no=answer.no,
        goodbye=answer.goodbye,
        correction=answer.correction,
        choice=choice,
        asks_price=wants.asks_price,
        asks_hours=wants.asks_hours,
        asks_duration=wants.asks_duration,
        asks_other=wants.asks_other,
        confident=not unsure,
        unsure_slots=tuple(dict.fromkeys(unsure)),
        extra=_extra(said, never, expecting)
        | ({"holiday": holiday[0]} if holiday else {})
        | _holiday_on_the_day(day, wants.asks_hours and not holiday, profile.region)
        | _day_excepted(lowered)
        | ({"superlative": superlative} if superlative else {})
        | ({"services_asked": "yes"} if services_asked else {})
        | asked_day
        | ({"price_of_held": "yes"} if wants.price_of_held else {}),
    )


# "What services do you offer?", "what kind of things do you do?", "what do you do there?"
_SERVICES_ASKED = re.compile(
    r"\bwhat (?:services|treatments|kinds? of (?:services|things|treatments|stuff|work)|"
    r"sorts? of (?:services|things|treatments|stuff))\b[^.?!]{0,25}?\b(?:offer|do|provide|have|"
    r"available)\b|"
    # "What else do you offer besides haircuts?" (the service named is not asked for)
    r"\bwhat else (?:do|can) you (?:offer|do|provide|have)\b(?=[^.?!]*\b(?:besides|apart from|"
    r"other than|except)\b)|"
    r"\bwhat (?:do|can) you (?:guys |all )?(?:offer|do|provide)(?: there| here| at the salon)?\W*$|"
    r"\b(?:what are|tell me(?: a bit)? about|list) (?:your|the) services\b"
)


# An hour alone, the answer to no question of a name: "Ten please.", "No, at 11."
_HOUR_ALONE = re.compile(
    rf"^\W*(?:{_PUT_RIGHT}\W+)*(?:at\s+)?(?:{_HOUR_WORD}|[1-9]|1[0-2])"
    r"(?:[:.]\d\d| thirty| fifteen| forty[- ]five)?"
    r"(?:\s*o'?\s?clock)?(?:\s*[ap]\.?m\.?)?(?:\W+(?:please|then|instead|if (?:you|that)"
    r"[\w' ]*|thanks|thank you))*\W*$"
)
# A booking gone by without the caller: "I missed my appointment yesterday", "I couldn't make
# it last week" (a past time said; "I can't make Friday" is a booking still held).
_MISSED = re.compile(
    r"\b(?:i|we|he|she|they|my \w+) (?:(?:completely |totally )?missed (?:my|our|his|her|their|"
    r"the|an?) [^,.?!;]*|(?:couldn't|could not|didn't|did not|wasn't able to|never) (?:make|"
    r"made|turn up|show up|come)(?: it)?(?: (?:to|for|in))?(?: (?:my|our|his|her|their|the|an?) "
    r"\w+(?: \w+)?)? (?:yesterday|last \w+|earlier(?: today)?|this morning|the other day|"
    r"\w+ days? ago|on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b[^,.?!;]*)",
    re.I,
)

# "What's your cheapest service?", "what's the quickest thing you do?": one of the services,
# by its price or its length (a named service's own "cheapest" is no choice: "the cheapest
# haircut" names the haircut).
_SUPERLATIVE = re.compile(
    r"\b(?:(cheapest|least expensive|lowest priced?|most affordable)|(most expensive|priciest|"
    r"dearest)|(quickest|shortest|fastest)|(longest))\b(?! (?:day|time|slot|one you have on|"
    r"appointment (?:on|at)|way)\b)"
)


_PRICE_SUPERLATIVES = frozenset({"cheapest", "most expensive"})
# "Can I book your cheapest service?", "I'll have the quickest one": a booking of it
_ASKS_FOR_IT = re.compile(
    r"\b(?:book|booking|appointment|schedule|reserve|come in|fit me in|get me in|i'd like|"
    r"i want|i'll (?:have|take|do|go for)|can i (?:get|have|do))\b"
)


def _service_by_superlative(
    lowered: str, profile: BusinessProfile
) -> tuple[tuple[str, ...], str | None]:
    """The service asked for by its price or length, and which ("cheapest", "most expensive",
    "quickest", "longest")."""
    match = _SUPERLATIVE.search(lowered)
    if match is None or not profile.services:
        return (), None
    which = SUPERLATIVES[(match.lastindex or 1) - 1]
    service = profile.service_by(which)
    return ((service.name,), which) if service else ((), None)


_HOLIDAY_HOURS = re.compile(
    r"\bholidays?\b|\b(?:over|around|during|at|for) (?:christmas|the new year|new year'?s?|"
    r"easter|thanksgiving)\b"
)


# "any day next week except Tuesday": the day named is the one not wanted.
_EXCEPT_A_DAY = re.compile(
    r"\b(?:except|but not|not on|not(?= \w+day\b(?! (?:but|next|after)))|other than|"
    r"apart from|besides|excluding|"
    r"(?:any ?(?:day|time|thing)|whenever|anytime) but)\s+(?:on\s+)?(?:an?\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?|the \d+(?:st|nd|rd|th)?)\b"
)


def _day_excepted(lowered: str) -> dict[str, str]:
    """ "except Tuesday": {"not_weekday": "1"} (Monday is 0), else nothing."""
    match = _EXCEPT_A_DAY.search(lowered)
    if match is None:
        return {}
    for number, name in enumerate(DAY_NAMES):
        if name.lower()[:3] in match.group(0).split()[-1][:3]:
            return {"not_weekday": str(number)}
    return {}


# "the day before" said of a day named in the turn (not "the day after tomorrow", read as a
# day itself, nor "the day before yesterday")
_DAY_NEXT_TO = re.compile(
    r"\b(?:the )?day (before|after)\b(?! (?:tomorrow|yesterday|today|that|this|it|then))"
    r"(?=\W*$|\W+(?:if|please|ideally|preferably|maybe|would|works|is|at|in|around|\w+ my\b|my\b))"
)


_OR_NEXT_TO = re.compile(
    r"\bor (?:on )?(?:the )?day (?:before|after)\b"
)  # two days, the first said


def _read_when(
    lowered: str,
    today: date,
    expecting: str | None,
    shifting: bool,
    move: bool,
    phone: str | None,
    unsure: list[str],
) -> tuple[date | None, DayRange | None, time | None, TimeWindow | None]:
    """The day (or vague days) and the time (or vague time) of a turn; near matches are
    added to ``unsure``."""
    said = _EXCEPT_A_DAY.sub(" ", _without_greetings(lowered, expecting))
    day_said = said
    if shifting and not names_the_one_after(said):
        day_said = _last_said(said, _DAY_BREAK, today, move)
    asked = None if shifting else _asked_part(said, today)
    if asked is not None:
        day_said = asked
    day = find_day(day_said, today)
    span = find_days(day_said, today) if day is None else None
    if day is not None and not shifting and _bound_by(day_said, lambda t: find_day(t, today)):
        # "a haircut before Friday": any day up to the one before it (it was that day)
        span, day = (today, max(today, day - timedelta(days=1))), None
    elif (
        span is not None
        and not shifting
        and span[0] > today
        and _bound_by(day_said, lambda t: find_days(t, today))
    ):
        # "a haircut before the weekend": the days up to it (it was the weekend)
        span = (today, span[0] - timedelta(days=1))
    next_to = _DAY_NEXT_TO.search(day_said) if day is not None else None
    if day is not None and next_to is not None and not _OR_NEXT_TO.search(day_said):
        # "my wedding on December 12th, so ideally the day before": the 11th (it was the 12th)
        day = day + timedelta(days=1 if next_to.group(1) == "after" else -1)
    if day is None and span is None:
        near = find_near_day_said(day_said, today)
        if near is not None:
            day = near[0]
            unsure.append("day")
            if day_said is said:
                # "on for IDA 2": the hour after the words heard for Friday is read as after
                # Friday ("Friday 2" is 2 PM).
                start, end = near[1]
                said = f"{said[:start]}{DAY_NAMES[day.weekday()].lower()}{said[end:]}"
    if expecting == "phone" and phone:
        return day, DayRange(*span) if span else None, None, None
    time_said = (
        _last_said(_drop_old_time(cant_come_as_a_bound(said)), _TIME_BREAK, None, move)
        if shifting
        else said
    )
    if asked is not None:
        time_said = asked  # the time of the day asked for, not of the day told about
    clock, _ = read_clock(time_said, expecting)
    if turns_down_a_part_of_the_day(said):
        time_said = said  # "Friday. Not in the morning though.": read whole, not as a change
    parts = find_window(time_said, expecting)
    window = TimeWindow(*parts) if parts else None
    at = clock.time if clock is not None and window is None else None
    if at is not None and clock is not None and clock.near:
        unsure.append("time")
    return day, DayRange(*span) if span else None, at, window


def _holiday_on_the_day(day: date | None, hours_asked: bool, region: str) -> dict[str, str]:
    """ "Are you open on the 25th of December?": the holiday that date is, as if named."""
    if day is None or not hours_asked:
        return {}
    name = holiday_on(day, region)
    return {"holiday": name} if name else {}


def _extra(said: str, never: frozenset[str], expecting: str | None) -> dict[str, str]:
    """Details beyond the contract's fields: "other_name", a name given for someone else;
    "called_for", the full name of the one the caller calls for ("calling for my husband,
    George Mills"); "phone": "caller_id" when asked for a number the caller says to use the one
    they call from."""
    extra: dict[str, str] = {}
    called_for = find_name_called_for(said, never)
    if called_for:
        extra["called_for"] = called_for
    other = find_other_name(said, never) if "name" in said.lower() else None
    if other:
        extra["other_name"] = other
    if expecting == "phone" and _SAME_NUMBER.search(said.lower()) and not find_phone(said):
        extra["phone"] = "caller_id"
    return extra


_SAME_NUMBER = re.compile(
    r"\bsame (?:number|one|phone)\b|\bthis (?:number|phone|one)\b|\bcaller id\b|"
    r"\b(?:number|one) i'?m (?:calling|ringing) (?:from|on)\b|\byou(?:'ve| have) (?:it|my number)\b"
)
