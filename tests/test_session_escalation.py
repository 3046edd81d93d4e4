"""Escalation rules: evaluated on every caller turn before understanding, stored with the
rule and the words that fired it, and the built-in ones (not understood N times, a tool
that failed twice)."""

from __future__ import annotations

from receptionist.app.config import Settings
from receptionist.store.db import Store
from receptionist.tools.scripted_backend import ScriptedBackend
from tests.conftest_dialog import start_call


def escalations(store: Store) -> list[tuple[str, str, str]]:
    return [(e["rule"], e["words"], e["target"]) for e in store.rows("escalations")]


async def test_a_rule_fires_before_understanding(salon: Settings, store_file: Store) -> None:
    call = start_call(salon, store_file, "c1")
    # A complete booking request in the same breath: the rule wins, nothing is booked.
    said = await call.say("Book me a haircut Thursday at 3, John Smith, or get me a real person")
    assert escalations(store_file) == [("asks for a person", "real person", "front desk")]
    assert store_file.rows("bookings") == []
    assert call.transfers and call.transfers[0][0] == "200"
    assert "I'm transferring you to the front desk now, please hold." in said
    assert call.conversation.outcome == "transferred"


async def test_each_firing_is_stored_with_its_rule_and_words(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "c2", transfer_outcome="no_answer")
    await call.say("That colour was a disaster. I want a refund.")
    await call.say("Tell her to call me.")  # the message itself doesn't fire a rule again
    assert escalations(store_file) == [("refund or complaint", "refund", "Sarah")]
    assert [(t["extension"], t["outcome"]) for t in store_file.rows("transfers")] == [
        ("201", "no_answer")
    ]
    (message,) = store_file.rows("messages")
    assert (message["for_staff"], message["text"]) == ("Sarah", "Tell her to call me.")
    # The summary spoken to staff names the rule and the caller's words.
    assert "refund or complaint" in call.transfers[0][1] and "refund" in call.transfers[0][1]


async def test_legal_words_fire_mid_booking_and_nothing_is_promised(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "c3")
    await call.say("I'd like a haircut on Thursday at 3")
    said = await call.say("Actually my attorney says you owe me one")
    assert escalations(store_file) == [("legal", "attorney", "Sarah")]
    assert store_file.rows("bookings") == [] and store_file.rows("claims")[0]["kind"] == "transfer"
    assert not any("book" in s.lower() for s in said)


async def test_a_name_that_is_a_rule_word_is_a_name_not_a_reason_to_escalate(
    salon: Settings, store_file: Store
) -> None:
    """ "Sue Green" said for the booking's name went to the owner as a legal threat."""
    call = start_call(salon, store_file, "c3b")
    await call.say("Can I get a haircut on Thursday at 3?")
    said = await call.say("Sue Green.")
    assert escalations(store_file) == [] and not call.transfers, said
    assert [b["name"] for b in store_file.rows("bookings")] == ["Sue Green"]
    await call.say("No, that's all. Actually, I'm Sue and I will sue you.")
    assert escalations(store_file) == [("legal", "sue", "Sarah")]


async def test_a_threat_with_action_both_transfers_and_leaves_a_note(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "c4")
    await call.say("You'll regret this, I know where you are.")
    assert escalations(store_file) == [("threat", "you'll regret", "Sarah")]
    (note,) = store_file.rows("messages")
    assert note["for_staff"] == "Sarah" and "threat" in note["text"]
    assert [t["extension"] for t in store_file.rows("transfers")] == ["201"]


async def test_not_understood_three_times_in_a_row_offers_a_person(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "c5")
    await call.say("blorp")
    await call.say("fnarg")
    await call.say("What are your hours?")  # understood: the count starts again
    await call.say("zzt")
    await call.say("mrrp")
    assert escalations(store_file) == []
    said = await call.say("grk")
    assert escalations(store_file) == [
        ("not understood", "3 turns in a row not understood", "front desk")
    ]
    assert said[0].startswith("I'm sorry, I'm having trouble understanding")
    assert call.transfers[0][0] == "200"


async def test_a_tool_that_failed_twice_escalates(salon: Settings, store_file: Store) -> None:
    backend = ScriptedBackend(["500", "500"])
    call = start_call(salon, store_file, "c6", backend=backend, transfer_outcome="answered")
    first = await call.say("A haircut on Thursday at 3 please, my name is John Smith.")
    assert any("isn't answering right now" in s for s in first)
    assert escalations(store_file) == []
    second = await call.say("And a beard trim on Friday at 10 as well.")
    assert any("isn't answering right now" in s for s in second)
    assert escalations(store_file) == [("tool failed twice", "2 failed requests", "front desk")]
    assert [c["kind"] for c in store_file.rows("claims")] == ["pending", "pending", "transfer"]
    # Neither was claimed as booked, both wait in the outbox.
    assert [b["status"] for b in store_file.rows("bookings")] == ["pending", "pending"]
    assert len(store_file.rows("outbox", "status = 'pending'")) == 2


async def test_a_rule_whose_action_is_a_message_takes_one_for_its_person(
    salon: Settings, store_file: Store
) -> None:
    import dataclasses

    from receptionist.domain.profile import EscalationRule

    rule = EscalationRule("press enquiry", ("journalist", "newspaper"), "Sarah", "message")
    profile = dataclasses.replace(salon.profile, escalation=(rule, *salon.profile.escalation))
    site = dataclasses.replace(salon, profile=profile)
    call = start_call(site, store_file, "c7", caller_id="5557778888")
    said = await call.say("Hi, I'm a journalist with the local newspaper.")
    assert said == ["What would you like me to tell Sarah?"]
    said = await call.say("I'd like an interview about the salon's anniversary.")
    assert said[0] == "I've passed your message to Sarah to call you back at 5 5 5, 7 7 7, 8 8 8 8."
    assert escalations(store_file) == [("press enquiry", "journalist", "Sarah")]
    assert call.transfers == [] and store_file.rows("transfers") == []
