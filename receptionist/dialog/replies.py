"""The agent's own sentences that are not claims: prompts, re-asks, answers from the profile.

Re-asks come in variants, narrower each time and with an example, so the same question is
never asked twice in a row in the same words. Fixed sentences are cached as audio at start-up.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from receptionist.dialog.frame import Expect
from receptionist.domain.profile import SUPERLATIVES, BusinessProfile, Service, say_spans
from receptionist.domain.saying import DAY_NAMES, say_day, say_price, say_time, with_article

FILLER_BOOKING = "One moment while I check that for you."
ONE_MOMENT = "One moment."
ANYTHING_ELSE = "Is there anything else I can help you with?"
GOODBYE = "Thank you for calling. Goodbye!"
STILL_THERE = "Are you still there? How can I help you?"
SILENT_GOODBYE = (
    "I haven't heard anything, so I'll hang up now. Please call again anytime. Goodbye!"
)
NOT_UNDERSTOOD = (
    "Sorry, I didn't quite get that. I can book, move or cancel an appointment, take a "
    "message, or tell you about our prices and hours."
)


def not_understood_again(profile: BusinessProfile) -> str:
    """Said the second time a turn is not understood, with the business's first service as
    the example ("'a haircut on Friday at 10'", "'a check-up on Friday at 10'")."""
    example = with_article(profile.services[0].name) if profile.services else "an appointment"
    return (
        f"Sorry, I still didn't catch that. You could say, for example, '{example} on Friday "
        "at 10', or 'I'd like to leave a message'."
    )


OFFER_PERSON_OR_MESSAGE = (
    "I'm sorry, I'm having trouble getting that. Would you like me to put you through to "
    "someone, or take a message?"
)
DONT_KNOW = (
    "I'm sorry, I don't have that information. I can take a message for the team, or put "
    "you through to someone who can help. Which would you prefer?"
)
ENGLISH_ONLY = (
    "I'm sorry, I can only help in English. I can take a message for the team, or put you "
    "through to someone. Which would you prefer?"
)
DONT_KNOW_EITHER = (
    "For the rest, I'm afraid I don't have that information, but I can take a message for the "
    "team, or put you through to someone who can help. Which would you prefer?"
)
CANT_DO_THAT = (
    "I'm sorry, I can't do that over the phone. I can take a message for the team, or put "
    "you through to someone who can help. Which would you prefer?"
)
ABOUT_A_VISIT = (
    "I see. I can take a message for the team about that, or put you through to someone who "
    "can help. Which would you prefer?"
)
CAN_HEAR_YOU = "Yes, I can hear you."
HELLO = "Hi! How can I help you today?"
WELL_THANKS = "I'm well, thank you. How can I help you today?"
TAKE_YOUR_TIME = "Sure, take your time."
STILL_HERE = "I'm still here whenever you're ready."
IT_IS_US = "Yes, this is {business}. How can I help you today?"
THIS_IS_US = "This is {business}. How can I help you today?"
WRONG_NUMBER = "No problem."
WE_CALLED = (
    "Someone here may have tried to reach you, but I can't see who from here. I can take a "
    "message for the team to call you back, or put you through to someone. Which would you "
    "prefer?"
)
LATE_NOTED = "Thanks for letting us know."
DETAILS_BY_MESSAGE = "I can't change that myself, so I'll pass it on to the front desk."
NOTHING_BOOKED = "Okay, I haven't booked anything."
BOOKING_PHONE = "And what's a phone number we can reach you on about the booking?"
# A question we can't answer, said with a request
NAME_TO_PUT_RIGHT = (
    "Sorry about that. I can't change the name on a booking myself, so I'll ask the front desk "
    "to put it right."
)
NAME_TO_CHANGE = (  # .format(name=...)
    "Sorry about that. I can't change the name on a booking myself, so I'll ask the front desk "
    "to change it to {name}."
)
QUESTION_LATER = (
    "I can't answer your question myself, so I'll pass it on to the front desk once we're done."
)
# "The number I'm calling from" when the caller id is withheld
NUMBER_NOT_SHOWN = (
    "Your number doesn't come through on this call, so I can't see it. Could you say it digit "
    "by digit, or type it on your keypad and press the pound key?"
)
PRICE_DEPENDS_UNKNOWN = (
    "I don't know whether that changes the price, though. I can take a message for the team, "
    "or put you through to someone who can tell you. Which would you prefer?"
)
HOLIDAY_HOURS_UNKNOWN = (
    "I don't have our holiday hours, though. I can take a message for the team, or put you "
    "through to someone who can tell you. Which would you prefer?"
)

FIXED = (
    FILLER_BOOKING, ONE_MOMENT, ANYTHING_ELSE, GOODBYE, STILL_THERE, SILENT_GOODBYE,
    NOT_UNDERSTOOD, OFFER_PERSON_OR_MESSAGE, DONT_KNOW, DONT_KNOW_EITHER,
    CANT_DO_THAT, CAN_HEAR_YOU, HELLO, WELL_THANKS, TAKE_YOUR_TIME, STILL_HERE, WRONG_NUMBER,
    WE_CALLED, LATE_NOTED, DETAILS_BY_MESSAGE, BOOKING_PHONE, NOTHING_BOOKED, NUMBER_NOT_SHOWN,
    QUESTION_LATER, NAME_TO_PUT_RIGHT, ENGLISH_ONLY, PRICE_DEPENDS_UNKNOWN,
    HOLIDAY_HOURS_UNKNOWN, ABOUT_A_VISIT,
)  # fmt: skip


def staff_names(profile: BusinessProfile) -> str:
    return " or ".join(m.name for m in profile.staff)


def services_list(profile: BusinessProfile) -> str:
    names = [s.name for s in profile.services]
    if len(names) == 1:
        return with_article(names[0])
    return ", ".join(with_article(n) for n in names[:-1]) + f" or {with_article(names[-1])}"


def price_answer(service: Service, currency: str) -> str:
    return (
        f"{_capital(with_article(service.name))} is {say_price(service.price, currency)} and "
        f"takes about {say_minutes(service.minutes)}."
    )


def total_answer(services: list[Service], currency: str) -> str:
    """What several services come to together: "That's 50 dollars together, about 45
    minutes in all."."""
    price = sum(s.price for s in services)
    minutes = sum(s.minutes for s in services)
    return f"That's {say_price(price, currency)} together, about {say_minutes(minutes)} in all."


def length_total_answer(services: list[Service]) -> str:
    """How long several services take one after another: "About 2 hours in all."."""
    minutes = sum(s.minutes for s in services)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        said = f"{hours} hour{'s' if hours > 1 else ''} and {rest} minutes"
    elif hours:
        said = f"{hours} hour{'s' if hours > 1 else ''}"
    else:
        said = f"{minutes} minutes"
    return f"That's about {said} in all."


def open_now_answer(profile: BusinessProfile, now: datetime) -> str:
    """ "Are you open right now?": yes until closing, or when we open next."""
    hours = profile.hours.days[now.weekday()]
    spans = profile.hours.spans(now.weekday())
    for opens, closes in spans:
        if opens <= now.time() < closes:
            return f"Yes, we're open now, until {say_time(closes)}."
    if hours is not None and now.time() < hours[0]:
        return f"We're not open yet. Today we're open {say_spans(spans, 'from ')}."
    later_today = [span for span in spans if now.time() < span[0]]
    if later_today:
        opens, closes = later_today[0]
        return (
            f"We're closed for a break right now. We open again at {say_time(opens)}, until "
            f"{say_time(closes)}."
        )
    for ahead in range(1, 8):
        day = now.date() + timedelta(days=ahead)
        later = profile.hours.days[day.weekday()]
        if later is not None:
            when = "tomorrow" if ahead == 1 else f"on {DAY_NAMES[day.weekday()]}"
            return f"We're closed right now. We open again {when} at {say_time(later[0])}."
    return "We're closed right now."


def prices_answer(profile: BusinessProfile) -> str:
    listed = ", ".join(
        f"{with_article(s.name)} is {say_price(s.price, profile.currency)}"
        for s in profile.services
    )
    return f"Our prices: {listed}."


def say_minutes(minutes: int) -> str:
    """ "30 minutes", "90 minutes", "an hour", "3 hours": a length as people say it."""
    if minutes == 60:
        return "an hour"
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def duration_answer(service: Service) -> str:
    return f"{_capital(with_article(service.name))} takes about {say_minutes(service.minutes)}."


def hours_answer(profile: BusinessProfile, weekday: int | None) -> str:
    """The opening hours on a weekday (0 = Monday), or every day's with None."""
    if weekday is None:
        return f"We're open {profile.hours.describe()}."
    spans = profile.hours.spans(weekday)
    if not spans:
        return f"We're closed on {DAY_NAMES[weekday]}s."
    return f"On {DAY_NAMES[weekday]} we're open {say_spans(spans, 'from ')}."


def week_part_hours_answer(profile: BusinessProfile, part: str) -> str:
    """ "And on a weekday?", "Are you open at the weekend?": those days' hours (``part``:
    "weekdays" or "weekend")."""
    weekdays = range(5) if part == "weekdays" else range(5, 7)
    if all(profile.hours.days[day] is None for day in weekdays):
        return "We're closed at the weekend." if part == "weekend" else "We're closed on weekdays."
    during = "During the week" if part == "weekdays" else "At the weekend"
    return f"{during} we're open {profile.hours.describe(weekdays)}."


def holiday_hours_answer(profile: BusinessProfile, holiday: str, day: date) -> str:
    """A holiday's usual weekday hours, said as usual: the profile has no holiday hours."""
    words = holiday.split()
    named = " ".join(
        w
        if i and (w in ("the", "after", "before") or (w == "day" and words[i - 1] == "the"))
        else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )
    weekday = DAY_NAMES[day.weekday()]
    spans = profile.hours.spans(day.weekday())
    usual = (
        f"on {weekday}s we're usually open {say_spans(spans, 'from ')}"
        if spans
        else f"we're usually closed on {weekday}s"
    )
    return f"{named} is {say_day(day)}, and {usual}."


def slot_free(weekday: int, at: time) -> str:
    """The start of the question for a name: the slot asked for is free."""
    return f"{DAY_NAMES[weekday]} at {say_time(at)}"


def superlative_answer(which: str, service: str) -> str:
    """ "What's your cheapest service?": which one it is (its price or length follows)."""
    return f"Our {which} is {with_article(service)}."


def profile_sentences(profile: BusinessProfile) -> list[str]:
    """What the agent can say that depends on the business alone: its answers (prices,
    lengths, hours) and its questions with the business's words in them. Known at start-up,
    so their audio can be made before any caller asks (see slot_offers for the rest)."""
    out = [prices_answer(profile), hours_answer(profile, None), robot_answer(profile)]
    out.append(not_understood_again(profile))
    out += [hours_answer(profile, day) for day in range(7)]
    out += [superlative_answer(which, best.name) for which in SUPERLATIVES
            if (best := profile.service_by(which))]  # fmt: skip
    for service in profile.services:
        out += [
            price_answer(service, profile.currency),
            duration_answer(service),
            slots_heading(service.name),
        ]
    staff = staff_names(profile)
    names = [s.name for s in profile.services] or ["appointment"]
    whos = ["the front desk", *(m.name for m in profile.staff)]
    days = [DAY_NAMES[d] for d in range(7) if profile.hours.days[d] is not None]
    fills: dict[Expect, list[dict[str, str]]] = {
        Expect.SERVICE: [{}, *({"when": f" {d}"} for d in ("today", "tomorrow"))]
        + [{"when": f" on {d}"} for d in days],
        Expect.DAY: [{"service": n} for n in names],
        Expect.TIME: [{"day": d} for d in days],
        Expect.PHONE: [{}],
        Expect.STAFF: [{"staff": staff}],
        Expect.MESSAGE_TEXT: [{"who": w} for w in whos],
        Expect.CHOOSE_SLOT: [{}],
    }
    for expect, words in fills.items():
        for attempt in range(len(_VARIANTS[expect])):
            out += [ask(expect, attempt, profile, **w) for w in words]
    return list(dict.fromkeys(out))


def slots_heading(service: str) -> str:
    """What comes before the free times offered for a service (fixed: made at start-up)."""
    return f"Here's what I have for {with_article(service)}."


def slot_offers(profile: BusinessProfile, slot_minutes: int) -> list[str]:
    """The question for a name at each slot on the hour or the half hour ("Thursday at 3 PM
    is free. What name ..."), what callers ask for most: the hours first, each in weekday
    order. (Every slot of the salon's week at its 15 minutes is 164 offers, twice as many
    for Piper to make at start-up: a quarter past is made when a caller asks for it.)"""
    offers: list[tuple[int, str]] = []
    step = timedelta(minutes=max(5, slot_minutes))
    for weekday, hours in enumerate(profile.hours.days):
        if hours is None:
            continue
        at = datetime.combine(datetime.min.date(), hours[0])
        closes = datetime.combine(datetime.min.date(), hours[1])
        while at < closes:
            if at.minute in (0, 30):
                question = ask(Expect.NAME, 0, profile, slot=slot_free(weekday, at.time()))
                offers.append((at.minute, question))
            at += step
    return [text for _minute, text in sorted(offers, key=lambda o: o[0])]


def robot_answer(profile: BusinessProfile) -> str:
    return (
        f"Yes, I'm an automated assistant for {profile.name}. I can book, move or cancel "
        "appointments, answer questions about prices and hours, and take messages. "
        "Would you like me to put you through to a person instead?"
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def ask(expect: Expect, attempt: int, profile: BusinessProfile, **words: str) -> str:
    """The question for a detail; ``attempt`` 0 is the first time it is asked."""
    variants = _VARIANTS[expect]
    text = variants[min(attempt, len(variants) - 1)]
    first = profile.services[0].name if profile.services else "appointment"
    words = {"when": "", **words, "first_service": first}
    # "Sure, an x-ray.": each service with the article said before it
    words.update({f"a_{k}": with_article(v) for k, v in words.items() if k.endswith("service")})
    return text.format(services=services_list(profile), **words)


_VARIANTS: dict[Expect, tuple[str, ...]] = {
    Expect.SERVICE: (
        # {when}: the day or time already heard (" on Friday"), so the caller knows it was.
        "Sure. What would you like to book{when}? We offer {services}.",
        "Which service would you like{when}? For example, {a_first_service}.",
        "Just the name of the service, please: we have {services}.",
    ),
    Expect.DAY: (
        "Sure, {a_service}. What day would you like to come in?",
        "Which day suits you? For example, Thursday, or tomorrow.",
        "Could you tell me just the day, like Friday or December 3rd?",
    ),
    Expect.TIME: (
        "What time on {day} would suit you?",
        "What time would you like on {day}? For example, 10 AM or 3:30 PM; or say "
        "morning or afternoon and I'll find a free time.",
        "Just the time, please, like 11 AM or half past two; or type it on your keypad, like "
        "3 3 0 for half past three, then press pound.",
    ),
    Expect.NAME: (
        "{slot} is free. What name should I put the booking under?",
        "Sorry, could you tell me your name? You can spell it if that's easier.",
        "Just your first and last name, please.",
    ),
    Expect.PHONE: (
        "What number should they call you back on?",
        "Could you say the number digit by digit, or type it on your keypad and press the "
        "pound key?",
        "Please type your number on the keypad, then press pound.",
    ),
    Expect.STAFF: (
        "Who is the message for? {staff}, or the front desk?",
        "Sorry, who should I pass the message to: {staff}, or the front desk?",
    ),
    Expect.MESSAGE_TEXT: (
        "What would you like me to tell {who}?",
        "Sorry, what message should I pass on to {who}?",
    ),
    Expect.CHOOSE_SLOT: (
        "Would one of those work?",
        "You can say 'the first one', 'the second one', or another time.",
    ),
    Expect.CONFIRM: (
        "Just to check: {slot}. Is that right?",
        "Sorry, is that {slot}? Please say yes or no.",
    ),
}
