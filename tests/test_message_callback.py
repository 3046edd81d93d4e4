"""A call-back number given after the message was taken changes the stored message.

The agent takes a message with the caller id as its call-back number and says so; callers
often answer that with the number they want to be called on. That number must reach the
message staff read, and the caller is told so only from the changed record.
"""

from __future__ import annotations

from receptionist.app.config import Settings
from receptionist.store.db import Store
from tests.conftest_dialog import DialogCall, start_call

TOLD = "I've passed your message to Marco to call you back at 5 5 5, 0 0 0, 0 0 0 4."


async def _message_taken(salon: Settings, store: Store, call_id: str) -> DialogCall:
    call = start_call(salon, store, call_id, caller_id="5550000004")
    assert await call.say("I need to leave a message for Marco.") == [
        "What would you like me to tell Marco?"
    ]
    said = await call.say("Please call me back about my colour appointment.")
    assert said[0] == TOLD
    return call


async def test_a_number_said_after_the_message_becomes_its_call_back_number(
    salon: Settings, store_file: Store
) -> None:
    call = await _message_taken(salon, store_file, "cb1")
    said = await call.say("Five five five, one two three, four five six seven.")
    assert said[0] == (
        "I've changed the number on your message: Marco will call you back at "
        "5 5 5, 1 2 3, 4 5 6 7."
    )
    assert said[-1] == "Is there anything else I can help you with?"
    (message,) = store_file.rows("messages")
    assert (message["callback_number"], message["text"]) == (
        "5551234567",
        "Please call me back about my colour appointment.",
    )
    claims = [(c["kind"], c["record_id"]) for c in store_file.rows("claims")]
    assert claims == [("message", message["id"]), ("callback", message["id"])]


async def test_a_number_typed_after_the_message_becomes_its_call_back_number(
    salon: Settings, store_file: Store
) -> None:
    call = await _message_taken(salon, store_file, "cb2")
    for digit in "5551234567":
        assert await call.press(digit) == []
    said = await call.press("#")
    assert said[0].endswith("Marco will call you back at 5 5 5, 1 2 3, 4 5 6 7.")
    assert store_file.rows("messages")[0]["callback_number"] == "5551234567"


async def test_digits_that_cant_be_a_number_are_read_back_and_the_message_keeps_its_own(
    salon: Settings, store_file: Store
) -> None:
    call = await _message_taken(salon, store_file, "cb3")
    said = await call.say("It's five five five one two three four five six seven eight.")
    assert said == [
        "I heard 5 5 5, 1 2 3, 4 5 6, 7 8, which isn't a whole phone number.",
        "What number should they call you back on?",
    ]
    assert store_file.rows("messages")[0]["callback_number"] == "5550000004"
    said = await call.say("No, the first one is fine.")
    assert said == ["Is there anything else I can help you with?"]
    assert store_file.rows("messages")[0]["callback_number"] == "5550000004"
    assert [c["kind"] for c in store_file.rows("claims")] == ["message"]


async def test_a_number_given_for_a_new_booking_is_not_the_messages(
    salon: Settings, store_file: Store
) -> None:
    call = await _message_taken(salon, store_file, "cb4")
    await call.say("I'd also like to book a haircut on Thursday at 3 pm.")
    await call.say("John Smith, and my number is 555 987 6543.")
    assert store_file.rows("messages")[0]["callback_number"] == "5550000004"
