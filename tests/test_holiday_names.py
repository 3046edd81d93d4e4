"""Public holidays named by the caller, as the dates they fall on in the business's country
(python-holidays), and what the agent says when asked whether it's open on one: the usual
hours that weekday and the truth that holiday hours aren't known here. Before, "Are you open
on Christmas Eve?" got every day's hours, and "the day after Thanksgiving" was no day."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from receptionist.app.config import load_settings
from receptionist.dialog import replies
from receptionist.dialog.actions import CheckSlot, Say
from receptionist.dialog.conversation import Conversation
from receptionist.dialog.events import CallerSaid
from receptionist.dialog.frame import Expect
from receptionist.dialog.holiday_names import find_holiday
from receptionist.dialog.understand import understand

PROFILE = load_settings().profile
TODAY = date(2026, 11, 24)  # a Tuesday
MORNING = datetime(2026, 11, 24, 8, 0)


@pytest.mark.parametrize(
    ("said", "region", "day"),
    [
        ("are you open on christmas eve?", "US", date(2026, 12, 24)),
        ("christmas day", "US", date(2026, 12, 25)),
        ("new year's eve", "US", date(2026, 12, 31)),
        ("new years day", "US", date(2027, 1, 1)),
        ("thanksgiving", "US", date(2026, 11, 26)),
        ("the day after thanksgiving", "US", date(2026, 11, 27)),
        ("easter", "US", date(2027, 3, 28)),
        ("boxing day", "GB", date(2026, 12, 26)),
        ("boxing day", "US", date(2026, 12, 26)),  # no holiday there, but always the 26th
        ("canada day", "CA", date(2027, 7, 1)),
    ],
)
def test_a_holiday_is_the_date_it_falls_on_next(said: str, region: str, day: date) -> None:
    found = find_holiday(said, TODAY, region)
    assert found is not None and found[1] == day, found


@pytest.mark.parametrize(
    ("said", "region"),
    [("thanksgiving", "GB"), ("a happy day", "US"), ("may I", "GB")],
)
def test_no_holiday_where_none_is_named_or_kept(said: str, region: str) -> None:
    assert find_holiday(said, TODAY, region) is None


def test_open_on_a_holiday_is_its_usual_hours_and_the_truth_about_holiday_hours() -> None:
    c = Conversation(PROFILE, caller_id="5551234567", today=TODAY, now=lambda: MORNING)
    c.start()
    out = c.receive(CallerSaid("Hi, quick question, are you open on Christmas Eve?"))
    assert [a.text for a in out if isinstance(a, Say)] == [
        "Christmas Eve is Thursday December 24, and on Thursdays we're usually open from "
        "9 AM to 6 PM.",
        replies.HOLIDAY_HOURS_UNKNOWN,
    ]
    assert c.expecting == Expect.OFFER_HELP


def test_holiday_hours_in_general_are_a_question_we_cannot_answer() -> None:
    u = understand("What are your holiday hours?", PROFILE, TODAY)
    assert not u.asks_hours and u.asks_other == "holiday hours"


def test_a_booking_on_a_holiday_is_on_its_date() -> None:
    c = Conversation(PROFILE, caller_id="5551234567", today=TODAY, now=lambda: MORNING)
    c.start()
    out = c.receive(CallerSaid("Can I book a haircut the day after Thanksgiving at 11?"))
    assert out[-1] == CheckSlot("haircut", datetime(2026, 11, 27, 11), "5551234567")
