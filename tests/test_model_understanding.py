"""The model understanding mechanism with hand-made completers: what a model's answer may
add, what the rules' checks drop, and what a bad, failing or late model leaves (the rules).

The real llama.cpp path (the bundled SmolLM2) is in test_model_understanding_llama.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date
from datetime import time as clock
from typing import Any

from receptionist.app.config import Settings
from receptionist.dialog.actions import RecordEscalation, Say
from receptionist.dialog.conversation import Conversation
from receptionist.dialog.events import CallerSaid
from receptionist.dialog.model_understanding import (
    MODEL_INTENTS,
    ModelUnderstanding,
    merge,
    understanding_schema,
)
from receptionist.dialog.understand import TimeWindow, Understanding, understand
from tests.conftest_dialog import TODAY

THURSDAY = date(2026, 11, 26)
KEYS = ("intents", "service", "unknown_service", "day", "time", "window", "name", "phone",
        "staff", "yes", "no")  # fmt: skip


def answer(**slots: Any) -> str:
    """A model's JSON answer: the intents, and the keys it filled."""
    return json.dumps({"intents": [], **slots})


class Completer:
    """A stand-in model that answers ``reply`` and records what it was asked."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.asked: list[tuple[str, str, float]] = []

    async def __call__(
        self, system: str, user: str, schema: dict[str, Any], deadline: float
    ) -> str:
        self.asked.append((system, user, deadline))
        return self.reply


def test_the_schema_holds_every_slot_a_model_fills_and_only_the_profiles_names(
    salon: Settings,
) -> None:
    schema = understanding_schema(salon.profile)
    props = schema["properties"]
    assert tuple(props) == KEYS and schema["required"] == ["intents"]
    assert props["intents"]["items"]["enum"] == list(MODEL_INTENTS)
    assert {"move", "status", "robot"} <= set(MODEL_INTENTS) and "person" not in MODEL_INTENTS
    assert props["service"]["enum"] == ["haircut", "beard trim", "colour", "kids cut"]
    assert props["staff"]["enum"] == ["Sarah", "Marco"]


async def test_bad_json_gives_no_model_reading_and_is_counted(salon: Settings) -> None:
    text = "I'd like a haircut on Thursday at 3"
    model = ModelUnderstanding(Completer('{"intents": ["book", "service": '), salon.profile)
    assert await model.understand(text, TODAY) is None
    model.complete = Completer("[1, 2]")  # JSON, but not an object
    assert await model.understand(text, TODAY) is None
    assert model.fallbacks == {"bad_json": 2} and model.answered == 0
    rules = understand(text, salon.profile, TODAY)
    assert merge(rules, None) is rules  # the rules carry the turn alone


async def test_a_model_error_gives_no_model_reading_and_is_counted(salon: Settings) -> None:
    async def broken(system: str, user: str, schema: dict[str, Any], deadline: float) -> str:
        raise RuntimeError("CUDA error: out of memory")

    model = ModelUnderstanding(broken, salon.profile)
    assert await model.understand("A beard trim please", TODAY) is None
    assert model.fallbacks == {"error": 1}


async def test_a_model_slower_than_the_deadline_is_not_waited_for(salon: Settings) -> None:
    answered = asyncio.Event()  # never set: a model that never answers
    cancelled: list[bool] = []
    given: list[float] = []

    async def stuck(system: str, user: str, schema: dict[str, Any], deadline: float) -> str:
        given.append(deadline)
        try:
            await answered.wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return answer(service="haircut")

    model = ModelUnderstanding(stuck, salon.profile, deadline_s=0.2)
    started = time.monotonic()
    assert await model.understand("A haircut on Thursday", TODAY) is None
    elapsed = time.monotonic() - started
    assert 0.2 <= elapsed < 0.2 + 0.5, elapsed  # the deadline, with a generous margin
    assert cancelled == [True]  # the late job was given up, not left running
    assert abs(given[0] - (started + 0.2)) < 0.05  # the completer knew the deadline too
    assert model.fallbacks == {"deadline": 1}

    async def stopped(system: str, user: str, schema: dict[str, Any], deadline: float) -> str:
        raise TimeoutError("stopped after 12 characters")  # as JsonModel does at the deadline

    model.complete = stopped
    assert await model.understand("A haircut on Thursday", TODAY) is None
    assert model.fallbacks == {"deadline": 2}


async def test_the_model_fills_what_the_rules_missed_with_only_what_checks(
    salon: Settings,
) -> None:
    text = "Could my mop be sorted out the day after tomorrow around half two?"
    rules = understand(text, salon.profile, TODAY)
    assert rules.service is None  # beyond the rules (they hear "half two" themselves)
    reply = answer(intents=["book", "person"], service="haircut", day="the day after tomorrow",
                   time="2:30 pm", name="Jennifer", staff="Marco")  # fmt: skip
    model = ModelUnderstanding(Completer(reply), salon.profile)
    u = await model.understand(text, TODAY)
    assert u is not None
    assert u.intents == ("book",)  # "a person" is the escalation rules' call, never the model's
    assert (u.service, u.services, u.day, u.time) == ("haircut", ("haircut",), THURSDAY,
                                                       clock(14, 30))  # fmt: skip
    assert u.name is None and u.staff is None  # never said: invented by the model, dropped
    assert u.unsure_slots == ("service", "time") and not u.confident  # not the caller's words
    assert model.fallbacks == {"wrong_slot": 3} and model.answered == 1
    merged = merge(rules, u)
    assert (merged.service, merged.day, merged.time) == ("haircut", THURSDAY, clock(14, 30))
    assert merged.unknown_service is None
    assert "service" in merged.unsure_slots and not merged.confident
    assert rules.intents == () and merged.intents == ("book",)  # the model's, as the rules had none


async def test_a_service_not_offered_is_kept_only_as_words_the_caller_said(
    salon: Settings,
) -> None:
    model = ModelUnderstanding(Completer(answer(service="massage")), salon.profile)
    u = await model.understand("I need something for my sore back", TODAY)
    assert u is not None and u.service is None and u.unknown_service is None
    assert model.fallbacks == {"wrong_slot": 1}
    model.complete = Completer(answer(intents=["book"], service="manicure"))
    u = await model.understand("Do you do a manicure on Saturdays?", TODAY)
    assert u is not None and (u.service, u.unknown_service) == (None, "manicure")
    model.complete = Completer(answer(unknown_service="beard trim"))  # offered after all
    u = await model.understand("Just a quick beard trim", TODAY)
    assert u is not None and (u.service, u.unknown_service) == ("beard trim", None)
    assert u.confident  # the rules hear "beard trim" in the caller's words too
    assert model.fallbacks == {"wrong_slot": 1}


async def test_days_and_times_must_parse_with_the_rules_own_parsers(salon: Settings) -> None:
    text = "Some day soonish, at some point"
    # ("whenever" is a window now, the first free times: the rules read it so)
    reply = answer(day="someday", time="soonish", window="at some point")
    model = ModelUnderstanding(Completer(reply), salon.profile)
    u = await model.understand(text, TODAY)
    assert u is not None and (u.day, u.days, u.time, u.window) == (None, None, None, None)
    assert model.fallbacks == {"wrong_slot": 3}
    model.complete = Completer(answer(day="Thursday", time="three"))
    u = await model.understand("Thursday at three works", TODAY)
    assert u is not None and (u.day, u.time, u.confident) == (THURSDAY, clock(15), True)


async def test_a_name_a_phone_and_a_staff_member_must_be_what_the_caller_said(
    salon: Settings,
) -> None:
    text = "It's jo ann baker, call me on five five five, one two three, four five six seven"
    reply = answer(name="Jo Ann Baker", phone="5551234567", staff="Sarah")
    model = ModelUnderstanding(Completer(reply), salon.profile)
    u = await model.understand(text, TODAY, "name")
    assert u is not None and (u.name, u.phone, u.staff) == ("Jo Ann Baker", "5551234567", None)
    assert model.fallbacks == {"wrong_slot": 1}  # Sarah was never named
    model.complete = Completer(answer(name="Joanne Baker", phone="5559999999"))
    u = await model.understand(text, TODAY, "name")
    assert u is not None and (u.name, u.phone) == (None, None)
    model.complete = Completer(answer(intents=["message"], staff="Sarah"))
    u = await model.understand("Can I leave something for the owner?", TODAY)
    assert u is not None and u.staff == "Sarah"  # named by her role in the profile
    model.complete = Completer(answer(name="Marco"))  # a staff member is not the caller
    u = await model.understand("Is Marco in today?", TODAY, "name")
    assert u is not None and u.name is None


async def test_yes_or_no_counts_only_as_the_answer_to_a_question(salon: Settings) -> None:
    model = ModelUnderstanding(Completer(answer(yes=True)), salon.profile)
    u = await model.understand("Go for it", TODAY, "anything_else")
    assert u is not None and u.yes and not u.no
    assert "anything else" in model.complete.asked[0][1]  # type: ignore[attr-defined]
    u = await model.understand("Hello there", TODAY)  # nothing was asked
    assert u is not None and not u.yes
    model.complete = Completer(answer(yes=True, no=True))
    u = await model.understand("Hmm, well", TODAY, "confirm_cancel")
    assert u is not None and not (u.yes or u.no)
    assert model.fallbacks == {"wrong_slot": 3}


def test_merge_keeps_the_rules_slots_and_fills_only_their_gaps() -> None:
    rules = Understanding(text="a haircut Thursday", intents=("book",), service="haircut",
                          day=THURSDAY)  # fmt: skip
    model = Understanding(text="a haircut Thursday", intents=("cancel",), service="colour",
                          day=date(2026, 11, 27), time=clock(15), name="John",
                          unsure_slots=("day", "time"), confident=False)  # fmt: skip
    merged = merge(rules, model)
    assert (merged.service, merged.day, merged.time, merged.name) == (
        "haircut", THURSDAY, clock(15), "John"
    )  # fmt: skip
    assert merged.intents == ("book",)  # the rules found an intent: a guess can't add one
    assert merged.unsure_slots == ("time",) and not merged.confident  # the day was the rules'


def test_merge_takes_the_models_intents_only_when_the_rules_found_none() -> None:
    rules = Understanding(text="could I shift my thing to Friday")
    model = Understanding(text=rules.text, intents=("move",), day=date(2026, 11, 27))
    merged = merge(rules, model)
    assert merged.intents == ("move",) and merged.day == date(2026, 11, 27)
    assert merged.confident and merged.unsure_slots == ()


def test_merge_treats_a_vague_and_an_exact_reading_of_one_slot_as_one() -> None:
    morning = TimeWindow(start=clock(9), end=clock(12))
    rules = Understanding(text="Friday morning", window=morning, unknown_service="manicure")
    model = Understanding(text=rules.text, time=clock(10), service="haircut", yes=True)
    merged = merge(rules, model)
    assert (merged.window, merged.time) == (morning, None)
    assert (merged.unknown_service, merged.service) == ("manicure", None)
    assert merged.yes  # the rules heard neither yes nor no: the model's stands
    said_no = Understanding(text="no", no=True)
    assert merge(said_no, Understanding(text="no", yes=True)) == said_no


async def test_the_conversation_escalates_by_rule_whatever_the_model_read(
    salon: Settings,
) -> None:
    model = ModelUnderstanding(Completer(answer(intents=["book"], service="haircut")),
                               salon.profile)  # fmt: skip

    async def turn(text: str) -> list[object]:
        conversation = Conversation(salon.profile, caller_id="5551234567", today=TODAY)
        conversation.start()
        reading = await model.understand(text, TODAY, None)
        return conversation.receive(CallerSaid(text, model=reading))

    out = await turn("My lawyer will hear about this")
    assert isinstance(out[0], RecordEscalation) and out[0].rule == "legal"
    # Where the rules hear nothing, the model's checked reading fills the frame.
    out = await turn("my mop needs sorting out")
    assert [a.text for a in out if isinstance(a, Say)] == [
        "Sure, a haircut. What day would you like to come in?"
    ]


async def test_an_answer_of_the_wrong_shapes_is_dropped_slot_by_slot(salon: Settings) -> None:
    odd = json.dumps({"intents": ["book", 7], "service": 3, "day": ["Friday"], "time": {},
                      "name": "Al", "phone": 5551234, "yes": "true"})  # fmt: skip
    model = ModelUnderstanding(Completer(odd), salon.profile)
    u = await model.understand("Hi all, Friday maybe", TODAY, "anything_else")
    assert u is not None and u.intents == ("book",)
    assert (u.service, u.day, u.time, u.name, u.phone, u.yes) == (None,) * 5 + (False,)
    assert model.fallbacks == {"wrong_slot": 6}  # 7, 3, ["Friday"], {}, "Al", 5551234
