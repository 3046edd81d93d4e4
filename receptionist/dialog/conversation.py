"""The conversation as a state machine with no I/O, like h11's ``Connection``.

Events go in (what the caller said with its confidence, a digit, a silence, the caller
leaving, and the result of each request), actions come out (``Say``, ``Hangup``, and requests
such as ``Book``, ``Cancel``, ``Move``, ``TakeMessage``, ``Transfer``, ``FindSlots``). A request
is the last action of a batch: the caller of ``receive`` carries it out (receptionist/effects.py)
and feeds its result back with ``receive(result)``. The conversation opens no store, calls no
tool and reads no clock but the ``now`` it is given.

Sentences that tell the caller something happened come only from the results (the effects
runner builds them from committed records, as claims); the conversation only passes them on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Generator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from receptionist.dialog import answers, booking_flow, existing_flow, replies, second_detail
from receptionist.dialog.about_the_call import (
    adds_to_message,
    asks_how_we_are,
    asks_if_we_are,
    asks_the_date,
    asks_to_wait,
    checks_the_line,
    disowns_number,
    gives_another_number,
    only_greets,
    says_running_late,
    says_we_called,
    says_wrong_number,
)
from receptionist.dialog.actions import (
    Action,
    AddToMessage,
    ChangeCallback,
    Connect,
    Hangup,
    RecordEscalation,
    Request,
    SaveUnfinished,
    Say,
    TakeMessage,
    Transfer,
)
from receptionist.dialog.escalation import (
    Escalation,
    check_escalation,
    failed_tool,
    repeated_misunderstanding,
)
from receptionist.dialog.events import (
    BookingView,
    CallerLeft,
    CallerSaid,
    DigitPressed,
    Event,
    MessageTaken,
    Result,
    SilenceElapsed,
    TransferDone,
    TransferRequested,
)
from receptionist.dialog.frame import Expect, Frame, Outcome, Task
from receptionist.dialog.intents import (
    SAME_AS_BEFORE,
    about_a_booking_held,
    about_a_past_visit,
    adds_to_a_booking_held,
    another_service,
    asks_for_staff,
    asks_for_waitlist,
    asks_something_of_staff,
    asks_staff_for_held,
    asks_to_say_again,
    changes_booking_details,
    corrects_the_name,
    for_the_front_desk,
    goes_on,
    says_more_than_asking,
    says_the_new_details,
    services_added,
)
from receptionist.dialog.matching import (
    held_services,
    is_staff_name,
    per_person,
    staff_by_role,
    staff_patterns,
    without_staff,
)
from receptionist.dialog.names import addressed, is_first_name, names_listed
from receptionist.dialog.people import booked_for_another, children_among, mentions_others
from receptionist.dialog.understand import (
    DayRange,
    TimeWindow,
    Understanding,
    find_service,
    understand,
)
from receptionist.dialog.when import (
    a_week_later,
    find_day,
    leaves_it_to_us,
    names_a_weekday_alone,
    week_part,
)
from receptionist.domain.phones import possible_phone
from receptionist.domain.profile import BusinessProfile
from receptionist.domain.saying import DAY_NAMES, say_day, say_digits, say_time, with_article

log = logging.getLogger(__name__)

Step = Generator[Action, Result | None, None]
R = TypeVar("R")

# What the caller's last words (said as they hung up) are kept as: the answers that only note
# what was said (the message, or who it is for answered with the message), never one that
# books, cancels or says anything.
_KEPT_AFTER_HANG_UP = frozenset({Expect.MESSAGE_TEXT, Expect.STAFF})
_ROBOT_QUESTION = re.compile(
    r"\b(?:am i|are you|is this|i'm|this is)\s+(?:talking|speaking|chatting)?\s*(?:to|with)?\s*"
    r"(?:a|an)?\s*(?:real\s+|actual\s+|live\s+)?"
    r"(?:person|human|robot|machine|computer|bot|ai|a\.i\.|recording|automated\w*)\b\??",
    re.I,
)
_WHO = r"(?:him|her|them|the front desk|the owner|the stylist|the manager|{staff})"
_MESSAGE_BODY = (
    r"\b(?:(?:tell|ask|remind)\s+{who}|let\s+{who}\s+know|say(?:ing)?|to say|"
    r"message for\s+{who}(?:\s+please)?\s*[,.:;-]?\s*(?:saying|that|about)?)\s+(?:that\s+)?"
    r"(?P<body>\S+(?:\s+\S+){{2,}})"
)
# "Hola, habla español?", "Do you speak Spanish?": a language the agent doesn't speak
_OTHER_LANGUAGE = re.compile(
    r"\b(?:habla|hablas|español|espanol|spanish|parlez|français|francais|french|sprechen|"
    r"deutsch|german|portugu[eê]s|portuguese|mandarin|cantonese|chinese|vietnamese|tagalog|"
    r"korean|russian|arabic|polish|italian|hindi|urdu)\b",
    re.I,
)
# "What are your prices?" just after a colour's: of every service, not the one just told.
_OF_ALL = re.compile(r"\b(?:your|all|each|every|other|services|prices|menu|list)\b", re.I)
# "How much are they?", "How long does that take?": of the service being booked.
_OF_IT = re.compile(r"\b(?:it|they|that|them|those|these|this|one)\b", re.I)
_ONLY_WHO = re.compile(r"(?:it's|it is|this is|i'm|i am|my name is|my name's)\s+\S+(?:\s+\S+)?\W*$",
                       re.I)  # fmt: skip
# "Could I rebook for the week after?", "book it again for Tuesday", once a booking is cancelled
_REBOOK = re.compile(
    r"\bre-?book|\bbook (?:it|that|one|me|us)? ?(?:again|back in)\b|\b(?:make|get) (?:a )?new "
    r"(?:one|appointment|booking)\b",
    re.I,
)
_WEEK_AFTER = re.compile(r"\b(?:the )?week after\b(?! next)", re.I)
# "Actually, can you make it 4?", "could we do Friday instead?": the booking just made.
_CHANGE_JUST_MADE = re.compile(
    r"\b(?:make (?:it|that)|change (?:it|that)|move (?:it|that)|switch (?:it|that)|"
    r"push (?:it|that)|instead|(?:would be|works|is) better)\b",
    re.I,
)
# "one this Friday at 3 and one on December 4th": where one booking's time ends, the next's.
# "... and another on Saturday", "... at 4 for a haircut and then Saturday at 10 for a colour"
_ONE_AND_ANOTHER = re.compile(
    r"\b(?:and|then|plus)\s+(?:then\s+)?(?=(?:one|another|the other|a second|the second|a|an|"
    r"on|(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow)\b)",
    re.I,
)
# "Cancel all my appointments", "both of them": every booking found, not one of them.
_EVERY_ONE = re.compile(
    r"\b(?:both|all (?:of )?(?:them|my|of my|the|those|our)|each of|every (?:one|booking|"
    r"appointment))\b",
    re.I,
)
# "and one for my friend, same day at 11": the day of the booking just made.
_SAME_DAY = re.compile(r"\b(?:the |that )?same day\b", re.I)
# "Can I also book ...", "a new one too": another booking, not a change to this one.
_ANOTHER_BOOKING = re.compile(
    r"\b(?:another|new|second|also|as well|extra|additional|separate)\b", re.I
)
# "Forget the haircut, I want a colour", "a colour, not a cut": a service turned down.
_NOT_THIS = re.compile(
    r"\b(?:forget|scratch|not|skip|drop|instead of|rather than|never ?mind|no) (?:about )?"
    r"(?:the |a |an |my |that )?(\w+(?:[ -]\w+)?)",
    re.I,
)
# "Could I add a beard trim after my haircut?": after one the caller already holds.
_AFTER_HELD = re.compile(
    r"\b(?:right |straight |just )?after (?:it|my (?:\w+ )?(?:appointment|booking|haircut|cut|"
    r"colou?r|trim|one))\b(?! (?:is|was) )",
    re.I,
)
# "could I book one on Saturday?", "can I get that on Friday?" just after one service's answer
_ONE_OF_THAT = re.compile(
    r"\b(?:book|get|have|do|make|schedule|reserve|squeeze in|fit in)(?: me| us)?(?: in)?(?: for)? "
    r"(?:one|it|that|that one|one of those|one of them|one of these)\b(?! (?:of (?:the|your)|more|"
    r"other|else|different))"
)
# "Can I book both?", "them both", "the two of them" after two services' prices
_BOTH = re.compile(
    r"\b(?:both|the two of them|the two of those|those two|them together|one of each|"
    r"each of (?:them|those))\b"
)
# "Can I also get a beard trim right after?" once a booking is made: when that one ends
_RIGHT_AFTER_IT = re.compile(
    r"\b(?:right |straight |just |directly )?after (?:me|mine|that|it|this|that one|"
    r"my (?:appointment|booking|haircut|cut|one))\b|\b(?:right|straight|directly) after\b|"
    r"\bafterwards\b",
    re.I,
)
# "a colour for me and a kids cut for my daughter same time if you can": side by side
_TOGETHER_IN_TIME = re.compile(
    r"\b(?:(?:at )?the same time|same time|side by side|simultaneously|both at once)\b", re.I
)
# "a message for the front desk": for whoever is at the desk, not asked who
_FOR_THE_DESK = re.compile(
    r"\b(?:for|to) (?:the )?(?:front desk|reception(?:ist)?|front office|desk)\b", re.I
)
# "my appointment is at 10", "I'm booked in at 2 on Friday": the time of a booking held
_HELD_AT_TIME = re.compile(
    r"\b(?:(?:my|our) (?:\w+ )?(?:appointment|booking|haircut|cut|colou?r|trim|one)(?:'s| is)?|"
    r"(?:i'm|i am|we're|we are) (?:booked|in|down)(?: in)?)"
    r"(?: on \w+| (?:this |next )?\w+day| tomorrow| today)? (?:at|for) \d",
    re.I,
)
_BACK_TO_BACK = re.compile(
    r"\b(right after|straight after|after that|afterwards|back to back|one after (the )?other|"
    r"after me|after him|after her|then)\b",
    re.I,
)
_OTHER_NAME = re.compile(
    r"\b(?:he's|she's|he is|she is|his name is|her name is|his name's|her name's|and)\s+"
    r"([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)"
)
# Several prices asked as one sum: "how much would a cut and a trim come to together?"
_TOGETHER = re.compile(
    r"\b(?:together|in total|total|altogether|all together|combined|come to|all up|both)\b", re.I
)
_RIGHT_NOW = re.compile(
    r"\b(?:right now|open now|now open|at the moment|currently|still open|open yet|open at the "
    r"minute|i'm outside|i am outside|i'm here|i'm at the door)\b|"
    # "Are you open?" and nothing else: now, or when next
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|um|uh|so|oh|sorry)\W+)*are you (?:guys )?open\W*$",
    re.I,
)
_BOTH_UNDER = re.compile(r"\b(both|all|each)\b.{0,12}\b(under|for)\b|\bsame name\b", re.I)


# The words that only give a number: "my number is", "you can reach me on", "it's"
_NUMBER_WORDS = re.compile(
    r"\b(?:my|the|your|a|number|numbers|phone|mobile|cell|is|it's|its|it|on|at|that's|this|"
    r"you|can|could|reach|call|ring|me|back|better|best|instead|use|please|oh|zero|double|"
    r"triple|one|two|three|four|five|six|seven|eight|nine|ten|and|so|ok|okay|yes|yeah|no|sorry|"
    r"actually|try|rather|would|be|if|to)\b|[\d\W_]+",
    re.I,
)


def words_besides_a_number(text: str) -> str:
    """What a turn that gives a number says besides it ("This is Tom from Acme"), if two or
    more words."""
    rest = _NUMBER_WORDS.sub(" ", text).split()
    return " ".join(rest) if len(rest) >= 2 else ""


# Where a second request starts: "..., and also I want ...", "... and then book ..."
_AND_ALSO = re.compile(r"[,;.]?\s*\b(?:and (?:also|then|could you|can you|i'd|i want|i need)|"
                       r"also|then)\b[\s,]*", re.I)  # fmt: skip
# "can I get him at 2?", "could I have her?": the one asked about (not "get him a cut")
_HAVE_THEM = r"|(?:get|have|see|book) (?:him|her)\b(?! (?:a|an|in|booked|some)\b)"
_THEN_OR_THAT = re.compile(
    r"\b(?:then|that day|on that day|that time|with (?:him|her|them)" + _HAVE_THEM + r")\b", re.I
)
_WITH_THEM = re.compile(r"\b(?:(?:with|by) (?:him|her|them)" + _HAVE_THEM + r")\b", re.I)
# A price that depends on something the profile doesn't say: long hair, a student, a child
_PRICE_DEPENDS = re.compile(
    r"\b(?:more expensive|dearer|cheaper|cost(?:s|ing)? (?:any |a bit |much )?(?:more|less)|"
    r"charge (?:any |a bit )?(?:more|less|extra)|pay (?:any )?(?:more|extra)|"
    r"extra (?:charge|cost|fee)|"
    r"surcharge|discounts?|price (?:differ|depend|change|var)\w*|depends? on|included|part of|"
    r"(?:is it|is that|would it be|will it be|are they|is there) (?:any |a bit )?(?:more|less))"
    r"\b[^.?!]*?"
    r"\b(?:for|if|with|on|when)\b",
    re.I,
)
_SOMEONE_CALL_BACK = re.compile(
    r"\b(?:can|could|would|will|have|get|ask) (?:someone|somebody|anyone|anybody|one of you)"
    r"(?: to)? (?:call|ring|phone|get back to|give me a (?:call|ring|bell))\b",
    re.I,
)
# What is asked while a request is under way: its details, which stay asked
_ASKED_FOR_A_TASK = frozenset(
    {Expect.NAME, Expect.DAY, Expect.TIME, Expect.CHOOSE_SLOT, Expect.SERVICE, Expect.CONFIRM,
     Expect.PHONE, Expect.CONFIRM_CANCEL, Expect.CONFIRM_MOVE}
)  # fmt: skip
# Whether the call back asked for is coming: "can they call me back?", "will someone ring me?"
_WILL_THEY_CALL = re.compile(
    r"\b(?:can|could|will|would) (?:they|someone|somebody|she|he|you|one of you) (?:please )?"
    r"(?:call|ring|phone|get back to|give me a (?:call|ring|bell)) ?(?:me|us)?(?: back)?"
    r"(?: (?:on|at) (?:this|that|the same|my|the) (?:number|phone|mobile|line|one))?\b|"
    # "And ask her to call me back", once told the message was passed on
    r"^\W*(?:(?:and|so|oh|also|yes|yeah|ok|okay|just|please)\W+)*(?:ask|tell|get) (?:her|him|them) "
    r"to (?:call|ring|phone) (?:me|us)(?: back)?\b|"
    r"\b(?:they'll|she'll|he'll|someone will|somebody will) (?:call|ring|phone|get back to) "
    r"(?:me|us)\b|"
    # "Can someone check and let me know?"
    r"\b(?:can|could|will|would) (?:they|someone|somebody|she|he|you|one of you) (?:please )?"
    r"(?:check|look|have a look|find out)(?: for me)?(?: and (?:let me know|tell me|call me|"
    r"ring me|get back to me))?(?: back)?\b",
    re.I,
)
# The words of a turn besides the asking and its politeness ("That's all I wanted to know")
_POLITE_WORDS = frozenset(
    "that's that is all i wanted want needed need to know thanks thank you great ok okay so "
    "and then just please lovely perfect cool right yes yeah oh well brilliant fine".split()
)


def _besides_asking(lowered: str) -> list[str]:
    return [w for w in re.findall(r"[a-z']+", lowered) if w not in _POLITE_WORDS]


_CALL_BACK_ABOUT = re.compile(
    r"\b(?:call|ring|phone|get back to|contact)\b[^.?!]*\b(?:about|regarding|concerning)\s+"
    r"(?!it\b|this\b|that\b|something\b)\w+|^\W*(?:it's|it is)\s+(?:about|regarding)\s+"
    r"(?!it\b|this\b|that\b|something\b)\w+|[.?!]\s+(?:it's|it is)\s+(?:about|regarding)\s+"
    r"(?!it\b|this\b|that\b|something\b)\w+",
    re.I,
)
_ASKS_TO_BOOK = re.compile(
    r"\b(?:book|booking|appointment|schedule|reserve|come in|fit me in|get me in|i'd like|"
    r"i want|can i (?:get|have))\b",
    re.I,
)
# "And tomorrow?", "What about Saturday?", "How about a colour?", "Saturday?": the same again.
_FOLLOW_UP = re.compile(
    r"^\W*(?:and|what about|how about|and what about|and how about|same for|and for)\b|\?\s*$",
    re.I,
)


# "OK, and what time?", "Sorry, when was that again?" just told of a booking
_WHEN_AGAIN = re.compile(
    r"^\W*(?:(?:ok|okay|and|sorry|so|right|great|yes|yeah|oh)\W+)*(?:what time|when|what day|"
    r"which day)(?: (?:is|was|'s))?(?: (?:it|that|that one|my appointment))?"
    r"(?: (?:at|on|for|again))*\W*$"
)


def _completes(said: str | None, booked: str) -> bool:
    """ "Danny Ocean." just after a booking made under "Danny": the whole name, given late."""
    words = (said or "").lower().split()
    return len(words) > 1 and len(booked.split()) == 1 and words[0] == booked.lower()


class ConversationError(RuntimeError):
    """The conversation was driven wrongly (we got it wrong, not the caller)."""


def plausible_phone(caller_id: str) -> str | None:
    """A caller id is a call-back number only when it looks like one: 7 to 15 digits, not
    all the same digit ("0000000000", "caller0" and extensions are not numbers)."""
    digits = re.sub(r"\D", "", caller_id or "")
    if re.fullmatch(r"\+?[\d\s\-().]+", (caller_id or "").strip()) is None:
        return None
    if not 7 <= len(digits) <= 15 or len(set(digits)) == 1:
        return None
    return digits


class Conversation:
    def __init__(
        self,
        profile: BusinessProfile,
        *,
        caller_id: str = "",
        today: date,
        now: Callable[[], datetime] | None = None,
        warm_transfer: bool = True,
        confirm_below: float = 0.6,  # STT confidence under this: read back before acting
    ) -> None:
        self.profile = profile
        self.caller_id = caller_id
        self.today = today
        self._now = now or (lambda: datetime.combine(today, time(0, 0)))
        self.warm_transfer = warm_transfer
        self.confirm_below = confirm_below
        self.frame = Frame(phone=plausible_phone(caller_id))
        staff = "|".join(staff_patterns(profile).values()) or "nobody"
        who = _WHO.format(staff=staff)
        self._message_body = re.compile(_MESSAGE_BODY.format(who=who), re.I)
        self.expecting: Expect | None = None
        self.outcome = Outcome.COMPLETED
        self.reason = ""
        self.ended = False
        self.misunderstood = 0
        self.failed_tools = 0
        self.silences = 0
        self.low_confidence_turns = 0
        self.not_understood_turns = 0
        self.wrong_details = 0  # names or days said for a booking that matched none
        self.wrong_said: set[str] = set()  # those names and days, each counted once
        # Bookings the caller has shown are theirs in this call (found with its name or day):
        # "cancel it" after hearing one needs no second detail again.
        self.shown_theirs: set[int] = set()
        self.digits = ""
        self.caller_spoke = False  # has the caller said or keyed anything yet?
        self.caller_turns = 0  # turns the caller has said (keyed digits aside)
        self._asked: dict[Expect, int] = {}
        self._last_said = ""
        # What we said in answer to the caller's last turn (or the greeting), and what we are
        # saying to this one: "Sorry?" hears the last reply again. A silence's prompt is not
        # a reply ("Are you still there?" is not what the caller missed).
        self._last_reply: list[Say] = []
        self._reply_now: list[Say] = []
        self._to_caller = True
        self._message_taken = False
        self._holding = False  # the caller asked us to wait ("hold on a sec")
        self.last_booked: BookingView | None = None  # the last booking made on this call
        self.last_cancelled: BookingView | None = None  # the last one cancelled on this call
        self.last_reported: list[BookingView] = []  # the bookings just read to the caller
        self._told_message: int | None = None  # the message the caller was told was passed on
        self._message_claim = ""  # what they were told of it (the claim, from the record)
        self._impossible_phone: str | None = None  # the last number heard that can't be one
        # The question just answered ("hours", "price", "duration"): "And tomorrow?" or "What
        # about a colour?" after it asks the same of another day or service.
        self._answered: str | None = None
        self._answered_of: str | None = None  # the one service the last answer was about
        self._answered_all: tuple[str, ...] = ()  # every service it was about, in order
        self._answered_before: tuple[str, ...] = ()  # the last two services answered about
        self._said_next = ""  # a second request said with the first, taken once it is done
        self._question_left = ""  # a question said with a request, passed on after it
        # the day and staff member the caller's last question was about
        self._question_of: tuple[date | None, str | None] | None = None
        self._step: Step | None = None
        self.pending_resume: second_detail.PendingResume | None = None  # before the 2nd detail
        self._saved_unfinished = False  # a goodbye saved a booking for a call-back

    # -- the interface -------------------------------------------------------------------------

    def start(self, saved: dict | None = None) -> list[Action]:
        """The greeting; ``saved`` is an unfinished booking from a call within the window."""
        says: list[Action] = []
        if self.profile.recording_notice:
            says.append(Say(self.profile.recording_notice, cache=True))
        if saved:
            # Found by the caller id alone: nothing of it is said before a second detail.
            self.pending_resume = second_detail.PendingResume(Frame.resumed(saved))
            self.expecting = Expect.VERIFY
            says.append(Say(second_detail.WELCOME_BACK))
        else:
            says.append(Say(self.profile.greeting, cache=True))
        self._reply_now = [say for say in says if isinstance(say, Say)]
        return says

    def said_in_this_reply(self, text: str) -> bool:
        """Has this sentence already been said in the reply to the caller's last turn?"""
        return any(say.text == text for say in self._reply_now)

    @property
    def counts(self) -> dict[str, int]:
        """What the call record keeps of how well the caller was understood."""
        return {
            "low_confidence_turns": self.low_confidence_turns,
            "not_understood_turns": self.not_understood_turns,
        }

    @property
    def waiting(self) -> bool:
        """A request is out: the next event must be its result."""
        return self._step is not None

    def abandon(self) -> None:
        """The request out failed in a way that gave no result: drop the step waiting on it."""
        if self._step is not None:
            self._step.close()
            self._step = None

    def reopen(self, said: str) -> bool:
        """The caller spoke over our goodbye. Words that ask for more ("Actually, one more
        thing", "Wait, what time do you close on Saturday?") take the call back: it goes on
        as after "anything else?", and ``said`` comes next as an answer to that. A farewell,
        thanks or anything else that asks nothing ("Thanks, bye", "You too", a cough's
        "Okay") leaves it ended. Never a call handed to a person, or one still waiting on a
        request. The goodbye is what lets a bare "No" to "anything else?" end the turn as
        soon as any whole answer (turn_end.py): a caller who goes on is not hung up on."""
        if not self.ended or self._step is not None or self.outcome == Outcome.TRANSFERRED:
            return False
        u = understand(said, self.profile, self.today, Expect.ANYTHING_ELSE.value)
        if not (u.intents or answers.has_details(u) or goes_on(said)):
            return False
        self.ended = False
        self.expecting = Expect.ANYTHING_ELSE
        return True

    def receive(self, event: Event) -> list[Action]:
        if self._step is not None:
            if isinstance(event, CallerSaid | DigitPressed | SilenceElapsed | CallerLeft):
                raise ConversationError(f"{type(event).__name__} while waiting for a result")
            return self._run(self._step, event)
        if isinstance(event, CallerLeft):
            return self._run(self._caller_left(event), None)
        if self.ended:
            return []
        if isinstance(event, CallerSaid | DigitPressed):
            self.caller_spoke = True
            if self._reply_now:
                self._last_reply, self._reply_now = self._reply_now, []
        self._to_caller = not isinstance(event, SilenceElapsed)
        if isinstance(event, CallerSaid):
            step = self._on_said(event)
        elif isinstance(event, DigitPressed):
            step = self._on_digit(event.digit)
        elif isinstance(event, SilenceElapsed):
            step = self._on_silence()
        else:
            raise ConversationError(f"a result ({type(event).__name__}) nobody asked for")
        return self._run(step, None)

    # -- running the steps -----------------------------------------------------------------------

    def _run(self, step: Step, value: Result | None) -> list[Action]:
        out: list[Action] = []
        self._step = None
        try:
            action = step.send(value)
            while True:
                out.append(action)
                if isinstance(action, Say):
                    self._last_said = action.text
                    if self._to_caller:
                        self._reply_now.append(action)
                if isinstance(action, Request):
                    self._step = step
                    return out
                action = step.send(None)
        except StopIteration:
            return out

    @staticmethod
    def _result(value: Result | None, kind: type[R]) -> R:
        if not isinstance(value, kind):
            raise ConversationError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    # -- caller events ---------------------------------------------------------------------------

    def _on_said(self, event: CallerSaid) -> Step:
        self.silences = 0
        self._holding = False
        self.caller_turns += 1
        text = event.text.strip()
        expecting = self.expecting
        text = self._one_request_at_a_time(text, expecting)
        u = understand(text, self.profile, self.today, expecting.value if expecting else None)
        u = self._from_now(u, expecting)
        if event.model is not None:
            u = _merge(u, event.model)
        if event.confidence < self.confirm_below:
            self.low_confidence_turns += 1
            u = replace(u, confident=False, unsure_slots=(*u.unsure_slots, "day", "time",
                                                          "service"))  # fmt: skip
        if expecting != Expect.MESSAGE_TEXT:
            names = [u.name or "", *(m.name for m in self.profile.staff)]
            bare = (
                understand(text, self.profile, self.today, "name").name
                if u.name is None and len(text.split()) <= 3
                else None
            )
            if bare and is_first_name(bare.split()[0]):
                # "Sue Storm." said alone (to "anything else?", once a message was passed
                # on): a name, not the legal rule's "sue" ("Lawyer." and "Complaint." alone
                # are read as names too, and are no one's first name: the rules hear them)
                names.append(bare)
            escalation = check_escalation(
                _ROBOT_QUESTION.sub(" ", text), self.profile, filter(None, names)
            )
            if escalation is not None:
                yield from self._escalate(escalation, text)
                return
        lowered = text.lower()
        if self._last_reply and asks_to_say_again(lowered):
            # "Sorry?", "Could you repeat that?": what we said, again (the times offered, the
            # hours, the question); what was asked stays asked.
            yield from self._said_again()
            return
        if checks_the_line(lowered):
            # "Hello? Can you hear me?": the caller missed what we said, or fears the line is
            # dead. They hear that we are here, and what we said last (not the recording
            # notice again); what was asked stays asked.
            yield Say(replies.CAN_HEAR_YOU, cache=True)
            notice = self.profile.recording_notice
            skip = (replies.FILLER_BOOKING, notice)
            yield from (say for say in self._last_reply if say.text not in skip)
            return
        if asks_to_wait(lowered):
            # "Hold on a sec", "let me check my calendar": what was asked stays asked, and the
            # first silence after it is no "are you still there?".
            self._holding = True
            self._to_caller = False  # "Sorry, what was the question?" then: the question
            yield Say(replies.TAKE_YOUR_TIME, cache=True)
            return
        if self._opening() and only_greets(lowered, first_words=self.caller_turns == 1):
            yield Say(replies.HELLO, cache=True)  # "Hi there.": callers greet and wait
            return
        if self._opening() and asks_how_we_are(lowered):
            yield Say(replies.WELL_THANKS, cache=True)  # "Hi, how are you today?"
            return
        asked_only = not set(u.intents) - {"question"} and not u.staff
        us = asks_if_we_are(lowered, self.profile.name) if self._opening() and asked_only else None
        if us is not None:
            # "Is this Bella Hair?": yes; "Is this the dentist?": who we are, so the caller
            # can tell they dialled wrong.
            said = replies.IT_IS_US if us else replies.THIS_IS_US
            yield Say(said.format(business=self.profile.name), cache=True)
            return
        if self._told_message is not None and self.frame.task is None and not u.phone:
            if disowns_number(lowered) and not u.intents:
                # "No, that's the wrong number": which one, then, for the stored message.
                self.misunderstood = 0
                yield from self._ask(Expect.PHONE, **self._words())
                return
        if self._opening() and says_wrong_number(lowered) and not u.intents:
            yield Say(replies.WRONG_NUMBER, cache=True)
            yield from self._goodbye("caller dialled a wrong number")
            return
        if (
            self._opening()
            and says_we_called(lowered)
            and not set(u.intents) - {"message", "question"}
        ):
            # "I missed a call from this number": a person or a message, the call's reason
            # kept as the message.
            self.frame.message_text = u.text
            yield Say(replies.WE_CALLED, cache=True)
            self.expecting = Expect.OFFER_HELP
            return
        asks_date = asks_the_date(lowered)
        # "the 3rd" is no choice here: the day itself, read again (only for such a question)
        asked_day = (u.day or find_day(lowered, self.today)) if asks_date else None
        if (
            asks_date
            and (asked_day or "today" in lowered)
            and not ({"cancel", "move", "message", "person"} & set(u.intents))
        ):
            # "Can you tell me the date of next Thursday?": the date (it began a booking on
            # Thursday); what was asked, if anything, stays asked.
            day = asked_day or self.today
            said = "Today is" if day == self.today and "today" in lowered else "That's"
            yield Say(f"{said} {say_day(day)}.")
            self._question_of = (day, None)  # "OK, can I book a haircut then at 11?": that day
            if self._between_requests(expecting):
                yield from self._anything_else()
            else:
                yield from self._said_again()
                self.expecting = expecting
            return
        others = {"cancel", "move", "message", "status", "person"} & set(u.intents)
        if self._between_requests(self.expecting) and says_running_late(lowered) and not others:
            # "... late for my appointment" names a booking but asks for none.
            yield from self._running_late(u)
            return
        yield from self._handle(u, expecting)

    def _said_again(self) -> list[Say]:
        """What we said last, to say again: the times offered, the read-back, the question
        asked (not the "one moment" before it)."""
        return [say for say in self._last_reply if say.text != replies.FILLER_BOOKING]

    def _opening(self) -> bool:
        """Nothing asked and nothing under way yet: the call has just begun."""
        f = self.frame
        return self.expecting is None and f.task is None and self._told_message is None

    def _between_requests(self, asked: Expect | None) -> bool:
        """No request under way, and what was asked (if anything) was what else we can do."""
        return self.frame.task is None and asked in (
            None, Expect.ANYTHING_ELSE, Expect.OFFER_HELP
        )  # fmt: skip

    def _running_late(self, u: Understanding) -> Step:
        """A caller running late ("I'm running fifteen minutes late"): the team hears it as a
        message (to the staff member named, else the front desk), in the caller's words, with
        the number to reach them on; the caller hears it was passed on only from the stored
        message."""
        self.misunderstood = 0
        f = self.frame
        f.task, f.staff, f.message_text = Task.MESSAGE, u.staff or "front desk", u.text
        yield Say(replies.LATE_NOTED, cache=True)
        yield from self._advance_message()

    def _on_digit(self, digit: str) -> Step:
        """0 on its own is the front desk; other digits are a number typed on the keypad,
        ended by #, that goes where a number belongs (a 0 inside it is just a digit)."""
        if digit == "*":
            self.digits = ""
            return
        if digit == "#":
            number, self.digits = self.digits, ""
            if number:
                yield from self._keyed(number)
            return
        if digit == "0" and not self.digits and self.expecting != Expect.PHONE:
            yield from self._transfer("front desk", "caller pressed 0", "")
            return
        self.digits += digit

    def _keyed(self, number: str) -> Step:
        f = self.frame
        if self.expecting == Expect.CHOOSE_SLOT and len(number) == 1 and f.offered:
            # "Press 1 for the first time, 2 for the second": the order of what was offered.
            yield from self._on_said(
                CallerSaid(
                    ("the first one", "the second one")[min(int(number), 2) - 1]
                    if number in "12"
                    else number
                )
            )
            return
        if self.expecting in (Expect.TIME, Expect.CHOOSE_SLOT) and 3 <= len(number) <= 4:
            clock = _keyed_time(number)
            if clock is not None:
                f.time, f.offered = clock, []
                f.unconfirmed.discard("time")
                yield from self._advance(Understanding(text=""))
                return
        if 7 <= len(number) <= 15:
            self._heard_phone(number)
            self.misunderstood = 0
            if f.task is None and self._told_message is not None:
                yield from self._change_callback()
                return
            if f.task is None:
                yield from self._anything_else()
                return
            yield from self._advance(Understanding(text=""))
            return
        yield from self._on_said(CallerSaid(" ".join(number)))

    def _on_silence(self) -> Step:
        if self._holding:
            self._holding = False  # asked to wait: once more, before any counting
            yield Say(replies.STILL_HERE, cache=True)
            return
        self.silences += 1
        if self.silences <= self.profile.silence_reprompts:
            yield Say(replies.STILL_THERE, cache=True)
            return
        if self._message_pending():
            yield from self._take_message(tell=True)
        yield Say(replies.SILENT_GOODBYE, cache=True)
        self._end(Outcome.COMPLETED, "no answer from the caller")
        yield Hangup("silence")

    def _caller_left(self, event: CallerLeft) -> Step:
        if self.ended:
            return
        if event.last_words and self.expecting in _KEPT_AFTER_HANG_UP:
            # The message said as the caller hung up ("... call me back, thanks, bye",
            # click): it is the answer to what we asked, noted like any answer. Other last
            # words are only kept in the record: nobody is there to confirm a booking to.
            expecting = self.expecting
            u = understand(event.last_words, self.profile, self.today, expecting.value)
            yield from answers.read_answer(self, u, expecting)
        if self._message_pending():
            # The caller's words are kept whatever happens (rule 4), said to nobody.
            yield from self._take_message(tell=False)
        yield SaveUnfinished(self._unfinished())
        if self.outcome not in (Outcome.MESSAGE, Outcome.TRANSFERRED):
            task = f" during {self.frame.task}" if self.frame.task else ""
            self.outcome, self.reason = Outcome.CALLER_HUNG_UP, f"{event.reason}{task}"
        self.ended = True

    # -- one caller turn -------------------------------------------------------------------------

    def _handle(self, u: Understanding, expecting: Expect | None) -> Step:
        self.expecting = None
        if (
            self._told_message is not None
            and self._message_claim
            and self.frame.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and _WILL_THEY_CALL.search(u.text)
            and not (u.phone or u.staff or set(u.intents) - {"message", "question"})
        ):
            self.misunderstood = 0
            if not _besides_asking(_WILL_THEY_CALL.sub(" ", u.text.lower())):
                # "That's all I wanted to know, can they call me back?" once told the message
                # was passed on: yes, as told (it began a second message, "Who is it for?")
                yield Say("Yes. " + self._message_claim, claim=True)
            else:
                # "Could someone give me a call if they find it?" after the lost scarf: part of
                # that message (it was a second one)
                added = self._result(
                    (yield AddToMessage(self._told_message, u.text, u.name or "")), MessageTaken
                )
                yield Say(added.claim, claim=True)
            yield from self._anything_else()
            return
        # the bookings just read out, until another request begins
        reported = self.last_reported = self.last_reported if self.frame.task is None else []
        if (
            len(reported) == 1
            and self.frame.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and _WHEN_AGAIN.match(u.text.lower())
        ):
            # "OK, and what time?" just told of the booking: its day and time again
            self.misunderstood = 0
            start = reported[0].start
            yield Say(f"It's on {say_day(start.date())} at {say_time(start.time())}.")
            yield from self._anything_else()
            return
        if (
            len(reported) == 1
            and self.frame.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and (u.day or u.time or u.window)
            and ("move" in u.intents or existing_flow.NEW_TIME.search(u.text))
            and not {"book", "cancel"} & set(u.intents)
        ):
            # "Can we make it 11 instead?" just told of the booking: that one moves (it began
            # a new booking at 11)
            self.misunderstood, self.last_reported = 0, []
            f = self.frame
            f.task, f.target = Task.MOVE, reported[0]
            f.day, f.time, f.window, f.days = u.day, u.time, u.window, u.days
            yield from self._advance(u)
            return
        last = self.last_booked
        if (
            last is not None
            and self.frame.task is None
            and expecting == Expect.ANYTHING_ELSE
            and not (self._task_intent(u) or u.goodbye)
            and (
                corrects_the_name(u.text.lower(), last.name)
                or _completes(
                    u.name or understand(u.text, self.profile, self.today, Expect.NAME.value).name,
                    last.name,
                )
            )
        ):
            yield from self._name_to_put_right(u, last)
            return
        reading = yield from answers.read_answer(self, u, expecting)
        if reading is None:
            return
        u, progressed = reading
        f = self.frame  # after the answer: a resumed booking replaces the frame

        if "robot" in u.intents or _ROBOT_QUESTION.search(u.text):
            self.misunderstood = 0
            yield Say(replies.robot_answer(self.profile))
            self.expecting = Expect.OFFER_HELP
            return
        if "person" in u.intents and not ({"cancel", "move", "message"} & set(u.intents)):
            # "Can I talk to the stylist? It's about my colour": a person, not a booking.
            target = u.staff or staff_by_role(u.text, self.profile) or "front desk"
            yield RecordEscalation("asks for a person", u.text, target)
            yield from self._transfer(target, "caller asked for a person", u.text)
            return

        u = self._same_question_again(u, expecting)
        asked_before, self._question_of = self._question_of, None
        if "question" in u.intents or u.asks_other:
            # "Is Marco in on Saturday?": then "OK, can I book with him then?" is that day, him
            said_day = u.day or (
                date.fromisoformat(u.extra["asked_day"]) if "asked_day" in u.extra else None
            )
            self._question_of = (said_day, u.staff)
        told_all = self._answered_all if len(self._answered_all) > 1 else self._answered_before
        if (
            len(told_all) > 1
            and "book" in u.intents
            and not (u.service or u.services)
            and _BOTH.search(u.text.lower())
        ):
            # "How much for a haircut and a beard trim?" ... "Can I book both for Thursday
            # at 11?": those two (it was "we don't offer both")
            u = replace(u, service=told_all[0], services=told_all, unknown_service=None)
        told_of = self._answered_of
        if (
            told_of
            and "book" in u.intents
            and not (u.service or u.services or u.unknown_service)
            and _ONE_OF_THAT.search(u.text.lower())
        ):
            # "How much is a colour?" ... "Okay. And could I book one on Saturday?": that one
            # (it asked which service)
            u = replace(u, service=told_of, services=(told_of,))
        answered = False
        if "question" in u.intents or u.asks_price or u.asks_hours or u.asks_duration:
            for sentence in self._answers(u):
                answered = True
                yield Say(sentence)
        self._answered = (
            "price" if u.asks_price else "duration" if u.asks_duration
            else "hours" if u.asks_hours else None
        ) if answered else None  # fmt: skip
        named = set(u.services or ((u.service,) if u.service else ()))
        self._answered_of = next(iter(named)) if answered and len(named) == 1 else None
        self._answered_all = (u.services or ((u.service,) if u.service else ())) if answered else ()
        if answered and self._answered_all:
            # "How much is a men's haircut?" "And a kids one?": one of each is those two
            kept = [name for name in self._answered_before if name not in self._answered_all]
            self._answered_before = (*kept, *self._answered_all)[-2:]
        if (
            answered
            and u.asks_hours
            and f.task is not None
            and expecting in _ASKED_FOR_A_TASK
            and not self._task_intent(u)
            and not (u.services or u.name or u.phone)
        ):
            # "Hmm, actually, are you open Sunday?" asked a name for Friday's booking: the
            # hours, then what was asked, again; the booking stays Friday's (it was moved to
            # Sunday, closed, and "closed on Sundays" said twice)
            yield from self._said_again()
            self.expecting = expecting
            return
        # "Is Marco in today?": a question about a staff member is still one we can't answer;
        # a message left then is for them.
        unanswerable = (
            bool(u.asks_other)
            and not self._task_intent(u)
            # "How much is a kids cut and is there parking?": the price answered names a
            # service, and the parking is still a question we can't answer
            and (answered or not answers.has_details(replace(u, staff=None)))
        )
        depends = answered and u.asks_price and bool(_PRICE_DEPENDS.search(u.text))
        if (
            ((u.asks_other and not answered) or depends)
            and self._task_intent(u)
            and not self._question_left
        ):
            # "Can I get a haircut on Friday at 10? Also, is there parking?": the request goes
            # on, and the question, which we can't answer, goes to the front desk after it
            self._question_left = u.text
            yield Say(replies.QUESTION_LATER, cache=True)
        if unanswerable and u.staff and f.task is None:
            f.staff = u.staff
        if answered and u.asks_hours and u.extra.get("holiday") and not self._task_intent(u):
            # "Are you open on Christmas Eve?": the usual hours that weekday, and the truth
            # that holiday hours aren't known here.
            f.message_text = f.message_text or u.text
            yield Say(replies.HOLIDAY_HOURS_UNKNOWN, cache=True)
            self.expecting = Expect.OFFER_HELP
            return
        if answered and u.asks_price and _PRICE_DEPENDS.search(u.text) and not self._task_intent(u):
            # "Is it more expensive for long hair?": the prices we have, and the truth that
            # what changes them isn't known here (it was the price list, as if that answered).
            f.message_text = f.message_text or u.text
            yield Say(replies.PRICE_DEPENDS_UNKNOWN, cache=True)
            self.expecting = Expect.OFFER_HELP
            return
        if unanswerable and answered:
            f.message_text = f.message_text or u.text
            yield Say(replies.DONT_KNOW_EITHER, cache=True)
            self.expecting = Expect.OFFER_HELP
            return
        if unanswerable and not answered:
            if self.misunderstood:
                # After a turn not understood, a "question" with nothing we know in it is more
                # likely another one not understood than a question we can't answer.
                yield from self._not_understood(u.text, expecting)
                return
            if (
                f.task in (Task.BOOK, Task.MOVE, Task.CANCEL)
                and expecting in _ASKED_FOR_A_TASK
                and self._last_reply
                and u.text.rstrip().endswith("?")  # asked as a question, not words misheard
            ):
                # "Oh wait, do I need to bring anything?" asked a name for a booking: the
                # question goes to the front desk once the booking is done, and what was
                # asked is asked again (it was "a message, or someone who can help?", and the
                # name said next not understood).
                if not self._question_left:
                    self._question_left = u.text
                    yield Say(replies.QUESTION_LATER, cache=True)
                yield from self._said_again()
                self.expecting = expecting
                return
            other_language = _OTHER_LANGUAGE.search(u.text)
            yield Say(replies.ENGLISH_ONLY if other_language else replies.DONT_KNOW, cache=True)
            f.message_text = f.message_text or u.text
            self.expecting = Expect.OFFER_HELP
            return

        if (
            self._told_message is not None
            and f.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and (
                adds_to_message(u.text.lower())
                # "It's Jane, my appointment's at 10." once told "I'm running late" was passed
                # on: which booking it is (it began a booking at 10)
                or (
                    bool(_HELD_AT_TIME.search(u.text))
                    and not {"cancel", "move", "status", "message"} & set(u.intents)
                )
            )
        ):
            # "It's about my colour", said once told the message was passed on: part of it
            # (whatever it names: "about my appointment" books nothing).
            self.misunderstood = 0
            added = self._result(
                (yield AddToMessage(self._told_message, u.text, u.name or "")), MessageTaken
            )
            yield Say(added.claim, claim=True)
            yield from self._anything_else()
            return
        name = self._name_for_the_message(u, expecting)
        if name:
            # "Emma", "My name's Priya and the number you have is fine", once told the
            # message was passed on: who it is from.
            self.misunderstood = 0
            f.name = name
            more = "" if len(u.text.split()) <= 3 else u.text  # "This is Tom from Acme"
            added = self._result((yield AddToMessage(self._told_message or 0, more, name)),
                                 MessageTaken)  # fmt: skip
            yield Say(f"Thank you, {addressed(name)}.")
            yield Say(added.claim, claim=True)
            yield from self._anything_else()
            return
        last = self.last_booked
        if (
            last is not None
            and f.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and _CHANGE_JUST_MADE.search(u.text)
            and (u.day or u.time or u.window)
            and not u.services
            and not set(u.intents) - {"book", "move"}
            and not _ANOTHER_BOOKING.search(u.text)
        ):
            # "Actually, can you make it 4?" once told it's booked: that booking is moved.
            self.misunderstood = 0
            f.task, f.target = Task.MOVE, last
            self.shown_theirs.add(last.id)
            f.day, f.time, f.window = u.day, u.time, u.window
            yield from self._advance(u)
            return
        if (
            last is not None
            and f.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and _CHANGE_JUST_MADE.search(u.text)
            and len(u.services) == 1
            and u.service != last.service
            and not set(u.intents) - {"book", "move"}
            and not _ANOTHER_BOOKING.search(u.text)
            and not mentions_others(u.text.lower())
        ):
            # "Wait, can you make it a haircut instead?" once told the colour is booked: that
            # booking changes service (read back first), not a second booking beside it.
            self.misunderstood = 0
            f.task, f.target = Task.MOVE, last
            self.shown_theirs.add(last.id)
            f.new_services = u.services
            f.day, f.time, f.window = u.day, u.time, u.window
            yield from self._advance(u)
            return
        cancelled = self.last_cancelled
        if (
            cancelled is not None
            and f.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and _REBOOK.search(u.text)
            and not set(u.intents) - {"book", "move"}
            and not mentions_others(u.text.lower())
        ):
            # "Could I rebook for the week after?" once told it's cancelled: a new booking of
            # what was cancelled, under its name (there is nothing left to move).
            self.misunderstood = 0
            f.task, f.service = Task.BOOK, u.service or cancelled.service
            f.name = f.name or cancelled.name or None
            f.day, f.days, f.time, f.window = u.day, u.days, u.time, u.window
            if not (u.day or u.days) and _WEEK_AFTER.search(u.text):
                monday = cancelled.start.date() + timedelta(days=7 - cancelled.start.weekday())
                f.days = DayRange(monday, monday + timedelta(days=6))
            yield from self._advance(u)
            return
        if self._between_requests(expecting) and (about_a_booking_held(u) or about_a_past_visit(u)):
            # "I booked in for Friday but I put the wrong name", "I've got an appointment on
            # Thursday, can I bring my dog?", "I had a colour last week and it's gone orange":
            # about a booking the caller has or had, asking nothing we can do. No new
            # booking: a person, or a message in their words.
            f.message_text = u.text
            yield Say(replies.CANT_DO_THAT if about_a_booking_held(u) else replies.ABOUT_A_VISIT,
                      cache=True)  # fmt: skip
            self.expecting = Expect.OFFER_HELP
            return
        understood = self._take(u, expecting) or progressed
        if asked_before is not None and f.task == Task.BOOK and "book" in u.intents:
            day_asked, staff_asked = asked_before
            if day_asked and not (f.day or f.days) and _THEN_OR_THAT.search(u.text):
                f.day = day_asked
            if staff_asked and not f.asked_for and _WITH_THEM.search(u.text):
                f.asked_for = staff_asked
        if understood or answered:
            self.misunderstood = 0
        if understood:
            self._asked = {}  # a question asked again after an answer is not a re-ask

        if f.task is None and u.phone and self._told_message is not None and not answered:
            yield from self._change_callback(u)
            return
        if f.task is None:
            if answered:
                yield from self._anything_else()
                return
            nothing_else = expecting in (None, Expect.ANYTHING_ELSE) and not answers.names_a_slot(u)
            # "Great, thanks" once something was said and done (not as the first words).
            thanks_only = (
                self.caller_turns > 1
                and bool(answers.THANKS.search(u.text))
                and not (u.intents or answers.has_details(u) or u.asks_other)
            )
            if u.goodbye or ((u.no or thanks_only) and nothing_else):
                yield from self._goodbye("caller said goodbye")
                return
            if u.unknown_service or f.service or f.day or f.time or f.window or f.days:
                f.task = Task.BOOK  # booking details with no other request: a booking
            else:
                yield from self._not_understood(u.text, expecting)
                return
        if u.goodbye and not understood and f.task == Task.MESSAGE and self._message_pending():
            yield from self._take_message(tell=True)
            yield from self._goodbye("caller said goodbye")
            return
        if (
            f.task is not None
            and not understood
            and not answered
            and answers.DROP.search(u.text)
            and not leaves_it_to_us(u.text)  # "Doesn't matter." to "what name?": asked again
        ):
            # "Never mind", "forget it": the request is dropped, nothing was done, and a
            # booking half made is said to be not made (the caller heard its details back).
            booking = f.task == Task.BOOK and bool(f.service or f.day or f.time)
            f.clear_task()
            if booking:
                yield Say(replies.NOTHING_BOOKED, cache=True)
            if u.goodbye or answers.THANKS.search(u.text):
                yield from self._goodbye("caller dropped the request")
            else:
                if not booking:
                    yield Say("No problem.")
                yield from self._anything_else()
            return
        if u.goodbye and not understood and not answered:
            # "No, that's all" in the middle of a request: the caller is done.
            if f.task == Task.BOOK and f.service:
                yield Say(replies.NOTHING_BOOKED, cache=True)
            yield from self._goodbye("caller said goodbye")
            return
        if (
            not understood
            and f.task == Task.MOVE
            and f.target is not None
            and existing_flow.asks_earlier_or_later(u.text)
        ):
            understood = True  # "Later in the day if possible." to "what day and time instead?"
        if not understood and not answered and expecting is not None and not u.yes:
            yield from self._not_understood(u.text, expecting)
            return
        yield from self._advance(u)

    def _name_for_the_message(self, u: Understanding, expecting: Expect | None) -> str | None:
        """The caller's name said alone once told a message with none was passed on."""
        if (
            self._told_message is None
            or self.frame.task is not None
            or self.frame.name
            or expecting not in (None, Expect.ANYTHING_ELSE)
            or u.intents
            or u.phone  # a name with a number: the number is for the message too (below)
            or u.yes
            or u.no
            or u.goodbye
        ):
            return None
        if u.name:
            return u.name
        if len(u.text.split()) > 3:
            return None
        return understand(u.text, self.profile, self.today, Expect.NAME.value).name

    @staticmethod
    def _task_intent(u: Understanding) -> bool:
        return bool({"book", "cancel", "move", "message", "status"} & set(u.intents))

    def _take(self, u: Understanding, expecting: Expect | None) -> bool:
        """Every detail the caller gave goes into the frame; a new task replaces the old one's
        request details but keeps who the caller is. True when anything was taken."""
        f = self.frame
        # A message wins: its words often mention bookings ("a message for Marco: tell him the
        # football's cancelled" is a message, not a cancellation). Moving beats booking.
        said = [i for i in ("message", "move", "cancel", "status", "book") if i in u.intents]
        if said:
            task = Task(said[0])
            choosing = f.target is None and expecting == Expect.DAY
            holding = f.task in (Task.CANCEL, Task.MOVE, Task.STATUS)
            if (
                f.task is not None
                and holding
                and said == ["book"]
                and (choosing or (f.task == Task.MOVE and f.target is not None))
            ):
                # "What have you got on Saturday?" asked where a booking is being moved: the
                # times for the move; "The colour" asked which booking: that one. Unless
                # another booking is asked for ("a new one too").
                task = Task.BOOK if _ANOTHER_BOOKING.search(u.text) else f.task
            if f.task is not None and f.task != task:
                f.clear_task()
            f.task = task
            self._told_message = None  # a number given from now on is for the new request
            lowered = u.text.lower()
            if task == Task.MESSAGE and for_the_front_desk(lowered) and not u.staff:
                # "I've been waiting for a call back since Monday", "I left my scarf there"
                f.staff = f.staff or "front desk"
                if not self._message_body.search(u.text):
                    f.message_text = u.text
            if task == Task.MESSAGE and asks_for_waitlist(lowered) and not u.staff:
                # "Can you put me on the waiting list for Saturday?": the front desk keeps it
                f.staff, f.message_text = "front desk", u.text
            if task == Task.STATUS and u.extra.get("price_of_held"):
                f.price_asked = True
            if task == Task.MESSAGE and asks_staff_for_held(lowered, self.profile):
                f.staff, f.details_change, f.message_text = "front desk", True, u.text
            elif task == Task.MESSAGE and changes_booking_details(lowered) and not u.staff:
                f.staff, f.details_change = "front desk", True
                if says_the_new_details(lowered):
                    f.message_text = u.text
            if (
                task == Task.BOOK
                and f.booked_ids
                and not u.name
                and mentions_others(lowered)
                and not re.search(r"\b(?:me|myself)\b", lowered)
            ):
                f.name = None  # "and one more, for my friend Jess": not under the caller's name
        taken = bool(self._task_intent(u))
        unsure = set(u.unsure_slots) if not u.confident else set()
        if f.task == Task.BOOK and len(u.services) > 1:
            # "Actually, forget the haircut, I want a colour": the one turned down goes.
            dropped = {find_service(m.group(1), self.profile) for m in _NOT_THIS.finditer(u.text)}
            kept = tuple(name for name in u.services if name not in dropped)
            if kept and kept != u.services:
                u = replace(u, services=kept, service=kept[0])
        added = [name for name in u.services if name != f.service]
        if (
            f.task == Task.BOOK
            and f.service
            and f.time
            and added
            and _ANOTHER_BOOKING.search(u.text)
        ):
            # "Can I also book a beard trim on Saturday?" while the haircut is being booked:
            # after it, not in its place; when it is for is asked once the first is made.
            f.more_services += added
            f.added_service = added[0]
            u = replace(u, service=None, services=(), day=None, days=None, time=None, window=None)
        after_held = _AFTER_HELD.search(u.text) if f.task == Task.BOOK else None
        adds = f.task == Task.BOOK and adds_to_a_booking_held(u.text.lower())
        if adds and len(u.services) > 1:
            # "I'm booked for a haircut on Friday, can I add a colour?": the haircut is held
            rest = services_added(u.text, u.services, self.profile)
            if rest:
                u = replace(u, services=rest, service=rest[0])
        if adds and u.time and _HELD_AT_TIME.search(u.text):
            # "My appointment is at 10 on Friday, can I add a beard trim?": 10 is the held
            # one's; the new one starts when it ends (it was asked for at 10, taken)
            u = replace(u, time=None)
        if after_held and len(u.services) > 1:
            # "a beard trim right after my haircut": the haircut is the one held, not another.
            held = find_service(after_held.group(0), self.profile)
            if held is not None and held in u.services:
                rest = tuple(name for name in u.services if name != held)
                u = replace(u, services=rest, service=rest[0])
        if u.services and f.task == Task.MOVE and another_service(u.text.lower()):
            # the held one is among them when named by service; "my haircut on Thursday, can
            # we do 4 instead of 3?" names no other
            if set(u.services) - held_services(u.text, self.profile):
                f.new_services = u.services
        people_first = f.task in (None, Task.BOOK) and not (f.service or u.service)
        if u.people and u.people > 1 and people_first:
            # "Two slots Saturday morning for my twins?": how many, kept for the service said
            # next (it was one booking)
            f.people, f.children = u.people, children_among(u.text.lower()) or 0
        if u.service or u.services:
            services = list(u.services) or [u.service or ""]
            if f.service is None or u.service != f.service:
                # "Actually, a colour instead" once a time was found: said back before going on.
                f.service_changed = bool(f.service and f.time and f.task == Task.BOOK)
                if f.service and len(services) == 1 and services[0] in f.more_services:
                    # "a cut and blow dry, maybe a bit of colour" ... "A colour then.": that
                    # one alone (it booked two colours)
                    f.more_services.remove(services[0])
                f.service = services[0]
            extra = services[1:]
            people = u.people or f.people
            if people and people > len(services):
                extra += [services[-1]] * (people - len(services))
            children = children_among(u.text.lower()) if u.people and u.people > 1 else f.children
            each = per_person(services, people or 0, children or 0, self.profile)
            f.people = f.children = 0
            if each is not None and len(each) > 1:
                # "me, my husband and our two kids": a haircut each for the adults, a kids
                # cut each for the children (were kids cuts for all, or one person lost)
                f.service, extra = each[0], each[1:]
            if extra:
                f.more_services = extra
                alone = not people and not mentions_others(u.text.lower())
                in_time = bool(_TOGETHER_IN_TIME.search(u.text))
                # "a haircut and a beard trim at the same time": one person's one visit, the
                # services one after the other (the second was checked at the first's start)
                f.back_to_back = (
                    f.back_to_back or bool(_BACK_TO_BACK.search(u.text)) or (in_time and alone)
                )
                f.together = f.together or (in_time and not alone)
                if alone:
                    # "A haircut and a beard trim straight after": both the caller's, under
                    # the name they give once.
                    f.same_name = True
            self._mark(("service",), unsure)
            taken = True
        elif u.people and u.people > 1 and f.service:
            f.more_services = [f.service] * (u.people - 1)
            f.back_to_back = f.back_to_back or bool(_BACK_TO_BACK.search(u.text))
            f.together = f.together or bool(_TOGETHER_IN_TIME.search(u.text))
        if (after_held or adds) and not f.more_services:
            f.after_held = True
        if (
            f.task == Task.BOOK
            and not (u.service or u.services)
            and SAME_AS_BEFORE.search(u.text.lower())
        ):
            f.same_as_before = True  # "I'd like the same as last time": the last visit's
        if u.unknown_service and not u.service:
            f.service = None
            f.unknown_service = u.unknown_service
            taken = True
        last = self.last_booked
        if not (u.day or u.days) and f.task == Task.BOOK and last and _SAME_DAY.search(u.text):
            u = replace(u, day=last.start.date())  # "and one for my friend, same day at 11"
        just_made = self.profile.service(last.service) if last else None
        if (
            last is not None
            and just_made is not None
            and f.task == Task.BOOK
            and not (u.day or u.days or u.time or u.window)
            and _RIGHT_AFTER_IT.search(u.text)
        ):
            # "Can I also get a beard trim right after?", "and my son after me?" once a booking
            # is made: when it ends (it asked what day)
            ends = last.start + timedelta(minutes=just_made.minutes)
            u = replace(u, day=ends.date(), time=ends.time())
        if not (u.day or u.days) and f.day and a_week_later(u.text.lower()):
            u = replace(u, day=f.day + timedelta(days=7))  # "What about the week after?"
        if not (u.day or u.days) and u.choice is not None and f.offered_days:
            if -len(f.offered_days) <= u.choice < len(f.offered_days):
                # "The first one", after "we could do Saturday or Tuesday": that Saturday.
                u = replace(u, day=f.offered_days[u.choice], choice=None)
        if u.day:
            day = u.day
            for offered in f.offered_days:
                # "Tuesday then", after "we could do Saturday or Tuesday": the Tuesday offered.
                if offered.weekday() == day.weekday() and offered != day:
                    day = offered
            weekday_alone = names_a_weekday_alone(u.text.lower())
            new_time = f.task == Task.BOOK or (f.task == Task.MOVE and f.target is not None)
            if f.days and weekday_alone and new_time and not f.days.first <= day <= f.days.last:
                # "Next week?" ... "Tuesday at 10": next week's Tuesday, not this one
                first = max(f.days.first, self.today)
                within = first + timedelta(days=(day.weekday() - first.weekday()) % 7)
                day = within if within <= f.days.last else day
            said_time = u.time or (f.time if f.day is None else None)
            if (
                weekday_alone
                and new_time
                and day == self.today
                and said_time is not None
                and datetime.combine(day, said_time) < self._now()
            ):
                # "Thursday at three", said on a Thursday evening: the coming Thursday, not
                # the hour already gone today ("today at three" still says it has passed).
                day += timedelta(days=7)
            ahead = (f.day - self.today).days if f.day else 0
            if f.day and day < f.day and ahead >= 7 and weekday_alone:
                # "Next Tuesday or Wednesday" ... "the Wednesday one": that week's, not this.
                same_week = f.day + timedelta(days=day.weekday() - f.day.weekday())
                day = same_week if same_week >= self.today else day
            f.offered_days = []
            if day != f.day:
                f.offered = []
            f.day, f.days = day, None
            self._mark(("day",), unsure)
            taken = True
        elif u.days:
            f.days, f.day = u.days, None
            taken = True
        if "not_weekday" in u.extra:
            f.not_weekday = int(u.extra["not_weekday"])
        if u.time:
            f.time, f.window = u.time, None
            self._mark(("time",), unsure)
            taken = True
        elif u.window:
            f.window, f.time = u.window, None
            taken = True
        if f.task == Task.BOOK and f.more_services and not f.next_whens and (u.day or u.time):
            # "two haircuts, one this Friday at 3 and one on December 4th at 3": each its own.
            whens = self._whens_apart(u.text)
            if len(whens) == len(f.more_services) + 1:
                (f.day, f.time), f.next_whens = whens[0], whens[1:]
                f.window, f.days = None, None
                # on days apart and nobody else named: all the caller's, under one name
                f.same_name = f.same_name or not mentions_others(u.text.lower())
        if f.task in (Task.CANCEL, Task.MOVE, Task.STATUS) and f.target is None:
            if u.choice is not None and expecting == Expect.DAY:
                f.which = u.choice  # "the first one", asked which of the caller's bookings
                taken = True
            if f.task == Task.CANCEL and _EVERY_ONE.search(u.text):
                f.every_one = True  # "cancel all my appointments", "both of them"
                taken = True
        called_for = u.extra.get("called_for")
        if not u.name and called_for and f.task is not None and f.task != Task.MESSAGE:
            # "calling for my husband, George Mills ... cancel his trim", "can I book for my
            # mum? She's Margaret Jones": the booking's name is theirs
            f.name = called_for
            taken = True
        other = u.extra.get("other_name")
        if (
            not (u.name or called_for or f.name)
            and other
            and not is_staff_name(other, self.profile)
            and (
                (f.task == Task.BOOK and not f.more_services and booked_for_another(u.text.lower()))
                # "Did my husband John book anything for Thursday? His name's John Smith."
                or (f.task in (Task.STATUS, Task.CANCEL, Task.MOVE) and f.target is None)
            )
        ):
            # "a kids cut for my daughter this Saturday at 10, her name is Ella": the booking
            # is under her name (it was asked for again)
            f.name = other
            taken = True
        if u.name:
            f.name = u.name
            taken = True
            others = [n for n in _OTHER_NAME.findall(u.text) if n.lower() not in u.name.lower()]
            listed = names_listed(u.text)
            if listed and listed[0] == u.name:
                others = listed[1:]  # "Leo, Max and Sam Smith": Max Smith, then Sam Smith
            if others and (f.more_services or u.people):
                f.next_names = others
            if _BOTH_UNDER.search(u.text):
                f.same_name = True
        if u.phone:
            self._heard_phone(u.phone)
            taken = True
        elif f.task == Task.MESSAGE and gives_another_number(u.text.lower()):
            f.phone = None  # asked for at the end: "I'll key in my office number"
            taken = True
        if u.staff and f.task in (Task.MESSAGE, None):
            if not (f.details_change and asks_staff_for_held(u.text.lower(), self.profile)):
                f.staff = u.staff  # not the one asked for on a booking: the desk changes it
            taken = True
        elif u.staff and f.task == Task.BOOK and "staff" not in u.unsure_slots:
            member = self.profile.staff_member(u.staff)
            if member is not None and asks_for_staff(u.text.lower(), member, self.profile):
                f.asked_for = member.name  # "a haircut with Marco": a wish, on the booking
        elif f.task == Task.MESSAGE and f.staff is None:
            role = staff_by_role(u.text, self.profile)  # "a message for the manager"
            if role is not None:
                f.staff, taken = role, True
            elif _FOR_THE_DESK.search(u.text):
                f.staff, taken = "front desk", True  # "a message for the front desk"
            elif _SOMEONE_CALL_BACK.search(u.text):
                # "This is Dave from Supply Co, about your order, can someone call me back?":
                # anyone will do, which is the front desk (and the words are the message)
                f.staff, taken = "front desk", True
                if says_more_than_asking(u.text.lower()):
                    f.message_text = u.text
        if f.task == Task.MESSAGE and not f.message_text:
            body = self._message_body.search(u.text)
            words = body.group("body").strip() if body else ""
            if words and not _ONLY_WHO.match(words) and not (expecting == Expect.STAFF and u.staff):
                before = without_staff(u.text[: body.start("body")] if body else "", self.profile)
                # "I'm calling for Marco, it's his mum, tell him to ring me": who is asking is
                # part of the message, not only what follows "tell him".
                f.message_text = u.text if says_more_than_asking(before) else words
        if f.task == Task.MESSAGE and not f.message_text and _CALL_BACK_ABOUT.search(u.text):
            # "Can Sarah call me back about my wedding hair?": what it is about is the message
            # (it was asked for again, and the next words, a number, taken for it)
            f.message_text = u.text
        if (
            f.task == Task.MESSAGE
            and not f.message_text
            and "message" in u.intents
            and asks_something_of_staff(u.text.lower(), self.profile)
            and says_more_than_asking(without_staff(u.text, self.profile))
        ):
            # "I need a prescription refill from Dr. Patel": the request is the message (it
            # was asked for, and only the words said next were kept)
            f.message_text = u.text
        if f.task == Task.MESSAGE and "message" in u.intents and not f.message_asked:
            f.message_asked = u.text  # the request itself, should nothing more be said
        if (u.yes or u.no) and expecting in (Expect.CONFIRM, Expect.NEXT_BOOKING):
            taken = True
        if u.choice is not None and expecting == Expect.CHOOSE_SLOT:
            taken = True
        return taken

    def _from_now(self, u: Understanding, expecting: Expect | None) -> Understanding:
        """ "Can I come in in an hour?": today, from now plus that (the first free time from
        then is offered). Only for a time asked for a booking or a move: "I'll be there in
        ten minutes" (running late) or "call me back in an hour" stay as they are."""
        if u.from_now is None:
            return u
        asked = (
            {"book", "move"} & set(u.intents)
            or u.service
            or expecting in (Expect.DAY, Expect.TIME, Expect.CHOOSE_SLOT)
        )
        if not asked or says_running_late(u.text.lower()):
            return u
        at = (self._now() + u.from_now).replace(second=0, microsecond=0)
        if at.date() != self._now().date():
            return u  # "in two hours" at 11 PM: no day we could mean
        return replace(u, day=at.date(), window=TimeWindow(start=at.time(), earliest=True))

    def _whens_apart(self, text: str) -> list[tuple[date | None, time | None]]:
        """The day and time of each part of a turn that asks for several bookings at
        different times, in order; [] unless every part names a day or a time."""
        parts = [p for p in _ONE_AND_ANOTHER.split(text) if p.strip(" ,.")]
        whens = []
        for part in parts:
            said = understand(part, self.profile, self.today)
            if not (said.day or said.time):
                return []
            whens.append((said.day, said.time))
        return whens if len(whens) > 1 else []

    def _mark(self, slots: tuple[str, ...], unsure: set[str]) -> None:
        f = self.frame
        for slot in slots:
            if slot in unsure:
                f.unconfirmed.add(slot)
                f.confirmed = False
            else:
                f.unconfirmed.discard(slot)

    # -- asking ----------------------------------------------------------------------------------

    def _ask(self, expect: Expect, **words: str) -> Step:
        """Ask for a detail; asked again in a row, the question gets narrower, and after the
        profile's limit of tries the caller is offered a person or a message instead."""
        attempt = self._asked.get(expect, 0) if self.expecting is None else 0
        self._asked = {expect: attempt + 1}
        if attempt >= self.profile.misunderstood_limit:
            yield from self._offer_help()
            return
        text = replies.ask(expect, attempt, self.profile, **words)
        if text == self._last_said:
            text = replies.ask(expect, attempt + 1, self.profile, **words)
        self.expecting = expect
        yield Say(text)

    def _offer_help(self) -> Step:
        self._asked = {}
        yield Say(replies.OFFER_PERSON_OR_MESSAGE, cache=True)
        self.expecting = Expect.OFFER_HELP

    def _not_understood(self, text: str, expecting: Expect | None) -> Step:
        if (
            self._told_message is not None
            and self.frame.task is None
            and expecting in (None, Expect.ANYTHING_ELSE)
            and len(re.findall(r"[a-z0-9']+", text.lower())) >= 3
        ):
            # "Amoxicillin, he prescribed it last week." once told the request for a refill
            # was passed on: more for that message (it was "Sorry, I didn't quite get that")
            added = self._result((yield AddToMessage(self._told_message, text, "")), MessageTaken)
            yield Say(added.claim, claim=True)
            yield from self._anything_else()
            return
        self.misunderstood += 1
        self.not_understood_turns += 1
        escalation = repeated_misunderstanding(self.misunderstood, self.profile)
        if escalation is not None:
            yield from self._escalate(escalation, text)
            return
        if expecting is not None and expecting not in (Expect.ANYTHING_ELSE, Expect.OFFER_HELP):
            self.expecting = None
            self._asked[expecting] = self._asked.get(expecting, 0)
            yield Say("Sorry, I didn't quite get that.", cache=True)
            yield from self._reask(expecting)
            return
        again = replies.not_understood_again(self.profile)
        text_out = replies.NOT_UNDERSTOOD if self.misunderstood == 1 else again
        if text_out == self._last_said:
            text_out = again
        yield Say(text_out, cache=True)

    def _reask(self, expect: Expect) -> Step:
        """Ask again for what was asked, in narrower words (the frame says what's missing)."""
        attempt = self._asked.get(expect, 0)
        self._asked = {expect: attempt}
        f = self.frame
        if expect in (Expect.CONFIRM_CANCEL, Expect.CONFIRM_MOVE, Expect.NEXT_BOOKING):
            self.expecting = expect
            yield Say("Please say yes or no.")
            return
        if expect == Expect.VERIFY and self.pending_resume is not None:
            self.expecting = expect
            yield Say(second_detail.WELCOME_BACK)
            return
        if expect == Expect.CHOOSE_SLOT and f.offered:
            yield from self._ask(expect, **self._words())
            return
        if f.task is not None:
            yield from self._advance(Understanding(text=""))
            return
        yield from self._ask(expect, **self._words())

    def _words(self) -> dict[str, str]:
        f = self.frame
        return {
            "service": f.service or "appointment",
            "day": DAY_NAMES[f.day.weekday()] if f.day else "that day",
            "staff": replies.staff_names(self.profile),
            "who": "the front desk" if f.staff in (None, "front desk") else str(f.staff),
            "slot": self._slot_words(),
            "when": self._when_words(),
        }

    def _when_words(self) -> str:
        """The day and time heard so far, to say back in a question: " on Friday at 3 PM"."""
        f = self.frame
        parts = []
        if f.day and f.day >= self.today:
            ahead = (f.day - self.today).days
            if ahead < 2:
                parts.append(("today", "tomorrow")[ahead])
            else:
                parts.append(f"on {DAY_NAMES[f.day.weekday()] if ahead < 7 else say_day(f.day)}")
        if f.time:
            parts.append(f"at {say_time(f.time)}")
        return "".join(f" {part}" for part in parts)

    def _slot_words(self) -> str:
        f = self.frame
        parts = []
        if f.service:
            parts.append(with_article(f.service))
        if f.day:
            parts.append(f"on {DAY_NAMES[f.day.weekday()]}")
        if f.time:
            parts.append(f"at {say_time(f.time)}")
        return " ".join(parts) or "that"  # mid-sentence: "Just to check: a haircut on ..."

    # -- the tasks -------------------------------------------------------------------------------

    def _advance(self, u: Understanding) -> Step:
        task = self.frame.task
        if task == Task.BOOK:
            yield from booking_flow.advance_booking(self, u)
        elif task == Task.CANCEL:
            yield from existing_flow.advance_find(self, Task.CANCEL)
        elif task == Task.MOVE:
            yield from existing_flow.advance_move(self, u)
        elif task == Task.STATUS:
            yield from existing_flow.advance_status(self)
        elif task == Task.MESSAGE:
            yield from self._advance_message()

    # cancel, move and status all begin by finding the caller's booking

    def _advance_message(self) -> Step:
        f = self.frame
        if f.details_change:
            # "Change the phone number on my booking": nothing here changes a booking's
            # details; the caller hears who will, before anything is asked.
            f.details_change = False
            yield Say(replies.DETAILS_BY_MESSAGE, cache=True)
        if f.staff is None and f.message_text:
            f.staff = "front desk"
        if f.staff is None:
            yield from self._ask(Expect.STAFF, **self._words())
            return
        if not f.message_text:
            yield from self._ask(Expect.MESSAGE_TEXT, **self._words())
            return
        if self._impossible_phone:  # read back once; then the caller id, if any, will do
            heard = say_digits(self._impossible_phone, self.profile.region)
            yield Say(f"I heard {heard}, which isn't a whole phone number.")
            self._impossible_phone = None
            yield from self._ask(Expect.PHONE, **self._words())
            return
        if not f.phone:
            yield from self._ask(Expect.PHONE, **self._words())
            return
        yield from self._take_message(tell=True)
        yield from self._anything_else()

    def _heard_phone(self, number: str) -> None:
        """A number the caller gave becomes the call-back number only if it can be a phone
        number in the business's country: digits misheard or mistyped (eleven in the US, not
        starting with 1) are never recorded as one. A message reads them back and asks once
        more; the number it had (the caller id) stays until a right one comes."""
        if possible_phone(number, self.profile.region):
            self.frame.phone, self._impossible_phone = number, None
            return
        log.info("heard %s digits that can't be a phone number in %s", len(number),
                 self.profile.region)  # fmt: skip
        self._impossible_phone = number

    def _message_pending(self) -> bool:
        f = self.frame
        return f.task == Task.MESSAGE and bool(f.message_text) and not self._message_taken

    def _take_message(self, tell: bool) -> Step:
        f = self.frame
        staff = f.staff or "front desk"
        text = f.message_text or ""
        taken = self._result(
            (yield TakeMessage(staff, f.name or "", f.phone or "", text, tell)), MessageTaken
        )
        self._message_taken = True
        if tell and taken.claim:
            self._told_message, self._message_claim = taken.message_id, taken.claim
            yield Say(taken.claim, claim=True)
        if self.outcome != Outcome.TRANSFERRED:
            self.outcome, self.reason = Outcome.MESSAGE, f"message for {staff}"
        f.clear_task()
        self._message_taken = False

    def _name_to_put_right(self, u: Understanding, booked: BookingView) -> Step:
        """ "No, no, it's Don. Don Price." once told the booking is under Jon Price: the name
        on it is wrong (misheard, misspelt). A booking's name can't be changed from here, so
        the front desk is asked to, in the caller's words, and the caller is told so (it was
        taken for "no, nothing else" and the call ended)."""
        self.misunderstood = 0
        f = self.frame
        # the last name said ("it's Don. Don Price.": Don Price), as read where a name is asked
        names = [understand(part, self.profile, self.today, Expect.NAME.value).name
                 for part in re.split(r"(?<=[.!?])\s+", u.text)]  # fmt: skip
        said = next((name for name in reversed(names) if name), None)
        new_name = said if said and said.lower() != booked.name.lower() else ""
        when = f"{say_day(booked.start.date())} at {say_time(booked.start.time())}"
        outcome, reason = self.outcome, self.reason
        f.task, f.staff = Task.MESSAGE, "front desk"
        f.name, f.phone = f.name or booked.name, f.phone or booked.phone
        f.message_text = (
            f"Please change the name on the {booked.service} booked for {when} from "
            f"{booked.name}{' to ' + new_name if new_name else ''}. The caller said: {u.text}"
        )
        if new_name:
            yield Say(replies.NAME_TO_CHANGE.format(name=new_name))
        else:
            yield Say(replies.NAME_TO_PUT_RIGHT, cache=True)
        yield from self._take_message(tell=True)
        self.outcome, self.reason = outcome, reason
        yield from self._anything_else()

    def _change_callback(self, u: Understanding | None = None) -> Step:
        """A number the caller gives once told the message was passed on ("I've passed your
        message to Marco to call you back at <caller id>", then their own number) is the one
        staff call back on: the stored message changes, and the caller hears it from the
        record. Digits that can't be a number are read back and asked for again."""
        if self._impossible_phone:
            heard = say_digits(self._impossible_phone, self.profile.region)
            yield Say(f"I heard {heard}, which isn't a whole phone number.")
            self._impossible_phone = None
            yield from self._ask(Expect.PHONE, **self._words())
            return
        message_id, phone = self._told_message, self.frame.phone
        if message_id is not None and u is not None and words_besides_a_number(u.text):
            # "This is Tom from Acme, on 555 444 3322": who calls is part of the message too
            added = self._result(
                (yield AddToMessage(message_id, u.text, u.name or "")), MessageTaken
            )
            yield Say(added.claim, claim=True)
        if message_id is not None and phone:
            changed = self._result((yield ChangeCallback(message_id, phone)), MessageTaken)
            yield Say(changed.claim, claim=True)
        yield from self._anything_else()

    # -- answers from the profile ----------------------------------------------------------------

    def _same_question_again(self, u: Understanding, expecting: Expect | None) -> Understanding:
        """ "And tomorrow?" after the hours of today, "What about a colour?" after a haircut's
        price: the question just answered, of another day or service (it was "What would you
        like to book?")."""
        asked = self._answered
        if expecting != Expect.ANYTHING_ELSE or asked is None or not _FOLLOW_UP.search(u.text):
            return u
        if set(u.intents) - {"book", "question"} or u.yes or u.no or u.time or u.window:
            return u
        if _ASKS_TO_BOOK.search(u.text):
            return u  # "Can I book Saturday then?" after the hours asks for a booking
        if asked == "hours" and (u.day or u.days or week_part(u.text.lower())) and not u.services:
            return replace(u, intents=(), asks_hours=True)
        if asked in ("price", "duration") and u.services and not (u.day or u.days):
            return replace(
                u, intents=(), asks_price=asked == "price", asks_duration=asked == "duration"
            )
        return u

    def _answers(self, u: Understanding) -> list[str]:
        p = self.profile
        sentences = []
        if not (u.service or u.services or u.unknown_service):
            if self.frame.service and _OF_IT.search(u.text):
                # "How much are they?" with highlights being booked: of that service.
                u = replace(u, service=self.frame.service)
            elif (
                self.last_booked
                and self.frame.task is None
                and _OF_IT.search(u.text)
                and not _OF_ALL.search(u.text)
            ):
                # "One more thing, how much will that be?" once booked: the booking's (it read
                # the whole price list)
                u = replace(u, service=self.last_booked.service)
            elif self._answered_of and not _OF_ALL.search(u.text):
                # "And how long would I need to set aside?" just told a colour's price: the
                # colour's
                u = replace(u, service=self._answered_of)
        if u.extra.get("services_asked"):
            sentences.append(f"We offer {replies.services_list(p)}.")
        if u.extra.get("superlative") and u.service:
            sentences.append(replies.superlative_answer(u.extra["superlative"], u.service))
        if u.asks_price:
            named = [s for s in (p.service(n) for n in (u.services or (u.service,)) if n) if s]
            if named:
                sentences += [replies.price_answer(s, p.currency) for s in named]
                if len({s.name for s in named}) > 1 and _TOGETHER.search(u.text):
                    sentences.append(replies.total_answer(named, p.currency))  # "... together?"
            elif u.unknown_service:
                sentences.append(f"We don't offer {u.unknown_service}, I'm afraid.")
            else:
                sentences.append(replies.prices_answer(p))
        if u.asks_duration and not u.asks_price:
            named = [s for s in (p.service(n) for n in (u.services or (u.service,)) if n) if s]
            sentences += [replies.duration_answer(service) for service in named or p.services]
            if len({s.name for s in named}) > 1 and _TOGETHER.search(u.text):
                sentences.append(replies.length_total_answer(named))  # "... altogether?"
        if u.asks_hours and u.day is not None and u.extra.get("holiday"):
            sentences.append(replies.holiday_hours_answer(p, u.extra["holiday"], u.day))
        elif u.asks_hours and _RIGHT_NOW.search(u.text) and u.day in (None, self.today):
            sentences.append(replies.open_now_answer(p, self._now()))  # "Are you open now?"
        elif u.asks_hours and u.day is None and week_part(u.text.lower()):
            part = week_part(u.text.lower()) or ""
            sentences.append(replies.week_part_hours_answer(p, part))  # "... at the weekend?"
        elif u.asks_hours:
            sentences.append(
                replies.hours_answer(p, u.day.weekday() if u.day is not None else None)
            )
        return sentences

    # -- endings ---------------------------------------------------------------------------------

    def _anything_else(self) -> Step:
        self._asked = {}
        if self._question_left and not self.ended and self.frame.task is None:
            # the question said with a request, passed on now the request is done (the call's
            # outcome stays the request's)
            question, self._question_left = self._question_left, ""
            outcome, reason = self.outcome, self.reason
            self.frame.task, self.frame.staff = Task.MESSAGE, "front desk"
            self.frame.message_text = question
            yield from self._take_message(tell=True)
            self.outcome, self.reason = outcome, reason
        if self._said_next and not self.ended:
            # "Cancel my Friday appointment, and I want to book my daughter in on Saturday":
            # the second request, now the first is done
            said, self._said_next = self._said_next, ""
            self.expecting = Expect.ANYTHING_ELSE
            self.caller_turns -= 1  # said in the turn before, not a turn of its own
            yield from self._on_said(CallerSaid(said))
            return
        yield Say(replies.ANYTHING_ELSE, cache=True)
        self.expecting = Expect.ANYTHING_ELSE

    def _one_request_at_a_time(self, text: str, expecting: Expect | None) -> str:
        """A cancellation and a booking for someone else in one breath ("cancel my Friday
        appointment and also book my daughter in for Saturday"): the cancellation first (its
        own day), the booking kept for when it is done. A booking for the caller after a
        cancellation is a move, and stays whole."""
        if expecting not in (None, Expect.ANYTHING_ELSE):
            return text
        split = _AND_ALSO.search(text)
        if split is None:
            return text
        first, second = text[: split.start()], text[split.end() :]
        if (
            not mentions_others(second.lower())
            or mentions_others(first.lower())  # "cancel my son's ... and book him ...": a move
            or re.search(r"\binstead\b", second, re.I)
        ):
            return text
        now = understand(first, self.profile, self.today)
        then = understand(second, self.profile, self.today)
        if "cancel" not in now.intents or "book" not in then.intents:
            return text
        self._said_next = second.strip()
        return first.strip(" ,;")

    def _escalate(self, escalation: Escalation, text: str) -> Step:
        yield RecordEscalation(escalation.rule, escalation.words, escalation.target)
        if escalation.say:
            yield Say(escalation.say, cache=True)
        summary = self._summary(escalation.rule, text)
        if escalation.action == "both":
            # The person is told in writing too, whether or not the transfer connects.
            yield TakeMessage(escalation.target, self.frame.name or "", self.frame.phone or "",
                              f"Escalated ({escalation.rule}, on the words "
                              f"{escalation.words!r}): {text}", tell=False)  # fmt: skip
        if escalation.action in ("transfer", "both"):
            yield from self._transfer(escalation.target, escalation.rule, text, summary)
            return
        f = self.frame
        f.clear_task()
        f.task, f.staff = Task.MESSAGE, escalation.target
        yield from self._advance_message()

    def _summary(self, reason: str, text: str) -> str:
        f = self.frame
        who = f.name or "A caller who didn't give a name"
        number = (
            f" (call-back number {say_digits(f.phone, self.profile.region)})" if f.phone else ""
        )
        about = (
            {
                Task.BOOK: " about booking" + (f" {with_article(f.service)}" if f.service else ""),
                Task.CANCEL: " about cancelling a booking",
                Task.MOVE: " about moving a booking",
                Task.MESSAGE: " to leave a message",
                Task.STATUS: " about a booking",
            }.get(f.task, "")
            if f.task
            else ""
        )
        said = f' They said: "{text.strip()[:140]}".' if text.strip() else ""
        return f"{who}{number} is calling{about}; {reason}.{said}"

    def _transfer(self, target: str, reason: str, text: str, summary: str = "") -> Step:
        extension = self.profile.extension_for(target)
        summary = summary or self._summary(reason, text)
        requested = self._result(
            (yield Transfer(target, extension, reason, summary, self.warm_transfer)),
            TransferRequested,
        )
        yield Say(requested.claim, claim=True)
        done = self._result(
            (yield Connect(requested.transfer_id, extension, summary, self.warm_transfer)),
            TransferDone,
        )
        if done.connected:
            self._end(Outcome.TRANSFERRED, f"to {target} ({extension}): {reason}")
            return
        who = "the front desk" if target == "front desk" else target
        f = self.frame
        kept = f.message_text
        f.clear_task()
        f.task, f.staff = Task.MESSAGE, target
        if kept:
            f.message_text = kept
            yield Say(f"I'm sorry, {who} isn't available right now, so I'll take a message.")
            yield from self._advance_message()
            return
        self.expecting = Expect.MESSAGE_TEXT
        yield Say(f"I'm sorry, {who} isn't available right now. I can take a message. "
                  "What would you like me to pass on?")  # fmt: skip

    def _tool_failed(self, reason: str) -> Step:
        escalation = failed_tool(self.failed_tools)
        if escalation is not None:
            yield from self._escalate(escalation, reason)
            return
        yield from self._anything_else()

    def _goodbye(self, reason: str) -> Step:
        if self._message_pending():
            yield from self._take_message(tell=True)
        unfinished = self._unfinished()
        if unfinished or self._saved_unfinished:
            # A goodbye taken back (reopen), then the booking made: the call-back must not
            # be offered to finish it. What is saved is what is unfinished at the end.
            yield SaveUnfinished(unfinished)
        self._saved_unfinished = bool(unfinished)
        yield Say(replies.GOODBYE, cache=True)
        if self.outcome not in (Outcome.MESSAGE, Outcome.TRANSFERRED):
            self.outcome, self.reason = Outcome.COMPLETED, reason
        self.ended = True
        yield Hangup(reason)

    def _unfinished(self) -> dict | None:
        """What a call-back may pick up: this call's booking, or the one still waiting for
        its second detail."""
        unfinished = self.frame.unfinished()
        if unfinished is None and self.pending_resume is not None:
            return self.pending_resume.unfinished()
        return unfinished

    def _end(self, outcome: Outcome, reason: str) -> None:
        self.outcome, self.reason, self.ended = outcome, reason, True


def _keyed_time(number: str) -> time | None:
    """A time typed on the keypad: "330" is 3:30 (afternoon, as a bare 3 is), "1015" 10:15."""
    hour, minute = int(number[:-2]), int(number[-2:])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    if 1 <= hour <= 7:
        hour += 12
    return time(hour, minute)


def _merge(rules: Understanding, model: Understanding) -> Understanding:
    """The rules' reading wins where they found something; the model fills what they left."""
    from receptionist.dialog.model_understanding import merge

    return merge(rules, model)


__all__ = ["Conversation", "ConversationError", "plausible_phone"]
