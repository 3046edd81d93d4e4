"""Understanding by rules: intents and slots with no model at all.

Rules carry the call with the bundled models (which are far too weak to understand callers);
a capable model, where a site has one, can only add to what the rules found, and the same
checks apply to what it says. Days and times are read in ``when``, numbers in ``numbers``,
services and staff in ``matching``, the caller's name in ``names``; this module reads what the
caller wants (intents, yes/no, a choice, questions) and puts it together. Pure and fast: it runs
on every speculative transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, time

from receptionist.dialog import matching
from receptionist.dialog.names import find_name, find_other_name, is_first_name
from receptionist.dialog.numbers import find_phone, words_to_numbers
from receptionist.dialog.when import find_day, find_days, find_near_day, find_window, read_clock
from receptionist.domain.profile import BusinessProfile

INTENTS = ("book", "cancel", "move", "message", "question", "person", "status", "robot")

_APPOINTMENT = r"(?:appointment|appt|booking|reservation|slot|time|spot|haircut|cut|session)"
_BOOK = re.compile(
    r"\b(?:(?:book|booking|appointment|schedule|reserve|reservation)\b|"
    r"make an? (?:appointment|booking)|come in|get in|pop in|stop by|drop in|"
    r"fit (?:me|us|him|her|them) in|squeeze (?:me|us|him|her|them) in|set up an? |"
    r"(?:i'd|i would|we'd|we would) like to (?:come|get|have|make|see)|"
    r"(?:i|we) (?:want|need) to (?:come|get in|make an?|see)|"
    r"(?:any|have) (?:openings?|availability|slots?|spots?|space|room)|"
    r"do you have (?:anything|something)|availability|available|free (?:slots?|time|spots?)|"
    r"what (?:have you got|do you have|times do you have|is (?:free|open|available))|"
    r"(?:be|are you|is (?!it\b|that\b|this\b)\w+) (?:free|available)|"
    r"is there (?:anything|something|a slot|a spot|an opening|room))"
)
_BOOK_AGAIN = re.compile(r"\b(?:book|make|schedule) (?:a|an|another|new|me|us|it)\b")
_CANCEL = re.compile(
    r"\b(?:cancel\w*|call off|calling off|can'?t make it|cannot make it|can not make it|"
    r"won'?t (?:be able to )?make it|(?:not|won'?t) be able to (?:make it|come|come in)|"
    r"unable to (?:make it|come)|scrap (?:my|the)|drop (?:my|the) " + _APPOINTMENT + r"|"
    r"can'?t come|cannot come|can not come|won'?t be coming|not coming|can'?t go)\b"
)
_EXPLICIT_CANCEL = re.compile(r"\bcancel\w*\b|\bcall(?:ing)? off\b")
_MOVE = re.compile(
    r"\b(?:re-?schedul\w*|re-?book\w*|postpone\w*|"
    r"push (?:it|that|this|my \w+|the \w+|my \w+ \w+)? ?(?:back|forward|later|earlier|out|to)|"
    r"bring (?:it|that|my \w+|the \w+) (?:forward|earlier)|"
    r"(?:move|moving|change|changing|switch|switching|shift|bump|swap) (?:my|the|our|his|her|"
    r"their) (?:\w+ )?(?:appointment|booking|reservation|time|slot|day|haircut|colour|color|"
    r"cut|trim)|(?:move|change|switch|shift|bump) (?:it|that|this) from|"
    r"(?:different|another|new) (?:time|day|date) for (?:my|the|our) )"
)
_MESSAGE = re.compile(
    r"\b(?:leave (?:a |him a |her a |them a )?(?:message|note|voicemail)|take a message|"
    r"pass (?:on |along )?(?:a |the )?message|pass (?:it|this|that) (?:on|along)|"
    r"give (?:him|her|them|\w+) a message|message for|tell (?:him|her|them)|"
    r"let (?:him|her|them) know|(?:can|could) you tell|call me back|ring me back|"
    r"have (?:him|her|them|\w+) (?:call|ring|phone)|ask (?:him|her|them|\w+) to (?:call|ring)|"
    r"get back to me)\b"
)
_PERSON = re.compile(
    r"\b(?:(?:speak|talk|chat) (?:to|with) (?:a |an |the |some |your )?(?:real |actual |live )?"
    r"(?:person|human|someone|somebody|anyone|anybody|manager|owner|staff|receptionist|"
    r"front desk|reception|representative|agent|operator|people|\w+ (?:please|directly|now))|"
    r"transfer me|put me through|connect me|get me (?:a|someone|somebody|the)|"
    r"operator|representative|human being|real person|live person|actual person|"
    r"(?:a|an) (?:person|human)(?! or)|somebody real|someone real)\b"
)
_ROBOT = re.compile(
    r"\b(?:(?:am i|are we|i'm|is this|is that|are you|you're|you are|this is)\s+(?:just\s+)?"
    r"(?:(?:talking|speaking|chatting) (?:to|with) )?(?:a |an )?(?:real |actual |live )?"
    r"(?:robot|machine|bot|computer|ai|a\.?i\.?|artificial|automated|recording|"
    r"answering machine|answering service|person|human|real)|"
    r"are you (?:guys |even )?(?:real|human|alive|an? (?:person|human|robot|machine|bot|ai)|"
    r"a real person)|who am i (?:speaking|talking) (?:to|with)|who(?:'s| is) this\b|"
    r"what are you\b|"
    r"you sound like a (?:robot|machine|computer))\b"
)
_SERVICE_QUESTION = re.compile(
    r"\b(?:do|can|could) you (?:guys )?(?:do|offer|provide|cut|colou?r|dye|trim|style|work with|"
    r"have (?!any(?:thing)? (?:free|open|available|time|slots?|openings?|availability)|"
    r"(?:some|a|any)?(?:thing|time|slots?|openings?|availability|room|space)\b))|"
    r"\b(?:does|do) (?:anyone|anybody|someone|he|she|they) (?:there )?do\b"
)
_DURATION = re.compile(
    r"\bhow long (?:does|do|will|would|is|are|it|for)\b|\bhow much time\b|"
    r"\b(?:take|takes|last|lasts) (?:long|about how long)\b"
)
_STATUS = re.compile(
    r"\b(?:(?:did|has|have|was|is) (?:my|the|our) (?:booking|appointment|reservation) "
    r"(?:go|gone|went|get|been|come|made|actually|still|really|confirmed|booked|through|on\b)|"
    r"do (?:i|we) (?:still )?have (?:an?|my|the) (?:appointment|booking|reservation)|"
    r"(?:when|what time|what day)(?:'s| is| was| are) (?:my|our|the) (?:\w+ )?"
    r"(?:appointment|booking|reservation)|"
    r"confirm (?:my|our|the) (?:\w+ )?(?:booking|appointment|reservation)|"
    r"check (?:on )?(?:my|our) (?:\w+ )?(?:booking|appointment|reservation)|"
    r"(?:am i|are we|was i|were we) (?:still )?"
    r"(?:booked|scheduled|down|on the books|in the system)|"
    r"do you have me (?:down|booked|in)|"
    r"is my (?:\w+ )?(?:appointment|booking|reservation) (?:still )?(?:on|confirmed|booked|set)|"
    r"make sure (?:it|that|my \w+|the \w+|we|i) (?:went through|is booked|is confirmed|got booked|"
    r"(?:are|am) booked|is in)|(?:it|that|my booking|my appointment) went through|"
    r"double[- ]check (?:my|the|that|on))\b"
)
_PRICE = re.compile(
    r"\b(?:how much|prices?|pricing|cost|costs|(?<!in )charge|charges|rates?|expensive|cheap|"
    r"fee|fees|what do you charge)\b"
)
_HOURS = re.compile(
    r"\b(?:hours|opening times|what time do you|when do you (?:open|close|shut)|"
    r"are you (?:guys )?(?:open|closed)|is the (?:salon|shop|store|office) (?:open|closed)|"
    r"you (?:guys )?open (?:on|at|till|until|today|tomorrow|this)|until what time|how late|"
    r"how early|what days|when are you (?:open|closed)|do you (?:open|close)|closing time|"
    r"opening time|open on (?:sundays?|mondays?|saturdays?|weekends?)|open late)\b"
)
_YES = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|ya|yah|sure|correct|that's right|that is right|"
    r"that's correct|that is correct|absolutely|definitely|certainly|of course|exactly|"
    r"affirmative|indeed|uh[- ]?huh|mm[- ]?hmm|mhm|you got it|i do|i would|please do|go ahead|"
    r"that works|sounds good|sounds great|sounds perfect|that's fine|that is fine|book it|"
    r"do it)\b"
    r"|\b(?:that works|works for me|sounds (?:good|great|perfect|fine)|go ahead|book it|"
    r"that's (?:right|correct|perfect|fine|great)|that is (?:right|correct)|that'd be (?:great|"
    r"perfect|fine)|that would be (?:great|perfect|fine)|yes,? please|let's do (?:it|that))\b"
)
# Acknowledgements that are a yes only when they are (nearly) all that was said.
_YES_SHORT = re.compile(
    r"^\W*(?:ok|okay|alright|all right|right|please|fine|good|great|perfect|excellent|lovely|"
    r"brilliant|wonderful|cool|nice|grand)\b(?!\s+(?:morning|afternoon|evening|night|bye))"
)
_NO = re.compile(
    r"^\W*(?:no(?! problem| worries| rush)|nope|nah|not really|not quite|not exactly|that's it|"
    r"that is it|that'?ll do|"
    r"no thanks|no thank you|that's all|that is all|that's everything|that'll be all|"
    r"nothing else|i'm good|i am good|i'm fine|i'm all set|all good|that's wrong|"
    r"that's not right|that is not right|that's incorrect|incorrect|wrong|negative|"
    r"don't|do not|i don't)\b"
)
_GOODBYE = re.compile(
    r"\b(?:bye|goodbye|good bye|bye bye|that's all|that is all|that's everything|that's it|"
    r"that'll be all|nothing else|have a (?:good|great|nice|lovely) (?:day|one|evening|night|"
    r"afternoon|weekend)|take care|see you|talk to you later|cheers)\b"
)
_CHANGE = re.compile(
    r"\b(?:actually|instead|rather|make it|make that|change (?:it|that)|changed my mind|"
    r"move it|switch|i meant|i mean|scratch that|on second thought|wait|hold on|no,? no|"
    r"sorry,? (?:i meant|not|make)|not \w+,? but|correction)\b"
)
_CHOICE = re.compile(
    r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|last|earlier|earliest|later|latest|"
    r"former|latter|other)(?: one| option| slot| time| of those| of them| choice)?\b"
)
_CHOICE_WORDS = {
    "first": 0, "1st": 0, "earlier": 0, "former": 0, "second": 1, "2nd": 1, "third": 2,
    "3rd": 2, "fourth": 3, "last": -1, "later": -1, "latter": -1,
}  # fmt: skip
_EITHER = re.compile(
    r"\b(?:either|whichever|any of (?:them|those)|(?:it )?doesn'?t matter|don'?t mind|"
    r"(?:both|any|either one) (?:is|are|would be) (?:fine|good|ok|okay))\b"
)
_OPTION_NUMBER = re.compile(r"\b(?:option|number|choice) (one|two|three|four|1|2|3|4)\b")
_FILLERS = re.compile(r"\b(?:um+|uh+|er+|erm|hmm+|ah+|mm+)\b[,.]?\s*|(?<=,) like,\s*", re.I)
_QUESTION_START = re.compile(
    r"^\W*(?:(?:and|so|also|oh|hi|hello|hey|ok|okay|yes|yeah|um|uh|sorry)[\s,]+)*"
    r"(?:what|what's|where|where's|when|when's|which|who|who's|whom|why|how|how's|"
    r"do|does|did|can|could|would|will|is|are|was|were|may|should|have|has|"
    r"i was wondering|i wonder|just wondering|wondering|i'd like to know|do you know|"
    r"can you tell me|could you tell me|tell me)\b",
    re.I,
)
_SMALL_TALK = re.compile(
    r"\b(?:how are you|how's it going|how you doing|can you hear me|are you there|"
    r"hello\?|sorry\?|pardon|excuse me|what was that|what did you say|come again|"
    r"say (?:that|it) again|repeat (?:that|it)|could you repeat|what\?$|huh)\b"
)
_ASK_WORDS = frozenset(
    """what what's which who who's whom why how how's do does did can could would will is are
    was were may should have has i you we they it this that there the a an your you're our my
    me to of for in on at any anything some something is it's tell know wondering wonder just
    please if whether guys about and so also oh hi hello hey ok okay yes yeah um uh sorry like
    id i'd be get with from by or""".split()
)
# Nouns that say "an appointment" or something other than a service after "get a", "book a".
_NOT_A_SERVICE = frozenset(
    """appointment appointments appt booking bookings reservation reservations slot slots time
    times spot spots day date opening openings availability session one something anything
    message word note person human someone somebody anyone manager owner minute moment second
    sec refund money receipt confirmation confirmation text call callback reminder email quote
    price prices estimate idea chance hold bit deal deals discount discounts special specials
    promotion promotions offer offers coupon coupons voucher vouchers student students
    senior seniors number question answer help
    ride table lot couple few little while look break favour favor new different earlier
    later sooner better good nice quick chair seat place room space way hand thing things
    pen paper clue sense feeling copy record name phone line transfer""".split()
)
_ARTICLE = r"(?:a|an|some|my|me a|me an|us a|us an|one|the|any|his|her|our)"
# What introduces a service the caller wants: the article is optional after the first group,
# required after the second ("get a manicure", not "get back to me").
_SERVICE_TRIGGER = re.compile(
    r"\b(?:(?:book(?: me| us)?(?: in)?(?: for)?|do you (?:guys )?(?:do|offer|provide)|"
    r"(?:does|do) (?:anyone|anybody|someone|he|she|they) (?:there )?do|you guys do|"
    r"(?:appointment|booking|slot|time) for|looking for|interested in|"
    r"how much (?:is|are|for|does|do|would|will)(?: it (?:be|cost) (?:for|to get))?|"
    r"price (?:of|for)|cost of|cost for|(?:can|could) you (?:do|guys do)|schedule|"
    rf"offer|offering)\s+(?:{_ARTICLE}\s+)?"
    rf"|(?:get|getting|need|want|like|have|had|do)\s+{_ARTICLE}\s+)"
)
_SERVICE_STOP = frozenset(
    """on at for with this next tomorrow today tonight please and or but to in done doing
    the a an it that those these there here now then if so because about by from of up off
    out when around sometime some time later soon again too also as well maybe possibly
    appointment booking instead""".split()
)
_RELATIONS = (
    r"(?:sons?|daughters?|husband|wife|kids?|children|child|boys?|girls?|friends?|partner|mom|"
    r"mum|dad|mother|father|brothers?|sisters?|boyfriend|girlfriend|fianc[eé]e?|grandsons?|"
    r"granddaughters?|nephews?|nieces?|colleagues?|roommates?|babies|baby|toddlers?|twins|"
    r"family|cousins?|grandma|grandpa|grandmother|grandfather|aunt|uncle|mother-in-law|"
    r"father-in-law|stepson|stepdaughter|teenagers?|spouse)"
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "both": 2,
                 "a couple of": 2, "a couple": 2, "couple of": 2}  # fmt: skip


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
        )  # fmt: skip

    def with_intent(self, intent: str) -> Understanding:
        return replace(self, intents=(*self.intents, intent))


def clean(text: str) -> str:
    """The caller's words without fillers ("um", "uh") and with plain apostrophes."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", _FILLERS.sub("", text)).strip(" ,")


def find_service(text: str, profile: BusinessProfile) -> str | None:
    """The first of the profile's services named (near matches included)."""
    found = matching.find_services(text, profile)
    return found[0].name if found else None


def find_staff(text: str, profile: BusinessProfile) -> str | None:
    """A staff member named in ``text``, by name, near name or role."""
    found = matching.find_staff(text, profile, expecting=True)
    return found.name if found else None


@matching.per_profile
def _profile_words(profile: BusinessProfile) -> tuple[frozenset[str], frozenset[str]]:
    """(words that are never the caller's name, words that belong to a service's name)."""
    service_words: set[str] = set()
    for service in profile.services:
        for alias in (service.name, *service.aliases):
            service_words.update(re.findall(r"[a-z']+", alias.lower()))
    never = set(service_words)
    for member in profile.staff:
        never.add(member.name.lower())
        never.update(re.findall(r"[a-z']+", member.role.lower()))
    never.update(re.findall(r"[a-z']+", profile.name.lower()))
    never.update({"salon", "shop", "store", "office", "clinic", "studio", "desk", "front"})
    return frozenset(never), frozenset(service_words)


_DAY_BREAK = re.compile(
    r"[,.;!?]|\b(?:to|instead|actually|but|rather|make it|make that|how about|what about|"
    r"can we do|could we do|can i do|switch|move|change|no)\b"
)
_TIME_BREAK = re.compile(
    r"[,;!?]|\.(?!\d)|\b(?:instead|actually|but|rather|make it|make that|how about|what about|"
    r"can we do|could we do|can i do|no)\b"
)
_OLD_VALUE = re.compile(
    r"\b(?:instead of|rather than|not(?!\s+(?:before|after|later|earlier|too|so|that|very)\b))"
    r"\s+(?:on\s+|at\s+|the\s+)*[\w:.']+(?:\s+(?:at|pm|am)\b\s*[\w:.]*)?"
)
_ANOTHER_TIME = re.compile(
    r"\b(?:instead|another (?:day|time)|different (?:day|time)|can (?:we|i) do|could (?:we|i) do|"
    r"how about|what about|move|reschedule|change)\b"
)
_GREETING = re.compile(r"\bgood (?:morning|afternoon|evening)\b")


def _without_greetings(lowered: str) -> str:
    return _GREETING.sub(" ", lowered)


def _drop_old_time(lowered: str) -> str:
    """ "from 3 to 4" when moving: 3 is the old time."""
    return re.sub(r"\bfrom\s+[\w:.]+(?:\s*(?:am|pm|p\.m\.|a\.m\.))?\s+(?=to\b)", " ", lowered)


def _last_said(lowered: str, breaks: re.Pattern[str], today: date | None) -> str:
    """The last part of the words that names a day (``today`` given) or a time."""
    kept = _OLD_VALUE.sub(" ", lowered)
    parts = [p for p in breaks.split(kept) if p and p.strip()]
    for part in reversed(parts):
        if (
            (find_day(part, today) or find_days(part, today))
            if today
            else (read_clock(part)[0] or find_window(part))
        ):
            return part
    return kept


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def _count(word: str | None) -> int | None:
    if not word:
        return None
    word = word.strip()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


_GROUP = re.compile(
    r"\b(?:(?:my|our|his|her|the)\s+)?(?:(\d+|one|two|three|four|five|six|a couple of|couple of)"
    rf"\s+)?(?:(?:little|young|older|younger|teenage|small)\s+)?{_RELATIONS}\b"
)


def _group_size(part: str) -> int | None:
    """How many people "my son", "my two kids", "my husband and my daughter" are."""
    total = 0
    for match in _GROUP.finditer(part):
        number = _count(match.group(1))
        noun = match.group(0).split()[-1]
        if number is not None:
            total += number
        elif noun == "twins":
            total += 2
        elif (
            noun.endswith("s")
            and noun not in ("boss",)
            and noun != "kids"
            or noun in ("children", "kids", "family", "babies")
        ):
            return None  # "my kids": how many is not said
        else:
            total += 1
    total += sum(
        1 for w in re.findall(r"\b[A-Z][a-z]+\b", part) if is_first_name(w)
    )  # "me and John"
    return total or None


_PLAIN_WORDS = frozenset("my the a an your our of for and with".split())


def find_people(said: str, lowered: str, profile: BusinessProfile) -> int | None:
    """How many people the booking is for, when the caller said more than one."""
    match = re.search(r"\b(?:both|the two|the both|all two) of us\b|\bus two\b|\bthe pair of us\b|"
                      r"\bus both\b", lowered)  # fmt: skip
    if match:
        return 2
    match = re.search(r"\b(?:the|all|all of)\s+(\d+|three|four|five|six)\s+of us\b|"
                      r"\b(\d+|two|three|four|five|six)\s+(?:people|persons|adults|guests|of us)\b",
                      lowered)  # fmt: skip
    if match:
        return _count(match.group(1) or match.group(2))
    match = re.search(
        r"\b(?:me|myself)\s*(?:,|and|plus|&|with)\s+(.+?)(?:[.?!]|$)", said, re.I
    ) or re.search(
        r"(?:^|\bfor\s+|\bbook\s+|[,.]\s*)((?:[\w']+\s+){0,2}[\w']+)\s+and\s+(?:me|i|myself)\b",
        said,
        re.I,
    )
    if match:
        others = _group_size(match.group(1))
        if others:
            return 1 + others
    beneficiaries = set(re.findall(rf"\bfor (me|myself|him|her|(?:my|our) (?:\w+ )?{_RELATIONS})\b",
                                   lowered))  # fmt: skip
    if len(beneficiaries) >= 2:
        return sum(_group_size(b) or 1 for b in beneficiaries)
    if re.search(r"\b(?:my|our|the) twins\b", lowered):
        return 2
    match = re.search(rf"\b(?:my|our)\s+(\d+|two|three|four|five|six)\s+{_RELATIONS}\b", lowered)
    if match:
        return _count(match.group(1))
    _, service_words = _profile_words(profile)
    counted = words_to_numbers(lowered)
    for match in re.finditer(r"\b(\d+)\s+([a-z']+)(?:\s+([a-z']+))?", counted):
        nouns = {match.group(2).rstrip("s"), (match.group(3) or "").rstrip("s"), match.group(2)}
        if nouns & (service_words - _PLAIN_WORDS) and 1 < int(match.group(1)) <= 10:
            return int(match.group(1))
    return None


def find_unknown_service(lowered: str, profile: BusinessProfile) -> str | None:
    """What the caller asked for after "book a", "can I get a", "do you do" ..., when it is
    none of the profile's services: "a manicure" -> "manicure"."""
    _, service_words = _profile_words(profile)
    staff = {m.name.lower() for m in profile.staff} | {m.role.lower() for m in profile.staff}
    for match in _SERVICE_TRIGGER.finditer(lowered):
        words: list[str] = []
        for word in re.findall(r"[a-z][a-z'\-]*|\S", lowered[match.end() :])[:3]:
            if not word[0].isalpha():
                break
            if word in _SERVICE_STOP or word in _NOT_A_SERVICE or word in staff or _is_when(word):
                break
            words.append(word)
        if not words or words[0] in _ASK_WORDS:
            continue
        head = words[-1]
        if head in service_words or head.rstrip("s") in service_words:
            continue  # "my hair done": the business does hair
        if any(_is_name_like(w) for w in words):
            continue
        return " ".join(words)
    return None


_WHEN_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays january february march april june july august september
    october november december morning afternoon evening night noon midday week weekend one two
    three four five six seven eight nine ten eleven twelve oclock o'clock am pm earliest latest
    first last next soon asap""".split()
)


def _is_when(word: str) -> bool:
    return word in _WHEN_WORDS


def _is_name_like(word: str) -> bool:
    return is_first_name(word) and len(word) > 3 and not word.endswith(("ing", "ure", "ment"))


def _choice(lowered: str, expecting: str | None) -> int | None:
    if expecting == "choose_slot" and _EITHER.search(lowered):
        return 0  # "either is fine": the first offered
    match = _OPTION_NUMBER.search(lowered)
    if match:
        return {"one": 0, "two": 1, "three": 2, "four": 3}.get(match.group(1), None) or (
            int(match.group(1)) - 1 if match.group(1).isdigit() else 0
        )
    for match in _CHOICE.finditer(lowered):
        word = match.group(1)
        after = lowered[match.end() :]
        whole = match.group(0)
        if re.match(r"\s*(?:of\b|thing|name|week|month|year|visit|appointment ever|thought|"
                    r"time (?:i|we|here|coming|calling)|day|floor)", after):  # fmt: skip
            continue
        if word in ("other", "earliest", "latest") and expecting != "choose_slot":
            continue
        if (
            word in ("earlier", "later")
            and not whole.endswith(("one", "option", "slot", "time"))
            and (expecting != "choose_slot")
        ):
            continue
        if word in ("first", "second", "third", "last", "1st", "2nd", "3rd", "fourth") and not (
            whole.startswith("the")
            or whole.endswith(("one", "option", "slot", "choice"))
            or expecting == "choose_slot"
        ):
            continue
        if word == "earliest":
            return 0
        if word == "latest":
            return -1
        if word == "other":
            continue
        return _CHOICE_WORDS[word]
    return None


def _asks_other(
    sentences: list[str], profile: BusinessProfile, handled: re.Pattern[str]
) -> str | None:
    """The topic of a question the profile can't answer: "do you have parking?" -> "parking"."""
    for sentence in sentences:
        lowered = sentence.lower()
        if not (sentence.endswith("?") or _QUESTION_START.search(sentence)):
            continue
        if _SMALL_TALK.search(lowered) or handled.search(lowered):
            continue
        if matching.find_services(sentence, profile) or matching.find_staff(sentence, profile):
            continue
        if find_day(lowered, date(2000, 1, 3)) or read_clock(lowered)[0] or find_phone(sentence):
            continue
        if find_name(sentence) or find_unknown_service(lowered, profile):
            continue
        words = [w for w in re.findall(r"[a-z][a-z'\-]*", lowered) if w not in _ASK_WORDS]
        words = [w for w in words if w not in _QUIET]
        if words:
            return " ".join(words[:6])
    return None


_QUIET = frozenset(
    "right okay ok fine good correct alright true possible really there back".split()
)
_QUESTIONS_WE_ANSWER = (_BOOK, _CANCEL, _MOVE, _MESSAGE, _PERSON, _ROBOT, _STATUS, _PRICE, _HOURS)
_HANDLED = re.compile(
    "|".join(p.pattern for p in (*_QUESTIONS_WE_ANSWER, _DURATION))
    + r"|\b(?:earliest|latest|available|free|open|opening|openings|spell|name|number)\b"
)


def understand(
    text: str, profile: BusinessProfile, today: date, expecting: str | None = None
) -> Understanding:
    """What the caller said, as intents and slots. ``expecting`` is the slot just asked for."""
    said = clean(text)
    lowered = said.lower()
    sentences = _sentences(said)
    unsure: list[str] = []

    services = matching.find_services(said, profile)
    service_names = tuple(dict.fromkeys(f.name for f in services))
    if any(f.near for f in services):
        unsure.append("service")

    phone = find_phone(said)
    correction = bool(_CHANGE.search(lowered))
    move = bool(_MOVE.search(lowered))
    # A change of mind says the old value first: the day and time are the last ones said.
    shifting = (
        correction
        or move
        or bool(
            _CANCEL.search(lowered) or _OLD_VALUE.search(lowered) or re.match(r"\W*no\b", lowered)
        )
    )
    when_said = _without_greetings(lowered)
    day_said = _last_said(when_said, _DAY_BREAK, today) if shifting else when_said
    day = find_day(day_said, today)
    span = find_days(day_said, today) if day is None else None
    days = DayRange(*span) if span else None
    if day is None and days is None:
        day = find_near_day(day_said, today)
        if day is not None:
            unsure.append("day")
    time_said = _last_said(_drop_old_time(when_said), _TIME_BREAK, None) if shifting else when_said
    no_time = expecting == "phone" and phone
    clock, cue = (None, None) if no_time else read_clock(time_said, expecting)
    window_parts = find_window(time_said, expecting) if not no_time else None
    window = TimeWindow(*window_parts) if window_parts else None
    at: time | None = None
    if clock is not None and window is None:
        at = clock.time
        if clock.near:
            unsure.append("time")

    intents: list[str] = []
    asks_price = bool(_PRICE.search(lowered))
    hours_hit = bool(_HOURS.search(lowered))
    robot = bool(_ROBOT.search(lowered))
    person = bool(_PERSON.search(lowered)) and not (
        robot
        and not re.search(r"\b(?:can|could|may|let) (?:i|me)\b|\bi (?:want|need|'d like)", lowered)
    )
    status = bool(_STATUS.search(lowered))
    cancel = bool(_CANCEL.search(lowered)) and not (move and not _EXPLICIT_CANCEL.search(lowered))
    if cancel and not _EXPLICIT_CANCEL.search(lowered) and _ANOTHER_TIME.search(lowered):
        cancel, move = False, True  # "I can't make it Thursday, can we do Friday instead?"
    message = bool(_MESSAGE.search(lowered))
    unknown = find_unknown_service(lowered, profile) if not service_names else None
    book_words = bool(_BOOK.search(lowered))
    service_question = bool(_SERVICE_QUESTION.search(lowered)) and bool(service_names or unknown)
    asks_hours = hours_hit and not (
        book_words and not re.search(r"\bhours\b|\bwhat time do you (?:open|close)", lowered)
    )
    if cancel:
        intents.append("cancel")
    if move:
        intents.append("move")
    if status:
        intents.append("status")
    if message:
        intents.append("message")
    busy = cancel or move or status or message
    asks_duration = bool(_DURATION.search(lowered))
    wants = book_words or (
        (service_names or unknown) and not (asks_price or service_question or asks_duration)
    )
    if wants and (not busy or _BOOK_AGAIN.search(lowered) and not (move or status)):
        if not (service_question and not book_words and not service_names) or unknown is None:
            intents.append("book")
    if robot:
        intents.append("robot")
    if person:
        intents.append("person")
    asks_other = None
    if not (robot or person):
        asks_other = _asks_other(sentences, profile, _HANDLED)
    if (
        asks_price
        or asks_hours
        or asks_duration
        or asks_other
        or (service_question and not book_words)
    ):
        intents.append("question")
    if "book" in intents and intents.index("book") and not busy:
        intents.remove("book")
        intents.insert(0, "book")

    never, _ = _profile_words(profile)
    choice = _choice(lowered, expecting)
    raw = text.lower().replace("\u2019", "'")
    yes = bool(_YES.search(lowered) or _YES.search(raw)) or bool(
        _YES_SHORT.search(lowered) and len(lowered.split()) <= 4 and not intents
    )
    no = bool(_NO.search(lowered))
    if no:
        yes = False  # "No, that's fine": the first word decides
    if no and (day or at or service_names or days) and re.match(r"^\W*no\b", lowered):
        correction = True
    bare = expecting == "name" and not (
        intents
        or service_names
        or day
        or days
        or at
        or window
        or phone
        or correction
        or no
        or choice is not None
        or unknown
    )
    name = find_name(said, never, bare)
    if name and day and name.lower() in said.lower() and find_day(name.lower(), today):
        name = None
    name_words = frozenset(name.lower().split()) if name else frozenset()
    staff_found = matching.find_staff(said, profile, name_words, expecting=expecting == "staff")
    staff = staff_found.name if staff_found else None
    if staff_found and staff_found.near:
        unsure.append("staff")
    if staff and not robot and re.search(r"\b(?:speak|talk|chat)\s+(?:to|with)\b", lowered):
        intents.append("person")  # "can I talk to Marco?"

    return Understanding(
        text=said,
        intents=tuple(dict.fromkeys(intents)),
        service=service_names[0] if service_names else None,
        services=service_names,
        unknown_service=unknown,
        day=day,
        days=days,
        time=at,
        window=window,
        name=name,
        phone=phone,
        staff=staff,
        people=find_people(said, lowered, profile),
        yes=yes,
        no=no,
        goodbye=bool(_GOODBYE.search(lowered)),
        correction=correction,
        choice=choice,
        asks_price=asks_price,
        asks_hours=asks_hours,
        asks_duration=asks_duration,
        asks_other=asks_other,
        confident=not unsure,
        unsure_slots=tuple(dict.fromkeys(unsure)),
        extra=_extra(said, never),
    )


def _extra(said: str, never: frozenset[str]) -> dict[str, str]:
    """Details beyond the contract's fields: "other_name", a name given for someone else."""
    other = find_other_name(said, never) if "name" in said.lower() else None
    return {"other_name": other} if other else {}
