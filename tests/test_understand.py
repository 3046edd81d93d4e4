"""Understanding by rules (the optional model path: tests/test_model_understanding.py)."""

from __future__ import annotations

from datetime import date, time

from receptionist.app.config import Settings
from receptionist.dialog.understand import understand
from tests.conftest_dialog import TODAY


def test_rules_read_a_whole_booking_request(salon: Settings) -> None:
    u = understand("Hi, I'd like to book a haircut on Thursday at 3. My name is John Smith.",
                   salon.profile, TODAY)  # fmt: skip
    assert u.intents == ("book",)
    assert (u.service, u.day, u.time, u.name) == (
        "haircut",
        date(2026, 11, 26),
        time(15),
        "John Smith",
    )


def test_a_bare_answer_to_what_name_is_a_name_only_when_it_is_nothing_else(salon: Settings) -> None:
    assert understand("jane doe", salon.profile, TODAY, "name").name == "Jane Doe"
    change = understand("Actually, make it Friday.", salon.profile, TODAY, "name")
    assert change.name is None and change.day == date(2026, 11, 27) and change.correction
    assert understand("No, no, Thursday.", salon.profile, TODAY, "name").name is None


def test_a_service_misheard_by_one_sound_is_still_found(salon: Settings) -> None:
    assert understand("Can I get a beer trim on Sunday?", salon.profile, TODAY).service == (
        "beard trim"
    )
    for text in ("No, that's all, thanks.", "I need help with my hair salon bill", "John Smith"):
        assert understand(text, salon.profile, TODAY).service is None, text


def test_who_a_message_is_for_is_not_the_callers_name(salon: Settings) -> None:
    u = understand("I'd like to leave a message for Markle.", salon.profile, TODAY)
    assert u.name is None and "message" in u.intents
    assert understand("A booking for John Smith", salon.profile, TODAY).name == "John Smith"
