"""A caller who holds several bookings: which one ("the colour", "the first one", "the
Saturday one"), all of them ("cancel both"), and a closed day for a move. Through the real
conversation, effects and the built-in calendar on a real SQLite file.

Before, "The colour" asked which booking began a new colour booking and dropped the
cancellation; "cancel all my appointments" asked "which day?" for ever; "Sunday" for a move
was asked what time on Sunday; "What appointments do I have?" was "I don't have that
information".
"""

from __future__ import annotations

import pytest

from receptionist.app.config import Settings
from receptionist.store.db import Store
from tests.conftest_dialog import DialogCall, start_call

CALLER = "5550000077"


async def _with_two_bookings(salon: Settings, store: Store) -> DialogCall:
    """Jane Miller's haircut on Friday at 10 and colour on Saturday at 11, booked earlier."""
    first = start_call(salon, store, "earlier", caller_id=CALLER)
    await first.say("I'd like a haircut on Friday at 10, my name is Jane Miller.")
    await first.say("And a colour on Saturday at 11.")
    await first.hang_up()
    assert _held(store) == [("haircut", "2026-11-27T10:00"), ("colour", "2026-11-28T11:00")]
    return start_call(salon, store, "now", caller_id=CALLER)


def _held(store: Store) -> list[tuple[str, str]]:
    rows = [b for b in store.rows("bookings") if b["status"] == "booked"]
    return [(b["service"], b["start"]) for b in sorted(rows, key=lambda b: b["start"])]


@pytest.mark.parametrize(
    ("which", "kept"),
    [
        ("The colour.", ("haircut", "2026-11-27T10:00")),
        ("The first one.", ("colour", "2026-11-28T11:00")),
        ("Saturday's one.", ("haircut", "2026-11-27T10:00")),
    ],
)
async def test_which_of_the_bookings_is_cancelled(
    salon: Settings, store_file: Store, which: str, kept: tuple[str, str]
) -> None:
    call = await _with_two_bookings(salon, store_file)
    await call.say("I need to cancel my appointment.")
    said = await call.say("Jane Miller.")
    assert said[-1] == "I see bookings on Friday and Saturday. Which day is the one you mean?"
    said = await call.say(which)
    assert said[-1].endswith("Shall I cancel it?")
    await call.say("Yes.")
    assert _held(store_file) == [kept]
    assert not any(b["service"] == "colour" and b["status"] == "booked" and b["start"] !=
                   "2026-11-28T11:00" for b in store_file.rows("bookings"))  # fmt: skip


async def test_cancel_all_reads_them_back_and_cancels_each(
    salon: Settings, store_file: Store
) -> None:
    call = await _with_two_bookings(salon, store_file)
    await call.say("Cancel all my appointments please.")
    said = await call.say("Jane Miller.")
    assert said[-1] == (
        "I found your haircut on Friday November 27 at 10 AM and your colour on Saturday "
        "November 28 at 11 AM. Shall I cancel both?"
    )
    said = await call.say("Yes.")
    assert _held(store_file) == []
    assert "Your haircut on Friday November 27 at 10 AM is cancelled." in said
    assert "Your colour on Saturday November 28 at 11 AM is cancelled." in said


async def test_a_closed_day_for_a_move_is_said_closed(salon: Settings, store_file: Store) -> None:
    call = await _with_two_bookings(salon, store_file)
    await call.say("Can I move my Saturday appointment?")
    said = await call.say("Sunday.")
    assert said == ["I'm sorry, we're closed on Sundays. Which other day would suit you?"]
    await call.say("Tuesday then, at 2.")
    assert _held(store_file) == [("colour", "2026-11-24T14:00"), ("haircut", "2026-11-27T10:00")]


async def test_what_appointments_do_i_have_tells_them(salon: Settings, store_file: Store) -> None:
    call = await _with_two_bookings(salon, store_file)
    await call.say("What appointments do I have?")
    said = await call.say("Jane Miller.")
    assert said[:2] == [
        "You have a haircut booked on Friday November 27 at 10 AM, under the name Jane Miller.",
        "You have a colour booked on Saturday November 28 at 11 AM, under the name Jane Miller.",
    ]
