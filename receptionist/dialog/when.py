"""Days and times as callers say them, and as Whisper writes them.

One day ("Thursday", "tomorrow", "next Friday", "December 3rd", "the 12th", "12/3"), a vague
day ("next week", "early next week", "this weekend"), one time ("at 3", "three thirty", "3.30",
"half past two", "quarter to four", "noon", "10 am", "ten in the morning") or a vague time
("in the morning", "after four", "around lunch", "the earliest you have"). Relative days resolve
against ``today``. A bare hour from 1 to 7 means the afternoon, as it does in a salon.

A time heard one sound off ("at free" for "at three", "at for" for "at four") is read only where
a time is expected after "at", and flagged as a near match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz, process

from receptionist.dialog.numbers import WORD_NUMBERS, words_to_numbers

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
_WEEKDAY_SHORT = {"tues": 1, "weds": 2, "wed": 2, "thurs": 3, "thur": 3, "fri": 4}
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_MONTH_SHORT = {m[:3]: n for m, n in MONTHS.items()} | {"sept": 9}
_MONTH_RE = "|".join(sorted([*MONTHS, *_MONTH_SHORT], key=len, reverse=True))
_DAY_NAME_RE = "|".join([*WEEKDAYS, *_WEEKDAY_SHORT])

_DAY_RE = re.compile(
    rf"\b(?:(next|this|on|coming|this coming|(?:the )?following)\s+)?({_DAY_NAME_RE})(?:s|'s)?\b\.?"
)
_NEXT_WEEK_DAY = re.compile(
    rf"\b({_DAY_NAME_RE})s?\b(?:\s+(?:of\s+)?(?:next|the following)\s+week)"
    rf"|\b(?:next|the following)\s+week\s*,?\s*(?:on\s+)?({_DAY_NAME_RE})s?\b"
)
# "Friday week", "a week on Friday", "next Tuesday week", "the Friday after next": the weekday
# a week after the coming one.
# "next Friday, not this one, the one after", "Friday, not this one but next", "the Friday
# after this one": a week after the coming one
_ONE_AFTER = (
    r"\b(?:not (?:this|that) (?:one|week)\W+(?:but\s+)?(?:the\s+)?(?:next|following)(?:\s+one)?|"
    r"(?<!\bnot )(?<!\bor )(?<!\bnot the )(?<!\bor the )"  # "not the one after": this one
    r"(?:the\s+)?(?:one|week)\s+after(?:\s+(?:that|this(?:\s+one)?))?(?!\s+next)|"
    r"after\s+this\s+(?:coming\s+)?(?:one|week)|"
    # "next Thursday, not this one": said alone, the one after the coming one
    r"not\s+(?:this|that)\s+(?:coming\s+)?(?:one|week)(?![^.?!]{0,12}\b(?:next|after|following)\b)"
    r")\b"
)
# What may come between the day and "not this one, the one after": a few words, or the end of
# its sentence ("Can I book a haircut for next Saturday? Not this one, the one after.")
_UP_TO_ONE_AFTER = r"[^.?!]{0,24}?(?:[.?!]\s*(?=not\b)[^.?!]{0,24}?)?"
# "not this Thursday, next Thursday", "not this Friday but the following one"
_NOT_THIS_BUT_NEXT = (
    rf"\bnot\s+this\s+(?:coming\s+)?({_DAY_NAME_RE})\W+(?:but\s+)?(?:the\s+)?(?:next|following)\b"
)
_WEEKDAY_WEEK = re.compile(
    rf"\b(?:(next|this)\s+)?({_DAY_NAME_RE})\s+week\b(?!\s*end)|"
    rf"\ba week (?:on |from |after |come )?(?:this )?({_DAY_NAME_RE})\b|"
    rf"\b({_DAY_NAME_RE})\s+after\s+next\b|"
    rf"\b({_DAY_NAME_RE})s?\b{_UP_TO_ONE_AFTER}{_ONE_AFTER}|" + _NOT_THIS_BUT_NEXT
)
# "the week after next, like Tuesday", "Tuesday of the week after next"
_WEEK_AFTER_NEXT_DAY = re.compile(
    rf"\bweek after next\W+(?:\w+\W+){{0,3}}?({_DAY_NAME_RE})s?\b"
    rf"|\b({_DAY_NAME_RE})s?\s+(?:of\s+)?the\s+week\s+after\s+next\b"
)
_DAY_OF_NEXT_MONTH = re.compile(
    r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(?:next|the following|the coming) month\b|"
    r"\b(?:next|the following|the coming) month\W+(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)?\b"
)
_WEEK_COUNTS = {"two": 2, "2": 2, "a couple of": 2, "three": 3, "3": 3, "four": 4, "4": 4}
_WEEKS_THEN_DAY = re.compile(
    rf"\bin (two|2|a couple of|three|3|four|4) weeks?(?:'s?)?(?: time)?\W+(?:on\s+)?(?:the\s+)?"
    rf"({_DAY_NAME_RE})s?\b|"
    rf"\b(two|2|three|3|four|4) weeks (?:from|after|on) (?:this\s+|next\s+)?({_DAY_NAME_RE})s?\b"
)
# "a week today", "a fortnight tomorrow", "this day next week"
_WEEKS_FROM_NOW = re.compile(
    r"\b(a|one|two) (?:week|fortnight)s? (?:today|from today|tomorrow)\b|"
    r"\b(?:this|same) day next week\b|\bin a fortnight(?:'?s time)?\b"
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)(?!\s*(?:am|pm)\b)"
)
_DAY_MONTH = re.compile(rf"\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b")
_NUMERIC_DATE = re.compile(
    r"(?<![\d/])(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])(?:/(\d{2,4}))?(?![\d/])"
)
_DAYS_AHEAD = {"2": 2, "two": 2, "3": 3, "three": 3, "4": 4, "four": 4, "5": 5, "five": 5}
_IN_DAYS = re.compile(r"\bin (2|two|3|three|4|four|5|five) days(?:'? time)?\b")
_ORDINAL_WORD = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth)\b"
)
_BARE_ORDINAL = re.compile(
    rf"\b(?:(?:on|for|by|until|till)\s+the|(?:{_DAY_NAME_RE})s?,?(?:\s+the)?|the)\s+"
    r"(\d{1,2})(st|nd|rd|th)\b(?!\s+(?:one|1|option|slot|time|thing|person|people|available))"
)

_HOUR_WORDS = {w: n for w, n in WORD_NUMBERS.items() if 1 <= n <= 12}
# One sound off, after "at": read as a near match only.
# tiny.en from voices it had not heard (flite, Festival through the phone line): "at due",
# "at do", "at Duke" for "at two", "at Den" or "at end" for "at ten", "at Wells" for "at
# twelve", "at new" for "at noon".
_NEAR_HOURS = {"free": 3, "tree": 3, "for": 4, "fore": 4, "ate": 8, "won": 1, "to": 2, "too": 2,
               "due": 2, "do": 2, "duke": 2, "sicks": 6, "tin": 10, "then": 10, "den": 10,
               "end": 10, "leaven": 11, "wells": 12, "well": 12, "new": 12}  # fmt: skip
_MINUTE_WORDS = {
    "oclock": 0, "o'clock": 0, "oh five": 5, "o five": 5, "ten": 10, "fifteen": 15,
    "twenty": 20, "twenty five": 25, "thirty": 30, "thirty five": 35, "forty": 40,
    "forty five": 45, "fifty": 50, "fifty five": 55, "oh oh": 0, "hundred": 0,
}  # fmt: skip
_RELATIVE_MINUTES = {"five": 5, "ten": 10, "quarter": 15, "a quarter": 15, "twenty": 20,
                     "twenty five": 25, "half": 30}  # fmt: skip
_HOUR_RE = r"(\d{1,2}|" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + ")"
_NEAR_RE = "|".join(sorted(_NEAR_HOURS, key=len, reverse=True))
_MIN_WORD_RE = "|".join(sorted(_MINUTE_WORDS, key=len, reverse=True))
_SUFFIX_RE = (
    r"(?:\s*(am|pm|in the morning|in the afternoon|in the evening|at night|tonight|"
    r"this morning|this afternoon|this evening|oclock|o'clock))?"
)
_CUE_RE = (
    r"(at|around|about|say|by|for|from|after|before|till|until|between|and|or|maybe|to|like|"
    r"make it|make that|how about|what about|is|be|it's|said|do|any time after|anytime after|"
    r"not before|not after|no earlier than|no later than|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow)[,.]?|"
    # "OK, Saturday is fine, 10"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow)(?:'s| is) "
    r"(?:fine|good|great|ok|okay|perfect|better)[,.]?)"
)
_CLOCK = re.compile(
    rf"(?:\b{_CUE_RE}\s+)?(?<![$\u00a3\u20ac\d.,])\b{_HOUR_RE}(?:(?::|\.|\s)([0-5]\d)\b|\s+({_MIN_WORD_RE})\b)?"
    rf"(?![\d:/]|st\b|nd\b|rd\b|th\b|%){_SUFFIX_RE}"
)
_RELATIVE = re.compile(
    rf"(?:\b{_CUE_RE}\s+)?\b(five|ten|a quarter|quarter|twenty five|twenty|half)\s+(?:minutes\s+)?"
    rf"(past|after|to|till|til|of)\s+{_HOUR_RE}\b{_SUFFIX_RE}"
)
# "half nine", British for half past nine, with or without "at".
_HALF_HOUR = re.compile(
    rf"\b(?:(at|around|about|say|for)\s+)?half\s+{_HOUR_RE}\b"
    r"(?!\s+(?:past|an|a\b|hours?|days?|minutes?|people|of))"
)
# Offered times, one pointed at by its hour: "the 10 works for me", "the 2:30 one please".
# Not "the four o'clock", "the 4 sharp": the hour on the dot, offered or not (to "3:30 or
# 4:30" it asks for 4:00, not 4:30).
_THE_HOUR = re.compile(
    rf"\bthe\s+(?!one\b){_HOUR_RE}\b(?!\s*(?:st|nd|rd|th|o'?clock|sharp|on the dot)\b)"
)

# After a number, "at" and an hour: the number counts ("one at 10", "two at 3").
_COUNT_AT = re.compile(rf"\s+at\s+{_HOUR_RE}\b")
_COUNT_FOR = re.compile(r"\s+(?:for|each)\s+(?:me|my|him|her|us|them|each|both|the two)\b")
# An hour said as the one settled on: "OK, 9 then", "10:30 then, please".
_HOUR_THEN = re.compile(
    rf"(?:^|[,.!?]\s*|\b(?:ok|okay|so|right|well|fine)\s+){_HOUR_RE}(?:[:.][0-5]\d)?\s+then\b"
)


# A time counted from now: "in an hour", "in about 20 minutes", "in half an hour", "an hour
# and a half from now", "in a couple of hours' time". Only the conversation knows the clock:
# find_from_now gives the length, Conversation adds it to now.
_AMOUNT_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25, "thirty": 30,
    "forty": 40, "forty five": 45, "fifty": 50, "a couple of": 2, "a couple": 2,
}  # fmt: skip
_AMOUNT_RE = r"\d{1,3}|" + "|".join(sorted(map(re.escape, _AMOUNT_WORDS), key=len, reverse=True))
_LENGTH_RE = (
    rf"(?:(?P<half_of>half an?)|(?P<n>{_AMOUNT_RE}))(?P<half> and a half)?\s+"
    r"(?P<unit>hours?|hrs?|minutes?|mins?)\b(?(half)|(?P<half_after> and a half)?)"
)
_IN_LENGTH = re.compile(
    r"\b(?:in|within)\s+(?:about|around|roughly|maybe|like|say|approximately|another|just)?\s*"
    + _LENGTH_RE
)
_NEXT_SPAN = re.compile(
    r"\b(?:in|within|over|during) the next (?:(?:couple of|couple|few|two|three|\d) )?"
    r"(?:hours?|half hour|minutes|mins)\b"
)
_LENGTH_FROM_NOW = re.compile(rf"\b{_LENGTH_RE}(?:'s|s')?\s+(?:from now|time)\b")


def find_from_now(text: str) -> timedelta | None:
    """How long from now the caller asks for ("in an hour"), or None."""
    lowered = _normalise(text)
    if _NEXT_SPAN.search(lowered):
        return timedelta(minutes=1)  # "in the next hour": from now on, the soonest first
    match = _IN_LENGTH.search(lowered) or _LENGTH_FROM_NOW.search(lowered)
    if match is None:
        return None
    if match.group("half_of"):
        amount = 0.5
    else:
        word = match.group("n")
        amount = float(word) if word.isdigit() else float(_AMOUNT_WORDS[word])
        if match.group("half") or match.group("half_after"):
            amount += 0.5
    minutes = amount * 60 if match.group("unit").startswith("h") else amount
    return timedelta(minutes=minutes) if 0 < minutes <= 12 * 60 else None


_A_WEEK_LATER = re.compile(r"\b(?:the )?week after\b(?! next)|\ba week later\b")


def a_week_later(lowered: str) -> bool:
    """ "What about the week after?", "a week later": the day spoken of, a week on."""
    return bool(_A_WEEK_LATER.search(lowered))


def names_a_weekday_alone(lowered: str) -> bool:
    """A weekday said by its name alone ("the Wednesday one", "Wednesday then"), with no
    "next", "this", date, "today" or "tomorrow" to place it."""
    match = _DAY_RE.search(_normalise(lowered))
    return bool(
        match
        and match.group(1) in (None, "on")
        and not _NEXT_WEEK_DAY.search(lowered)
        and not _WEEKDAY_WEEK.search(lowered)
        and find_calendar_date(lowered, date(2000, 1, 3)) is None
        and not re.search(r"\b(?:today|tomorrow|tonight)\b", lowered)
    )


def points_at_an_hour(lowered: str) -> bool:
    """ "The 11 then", "the ten works": an offered time pointed at by its hour alone."""
    return bool(_THE_HOUR.search(lowered))


_NEAR_CLOCK = re.compile(
    rf"\b(at|around|about|say|by|make it|make that)\s+({_NEAR_RE})(?:\s+({_MIN_WORD_RE}))?"
    rf"{_SUFFIX_RE}"
    r"(?=\s*(?:$|[.,!?;]|on\b|then\b|please\b|if\b|that\b|tomorrow\b|today\b|"
    rf"{_DAY_NAME_RE}|next\b|this\b))"
)
_ONE_AS_THING = re.compile(
    r"\b(?:first|second|third|last|that|this|other|which|the|a|each|any|later|earlier|same|"
    r"1st|2nd|3rd|another|no|every|latter|former|earliest|latest|next|previous)\s+$|"
    # "the ten one", "the 10:30 one", "the two o'clock one": the one offered at that time
    r"\bthe\s+(?:\d{1,2}(?::\d\d)?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"(?:\s*(?:am|pm|oclock|thirty|fifteen|forty five|o five))?\s+$|"
    # "cancel my Friday one": the booking on that day, not 1 PM
    rf"\b(?:my|the|your|our|his|her|their|that|this)\s+(?:{_DAY_NAME_RE})s?\s+$"
)
_MORE_DIGITS = re.compile(
    # "oh" only with more digits after it ("at 9. Oh, and can I pay by card?" is 9 o'clock)
    r"[\s,.\-]*(?:\d|(?:zero|oh(?=[\s,\-]+(?:\d|zero|oh|one|two|three|four|five|six|seven|"
    r"eight|nine)\b)|one(?!\s*(?:please|then|thanks|is|works|would|will|sounds|"
    r"that|[,.!?]|$))|two|three|four|five|six|seven|eight|nine|double|triple)\b)"
)  # "the ten one please" is the ten o'clock one, no phone number
_DIGIT_RUN_CLOCK = re.compile(
    rf"(?:\b{_CUE_RE}\s+)?(?<![$\u00a3\u20ac\d.,])\b(1\d|2[0-3]|0?[1-9])(00|05|10|15|20|30|40|45|50)\b"
    r"(?![\d:/\-]|\s*[,.]?\s*\d)(?:\s*(am|pm))?"
)
_FREE_AFTER = re.compile(
    r"\s*(?:oclock\s*)?(?:free|available|open|ok|okay|possible|any good|good|doable|taken)\b"
)


def _beside_a_day(lowered: str, match: re.Match[str]) -> bool:
    """ "1130, Thursday", "Thursday 1130": a run of digits said with a weekday is its time."""
    return bool(
        re.match(rf"\s*,?\s*(?:on\s+)?(?:{_DAY_NAME_RE})\b", lowered[match.end() :])
        or re.search(rf"\b(?:{_DAY_NAME_RE})\s*,?\s*$", lowered[: match.start()])
    )


_ENDS_AT_ATE = re.compile(r"\bate\s*[.!?]?\s*$")
_FOR_PM = re.compile(r"\bfor\s+(?:a\s+)?(am|pm)\b")
_TO_THIRTY = re.compile(
    r"(?:^|\b(at|around|say)\s+)(?:to|too)\s+(thirty|fifteen|forty five|30|15|45)\b"
)
# "at" heard as "or", "ad" or "yet" between a weekday and an hour that ends the request: "on
# Wednesday or two.", "Wednesday ad-two" (flite awb and rms through tiny.en), "Thursday yet,
# three", "Friday yet, then" (flite kal, 16 of its 33 "<day> at <hour>"); the hour may itself be
# one sound off. "Monday or Tuesday", "at 2 or 3" are not this.
_DAY_OR_HOUR = re.compile(
    rf"\b(?:{_DAY_NAME_RE})s?,?\s+(?:or|ad|add|yet)[\s,-]+(?:{_HOUR_RE}|({_NEAR_RE}))"
    r"(?=\s*(?:$|[.,!?;]|please\b))"
)
# "I'd like a haircut on Thursday, free," / "Friday, free work": "at three" with its "at" lost
# and "three" heard as "free" (espeak-ng's voices); not "is Thursday free?"
_DAY_FREE = re.compile(
    rf"(?<!\bis )(?<!\bare )(?<!\bbe )\b(?:{_DAY_NAME_RE}),?\s+(?:free|tree)"
    r"(?=\s*(?:$|[.,!;]|works?\b|please\b|then\b|pm\b|p\.m\.))"
)
_MINUTES_RE = r"(?:[:.\s]([0-5]\d))?"
_BETWEEN = re.compile(
    rf"\b(?:between|from)\s+{_HOUR_RE}{_MINUTES_RE}\s*(am|pm)?\s+(?:and|to|till|until|-)\s+"
    rf"{_HOUR_RE}{_MINUTES_RE}\s*(am|pm)?\b"
)
_NOON = re.compile(
    r"\b(?:(at|around|about|by|after|before|till|until)\s+)?(?:12\s+)?(noon|midday)\b"
)
# A number followed by these counts things; it is no time.
_NOT_TIME_AFTER = re.compile(
    r"\s*(?:people|persons|of us|of them|kids|children|boys|girls|haircuts?|cuts?|trims?|"
    r"appointments?|bookings?|slots?|minutes?|mins?|hours?|days?|weeks?|months?|years?|dollars?|"
    r"bucks|pounds?|quid|euros?|percent|services?|times|more|others?|sons?|daughters?|adults?)\b"
)

_WINDOWS = (  # phrase -> (start, end) of a vague time; None leaves that side open
    (r"\bearly (?:in the )?morning\b", None, time(10)),
    (r"\b(?:late|later) (?:in the )?morning\b|\bmid[- ]?morning\b", time(10), time(12)),
    (r"\bearly (?:in the )?afternoon\b", time(12), time(14)),
    (r"\b(?:late|later) (?:in the )?afternoon\b|\bmid[- ]?afternoon\b", time(15), time(17)),
    (r"\b(?:early )?evenings?\b|\btonight\b|\bafter work\b|\bafter 5\b", time(17), None),
    (r"\bafter school\b", time(15), None),
    (r"\bafter lunch(?:time)?\b", time(13), None),
    (r"\bbefore lunch(?:time)?\b", None, time(12)),
    (r"\blunch(?:time| time| hour| break)?\b", time(11, 30), time(13, 30)),
    (r"\bmornings?\b", None, time(12)),
    (r"\b(?:afternoons?|arvo)\b", time(12), time(17)),  # "arvo": Australian
)  # fmt: skip
_EARLIEST = re.compile(
    r"\b(?:earliest|first thing|as early as (?:possible|you can)|the sooner the better|"
    r"sooner rather than later|first (?:available|opening|"
    r"slot|appointment)|soonest|as soon as (?:possible|you can)|asap|early as possible|"
    # "When are you free?", "when's your next opening?", "when can you fit me in?"
    r"when(?:'s| is| are| do) (?:you|your|the) (?:free|available|have (?:free|available|"
    r"(?:an? )?(?:opening|slot|space|time))|next (?:free|available|opening|slot|appointment))|"
    # "when is Sarah next free", "when Sarah's next available"
    r"when(?:'s| is)? [a-z]+(?:'s| is)? next (?:free|available|in|working)|"
    r"when can you (?:fit|squeeze|get|have) me in|how soon (?:can|could) (?:you|i|we) "
    r"(?:see|fit|get|take|book|have) (?:me|us|in)?|what(?:'s| is) (?:your )?next (?:free|"
    r"available|opening|slot|appointment)|"
    # "a haircut any day except Saturday", "whatever day suits you": the first free day
    r"(?:any ?|whatever |whichever )day(?: (?:is|works|suits)(?: you)?)?(?: (?:fine|good|ok|"
    r"okay|best|really))?(?!\s+(?:next|this|that|in|of|before|after|on|at|when|you|the|is|"
    r"are|free|available))|whenever(?!\s+(?:next|this|that|in|on|at|before|after)\b))\b"
)
# The whole answer to "what day?" or "what time?" leaves it to us: the first free times.
_ANY_WHEN_SAID = (
    r"(?:whatever(?:'s| is)? (?:works|suits|is (?:free|available|best|easiest)|you(?:'ve)? "
    r"(?:got|have)(?: free)?)|(?:any|either)(?: (?:day|time|one))?(?: of (?:them|those))?"
    r"(?: (?:is|works|will do|would be|'s))?(?: (?:fine|good|ok|okay|great))?|any ?time|"
    # "Whenever's good for you guys, I'm flexible"
    r"whenever(?:'s| is)?(?: (?:works|suits|good|best|fine|easiest|"
    r"you(?:'ve)? (?:got|have)|is (?:good|best|fine)|you can))?|i'?m (?:flexible|easy|not fussy|"
    r"not picky|free (?:all week|any day|whenever))|(?:it )?doesn'?t matter|i don'?t mind|"
    r"no preference|you (?:choose|pick|decide)|up to you|(?:that's |that is )?fine by me|"
    r"both (?:are |sound |would be )?(?:fine|good|ok|okay))"
)
_ANY_WHEN = re.compile(
    r"^\W*(?:(?:um|uh|oh|well|honestly|really|so|yeah|yes|ok|okay|erm)\W+)*"
    + _ANY_WHEN_SAID
    + r"(?:\W+(?:really|honestly|to me|for me|for you(?: guys)?|with me|thanks|thank you|please|"
    r"whatever works|" + _ANY_WHEN_SAID + r"))*\W*$"
)
_LATEST = re.compile(
    r"\b(?:latest|as late as (?:possible|you can)|end of the day|last (?:thing|slot|"
    r"appointment|one of the day)|late as possible|close to closing|"
    r"(?:right |just |shortly )?before (?:you |ya )?(?:close|closing)|"
    # "anything late on Saturday?", "later in the day", "a late one"
    r"(?:anything|something|any time|anytime|a time|a slot|an appointment|one|a|have) late"
    r"(?! (?:for|to|by|again|morning|afternoon|evening|night|nights|opening|hours|closing))|"
    r"late (?:in the day|one|slot|"
    r"appointment)|towards? (?:the )?close|near closing)\b"
)


@dataclass(frozen=True)
class When:
    day: date | None = None
    time: time | None = None
    weekday_said: int | None = None  # the weekday the caller named, even if closed


@dataclass(frozen=True)
class Clock:
    """A time read from words, and whether it was one sound off."""

    time: time
    near: bool = False


_CANT_COME = re.compile(
    r"\b(?:can'?t|cannot|can not|couldn'?t|won'?t be able to|unable to|not able to) "
    r"(?:come(?: in| by)?|get (?:in|there|away)|make it|do|be there|be in)"
    r"(?: any(?:thing|time| earlier| later)?)? (before|until|till|til|after)\b"
)


# Hours Whisper wrote as the words they sound like, where only an hour makes sense: "half past
# to" (two), "I said for not do" (four, not two), "10th AM" (10 am), "11, 30" (11:30).
_SOUND_ALIKE = {"to": "two", "too": "two", "do": "two", "for": "four", "fore": "four"}
_PAST_A_SOUND = re.compile(r"\b(half|quarter|twenty|ten|five) (past|to) (to|too|for|fore)\b", re.I)
_SAID_NOT = re.compile(r"\b(i said|i meant|it's|it was) (for|to|too),? not (for|to|too|do)\b", re.I)
_ORDINAL_HOUR = re.compile(r"\b(1[0-2]|[1-9])(?:st|nd|rd|th),? ?([ap])\.? ?m\b", re.I)
_HOUR_COMMA_MINUTES = re.compile(r"(?<![\d,] )(?<!\d)\b(1[0-2]|[1-9]), (15|30|45)\b(?!,? ?\d)")


def sound_alike_hours(text: str) -> str:
    """The hours in ``text`` written as the words they sound like, as hours."""
    text = _PAST_A_SOUND.sub(lambda m: f"{m[1]} {m[2]} {_SOUND_ALIKE[m[3].lower()]}", text)
    text = _SAID_NOT.sub(
        lambda m: f"{m[1]} {_SOUND_ALIKE[m[2].lower()]}, not {_SOUND_ALIKE[m[3].lower()]}", text
    )
    text = _ORDINAL_HOUR.sub(lambda m: f"{m[1]} {m[2].lower()}m", text)
    return _HOUR_COMMA_MINUTES.sub(r"\1:\2", text)


def cant_come_as_a_bound(lowered: str) -> str:
    """ "he can't come in before 11": from 11 ("before 11" alone is the other way); "I can't
    make it after 4": up to 4."""
    return _CANT_COME.sub(lambda m: "not after" if m.group(1) == "after" else "not before", lowered)


@lru_cache(maxsize=512)
def _normalise(text: str) -> str:
    lowered = text.lower()
    lowered = re.sub(r"(?:(?<=\d)|\b)([ap])\.?\s?m\b\.?", r" \1m", lowered)
    lowered = re.sub(r"\bo'?\s?clock\b", "oclock", lowered)
    lowered = re.sub(
        r"\b(at|around|about)\b\s*,?\s*(?:(?:um|uh|er|like)\b)?\s*,?\s*", r"\1 ", lowered
    )
    # Digits heard one by one after "at": "at 1 0 30", "1-0-ish" (ten); not a phone number's.
    lowered = re.sub(
        r"\b(at|around|about|like)\s+1[\s,-]+0[\s,-]+(15|30|45)\b", r"\1 10:\2", lowered
    )  # "at 1-0, 30"
    lowered = re.sub(r"\b(at|around|about|like)\s+1[\s,-]+0\b(?![\s,-]+\d\b)", r"\1 10", lowered)
    lowered = re.sub(r"\b(at|around|about)\s+(\d{1,2})(?:st|nd|rd|th)\b", r"\1 \2", lowered)
    lowered = sound_alike_hours(lowered)
    lowered = re.sub(r"(?<=\d) to ?clock\b", " oclock", lowered)  # "5 to clock"
    lowered = re.sub(r"\b(\w+)[\s-]?ish\b", r"\1", lowered)  # "one-ish", "3ish": about then
    lowered = cant_come_as_a_bound(lowered)
    lowered = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", lowered)  # "two-thirty", "forty-five"
    return re.sub(r"\s+", " ", lowered).strip()


def _next_weekday(today: date, weekday: int, skip_today: bool = False) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and skip_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _week_start(today: date, weeks_ahead: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def _dated(today: date, month: int, day_number: int, year: int | None = None) -> date | None:
    try:
        candidate = date(year or today.year, month, day_number)
    except ValueError:
        return None
    if year is None and candidate < today:
        try:
            candidate = date(today.year + 1, month, day_number)
        except ValueError:
            return None
    return candidate


def _month_of(word: str) -> int:
    return MONTHS.get(word) or _MONTH_SHORT[word]


def find_calendar_date(text: str, today: date) -> date | None:
    """A calendar date: "December 3rd", "the 3rd of Dec", "12/3", "on the twelfth"."""
    lowered = _normalise(text)
    if _ORDINAL_WORD.search(lowered):
        lowered = words_to_numbers(lowered)  # "the twenty first" -> "the 21st" (text2num)
    month_first = _MONTH_DAY.search(lowered)
    if month_first:
        return _dated(today, _month_of(month_first.group(1)), int(month_first.group(2)))
    day_first = _DAY_MONTH.search(lowered)
    if day_first:
        return _dated(today, _month_of(day_first.group(2)), int(day_first.group(1)))
    numeric = _NUMERIC_DATE.search(lowered)
    if numeric:
        year = numeric.group(3)
        full_year = (2000 + int(year) if len(year) == 2 else int(year)) if year else None
        return _dated(today, int(numeric.group(1)), int(numeric.group(2)), full_year)
    ordinal = _BARE_ORDINAL.search(lowered)
    if ordinal:  # "the 3rd": this month's if still ahead, else the next month that has one
        number = int(ordinal.group(1))
        month, year = today.month, today.year
        for _ in range(3):
            if number >= today.day or (month, year) != (today.month, today.year):
                found = _dated(today, month, number, year)
                if found is not None:
                    return found
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None


def find_day(text: str, today: date) -> date | None:
    """One day, relative to ``today``; None when no day (or only a vague one) was said."""
    lowered = _normalise(text)
    match = _WEEKS_FROM_NOW.search(lowered)
    if match:
        count = 2 if match.group(1) == "two" else 1
        weeks = count * (2 if "fortnight" in match.group(0) else 1)
        return today + timedelta(weeks=weeks, days=1 if "tomorrow" in match.group(0) else 0)
    if re.search(r"\bday after tomorrow\b", lowered):
        return today + timedelta(days=2)
    ahead = _IN_DAYS.search(lowered)
    if ahead:
        return today + timedelta(days=_DAYS_AHEAD[ahead.group(1)])
    if re.search(r"\b(?:tomorrow|tmrw|tomorrows)\b", lowered):
        return today + timedelta(days=1)
    if re.search(r"\btoday\b|\btonight\b|\bthis (?:afternoon|morning|evening)\b|\bright now\b|"
                 r"\bsame[- ]day (?:appointment|booking|slot|cut)",
                 lowered):  # fmt: skip
        return today
    match = _WEEKDAY_WEEK.search(lowered)
    if match:
        name = next(group for group in match.groups()[1:] if group)
        weekday = WEEKDAYS.get(name, _WEEKDAY_SHORT.get(name, 0))
        skip_today = match.group(1) == "next" or match.group(4) is not None  # "after next"
        return _next_weekday(today, weekday, skip_today=skip_today) + timedelta(7)
    match = _WEEKS_THEN_DAY.search(lowered)
    if match:
        # "in two weeks, on the Tuesday": that week's; "two weeks from Tuesday": that Tuesday on
        weeks = _WEEK_COUNTS[match.group(1) or match.group(3)]
        name = match.group(2) or match.group(4)
        weekday = WEEKDAYS.get(name, _WEEKDAY_SHORT.get(name, 0))
        if match.group(2):
            return _week_start(today, weeks) + timedelta(days=weekday)
        return _next_weekday(today, weekday) + timedelta(weeks=weeks)
    match = _WEEK_AFTER_NEXT_DAY.search(lowered)
    if match:
        name = match.group(1) or match.group(2)
        weekday = WEEKDAYS.get(name, _WEEKDAY_SHORT.get(name, 0))
        return _week_start(today, 2) + timedelta(days=weekday)
    match = _NEXT_WEEK_DAY.search(lowered)
    if match:
        name = match.group(1) or match.group(2)
        weekday = WEEKDAYS.get(name, _WEEKDAY_SHORT.get(name, 0))
        return _week_start(today, 1) + timedelta(days=weekday)
    match = _DAY_OF_NEXT_MONTH.search(
        words_to_numbers(lowered) if _ORDINAL_WORD.search(lowered) else lowered
    )
    if match:
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        try:
            return first.replace(
                day=int(match.group(1) or match.group(2))
            )  # "the 5th of next month"
        except ValueError:
            return None
    calendar = find_calendar_date(lowered, today)
    if calendar is not None:
        return calendar
    match = _DAY_RE.search(lowered)
    if match:
        name = match.group(2)
        if name in ("wed", "fri") and match.group(1) is None:
            return None  # too short to trust alone
        weekday = WEEKDAYS.get(name, _WEEKDAY_SHORT.get(name, 0))
        # "this coming Tuesday" said on a Tuesday: next week's, as "next Tuesday"
        skip = match.group(1) in ("next", "coming", "this coming")
        day = _next_weekday(today, weekday, skip_today=skip)
        if (match.group(1) or "").endswith("following"):
            day += timedelta(days=7)  # "the following Saturday": the one after the coming one
        return day
    return None


# Real words a letter or two from a weekday's name, or that sound like one.
_NOT_WEEKDAYS = frozenset(
    "sundae sundaes sturdy study monty frida today someday sunny fruity forty fired".split()
)
_WEEKDAY_SOUNDS = {jellyfish.metaphone(name): name for name in WEEKDAYS}
_NEAR_WORD = re.compile(r"[a-z]+")
# Where a day goes: before a time or "instead", or at a sentence's end after "on", "make it".
_AFTER_A_DAY = re.compile(
    r"\s*(?:\d|(?:at|instead|appointment|booking|after|before|morning|afternoon|evening|then|"
    r"to \d)\b)"
)
_ENDS_A_SENTENCE = re.compile(r"\s*(?:$|[.,!?;])")
# ... or after what is booked ("haircut for ID, no wait, make that free": Friday at 3)
_BEFORE_A_DAY = re.compile(
    r"(?:^|[,.!?]|\b(?:on|this|next|by|until|till|it|do|say|my|\w*cut|trim|colou?r|appointment|"
    r"booking))\s*$"
)


def find_near_day(text: str, today: date) -> date | None:
    """The weekday a near match names (find_near_day_said), or None."""
    near = find_near_day_said(text, today)
    return near[0] if near else None


_A_FREE_DAY = re.compile(r"\b(?:your|the|a|any|first|earliest|soonest|next)\s+$")


def find_near_day_said(text: str, today: date) -> tuple[date, tuple[int, int]] | None:
    """A weekday misheard or misspelt by a letter or two ("Thirsday", "Wensday", "Fryday"),
    or heard as words that sound like it where a day goes: Whisper tiny.en wrote Friday as
    "for ID" / "for IDA", Thursday as "thirsty", Saturday as "saturity", "sadder day" from
    voices it had not heard (flite, Festival through the phone line). A word, or two words run
    together, spelt close (rapidfuzz), or sounding the same (jellyfish's metaphone), spelt
    half alike, not a first name ("Mandy"), and followed by what follows a day ("at 10",
    "instead", "appointment"), or ending a sentence after "on", "make it", "my" or a comma.
    The caller is asked to confirm it."""
    lowered = text.lower()
    words = list(_NEAR_WORD.finditer(lowered))
    for n, match in enumerate(words):
        word = match.group(0)
        if word.removesuffix("s") in WEEKDAYS:
            continue
        if len(word) >= 5 and word not in _NOT_WEEKDAYS:
            found = _near_weekday(
                word.removesuffix("s"),
                after=lowered[match.end() :],
                by_spelling=True,
                before=lowered[: match.start()],
            )
            if found is not None:
                return _next_weekday(today, WEEKDAYS[found]), match.span()
        if n + 1 == len(words) or word in _NOT_WEEKDAYS:
            continue
        following = words[n + 1]
        both = (word + following.group(0)).removesuffix("s")
        if word in ("free", "open") and _A_FREE_DAY.search(lowered[: match.start()]):
            continue  # "What's your next free day?": any day with room (it was Friday)
        if both in WEEKDAYS:  # "sun days"
            return _next_weekday(today, WEEKDAYS[both]), (match.start(), following.end())
        found = _near_weekday(
            both,
            after=lowered[following.end() :],
            by_spelling=False,
            before=lowered[: match.start()],
        )
        if found is not None:
            return _next_weekday(today, WEEKDAYS[found]), (match.start(), following.end())
    return None


def _near_weekday(heard: str, *, after: str, by_spelling: bool, before: str) -> str | None:
    """The weekday ``heard`` is one sound off from: a letter or two (``by_spelling``), or
    the same sound where a day goes."""
    if by_spelling:
        found = process.extractOne(heard, list(WEEKDAYS), scorer=fuzz.ratio)
        if found is not None and found[1] >= 80:
            return str(found[0])
    from receptionist.dialog.names import is_first_name  # names reads this module's tables

    name = _WEEKDAY_SOUNDS.get(jellyfish.metaphone(heard))
    if (
        name is not None
        and fuzz.ratio(heard, name) >= 62
        and bool(
            _AFTER_A_DAY.match(after)
            or (_ENDS_A_SENTENCE.match(after) and _BEFORE_A_DAY.search(before))
        )
        and not is_first_name(heard)
    ):
        return name
    return None


def find_days(text: str, today: date) -> tuple[date, date] | None:
    """A vague day as its first and last day: "next week", "early next week", "this weekend"."""
    lowered = _normalise(text)
    this_monday, next_monday = _week_start(today, 0), _week_start(today, 1)
    if re.search(r"\b(?:in|within) (?:a|one) (?:couple|few) (?:of )?days\b|\bnext few days\b|"
                 r"\bnext couple (?:of )?days\b", lowered):  # fmt: skip
        return today, today + timedelta(days=3)
    if re.search(r"\b(?:in|within) (?:two|2|a couple of) weeks\b|\bweek after next\b", lowered):
        start = _week_start(today, 2)
        return start, start + timedelta(days=6)
    if re.search(r"\bweekend after next\b|\bthe weekend after (?:this|the next) (?:one|weekend)\b",
                 lowered):  # fmt: skip
        start = _week_start(today, 2) + timedelta(days=5)
        return start, start + timedelta(days=1)
    if re.search(r"\bnext weekend\b", lowered):
        start = next_monday + timedelta(days=5)
        return start, start + timedelta(days=1)
    if re.search(r"\b(?:this |the )?weekend\b", lowered):
        start = max(today, this_monday + timedelta(days=5))
        return start, this_monday + timedelta(days=6)
    next_week = re.search(r"\b(?:next|the following|the coming) week\b", lowered)
    if next_week:
        before = lowered[: next_week.start()]
        if re.search(r"\b(?:early|earlier|beginning|start)\b(?: (?:in|of))?(?: the)?\s*$", before):
            return next_monday, next_monday + timedelta(days=2)
        if re.search(r"\b(?:mid|middle)\b(?: (?:of|in))?(?: the)?\s*$", before):
            return next_monday + timedelta(days=1), next_monday + timedelta(days=3)
        if re.search(r"\bend\b(?: (?:in|of))?(?: the)?\s*$", before):
            return next_monday + timedelta(days=4), next_monday + timedelta(days=6)
        if re.search(r"\b(?:late|later)\b(?: (?:in|of))?(?: the)?\s*$", before):
            return next_monday + timedelta(days=3), next_monday + timedelta(days=6)
        return next_monday, next_monday + timedelta(days=6)
    end = re.search(r"\b(?:later|end|late) (?:(?:of|in) )?(?:this|the) week\b", lowered)
    if end:
        # "later this week" from Thursday, "the end of the week" from Friday (it was Thursday)
        weekday = 4 if end.group(0).startswith("end") else 3
        start = max(today + timedelta(days=1), this_monday + timedelta(days=weekday))
        return (start, this_monday + timedelta(days=6)) if start.weekday() != 0 else None
    if re.search(r"\b(?:this|the rest of the) week\b", lowered):
        return today, this_monday + timedelta(days=6)
    month = re.search(r"\b(?:next|the following|the coming) month\b", lowered)
    if month:
        # "sometime next month": early in it first (the slots offered are its first free ones)
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return first, last
    return None


def _hour(word: str) -> int:
    return int(word) if word.isdigit() else _HOUR_WORDS.get(word) or _NEAR_HOURS[word]


def _with_suffix(hour: int, minute: int, suffix: str | None, bare_pm: bool = True) -> time | None:
    suffix = (suffix or "").strip()
    if hour > 23 or minute > 59:
        return None
    if suffix == "pm" or suffix.endswith(("afternoon", "evening", "night", "tonight")):
        if hour < 12:
            hour += 12
    elif suffix == "am" or suffix.endswith("morning"):
        if hour == 12:
            hour = 0
        elif hour > 12:
            return None
    elif bare_pm and 1 <= hour <= 7:
        hour += 12  # "at three" in a salon means the afternoon
    return time(hour, minute)


@lru_cache(maxsize=512)
def read_clock(text: str, expecting: str | None = None) -> tuple[Clock | None, str | None]:
    """One time said exactly, and the cue word before it ("at", "after", "before", ...)."""
    lowered = _normalise(text)
    match = _NOON.search(lowered)
    if match:
        return Clock(time(12)), match.group(1)
    for match in _RELATIVE.finditer(lowered):
        cue, amount, direction, hour_word, suffix = match.groups()
        hour = _hour(hour_word)
        minutes = _RELATIVE_MINUTES[amount]
        if direction in ("to", "till", "til", "of"):
            hour, minutes = hour - 1, 60 - minutes
        found = _with_suffix(hour if hour > 0 else 12, minutes, suffix)
        if found is not None:
            return Clock(found), cue
    match = _HALF_HOUR.search(lowered)
    if match:
        found = _with_suffix(_hour(match.group(2)), 30, None)
        if found is not None:
            return Clock(found), match.group(1)
    alone = expecting in ("time", "choose_slot") and len(lowered.split()) <= 4
    alone = alone or (expecting == "choose_slot" and bool(_THE_HOUR.search(lowered)))
    alone = alone or bool(_HOUR_THEN.search(lowered))  # "OK, 9 then, on Friday"
    weak: tuple[Clock, str | None] | None = None
    for match in _CLOCK.finditer(lowered):
        found = _clock_at(match, lowered, alone)
        if found is None:
            continue
        cue, hour_word, minute_digits, minute_word, suffix = match.groups()
        if (
            cue == "like"
            and hour_word == "one"
            and not (minute_digits or minute_word or suffix)
            and _ONE_OF_THEM.match(lowered, match.end())
        ):
            continue  # "I'd like one on Friday": one booking, not 1 PM ("like one the clock" is)
        if cue in ("like", "do", "said", "maybe") and not (minute_digits or minute_word or suffix):
            # "I'd like one Thursday at 5": a weak cue yields to a time said plainly later.
            weak = weak or (Clock(found), cue)
            continue
        return Clock(found), cue
    if weak is not None:
        return weak
    if expecting == "phone":
        return None, None
    match = _DIGIT_RUN_CLOCK.search(lowered)
    if match:  # Whisper writes "ten thirty" as "1030"
        cue, hour_digits, minute_digits, suffix = match.groups()
        found = _with_suffix(int(hour_digits), int(minute_digits), suffix)
        if found is not None and (cue or suffix or alone or _beside_a_day(lowered, match)):
            return Clock(found), cue
    match = _NEAR_CLOCK.search(lowered)
    if match:
        cue, word, minute_word, suffix = match.groups()
        # "ate" is a word of its own: only "at ate am" or a turn ending "at ate" is a time;
        # "around then", "by then", "about then" are that time, not ten ("at then" is ten).
        then_not_ten = word == "then" and cue != "at" and not suffix
        if not then_not_ten and (word != "ate" or suffix or _ENDS_AT_ATE.search(lowered)):
            minute = _MINUTE_WORDS.get(minute_word or "", 0)
            found = _with_suffix(_NEAR_HOURS[word], minute, suffix)
            if found is not None:
                return Clock(found, near=True), cue
    match = _FOR_PM.search(lowered)
    if match:  # "on December 2nd for a PM": four, one sound off
        return Clock(time(16 if match.group(1) == "pm" else 4), near=True), "at"
    match = _TO_THIRTY.search(lowered)
    if match and (match.group(1) or alone):
        said = match.group(2)
        past = int(said) if said.isdigit() else _MINUTE_WORDS[said]
        return Clock(time(14, past), near=True), "at"
    match = _DAY_OR_HOUR.search(lowered)
    if match:
        hour_word, near_word = match.groups()
        hour = _hour(hour_word) if hour_word else _NEAR_HOURS[near_word]
        found = _with_suffix(hour, 0, None)
        if found is not None:
            return Clock(found, near=True), "at"
    if _DAY_FREE.search(lowered):
        return Clock(time(15), near=True), "at"
    return None, None


_ONE_OF_THEM = re.compile(
    rf"\s*(?:[,.!?]|$|(?:on|for|this|next|too|as well|each|please|then|tomorrow|today|"
    rf"{_DAY_NAME_RE})\b)"
)
_CLOCK_ALONE = re.compile(rf"\s*(?:[,.;!?]|$|(?:on\s+)?(?:{_DAY_NAME_RE}|today|tomorrow)\b)")


def _clock_at(match: re.Match[str], lowered: str, alone: bool) -> time | None:
    """The time in one match of ``_CLOCK``, unless the number is something else."""
    cue, hour_word, minute_digits, minute_word, suffix = match.groups()
    has_minutes = minute_digits is not None or minute_word is not None
    if minute_digits and lowered[match.start(3) - 1] == " " and not (cue or suffix):
        # "3 30" needs a cue ("2 30 minute slots" is no time), unless it stands alone before a
        # comma or a day: Whisper writes "eleven thirty, Thursday" as "11 30, Thursday".
        if minute_digits not in ("15", "30", "45") or not _CLOCK_ALONE.match(lowered, match.end()):
            return None
    clocked = suffix or minute_word in ("oclock", "o'clock")  # "the one o'clock" is 1 PM
    if hour_word == "one" and not clocked and _ONE_AS_THING.search(lowered, 0, match.start(2)):
        return None  # "the second one", "that one", "my Friday one"
    if not (cue or suffix or has_minutes or alone):
        return None  # a bare number is a count unless a time was asked for
    if (
        cue in ("and", "or", "is")
        and not (suffix or has_minutes)
        and not (cue == "is" and _FREE_AFTER.match(lowered, match.end()))
    ):
        return None  # "my son is 6"; but "is 11 free?" asks for 11
    if not has_minutes and _NOT_TIME_AFTER.match(lowered, match.end()):
        return None  # "two haircuts", "for 3 people"
    if not (has_minutes or suffix) and _MORE_DIGITS.match(lowered, match.end()):
        return None  # "at 5 5 5, 8 6 7": the start of a phone number
    if not (has_minutes or clocked) and _COUNT_AT.match(lowered, match.end()):
        return None  # "Saturday, one at 10 and one at 11": how many, then when
    weekday_cue = cue is not None and cue.rstrip(",") in WEEKDAYS
    if (
        weekday_cue
        and hour_word == "one"
        and not (has_minutes or clocked)
        and _COUNT_FOR.match(lowered, match.end())
    ):
        return None  # "Friday, one for me and one for my son" (not "at one for a cut")
    if hour_word.startswith("0") and not has_minutes:
        return None
    minute = int(minute_digits) if minute_digits else _MINUTE_WORDS.get(minute_word or "", 0)
    return _with_suffix(_hour(hour_word), minute, suffix)


_WEEKDAY_AFTER_IT = re.compile(
    rf"\bthe\s+({_DAY_NAME_RE})\s+after(?:\s+(?:it|that))?\b(?!\s+(?:next|this|the|my|[0-9]))"
    rf"|\b({_DAY_NAME_RE})\s+after\s+(?:it|that)\b"
)


def weekday_after(lowered: str, held: date) -> date | None:
    """ "Can I move it to the Tuesday after?": the first such weekday after the booking's
    own day (not the coming one); None when no weekday is said that way."""
    match = _WEEKDAY_AFTER_IT.search(lowered)
    if match is None:
        return None
    name = match.group(1) or match.group(2)
    weekday = WEEKDAYS.get(name, _WEEKDAY_SHORT.get(name, 0))
    return _next_weekday(held, weekday, skip_today=True)


def names_the_one_after(lowered: str) -> bool:
    """ "Friday, not this one, the one after": a day turned down for the same day a week on,
    whose words say no day of their own."""
    return bool(
        re.search(rf"\b(?:{_DAY_NAME_RE})s?\b{_UP_TO_ONE_AFTER}{_ONE_AFTER}", lowered)
        or re.search(_NOT_THIS_BUT_NEXT, lowered)
    )


def find_time(text: str, expecting: str | None = None) -> time | None:
    """One time, exactly said; None for a vague time or a near match."""
    clock, cue = read_clock(text, expecting)
    if clock is None or clock.near or cue in _WINDOW_CUES:
        return None
    return clock.time


_WINDOW_CUES = frozenset(
    {"after", "before", "from", "till", "until", "between", "any time after", "anytime after",
     "not before", "not after", "no earlier than", "no later than"}
)  # fmt: skip
_START_CUES = frozenset(
    {"after", "from", "any time after", "anytime after", "not before", "no earlier than"}
)


def leaves_it_to_us(text: str) -> bool:
    """ "Whatever works.", "Any time is fine.", "I don't mind.": the whole answer to a
    question of when (or of which time offered) leaves it to us."""
    return bool(_ANY_WHEN.match(_normalise(text)))


_PART_TURNED_DOWN = re.compile(
    r"\b(?:not|no|never|can'?t do|cannot do|can'?t make|can'?t come(?: in)?|won'?t be able to do)"
    r"(?: in)?(?: the)? (mornings?|afternoons?)\b(?!,? (?:but|or|either))"
)


def turns_down_a_part_of_the_day(text: str) -> bool:
    """ "Not in the morning though", "I can't do mornings": the rest of the day is asked."""
    return bool(_PART_TURNED_DOWN.search(_normalise(text)))


def find_window(
    text: str, expecting: str | None = None
) -> tuple[time | None, time | None, bool, bool] | None:
    """A vague time as (start, end, earliest, latest), or None."""
    lowered = _normalise(text)
    earliest = bool(_EARLIEST.search(lowered)) or (
        expecting in ("day", "time") and leaves_it_to_us(lowered)
    )
    latest = bool(_LATEST.search(lowered)) and not earliest
    start: time | None = None
    end: time | None = None
    between = _BETWEEN.search(lowered)
    if between:
        h1, m1, s1, h2, m2, s2 = between.groups()
        first = _with_suffix(_hour(h1), int(m1 or 0), s1 or (s2 if s2 == "am" else None))
        second = _with_suffix(_hour(h2), int(m2 or 0), s2)
        if first and second:
            if first > second and first.hour >= 12 and s1 is None:
                first = time(first.hour - 12, first.minute)
            return first, second, earliest, latest
    clock, cue = read_clock(lowered, expecting)
    if clock is not None and not clock.near and cue in _WINDOW_CUES:
        if cue in _START_CUES:
            start = clock.time
        elif cue == "before" and clock.time != time(0):
            # "before 10": a start before it (10:00 itself is not before 10; "till 10" is)
            end = (datetime.combine(date.min, clock.time) - timedelta(minutes=1)).time()
        else:
            end = clock.time
        return start, end, earliest, latest
    exact = clock is not None and cue not in _WINDOW_CUES
    turned_down = _PART_TURNED_DOWN.search(lowered)
    if turned_down is not None and not exact:
        # "Not in the morning though", "I can't do mornings": the rest of the day
        morning = turned_down.group(1).startswith("morning")
        return (time(12), None, earliest, latest) if morning else (None, time(12), earliest, latest)
    if not exact:
        for pattern, first_t, last_t in _WINDOWS:
            if re.search(pattern, lowered):
                start, end = first_t, last_t
                break
    if start is None and end is None and not (earliest or latest):
        return None
    if exact and not (earliest or latest):
        return None
    return start, end, earliest, latest


def find_when(text: str, today: date) -> When:
    day = find_day(text, today)
    weekday = day.weekday() if day else None
    return When(day=day, time=find_time(text), weekday_said=weekday)


_WEEK_PART = re.compile(
    r"\b(?:(?P<weekdays>week ?days?|during the week|in the week|mid ?week)|"
    r"(?P<weekend>week ?ends?))\b"
)


def week_part(lowered: str) -> str | None:
    """ "weekdays" or "weekend", where the words name that part of the week and no day."""
    match = _WEEK_PART.search(lowered)
    if match is None:
        return None
    return "weekdays" if match.group("weekdays") else "weekend"
