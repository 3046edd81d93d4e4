"""The agent's own sentences that are not claims: prompts, re-asks, answers from the profile.

Re-asks come in variants, narrower each time and with an example, so the same question is
never asked twice in a row in the same words. Fixed sentences are cached as audio at start-up.
"""

from __future__ import annotations

from receptionist.dialog.frame import Expect
from receptionist.domain.profile import BusinessProfile

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
NOT_UNDERSTOOD_AGAIN = (
    "Sorry, I still didn't catch that. You could say, for example, 'a haircut on Friday "
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
DONT_KNOW_EITHER = (
    "For the rest, I'm afraid I don't have that information, but I can take a message for the "
    "team, or put you through to someone who can help. Which would you prefer?"
)

FIXED = (
    FILLER_BOOKING, ONE_MOMENT, ANYTHING_ELSE, GOODBYE, STILL_THERE, SILENT_GOODBYE,
    NOT_UNDERSTOOD, NOT_UNDERSTOOD_AGAIN, OFFER_PERSON_OR_MESSAGE, DONT_KNOW, DONT_KNOW_EITHER,
)  # fmt: skip


def services_list(profile: BusinessProfile) -> str:
    names = [s.name for s in profile.services]
    if len(names) == 1:
        return f"a {names[0]}"
    return ", ".join(f"a {n}" for n in names[:-1]) + f" or a {names[-1]}"


def robot_answer(profile: BusinessProfile) -> str:
    return (
        f"Yes, I'm an automated assistant for {profile.name}. I can book, move or cancel "
        "appointments, answer questions about prices and hours, and take messages. "
        "Would you like me to put you through to a person instead?"
    )


def ask(expect: Expect, attempt: int, profile: BusinessProfile, **words: str) -> str:
    """The question for a detail; ``attempt`` 0 is the first time it is asked."""
    variants = _VARIANTS[expect]
    text = variants[min(attempt, len(variants) - 1)]
    first = profile.services[0].name if profile.services else "appointment"
    return text.format(services=services_list(profile), first_service=first, **words)


_VARIANTS: dict[Expect, tuple[str, ...]] = {
    Expect.SERVICE: (
        "Sure. What would you like to book? We offer {services}.",
        "Which service would you like? For example, a {first_service}.",
        "Just the name of the service, please: we have {services}.",
    ),
    Expect.DAY: (
        "Sure, a {service}. What day would you like to come in?",
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
