"""What callers say about the call itself rather than about a booking: "Hello? Can you hear
me?", "Sorry, wrong number", "I'm running ten minutes late".

Each is read from the whole turn (a check of the line is nothing but that) or from a phrase
that says it and nothing else could ("running late" is not "a late appointment"). Pure
functions over the lowered transcript; the conversation decides what to do with them.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from receptionist.dialog.intents import ANY_TIME_ASKED

# -- "Hello? Can you hear me?" --------------------------------------------------------------------

_HEARS = re.compile(
    r"\b(?:can|could|do|did) you (?:still )?hear (?:me|us)\b|"
    r"\b(?:are|r) you (?:still )?(?:there|with me)\b|"
    r"\b(?:is|was) (?:any|some)(?:one|body) (?:still )?there\b|\banyone there\b|"
    r"\b(?:you )?still there\b"
)
# "I'm on a bad line", "you're breaking up": said with a check of the line, and no more.
_BAD_LINE = re.compile(
    r"\b(?:i'm|i am|we're|you're|you are|it's|this is)(?: on)?(?: a| the)?(?: really| very)? "
    r"(?:bad|poor|terrible|awful|crackly|noisy|weak) (?:line|signal|connection|reception)\b|"
    r"\b(?:you're|you are|it's|you keep) (?:breaking|cutting) (?:up|out)\b|"
    # "I've been trying to reach you all day, is anyone there?"
    r"\b(?:i've|i have|i|we've|we have)(?: been)? (?:trying|calling|ringing|phoning)"
    r"(?: to (?:reach|call|ring|phone|get (?:through to|hold of)))?"
    r"(?: you(?: guys)?| this number)?"
    r"(?: (?:all (?:day|morning|afternoon|week)|for ages|for a while|"
    r"(?:several|a few|three) times))?"
)
# Words a check of the line comes with; anything else makes the turn something more.
_LINE_WORDS = frozenset(
    "hello hi hey hiya yes yeah oh um uh ah so sorry is are you there still me us can could "
    "do did hear anyone anybody someone somebody okay ok i think with".split()
)
_HELLO_WORDS = frozenset("hello hi hey yes yeah oh um uh ah ok okay".split())
_GREETING_WORDS = frozenset(
    "hi hello hey hiya howdy good morning afternoon evening there yes yeah yep um uh oh ah "
    "ok okay so".split()
)
_GREETINGS = frozenset("hi hello hey hiya howdy morning afternoon evening".split())


def checks_the_line(lowered: str) -> bool:
    """Is the whole turn a check that someone is there ("Hello?", "Hello? Hello?", "Hello,
    can you hear me?", "Are you still there?")? "Hello, I'd like to book" is a request;
    "Hello." said flatly, once, is a greeting."""
    words = re.findall(r"[a-z']+", _BAD_LINE.sub(" ", lowered))
    if not words or not all(word in _LINE_WORDS for word in words):
        return False
    if _HEARS.search(lowered):
        return True
    # "Hello? Hello?": hellos alone, asked or said twice. "Yes, hello, do you do ...?" (a
    # request cut at a pause) is none.
    hellos = words.count("hello")
    bare = all(word in _HELLO_WORDS for word in words)
    return bare and (hellos > 1 or (hellos == 1 and "?" in lowered))


def only_greets(lowered: str, first_words: bool = False) -> bool:
    """Is the whole turn a greeting ("Hi.", "Hello there.", "Good morning.")? Callers greet
    and wait to be asked. As a caller's first words "Bye" is a greeting too: Whisper hears
    "Hi there" as "Bye there" from voices not ours, and nobody calls to say goodbye (one who
    wants to leave hangs up)."""
    words = re.findall(r"[a-z']+", lowered)
    greetings = _GREETINGS | {"bye"} if first_words else _GREETINGS
    known = _GREETING_WORDS | greetings
    return bool(words) and all(w in known for w in words) and bool(greetings & set(words))


_HOW_ARE_YOU = re.compile(
    r"\bhow (?:are|r) (?:you|ya|u)(?: (?:doing|keeping|today|this (?:morning|afternoon|evening)))*"
    r"|\bhow(?:'s| is) (?:it going|your day(?: going)?|things)|\bhow(?:'re| are) things\b"
)


def asks_how_we_are(lowered: str) -> bool:
    """Is the whole turn a greeting with "how are you?" ("Hi, how are you today?")? A request
    after it ("how are you, I need a haircut") is the request."""
    rest = _HOW_ARE_YOU.sub(" ", lowered)
    if rest == lowered:
        return False
    words = re.findall(r"[a-z']+", rest)
    return all(w in _GREETING_WORDS or w in _GREETINGS or w in ("doing", "today") for w in words)


# -- "Hold on a sec" ----------------------------------------------------------------------------

_A_MOMENT = r"(?:a|one) (?:sec|second|moment|minute|min|mo|tick)"
_WAIT = (
    rf"(?:(?:can|could|would) you )?(?:hold|hang) on(?: (?:for )?{_A_MOMENT})?|"
    rf"(?:just )?{_A_MOMENT}|give me {_A_MOMENT}|bear with me|"
    rf"(?:(?:can|could|would) you )?wait(?: (?:for )?{_A_MOMENT})?|"
    r"let me (?:just )?(?:check|look|see|have a look|find (?:it|that|my \w+)|"
    r"grab (?:a pen|my \w+)|get (?:a pen|my \w+))"
    # "my calendar", or as Whisper heard it from flite rms: "my caliber"
    r"(?: (?:in |at |on )?(?:my|the) \w+)?|"
    r"(?:i'm|i am) (?:just )?(?:checking|looking)"
    r"(?: (?:at |in |on )?(?:my|the) (?:calendar|diary|schedule|phone|planner))?"
)
_ASKS_TO_WAIT = re.compile(
    rf"^\W*(?:(?:ok|okay|sorry|um|uh|er|erm|yeah|yes|right|oh|ah|so)\W+)*"
    rf"(?:{_WAIT})(?:\W+(?:please|sorry|thanks|thank you|if you don't mind|{_WAIT}))*"
    # "Oh hang on, my wife's telling me something", "hold on, someone's at the door"
    r"(?:\W+(?:my \w+|someone|somebody|the \w+|there's someone)(?:'s| is)? (?:telling|saying|"
    r"asking|talking|calling|shouting|at the door|here)\b[^.?!]*)?\W*$"
)


def asks_to_wait(lowered: str) -> bool:
    """Is the whole turn the caller asking us to wait ("Hold on a sec", "Let me check my
    calendar")? What was asked stays asked; "hold on, I want a colour" is a request."""
    return bool(_ASKS_TO_WAIT.match(lowered))


# -- "Is this Bella Hair?" ---------------------------------------------------------------------

_IS_THIS = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hiya|yes|yeah|oh|um|uh|sorry|good (?:morning|afternoon|evening))"
    r"\W+)*(?:is (?:this|that)|have i (?:got|reached|called|come through to)|"
    r"am i (?:speaking|talking) (?:to|with)|i'm (?:calling|ringing|trying to reach))\s+"
    r"(?P<who>[a-z' &-]+?)\W*$"
)
# "Hello, Bella Hair?": a greeting, then a name asked as a question, nothing else.
_NAME_ALONE = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hiya|yes|yeah|oh|um|uh|good (?:morning|afternoon|evening))\W+)+"
    r"(?P<who>[a-z' &-]+?)\s*\?\W*$"
)
# What a caller calls a business of ours when they don't say its name.
_KIND_OF_PLACE = frozenset(
    "salon hairdresser hairdressers hairdresser's barber barbers barber's barbershop clinic "
    "office practice surgery studio spa shop reception front desk".split()
)


def asks_if_we_are(lowered: str, business: str) -> bool | None:
    """Is the whole turn "Is this Bella Hair?", "Hi, have I got the salon?": True where it
    names us (by name, as heard: near enough; or by the kind of place, in a few words), False
    where it names someone else ("Is this the dentist?"), None where it asks no such thing
    ("Is this a robot?", "Are you open?" are other questions)."""
    match = _IS_THIS.match(lowered)
    alone = _NAME_ALONE.match(lowered) if match is None else None
    if match is None and alone is None:
        return None
    said = (match or alone).group("who").strip()  # type: ignore[union-attr]
    who = re.sub(r"'s$", "", re.sub(r"^(?:the|a|an)\s+", "", said))  # "Bella's"
    words = who.split()
    if not words or len(words) > 4 or words[0] in ("what", "where", "when", "how", "why"):
        return None
    if len(words) <= 2 and set(words) & _KIND_OF_PLACE:
        return True
    name = business.lower()
    bare_name = " ".join(w for w in name.split() if w not in _KIND_OF_PLACE)
    first = bare_name.split()[0] if bare_name else ""
    if (
        fuzz.ratio(who, name) >= 75
        or fuzz.ratio(who, bare_name) >= 80
        or (len(words) == 1 and len(first) >= 4 and fuzz.ratio(who, first) >= 85)
    ):
        return True
    if alone is not None:
        return None  # "Hello, haircut?": not a question of who we are
    # "Is this the dentist?", "Is this Mario's Pizza?": another place; "Is this a robot?" asks
    # something else.
    return False if said.startswith("the ") or "'s" in said else None


# -- "Sorry, wrong number" ----------------------------------------------------------------------

_WRONG_NUMBER = re.compile(
    r"\bwrong (?:number|place|business|company|office)\b|"
    r"\b(?:mis-?dial(?:l)?ed|dial(?:l)?ed wrong|dial(?:l)?ed the wrong|called the wrong|"
    r"rang the wrong|pressed the wrong)\b"
)


def says_wrong_number(lowered: str) -> bool:
    """The caller reached us by mistake ("Sorry, wrong number", "I must have dialled the
    wrong number"). Only a turn that opens a call means that: later, "that's the wrong
    number" is about a number we read back (the conversation asks only at the start)."""
    return bool(_WRONG_NUMBER.search(lowered))


# -- "I missed a call from this number" --------------------------------------------------------

_WE_CALLED = re.compile(
    r"\bmissed (?:a |your |the )?call\b|"
    r"\b(?:you|someone|somebody) (?:just |recently |earlier )?(?:called|rang|phoned|tried to "
    r"(?:call|ring|reach|phone|get hold of)|tried calling|left (?:me )?a (?:voice ?mail|message))"
    r"(?: me)?\b|"
    r"\b(?:got|had) a (?:missed )?call from (?:you|this number|here)\b|"
    r"\breturning (?:a|your|the|my) (?:missed )?call\b"
)


def says_we_called(lowered: str) -> bool:
    """The caller is calling back a call from us ("I missed a call from this number", "Someone
    rang me from here earlier"): who called can't be seen from here."""
    return bool(_WE_CALLED.search(lowered))


# "It's about my colour", "Oh, and tell her it's urgent": more for the message just passed on.
_ADDS_TO_MESSAGE = re.compile(
    r"\b(?:it's|it is|its|that's|that is|this is|i'm calling|calling|the message is|"
    r"tell (?:her|him|them)(?: it's)?) (?:about|regarding|concerning|in regards? to|"
    r"with regards? to|re)\b|"
    r"^\W*(?:(?:oh|and|also|sorry|yes|yeah|um|uh)\W+)*(?:about|regarding|concerning|re)\s+\w+|"
    r"^[^.?!]{0,30}[,.]\s*(?:and )?(?:it's |its |it is )?(?:about|regarding|concerning)\s+\w+|"
    r"^\W*(?:(?:oh|and|also|sorry|um|uh)\W+)*(?:can you |could you |please )?(?:also )?"
    r"(?:tell|let) (?:her|him|them)\b"
)


def adds_to_message(lowered: str) -> bool:
    """Is the turn more words for a message the caller was just told was passed on ("It's
    about my colour", "and tell him it's urgent")?"""
    return bool(_ADDS_TO_MESSAGE.search(lowered))


_NOT_MY_NUMBER = re.compile(
    r"\bwrong (?:number|phone number)\b|"
    r"\b(?:that's|that is|thats|it's|its) not (?:my|the right|the best|a good) (?:phone )?number\b|"
    r"\b(?:that's|that is|thats) (?:my|an) old (?:phone )?number\b|"
    r"\b(?:a|another|a different|my other) (?:phone )?number\b"
)


def disowns_number(lowered: str) -> bool:
    """Told the number they will be called back on, the caller says it is not theirs ("No,
    that's the wrong number", "That's my old number", "Can they use a different number?")."""
    return bool(_NOT_MY_NUMBER.search(lowered))


# "Please don't call this number, I'll key in my office number": not the caller id.
_ANOTHER_NUMBER = re.compile(
    r"\b(?:don'?t|do not) (?:call|ring|use|phone) (?:me (?:back )?(?:on|at) )?(?:this|that|the) "
    r"(?:number|phone|line)\b|"
    r"\b(?:i'll|i will|let me|i can|i'm going to|i'll just) (?:key|type|punch|tap|put|enter) "
    r"(?:in|it in|it)\b|"
    r"\b(?:on|at) (?:a|another|a different|my other) (?:phone )?number\b"
)


def gives_another_number(lowered: str) -> bool:
    """Asking for something that calls them back, the caller says the number they call from
    is not the one ("please don't call this number, I'll key in my office number")."""
    return bool(_ANOTHER_NUMBER.search(lowered))


# -- "I'm running late" -------------------------------------------------------------------------

# How late: "a bit", "about fifteen minutes", "10 mins", "half an hour", "a few minutes".
_HOW_LATE = (
    r"(?:(?:a|an|about|around|maybe|like|roughly|approximately|just|only|a few|few|couple|"
    r"of|bit|little|tad|touch|slightly|very|really|quite|so|half|quarter|hour|or|\d+|one|two|"
    r"three|four|five|ten|fifteen|twenty|thirty|forty|minutes?|mins?)\s+){0,6}"
)
# "What's the date next Thursday?", "what date is Friday?", "what day is the 3rd?", "what's
# today's date?": a question of the calendar, not of a booking ("what's the date of my
# appointment?" is the caller's booking).
_ASKS_THE_DATE = re.compile(
    r"\b(?:(?:what|tell me|know)(?:'s| is| was| will be)? (?:the |today's |todays )?date|"
    r"which date|what day (?:is|will be|would be|of the month is) "
    r"(?:it|the \d+(?:st|nd|rd|th)?|today)|"
    r"what(?:'s| is) (?:the )?day today|what(?:'s| is) today)\b"
)
_OF_A_BOOKING = re.compile(r"\b(?:appointment|booking|booked|my|his|her|it's|reservation)\b")


def asks_the_date(lowered: str) -> bool:
    """Does the caller ask which date a day is ("the date of next Thursday?")?"""
    return bool(_ASKS_THE_DATE.search(lowered)) and not _OF_A_BOOKING.search(lowered)


_LATE = re.compile(
    r"\b(?:running|be|being|i'm|im|i am|we're|we are|he's|she's|they're|we'll be|i'll be|"
    r"ill be|gonna be|going to be|might be|may be|will be)\s+"
    + _HOW_LATE
    + r"(?:late|behind)\b(?! (?:afternoon|morning|evening|appointment|slot|one|on|in the day))|"
    r"\b(?:stuck|caught|held up) in (?:traffic|a meeting|work)\b|\bstuck at work\b|"
    r"\bheld up\b|\brunning behind\b"
)


def says_running_late(lowered: str) -> bool:
    """The caller is late for their appointment ("I'm running about fifteen minutes late",
    "I'll be 10 mins late", "stuck in traffic"). "Anything late on Friday?" and "How late
    are you open?" ask for a time; so does "I'll be stuck at work, have you got anything after
    5?" (another time for the booking)."""
    return bool(_LATE.search(lowered)) and not _ANOTHER_TIME_ASKED.search(lowered)


_ANOTHER_TIME_ASKED = re.compile(
    r"\b" + ANY_TIME_ASKED + r"|\b(?:have you got|do you have|is there|got) (?:any(?:thing)? "
    r"(?:free|later|earlier)|a (?:later|earlier) (?:time|slot|one))|\b(?:can|could) (?:i|we) "
    r"(?:come|move|change|switch|do|make it|get)\b(?! (?:in )?(?:late|a (?:bit|little) late))"
)
