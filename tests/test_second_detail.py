"""A caller id can be spoofed: a booking found by the caller's number alone is not described,
cancelled, moved, reported or offered for finishing until the caller gives a second detail,
the name on it (near enough, as names are heard) or its day. Text-level calls on a real
SQLite store with the built-in calendar."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from receptionist.app.config import ConfigError, Settings, load_settings
from receptionist.dialog.frame import Outcome
from receptionist.store.db import Store
from tests.conftest_dialog import DialogCall, start_call

ASK_FOUND = "Before I go on, can I have the name on the booking, or the day it's for?"
WELCOME_BACK = (
    "Welcome back! You started a booking with us earlier. To finish it, can you tell me the "
    "name or the day it was for?"
)
OWNER = "5552223333"  # John Smith's number; a spoofer calls with it too
CANT_CONFIRM = (
    "I'm sorry, I can't confirm that booking from the details I have, so I can't go on with it "
    "over the phone. Let me get someone to help you."
)
REFUSED = (
    "I'm sorry, I can't look up or change a booking on this call. Would you like me to put you "
    "through to someone, or take a message?"
)
CAPPED = ("second detail not confirmed", "2 names or days that match no booking", "front desk")


async def _john_smiths_haircut(salon: Settings, store: Store) -> None:
    first = start_call(salon, store, "book-1", OWNER)
    said = await first.say("A haircut on Thursday at 3, my name is John Smith.")
    assert any(s.startswith("You're booked for a haircut on Thursday") for s in said)
    await first.hang_up()


def _revealed(call: DialogCall) -> list[str]:
    """What the agent said that tells anything of John Smith's booking."""
    return [s for s in call.said if any(w in s for w in ("haircut", "Thursday", "3 PM"))]


def _statuses(store: Store) -> list[str]:
    return [b["status"] for b in store.rows("bookings")]


async def test_a_cancel_by_number_alone_asks_a_second_detail_and_a_wrong_name_changes_nothing(
    salon: Settings, store_file: Store
) -> None:
    await _john_smiths_haircut(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-1", OWNER)
    said = await spoof.say("Hi, I need to cancel my appointment.")
    assert said == [ASK_FOUND]
    said = await spoof.say("Mary Jones")
    assert said[0] == "I couldn't find a booking under that name."
    assert _revealed(spoof) == []
    assert _statuses(store_file) == ["booked"]


async def test_the_name_heard_near_enough_lets_the_owner_cancel(
    salon: Settings, store_file: Store
) -> None:
    await _john_smiths_haircut(salon, store_file)
    owner = start_call(salon, store_file, "owner-1", OWNER)
    assert await owner.say("I need to cancel my appointment.") == [ASK_FOUND]
    said = await owner.say("It's under Jon Smyth.")
    assert said == ["I found your haircut on Thursday November 26 at 3 PM. Shall I cancel it?"]
    await owner.say("Yes please.")
    assert _statuses(store_file) == ["cancelled"]


async def test_the_day_is_a_second_detail(salon: Settings, store_file: Store) -> None:
    await _john_smiths_haircut(salon, store_file)
    owner = start_call(salon, store_file, "owner-2", OWNER)
    assert await owner.say("I want to move my appointment.") == [ASK_FOUND]
    said = await owner.say("Thursday.")
    assert said[0].startswith("I found your haircut on Thursday November 26 at 3 PM.")


async def test_a_status_by_number_alone_tells_nothing_before_the_name(
    salon: Settings, store_file: Store
) -> None:
    await _john_smiths_haircut(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-2", OWNER)
    assert await spoof.say("Did my booking go through?") == [ASK_FOUND]
    await spoof.say("Peter Parker")
    assert _revealed(spoof) == []
    owner = start_call(salon, store_file, "owner-3", OWNER)
    await owner.say("Did my booking go through?")
    said = await owner.say("John Smith")
    assert (
        said[0]
        == "You have a haircut booked on Thursday November 26 at 3 PM, under the name John Smith."
    )


async def _dropped_booking(salon: Settings, store: Store) -> None:
    first = start_call(salon, store, "drop-1", OWNER)
    await first.say("I'd like a haircut on Thursday, my name is John Smith.")
    await first.hang_up()


async def test_an_unfinished_booking_is_not_offered_to_a_spoofed_caller_id(
    salon: Settings, store_file: Store
) -> None:
    await _dropped_booking(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-3", OWNER)
    assert spoof.said[-1] == WELCOME_BACK
    said = await spoof.say("Mary Jones")
    assert said == [
        "I'm sorry, that doesn't match the booking started from this number. "
        "How can I help you today?"
    ]
    assert _revealed(spoof) == []
    assert store_file.rows("bookings") == []


async def test_an_unfinished_booking_is_finished_after_the_name_on_it(
    salon: Settings, store_file: Store
) -> None:
    await _dropped_booking(salon, store_file)
    owner = start_call(salon, store_file, "owner-4", OWNER)
    said = await owner.say("Yes, it's John Smith.")
    assert said[0] == "Thanks. Let's finish booking your haircut on Thursday."
    said = await owner.say("3 PM please")
    assert any(s.startswith("You're booked for a haircut on Thursday") for s in said)
    assert [(b["name"], b["status"]) for b in store_file.rows("bookings")] == [
        ("John Smith", "booked")
    ]


# -- the cap on wrong answers: a caller can't guess for ever ----------------------------------


def _escalations(store: Store) -> list[tuple[str, str, str]]:
    return [(e["rule"], e["words"], e["target"]) for e in store.rows("escalations")]


async def test_a_second_wrong_name_sends_the_caller_to_a_person_and_reveals_nothing(
    salon: Settings, store_file: Store
) -> None:
    await _john_smiths_haircut(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-4", OWNER)
    assert await spoof.say("Hi, I need to cancel my appointment.") == [ASK_FOUND]
    said = await spoof.say("Mary Jones")
    assert said[0] == "I couldn't find a booking under that name."
    assert _escalations(store_file) == []
    said = await spoof.say("Sorry, cancel it please, it's under Peter Parker.")
    assert said[0] == CANT_CONFIRM
    assert _escalations(store_file) == [CAPPED]
    ((extension, summary),) = spoof.transfers
    assert extension == "200"
    assert "about cancelling a booking; second detail not confirmed" in summary
    assert _revealed(spoof) == [] and "haircut" not in summary
    assert _statuses(store_file) == ["booked"]
    assert spoof.conversation.outcome == Outcome.TRANSFERRED
    assert spoof.conversation.reason == "to front desk (200): second detail not confirmed"


async def test_after_the_limit_even_the_right_name_finds_nothing(
    salon: Settings, store_file: Store
) -> None:
    """Nobody answers the transfer: a message is offered, and the third guess (the right
    one, here) is not looked up: a cap that gave way to the next guess would be none."""
    await _john_smiths_haircut(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-5", OWNER, transfer_outcome="no_answer")
    await spoof.say("I want to move my appointment.")
    await spoof.say("Mary Jones")
    said = await spoof.say("Move my appointment, the name is Peter Parker.")
    assert said[0] == CANT_CONFIRM
    assert said[-1].startswith("I'm sorry, the front desk isn't available right now.")
    said = await spoof.say("Please ask them to call me back.")  # the message
    assert said[0].startswith("I've passed your message to the front desk")
    said = await spoof.say("Move my appointment please, the name is John Smith.")
    assert said == [REFUSED]
    said = await spoof.say("No, carry on. Cancel it, the name's John Smith.")
    assert said == [REFUSED]
    assert _revealed(spoof) == []
    assert _statuses(store_file) == ["booked"]
    assert _escalations(store_file) == [CAPPED]  # one escalation, however often it is asked


async def test_guessing_the_day_one_by_one_is_capped(salon: Settings, store_file: Store) -> None:
    """The day is a second detail with few values: before the cap, a spoofer could ask day
    after day until the booking was read out."""
    await _john_smiths_haircut(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-6", OWNER, transfer_outcome="no_answer")
    said = await spoof.say("Can I cancel my appointment on Wednesday?")
    assert said == [
        "I couldn't find a booking on Wednesday under this number. What name is the booking under?"
    ]
    said = await spoof.say("Cancel my appointment on Friday then.")
    assert said[0] == CANT_CONFIRM
    await spoof.say("Please call me back.")  # the message, as nobody answered
    said = await spoof.say("Oh wait, I want to cancel my appointment on Thursday.")
    assert said == [REFUSED]
    assert _revealed(spoof) == []
    assert _statuses(store_file) == ["booked"]
    assert _escalations(store_file) == [
        ("second detail not confirmed", "2 names or days that match no booking", "front desk")
    ]


async def test_a_status_check_is_capped_too(salon: Settings, store_file: Store) -> None:
    await _john_smiths_haircut(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-7", OWNER)
    assert await spoof.say("Did my booking go through?") == [ASK_FOUND]
    said = await spoof.say("Peter Parker")
    assert said[0] == "I'm sorry, I couldn't find a booking under that name or number."
    said = await spoof.say("Can you check my booking? It's Mary Jones.")
    assert said[0] == CANT_CONFIRM
    assert _revealed(spoof) == []
    assert _escalations(store_file) == [CAPPED]


async def test_one_wrong_answer_still_lets_the_owner_through(
    salon: Settings, store_file: Store
) -> None:
    await _john_smiths_haircut(salon, store_file)
    owner = start_call(salon, store_file, "owner-5", OWNER)
    assert await owner.say("I need to cancel my appointment.") == [ASK_FOUND]
    said = await owner.say("Jane Smith")  # his wife booked it? No: he did
    assert said[0] == "I couldn't find a booking under that name."
    said = await owner.say("Sorry, cancel my appointment, it's under John Smith.")
    assert said == ["I found your haircut on Thursday November 26 at 3 PM. Shall I cancel it?"]
    await owner.say("Yes please.")
    assert _statuses(store_file) == ["cancelled"]
    assert _escalations(store_file) == []


async def test_a_wrong_answer_to_welcome_back_counts(salon: Settings, store_file: Store) -> None:
    await _dropped_booking(salon, store_file)
    spoof = start_call(salon, store_file, "spoof-8", OWNER)
    said = await spoof.say("Mary Jones")
    assert said[0].startswith("I'm sorry, that doesn't match the booking")
    said = await spoof.say("I want to cancel my appointment, it's under Peter Parker.")
    assert said[0] == CANT_CONFIRM
    assert _escalations(store_file) == [CAPPED]
    assert _revealed(spoof) == []


async def test_the_limit_is_the_profiles(salon: Settings, store_file: Store) -> None:
    await _john_smiths_haircut(salon, store_file)
    strict = dataclasses.replace(
        salon, profile=dataclasses.replace(salon.profile, second_detail_limit=1)
    )
    spoof = start_call(strict, store_file, "spoof-9", OWNER)
    await spoof.say("I need to cancel my appointment.")
    said = await spoof.say("Mary Jones")
    assert said[0] == CANT_CONFIRM
    assert _escalations(store_file) == [
        ("second detail not confirmed", "1 name or day that matches no booking", "front desk")
    ]


def test_a_limit_out_of_range_is_a_clear_config_error(tmp_path: Path) -> None:
    from tests.daemon_process import EXAMPLE

    bad = tmp_path / "bad.toml"
    bad.write_text(
        EXAMPLE.read_text().replace("second_detail_limit = 2", "second_detail_limit = 0", 1)
    )
    with pytest.raises(
        ConfigError, match=r"'business.second_detail_limit' = 0; it must be 1 to 10"
    ):
        load_settings(bad)
