"""A caller who goes on over our goodbye is not hung up on.

A bare "No" to "anything else?" ends the call, and callers go on from it: "No, | actually,
one more thing". Words said over the goodbye that ask for more take the call back and are
answered; a farewell or thanks said over it ("Thanks, bye") ends the call as it was, and is
kept on the record. That is what lets a bare "No" end the turn as soon as any whole answer.
"""

from __future__ import annotations

from typing import Any

from receptionist.app.config import Settings
from receptionist.app.runtime import Runtime
from receptionist.dialog.frame import Expect, Outcome
from receptionist.harness.localcall import run_local_call
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.store.db import Store
from tests.conftest_dialog import DialogCall, start_call
from tests.conftest_media import speak

GOODBYE = "Thank you for calling. Goodbye!"


async def _at_goodbye(salon: Settings, store: Store) -> DialogCall:
    call = start_call(salon, store, "goodbye")
    await call.say("What are your opening hours?")
    assert await call.say("No.") == [GOODBYE]
    assert call.conversation.ended
    return call


async def test_words_that_ask_for_more_take_the_call_back(
    salon: Settings, store_file: Store
) -> None:
    call = await _at_goodbye(salon, store_file)
    conversation = call.conversation
    assert conversation.reopen("Actually, what time do you close on Saturday?")
    assert not conversation.ended and conversation.expecting == Expect.ANYTHING_ELSE
    replies = await call.say("Actually, what time do you close on Saturday?")
    assert "Saturday we're open from 9 AM to 2 PM" in replies[0], replies
    assert await call.say("No, that's all.") == [GOODBYE]


async def test_going_on_with_nothing_asked_yet_is_asked_what_else(
    salon: Settings, store_file: Store
) -> None:
    call = await _at_goodbye(salon, store_file)
    assert call.conversation.reopen("Wait, one more thing.")
    replies = await call.say("Wait, one more thing.")
    assert replies == ["Sure, what else can I help you with?"]


async def test_a_farewell_or_thanks_over_the_goodbye_leaves_the_call_ended(
    salon: Settings, store_file: Store
) -> None:
    call = await _at_goodbye(salon, store_file)
    conversation = call.conversation
    for said in ("Thanks, bye.", "You too.", "Okay.", "Bye bye.", "Thank you, have a good day."):
        assert not conversation.reopen(said), said
        assert conversation.ended


async def test_a_booking_finished_after_the_goodbye_is_not_offered_to_a_call_back(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "first")
    await call.say("I'd like to book a haircut.")
    assert (await call.say("No, that's all."))[-1] == GOODBYE
    saved = store_file.first("calls", "id = ?", ["first"])
    assert saved is not None and saved["state"], "the unfinished haircut is kept for a call-back"
    assert call.conversation.reopen("Actually, Thursday at 3 PM please.")
    await call.say("Actually, Thursday at 3 PM please.")
    replies = await call.say("John Smith.")
    assert any("booked" in reply for reply in replies), replies
    assert (await call.say("No, that's all."))[-1] == GOODBYE
    assert len(store_file.rows("bookings")) == 1
    # Calling back, they are not asked to finish the booking they made.
    again = start_call(salon, store_file, "again")
    assert not any("started a booking" in said for said in again.said), again.said


async def test_a_call_handed_to_a_person_is_never_taken_back(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "handed")
    await call.say("Can I speak to a real person please?")
    conversation = call.conversation
    assert conversation.ended and conversation.outcome == Outcome.TRANSFERRED
    assert not conversation.reopen("Actually, one more thing.")
    assert conversation.ended


def _goodbye_call(runtime: Runtime, over_goodbye: str) -> LocalLeg:
    """Asks the hours, says "No, thank you." to "anything else?", then ``over_goodbye``
    400 ms into the agent's goodbye. In real time, as on a phone line. Two words, not a
    bare "No." (the text-level tests have that): a one-syllable line is the easiest for
    Whisper to mishear, and this test is about what comes after the goodbye."""
    lines = [
        CallerLine.from_samples(speak(runtime.models, "What are your opening hours?"), 16000),
        CallerLine.from_samples(speak(runtime.models, "No, thank you."), 16000),
        CallerLine.from_samples(speak(runtime.models, over_goodbye), 16000, barge_in_ms=400),
    ]
    return LocalLeg(lines, speed=1.0, hangup_after_ms=3000)


def _trace(summary: dict[str, Any]) -> str:
    """The call's turns, one a line: what a failure shows in full."""
    return "\n".join(
        f"{t['speaker']}: {t['text']!r}{' (cut)' if t['interrupted'] else ''} {t['timings_ms']}"
        for t in summary["turns"]
    )


def _reached_goodbye(summary: dict[str, Any]) -> int:
    """The index of the agent's goodbye among its turns; fails, naming the call as it went,
    when the script's first two lines didn't lead there."""
    agent = [t["text"] for t in summary["turns"] if t["speaker"] == "agent"]
    goodbye = next((i for i, text in enumerate(agent) if text == GOODBYE), None)
    assert goodbye is not None, (
        "the hours, then No thank you, never reached the goodbye:\n" + _trace(summary)
    )
    return goodbye


async def test_a_caller_who_goes_on_over_the_goodbye_is_answered(runtime: Runtime) -> None:
    leg = _goodbye_call(runtime, "Actually, what time do you close on Saturday?")
    summary = await run_local_call(runtime, leg)
    said = _trace(summary)
    agent = [t["text"] for t in summary["turns"] if t["speaker"] == "agent"]
    goodbye = _reached_goodbye(summary)
    # Cut off by the caller's words, then their question answered: the call went on.
    after = agent[goodbye + 1 :]
    assert after and "saturday" in after[0].lower(), said
    assert summary["turns"][-1]["speaker"] == "agent", said
    assert len(leg.log.caller_speech) == 3, "every line was said"


async def test_thanks_over_the_goodbye_ends_the_call_and_is_kept(runtime: Runtime) -> None:
    leg = _goodbye_call(runtime, "Thanks, bye.")
    summary = await run_local_call(runtime, leg)
    said = _trace(summary)
    _reached_goodbye(summary)
    last_agent = [t["text"] for t in summary["turns"] if t["speaker"] == "agent"][-1]
    assert last_agent == GOODBYE, said  # nothing said after it: the call ended
    over = [t for t in summary["turns"] if t["timings_ms"].get("over_goodbye")]
    assert len(over) == 1 and "bye" in over[0]["text"].lower(), said
    assert leg.log.hung_up_by == "agent", said
