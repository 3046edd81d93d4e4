"""Understanding by rules: intents and slots with no model at all.

Rules carry the call with the bundled models (which are far too weak to understand callers);
a capable model, where a site has one, can only add to what the rules found, and the same
checks apply to what it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, time
from difflib import SequenceMatcher

from receptionist.dialog.numbers import find_phone
from receptionist.dialog.when import find_day, find_time
from receptionist.domain.profile import BusinessProfile

INTENTS = ("book", "cancel", "move", "message", "question", "person", "status", "robot")

_BOOK = re.compile(
    r"\b(book|booking|appointment|schedule|reserve|make an? (?:appointment|booking)|"
    r"come in|get an? |get my|i'd like an?|i want an?|i need an?|can i get|"
    r"do you have .* (?:free|available|open)|"
    r"availability|available)\b"
)
_CANCEL = re.compile(
    r"\b(cancel|cancell?ation|call off|can't make it|cannot make it|won't make it)\b"
)
_MESSAGE = re.compile(r"\b(leave a message|leave him a message|leave her a message|take a message|"
                      r"pass (?:on )?a message|tell (?:him|her)|message for|let (?:him|her) know|"
                      r"call me back|have (?:him|her) call)\b")  # fmt: skip
_PRICE = re.compile(r"\b(how much|price|prices|cost|costs|charge|rates?|expensive|fee)\b")
_HOURS = re.compile(
    r"\b(hours|open|opening|close|closing|closed|what time do you|when are you|until when)\b"
)
_YES = re.compile(
    r"^\W*(yes|yeah|yep|yup|sure|correct|right|that's right|that is right|ok|okay|please|"
    r"please do|go ahead|sounds good|perfect|great|absolutely|definitely|that works|fine)\b"
)
_NO = re.compile(r"^\W*(no|nope|nah|not really|no thanks|no thank you|that's all|that is all|"
                 r"nothing else|i'm good|i am good|i'm fine)\b")  # fmt: skip
_GOODBYE = re.compile(r"\b(bye|goodbye|good bye|that's all|that is all|nothing else|have a good)\b")
_CHANGE = re.compile(r"\b(actually|instead|change|rather|make it|move it|switch|no,? no)\b")
_NAME = re.compile(
    r"\b(?:my name is|my name's|name is|this is|it's|it is|i am|i'm|under|put it under|"
    r"for)\s+([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){0,2})"
)
_NOT_NAMES = {
    "calling",
    "looking",
    "wondering",
    "trying",
    "just",
    "not",
    "here",
    "interested",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "sorry",
    "fine",
    "good",
    "okay",
    "sure",
    "the",
    "a",
    "an",
    "booking",
    "book",
    "haircut",
    "hoping",
    "free",
    "available",
    "tomorrow",
    "today",
    "next",
    "half",
    "quarter",
    "noon",
    "me",
    "him",
    "her",
    "that",
    "this",
    "yes",
    "no",
    "hi",
    "hello",
    "thanks",
    "great",
}
_NAME_FILLERS = {"it", "is", "my", "name", "its", "the", "um", "uh", "please", "thank", "you"}
_FILLERS = re.compile(r"\b(um+|uh+|er+|erm|hmm+|ah+|like)\b[,.]?\s*", re.I)
_ORDINALS = {"first": 0, "1st": 0, "earlier": 0, "second": 1, "2nd": 1, "later": 1, "last": -1}


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
        )  # fmt: skip

    def with_intent(self, intent: str) -> Understanding:
        return replace(self, intents=(*self.intents, intent))


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", _FILLERS.sub("", text)).strip()


def find_service(text: str, profile: BusinessProfile) -> str | None:
    lowered = " " + re.sub(r"[^\w' -]", " ", text.lower()) + " "
    best: tuple[int, str] | None = None
    for service in profile.services:
        for alias in service.aliases:
            if re.search(rf"\b{re.escape(alias)}s?\b", lowered):
                if best is None or len(alias) > best[0]:
                    best = (len(alias), service.name)
    return best[1] if best else _near_service(lowered, profile)


def _near_service(lowered: str, profile: BusinessProfile, cutoff: float = 0.8) -> str | None:
    """A service misheard by one sound ("beer trim" for "beard trim"): only multi-word or
    long aliases, against the same number of the caller's words."""
    words = re.findall(r"[a-z']+", lowered)
    best: tuple[float, str] | None = None
    for service in profile.services:
        for alias in service.aliases:
            size = len(alias.split())
            if len(alias) < 6 or size > len(words):
                continue
            for i in range(len(words) - size + 1):
                ratio = SequenceMatcher(None, " ".join(words[i : i + size]), alias).ratio()
                if ratio >= cutoff and (best is None or ratio > best[0]):
                    best = (ratio, service.name)
    return best[1] if best else None


def find_staff(text: str, profile: BusinessProfile) -> str | None:
    lowered = text.lower()
    for member in profile.staff:
        if re.search(rf"\b{re.escape(member.name.lower())}\b", lowered):
            return member.name
    return None


def find_name(text: str, profile: BusinessProfile, expecting_name: bool) -> str | None:
    staff = {m.name.lower() for m in profile.staff}
    for match in _NAME.finditer(text):
        if re.search(r"\bmessage\s+$", text[: match.start(1)].lower().removesuffix("for ")):
            continue  # "a message for Marco": Marco is who it's for, not the caller
        words = [w for w in match.group(1).split() if w.lower() not in _NOT_NAMES]
        if words and words[0].lower() not in staff and not words[0].lower().endswith("day"):
            return " ".join(words)
    if expecting_name:
        # The answer to "what name?" is often just the name: "John Smith." / "john smith"
        words = re.findall(r"[A-Za-z][A-Za-z'\-]+", text)
        words = [w for w in words if w.lower() not in _NOT_NAMES | _NAME_FILLERS]
        if 1 <= len(words) <= 3:
            return " ".join(w.capitalize() for w in words)
    return None


def understand(
    text: str, profile: BusinessProfile, today: date, expecting: str | None = None
) -> Understanding:
    """What the caller said, as intents and slots. ``expecting`` is the slot just asked for."""
    said = clean(text)
    lowered = said.lower()
    intents: list[str] = []
    if _CANCEL.search(lowered):
        intents.append("cancel")
    if _MESSAGE.search(lowered):
        intents.append("message")
    asks_price = bool(_PRICE.search(lowered))
    asks_hours = bool(_HOURS.search(lowered)) and not _BOOK.search(lowered)
    if asks_price or asks_hours:
        intents.append("question")
    service = find_service(lowered, profile)
    if "cancel" not in intents and (_BOOK.search(lowered) or (service and not asks_price)):
        intents.append("book")
    choice = None
    for word, index in _ORDINALS.items():
        if re.search(rf"\b(the )?{word}( one| slot| time)?\b", lowered):
            choice = index
            break
    phone = find_phone(said)
    day = find_day(lowered, today)
    when = find_time(lowered) if expecting != "phone" else None
    correction = bool(_CHANGE.search(lowered))
    yes, no = bool(_YES.search(lowered)), bool(_NO.search(lowered))
    # A bare answer is a name only when it is nothing else ("Actually, make it Friday").
    bare_name = expecting == "name" and not (
        intents or service or day or when or phone or correction or yes or no
    )
    return Understanding(
        text=said,
        intents=tuple(intents),
        service=service,
        day=day,
        time=when,
        name=find_name(said, profile, bare_name),
        phone=phone,
        staff=find_staff(said, profile),
        yes=yes,
        no=no,
        goodbye=bool(_GOODBYE.search(lowered)),
        correction=correction,
        choice=choice,
        asks_price=asks_price,
        asks_hours=asks_hours,
    )
