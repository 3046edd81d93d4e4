"""Conversation flows with side effects, at the text level against a real store file."""

from __future__ import annotations

from datetime import datetime

from receptionist.app.config import Settings
from receptionist.store.db import Store, now_iso
from receptionist.tools.followup import outbox_worker
from receptionist.tools.reconcile import reconcile
from receptionist.tools.scripted_backend import ScriptedBackend
from tests.conftest_dialog import start_call


async def test_who_is_it_for_answered_with_the_message_goes_to_the_front_desk(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "f1", caller_id="5553334444")
    said = await call.say("I'd like to leave a message please")
    assert said == ["Who is the message for? Sarah or Marco, or the front desk?"]
    said = await call.say("Please call me about moving my colour appointment.")
    (message,) = store_file.rows("messages")
    assert (message["for_staff"], message["text"]) == (
        "front desk",
        "Please call me about moving my colour appointment.",
    )
    assert (
        said[0]
        == "I've passed your message to the front desk to call you back at 5 5 5, 3 3 3, 4 4 4 4."
    )
    assert store_file.rows("bookings") == []


async def test_a_cancellation_that_times_out_is_retried_and_confirmed(
    salon: Settings, store_file: Store
) -> None:
    backend = ScriptedBackend(["timeout"], hang_s=2.0)
    start = datetime(2026, 11, 26, 15, 0)
    ref = backend.add("bk-old", start, datetime(2026, 11, 26, 15, 30), "haircut", "Jo Park")
    store_file.insert_once("bookings", {
        "key": "bk-old", "call_id": "earlier", "service": "haircut", "start": "2026-11-26T15:00",
        "end": "2026-11-26T15:30", "name": "Jo Park", "phone": "5551234567", "status": "booked",
        "backend": backend.name, "backend_ref": ref, "created_at": now_iso(),
        "updated_at": now_iso(),
    })  # fmt: skip
    call = start_call(salon, store_file, "f2", backend=backend, deadline_s=0.2)
    await call.say("I need to cancel my appointment on Thursday")
    said = await call.say("Yes")
    assert any(s.startswith("I've taken your request to cancel your haircut") for s in said)
    assert not any("is cancelled" in s for s in said)
    assert store_file.rows("bookings")[0]["status"] == "booked"  # not yet: the backend hasn't said
    worker = outbox_worker(store_file, backend)
    run = await worker.run_once()
    worker.close()
    assert run.committed == ["cx-bk-old"]
    assert store_file.rows("bookings")[0]["status"] == "cancelled"
    assert backend.bookings["bk-old"].status == "cancelled"
    (confirmation,) = store_file.rows("confirmations")
    assert confirmation["text"] == "Your haircut on Thursday November 26 at 3 PM is cancelled."
    assert [c["kind"] for c in store_file.rows("claims")] == ["cancel_pending", "cancelled"]


async def test_the_last_retry_escalates_to_the_front_desk_and_never_claims(
    salon: Settings, store_file: Store
) -> None:
    backend = ScriptedBackend(["500", "500"])
    call = start_call(salon, store_file, "f3", backend=backend)
    await call.say("A colour on Friday at 10, my name is Kim Lee.")
    worker = outbox_worker(store_file, backend, max_attempts=1)
    run = await worker.run_once()
    worker.close()
    assert len(run.escalated) == 1
    (booking,) = store_file.rows("bookings")
    assert booking["status"] == "escalated"
    (message,) = store_file.rows("messages")
    assert message["for_staff"] == "front desk" and "Kim Lee" in message["text"]
    assert "Please book it by hand" in message["text"]
    assert [c["kind"] for c in store_file.rows("claims")] == ["pending"]
    assert store_file.rows("confirmations") == [] and backend.commits == {}


async def test_cancelling_a_request_still_in_the_outbox_stops_its_retries(
    salon: Settings, store_file: Store
) -> None:
    backend = ScriptedBackend(["500"])
    first = start_call(salon, store_file, "f4", backend=backend)
    await first.say("A haircut on Thursday at 3, my name is John Smith.")
    await first.hang_up()
    again = start_call(salon, store_file, "f5", backend=backend)
    await again.say("Actually I need to cancel my appointment on Thursday")
    said = await again.say("Yes")
    assert "Your haircut on Thursday November 26 at 3 PM is cancelled." in said
    worker = outbox_worker(store_file, backend)
    run = await worker.run_once()
    worker.close()
    assert run.committed == [] and backend.commits == {}  # never booked after all
    assert store_file.rows("bookings")[0]["status"] == "cancelled"
    assert (await reconcile(store_file, backend)).mismatches == []


async def test_cancelling_a_pending_request_that_had_committed_cancels_it_in_the_backend(
    salon: Settings, store_file: Store
) -> None:
    backend = ScriptedBackend(["lose_response"])  # committed, but the answer was lost
    first = start_call(salon, store_file, "f6", backend=backend)
    said = await first.say("A haircut on Thursday at 3, my name is John Smith.")
    assert any("a confirmation as soon as it goes through" in s for s in said)
    await first.hang_up()
    again = start_call(salon, store_file, "f7", backend=backend)
    await again.say("I need to cancel my appointment on Thursday")
    said = await again.say("Yes please")
    assert "Your haircut on Thursday November 26 at 3 PM is cancelled." in said
    (key,) = backend.bookings
    assert backend.bookings[key].status == "cancelled" and backend.commits[key] == 1
    assert store_file.rows("bookings")[0]["status"] == "cancelled"
    assert store_file.rows("outbox", "status = 'pending'") == []
    assert (await reconcile(store_file, backend)).mismatches == []


async def test_a_message_said_as_the_caller_hangs_up_is_passed_on(
    salon: Settings, store_file: Store
) -> None:
    """ "... call me back about it, thanks, bye", and the click before the turn could end:
    the words still reach the message, said to nobody."""
    call = start_call(salon, store_file, "f6", caller_id="5553334444")
    await call.say("Can I leave a message for Sarah?")
    assert call.conversation.expecting is not None
    assert call.conversation.expecting.value == "message_text"
    said = len(call.said)
    await call.hang_up("Tell her my colour is booked twice, call me back please, bye.")
    (message,) = store_file.rows("messages")
    assert (message["for_staff"], message["text"]) == (
        "Sarah",
        "Tell her my colour is booked twice, call me back please, bye.",
    )
    assert message["callback_number"] == "5553334444"
    assert call.said[said:] == []  # nobody to tell: no claim said
    (row,) = store_file.rows("calls")
    assert row["outcome"] == "message"


async def test_who_is_it_for_answered_with_the_message_as_the_caller_hangs_up(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "f7", caller_id="5553334444")
    await call.say("I'd like to leave a message please")
    await call.hang_up("My card was charged twice for Tuesday.")
    (message,) = store_file.rows("messages")
    assert (message["for_staff"], message["text"]) == (
        "front desk",
        "My card was charged twice for Tuesday.",
    )


async def test_a_yes_said_as_the_caller_hangs_up_books_nothing(
    salon: Settings, store_file: Store
) -> None:
    """Last words are kept in the record, never acted on where acting needs the caller to hear
    the result: a booking nobody is told about is not made."""
    call = start_call(salon, store_file, "f8")
    # Heard with low confidence: the agent reads it back before booking.
    said = await call.say("A haircut on Thursday at three please, my name is Jo Park", 0.3)
    assert any("Is that right?" in s for s in said), said
    await call.hang_up("Yes that's right.")
    assert store_file.rows("bookings") == []
    assert store_file.rows("messages") == []
    (row,) = store_file.rows("calls")
    assert row["outcome"] == "caller_hung_up"
