"""Whole turns as Whisper writes real callers: hedges, fillers, punctuation in odd places,
several slots at once, words one sound off. Each row says every slot a user would check."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from receptionist.app.config import load_settings
from receptionist.dialog.understand import DayRange, TimeWindow, understand

PROFILE = load_settings().profile
TODAY = date(2026, 11, 24)  # a Tuesday
THU, FRI, SAT = date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)
NEXT_WEEK = DayRange(date(2026, 11, 30), date(2026, 12, 6))


@pytest.mark.parametrize(
    ("text", "expecting", "want"),
    [
        (
            "Hello, yes, I was wondering if I could book in for a haircut this Friday, ideally "
            "around two-ish?",
            None,
            {"intents": ("book",), "service": "haircut", "day": FRI, "time": time(14)},
        ),
        (
            "Hey there! Could I get an appointment with Sarah for a color on the 3rd of "
            "December at 11?",
            None,
            {"intents": ("book",), "service": "colour", "staff": "Sarah",
             "day": date(2026, 12, 3), "time": time(11)},
        ),
        (
            "Hi. I'd like to make an appointment. For a haircut. Thursday. 3 o'clock.",
            None,
            {"intents": ("book",), "service": "haircut", "day": THU, "time": time(15)},
        ),
        (
            "Yeah, hi, uh, I need to get my beard trimmed sometime tomorrow afternoon.",
            None,
            {"intents": ("book",), "service": "beard trim", "day": date(2026, 11, 25),
             "window": TimeWindow(time(12), time(17))},
        ),
        (
            "Do you have any availability next Tuesday around 10 in the morning?",
            None,
            {"intents": ("book",), "day": date(2026, 12, 1), "time": time(10)},
        ),
        (
            "Is it possible to get a cut and colour on Saturday morning?",
            None,
            {"intents": ("book",), "services": ("haircut", "colour"), "day": SAT,
             "window": TimeWindow(end=time(12))},
        ),
        (
            "I'd love to come in for highlights at some point next week",
            None,
            {"intents": ("book",), "service": "colour", "day": None, "days": NEXT_WEEK},
        ),
        (
            "Thursday at 3 p.m., and my name's Maria Lopez, that's L-O-P-E-Z.",
            None,
            {"day": THU, "time": time(15), "name": "Maria Lopez"},
        ),
        (
            "Hi. Um, yeah, I wanted to see if I could get a haircut with Marco, maybe Thursday "
            "at 3 p.m.? My name's Maria Lopez, 555-867-5309.",
            None,
            {"intents": ("book",), "service": "haircut", "staff": "Marco", "day": THU,
             "time": time(15), "name": "Maria Lopez", "phone": "5558675309"},
        ),
        (
            "It's Ann Lee, I'm booked for Thursday at 3 and I can't come anymore.",
            None,
            {"intents": ("cancel",), "name": "Ann Lee", "day": THU, "people": None},
        ),
        (
            "I was booked for 3 tomorrow but I need to push it to next week",
            None,
            {"intents": ("move",), "day": None, "days": NEXT_WEEK},
        ),
        (
            "I booked earlier today, just want to make sure it went through.",
            None,
            {"intents": ("status",)},
        ),
        (
            "Can you tell Marco that his 3 o'clock is running late?",
            None,
            {"intents": ("message",), "staff": "Marco", "name": None},
        ),
        (
            "Could you book me in with the owner for a colour, the earliest you have?",
            None,
            {"intents": ("book",), "staff": "Sarah", "service": "colour",
             "window": TimeWindow(earliest=True)},
        ),
        (
            "Can I get a haircut for my husband, his name is David",
            None,
            {"intents": ("book",), "service": "haircut", "name": None,
             "extra": {"other_name": "David"}},
        ),
        (
            "Can I bring my son in for a kids cut on Saturday at 11?",
            None,
            {"intents": ("book",), "service": "kids cut", "day": SAT, "time": time(11)},
        ),
        (
            "A haircut for me and a beard trim for my husband on Friday after 4",
            None,
            {"services": ("haircut", "beard trim"), "people": 2, "day": FRI,
             "window": TimeWindow(start=time(16))},
        ),
        (
            "Okay, um, the 2:30 then.",
            "choose_slot",
            {"time": time(14, 30), "choice": None},
        ),
        (
            "Yes, that's all correct, thank you.",
            "confirm",
            {"yes": True, "no": False},
        ),
        (
            "No, the time's wrong, it should be 4.",
            "confirm",
            {"no": True, "time": time(16), "correction": True},
        ),
        (
            "Thirsday at free.",
            None,
            {"day": THU, "time": time(15), "confident": False,
             "unsure_slots": ("day", "time")},
        ),
        (
            "Can I get a beer trim on Friday?",
            None,
            {"service": "beard trim", "day": FRI, "confident": False,
             "unsure_slots": ("service",)},
        ),
        (
            "How long does a colour take and how much is it?",
            None,
            {"intents": ("question",), "service": "colour", "asks_duration": True,
             "asks_price": True},
        ),
        (
            "Do you have any deals for students?",
            None,
            {"intents": ("question",), "unknown_service": None, "asks_other": "deals students"},
        ),
    ],
)  # fmt: skip
def test_a_whole_turn(text: str, expecting: str | None, want: dict[str, Any]) -> None:
    u = understand(text, PROFILE, TODAY, expecting)
    got = {key: getattr(u, key) for key in want}
    assert got == want, text


@pytest.mark.parametrize(
    ("text", "expecting", "choice"),
    [
        ("Either is fine.", "choose_slot", 0),
        ("Whichever, it doesn't matter", "choose_slot", 0),
        ("I don't mind", "choose_slot", 0),
    ],
)
def test_no_preference_among_offered_slots_takes_the_first(
    text: str, expecting: str, choice: int
) -> None:
    assert understand(text, PROFILE, TODAY, expecting).choice == choice


@pytest.mark.parametrize(
    "text",
    [
        "Are you guys a person or an answering service?",
        "who am I speaking with?",
        "Who is this?",
        "Hi, is this a real person or a recording?",
    ],
)
def test_who_or_what_the_agent_is(text: str) -> None:
    u = understand(text, PROFILE, TODAY)
    assert "robot" in u.intents and "person" not in u.intents, text
    assert u.asks_other is None


def test_understanding_is_fast_enough_for_every_speculative_transcript() -> None:
    """Pure CPU work: well under the 5 ms a turn may take, even on a loaded 2-core box."""
    import time as clock

    text = ("um, I was kind of hoping maybe to get a, uh, haircut sometime Thursday afternoon "
            "if that's possible, my name's Maria Lopez, 555-867-5309")  # fmt: skip
    understand(text, PROFILE, TODAY)
    best = min(_timed(clock.process_time, text + f" {i}") for i in range(20))
    assert best < 0.005


def _timed(now: Any, text: str) -> float:
    start = now()
    understand(text, PROFILE, TODAY)
    return float(now() - start)
