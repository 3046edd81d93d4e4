"""Callers' words from session 27's lists of text calls that no scenario wrote: each was
wrong before (a wrong time booked, a booking held taken for a new one, ...).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from receptionist.dialog.actions import CheckSlot, FindBookings, FindSlots
from receptionist.dialog.events import CallerSaid, SlotsFound
from receptionist.dialog.frame import Task
from tests.test_conversation import new


def test_the_hour_on_the_dot_is_asked_for_not_the_offered_time_in_that_hour() -> None:
    """To "3:30 PM or 4:30 PM", "the four o'clock" is 4:00 (it booked 4:30)."""
    c = new()
    c.receive(CallerSaid("I need a kids cut on Thursday after 3:30"))
    offered = [datetime(2026, 11, 26, 15, 30), datetime(2026, 11, 26, 16, 30)]
    c.receive(SlotsFound(offered))
    out = c.receive(CallerSaid("Sure, the four o'clock"))
    assert CheckSlot("kids cut", datetime(2026, 11, 26, 16, 0), "5551234567") in out


@pytest.mark.parametrize(
    "turn",
    [
        "I have something with you Friday, can you tell me what time it is again?",
        "Hi there, I booked online for Friday but I never got a confirmation",
        "I've got a slot on Friday, is it still on?",
    ],
)
def test_a_booking_held_asked_about_is_looked_up_not_booked_again(turn: str) -> None:
    c = new()
    out = c.receive(CallerSaid(turn))
    assert c.frame.task == Task.STATUS, turn
    assert isinstance(out[-1], FindBookings) and not any(isinstance(a, FindSlots) for a in out)
