"""A caller id can be spoofed: a booking found by the caller's number alone is not described,
cancelled, moved, reported or offered for finishing until the caller gives a second detail,
the name on it (near enough, as names are heard) or its day. Text-level calls on a real
SQLite store with the built-in calendar."""

from __future__ import annotations

from receptionist.app.config import Settings
from receptionist.store.db import Store
from tests.conftest_dialog import DialogCall, start_call

ASK_FOUND = "Before I go on, can I have the name on the booking, or the day it's for?"
WELCOME_BACK = (
    "Welcome back! You started a booking with us earlier. To finish it, can you tell me the "
    "name or the day it was for?"
)
OWNER = "5552223333"  # John Smith's number; a spoofer calls with it too


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
    said = await spoof.say("Yes, cancel my appointment on Friday.")
    assert said[0] == "I couldn't find a booking on Friday under that name."
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
