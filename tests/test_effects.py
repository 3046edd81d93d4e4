"""The effects runner against a real SQLite file and the built-in calendar: each request the
conversation can make, what it leaves in the store, and the claim it returns."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from receptionist.app.config import Settings
from receptionist.dialog.actions import (
    AddToMessage,
    Book,
    Cancel,
    CheckSlot,
    Connect,
    FindBookings,
    FindSlots,
    Move,
    RecordEscalation,
    Report,
    SaveUnfinished,
    TakeMessage,
    Transfer,
)
from receptionist.dialog.events import (
    BookingDone,
    BookingsFound,
    CancelDone,
    MessageTaken,
    MoveDone,
    Reported,
    SlotChecked,
    SlotsFound,
    TransferDone,
    TransferRequested,
)
from receptionist.dialog.understand import TimeWindow
from receptionist.effects import Effects
from receptionist.store.db import Store
from receptionist.tools.booking import BookingService, booking_key
from receptionist.tools.calendar import BuiltinCalendar
from receptionist.tools.reconcile import reconcile

THURSDAY_3PM = datetime(2026, 11, 26, 15, 0)
EARLY = datetime(2026, 11, 24, 8, 0)


def effects(salon: Settings, store: Store, call_id: str = "e1") -> Effects:
    store.start_call(call_id, "5551234567", "100", "text")
    bookings = BookingService(store, BuiltinCalendar(store), salon.profile, deadline_s=0.5)
    return Effects(store, bookings, call_id, now=lambda: EARLY)


async def book(
    fx: Effects, start: datetime = THURSDAY_3PM, name: str = "John Smith"
) -> BookingDone:
    done = await fx.run(Book("haircut", start, name, "5551234567"))
    assert isinstance(done, BookingDone)
    return done


async def test_a_booking_is_committed_once_and_its_claim_tied_to_the_row(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    first = await book(fx)
    again = await book(fx)  # the same request after a barge-in
    assert first.status == again.status == "booked"
    (row,) = store_file.rows("bookings")
    assert first.booking is not None and first.booking.id == row["id"]
    claims = store_file.rows("claims")
    assert [c["kind"] for c in claims] == ["booked", "booked"]
    assert claims[0]["record_id"] == row["id"] and claims[0]["sentence"] == first.claim
    report = await reconcile(store_file, fx.bookings.backend)
    assert report.mismatches == [] and report.unverified == []


async def test_the_callers_own_booking_of_a_slot_is_said_to_be_theirs(
    salon: Settings, store_file: Store
) -> None:
    """It was "free" to the number that booked it, and booking it again returned the first
    booking: a second person was told "You're booked" under the first one's name."""
    fx = effects(salon, store_file)
    await book(fx)
    own = await fx.run(CheckSlot("haircut", THURSDAY_3PM, "5551234567"))
    assert isinstance(own, SlotChecked) and not own.free and own.held_by == "John Smith"
    assert own.alternatives and THURSDAY_3PM not in own.alternatives
    other = await fx.run(CheckSlot("haircut", THURSDAY_3PM, "5559990000"))
    assert isinstance(other, SlotChecked) and not other.free
    assert other.alternatives and THURSDAY_3PM not in other.alternatives


async def test_free_slots_in_a_window_are_spread_and_within_it(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    await book(fx, datetime(2026, 11, 25, 12, 0))
    window = TimeWindow(start=time(12, 0), end=time(17, 0))
    found = await fx.run(FindSlots("haircut", date(2026, 11, 25), date(2026, 11, 25), window))
    assert isinstance(found, SlotsFound) and len(found.slots) == 2
    first, second = found.slots
    assert time(12, 0) <= first.time() <= time(17, 0) and first != datetime(2026, 11, 25, 12, 0)
    assert (second - first).total_seconds() >= 3600
    latest = TimeWindow(latest=True)
    found = await fx.run(FindSlots("haircut", date(2026, 11, 28), date(2026, 11, 28), latest))
    assert isinstance(found, SlotsFound) and found.slots[-1] == datetime(2026, 11, 28, 13, 30)


async def test_bookings_are_found_by_name_when_the_number_is_different(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    await book(fx, name="Maria Lopez")
    by_name = await fx.run(FindBookings("5550000000", "maria lopez", None))
    assert isinstance(by_name, BookingsFound) and len(by_name.bookings) == 1
    by_number = await fx.run(FindBookings("5550000000", "", None))
    assert by_number == BookingsFound(())
    wrong_day = await fx.run(FindBookings("", "Maria Lopez", date(2026, 11, 27)))
    assert wrong_day == BookingsFound(())


async def test_a_move_books_the_new_time_before_giving_back_the_old(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    done = await book(fx)
    assert done.booking is not None
    moved = await fx.run(Move(done.booking.id, datetime(2026, 11, 27, 16, 0)))
    assert isinstance(moved, MoveDone) and moved.status == "moved"
    rows = {r["start"]: r["status"] for r in store_file.rows("bookings")}
    assert rows == {"2026-11-26T15:00": "cancelled", "2026-11-27T16:00": "booked"}
    assert [c["kind"] for c in store_file.rows("claims")] == ["booked", "cancelled", "booked"]
    assert "Friday November 27 at 4 PM" in moved.claims[-1]


async def test_a_staff_member_asked_for_is_on_the_booking_its_claim_and_its_move(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    done = await fx.run(Book("haircut", THURSDAY_3PM, "John Smith", "5551234567", "Marco"))
    assert isinstance(done, BookingDone) and done.status == "booked"
    (row,) = store_file.rows("bookings")
    assert row["asked_for"] == "Marco"
    assert done.claim.endswith("I've noted that you asked for Marco.")  # a wish, not a promise
    assert done.booking is not None
    await fx.run(Move(done.booking.id, datetime(2026, 11, 27, 16, 0)))
    moved = store_file.first("bookings", "status = ?", ["booked"])
    assert moved is not None and moved["asked_for"] == "Marco"
    plain = await book(fx, datetime(2026, 11, 27, 11, 0), "Ann Lee")
    assert "asked for" not in plain.claim
    told = await fx.run(Report(moved["id"]))  # "is my appointment with Marco?"
    assert isinstance(told, Reported) and told.claim.endswith("you asked for Marco.")


async def test_a_move_into_its_own_time_is_free_and_made_and_another_booking_still_blocks(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    done = await book(fx)  # Thursday 3 to 3:30
    assert done.booking is not None
    later = datetime(2026, 11, 26, 15, 15)  # "push it back fifteen minutes": overlaps itself
    taken = await fx.run(CheckSlot("haircut", later))  # for anyone else it is taken
    assert isinstance(taken, SlotChecked) and not taken.free
    assert await fx.run(CheckSlot("haircut", later, moving=done.booking.id)) == SlotChecked(True)
    moved = await fx.run(Move(done.booking.id, later))
    assert isinstance(moved, MoveDone) and moved.status == "moved", moved
    rows = {r["start"]: r["status"] for r in store_file.rows("bookings")}
    assert rows == {"2026-11-26T15:00": "cancelled", "2026-11-26T15:15": "booked"}
    # Someone else's booking still makes a time taken for a move.
    other = await book(fx, datetime(2026, 11, 26, 16, 0), "Ann Lee")
    assert other.booking is not None
    clash = await fx.run(CheckSlot("haircut", datetime(2026, 11, 26, 15, 45),
                                   moving=moved.booking.id if moved.booking else None))  # fmt: skip
    assert isinstance(clash, SlotChecked) and not clash.free


async def test_a_move_that_changes_the_service_books_the_new_one_at_the_same_time(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    done = await book(fx)  # a 30-minute haircut; a colour takes 90 and overlaps it
    assert done.booking is not None
    moved = await fx.run(Move(done.booking.id, THURSDAY_3PM, "colour"))
    assert isinstance(moved, MoveDone) and moved.status == "moved", moved
    rows = {(r["service"], r["start"], r["end"]): r["status"] for r in store_file.rows("bookings")}
    assert rows == {
        ("haircut", "2026-11-26T15:00", "2026-11-26T15:30"): "cancelled",
        ("colour", "2026-11-26T15:00", "2026-11-26T16:30"): "booked",
    }
    assert "colour on Thursday November 26 at 3 PM" in moved.claims[-1]
    report = await reconcile(store_file, fx.bookings.backend)
    assert report.mismatches == []


async def test_a_status_question_is_answered_from_the_record(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    done = await book(fx)
    assert done.booking is not None
    reported = await fx.run(Report(done.booking.id))
    assert isinstance(reported, Reported)
    assert reported.claim == (
        "You have a haircut booked on Thursday November 26 at 3 PM, under the name John Smith."
    )
    cancelled = await fx.run(Cancel(done.booking.id))
    assert isinstance(cancelled, CancelDone) and cancelled.status == "cancelled"
    reported = await fx.run(Report(done.booking.id))
    assert isinstance(reported, Reported) and "was cancelled" in reported.claim
    assert [c["kind"] for c in store_file.rows("claims")][-1] == "status"


async def test_a_message_taken_after_the_caller_left_is_stored_but_not_claimed(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    taken = await fx.run(TakeMessage("Marco", "", "", "Running late", tell=False))
    (message,) = store_file.rows("messages")
    assert taken == MessageTaken("", message["id"])
    assert message["text"] == "Running late"
    assert store_file.rows("claims") == []
    told = await fx.run(TakeMessage("Sarah", "", "", "Call me", tell=True))
    assert isinstance(told, MessageTaken)
    assert told.claim == (
        "I've passed your message to Sarah, though I don't have a number for them to call "
        "you back on."
    )


async def test_words_added_to_a_message_are_stored_with_it_and_claimed_from_it(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    taken = await fx.run(TakeMessage("Marco", "", "5551234567", "Can Marco call me back?"))
    assert isinstance(taken, MessageTaken) and taken.message_id is not None
    added = await fx.run(AddToMessage(taken.message_id, "It's Dave, about the invoice.", "Dave"))
    assert added == MessageTaken("I've added that to your message for Marco.", taken.message_id)
    (message,) = store_file.rows("messages")
    assert message["text"] == "Can Marco call me back? It's Dave, about the invoice."
    assert message["caller_name"] == "Dave"
    claims = store_file.rows("claims")
    assert [c["kind"] for c in claims] == ["message", "message"]
    assert claims[-1]["record_id"] == message["id"]


async def test_a_transfer_with_no_pbx_link_fails_honestly_and_is_recorded(
    salon: Settings, store_file: Store
) -> None:
    fx = effects(salon, store_file)
    requested = await fx.run(Transfer("front desk", "200", "pressed 0", "A caller.", True))
    assert isinstance(requested, TransferRequested)
    done = await fx.run(Connect(requested.transfer_id, "200", "A caller.", True))
    assert done == TransferDone("failed", "no PBX link on this call")
    (row,) = store_file.rows("transfers")
    assert (row["outcome"], row["detail"]) == ("failed", "no PBX link on this call")


async def test_records_carry_out_without_a_result(salon: Settings, store_file: Store) -> None:
    fx = effects(salon, store_file)
    assert await fx.run(RecordEscalation("legal", "lawyer", "Sarah")) is None
    assert await fx.run(SaveUnfinished({"intent": "book", "service": "haircut"})) is None
    assert [e["rule"] for e in store_file.rows("escalations")] == ["legal"]
    assert fx.resumable("5551234567") is None  # its own call is never offered back to it


async def test_the_callers_request_still_in_the_outbox_is_free_to_them(
    salon: Settings, store_file: Store
) -> None:
    """A request the backend has not confirmed yet (pending, in the outbox) is booked again
    by the same number as a retry of it: its slot is free to them, taken to others."""
    fx = effects(salon, store_file)
    end = THURSDAY_3PM + timedelta(minutes=30)
    store_file.insert_once("bookings", {
        "key": booking_key("5551234567", "haircut", THURSDAY_3PM), "call_id": "e0",
        "service": "haircut", "start": THURSDAY_3PM.isoformat(timespec="minutes"),
        "end": end.isoformat(timespec="minutes"), "name": "John Smith",
        "phone": "5551234567", "asked_for": "", "status": "pending", "backend": "builtin",
        "created_at": "2026-11-24T07:00:00", "updated_at": "2026-11-24T07:00:00",
    })  # fmt: skip
    own = await fx.run(CheckSlot("haircut", THURSDAY_3PM, "5551234567"))
    assert own == SlotChecked(True)
    other = await fx.run(CheckSlot("haircut", THURSDAY_3PM, "5559990000"))
    assert isinstance(other, SlotChecked) and not other.free and other.held_by == ""
