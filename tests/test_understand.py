"""Understanding: the rules, and the optional capable-model path checked by the same rules."""

from __future__ import annotations

import asyncio
import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from receptionist.app.config import Settings
from receptionist.dialog.model_understanding import (
    LlamaJsonCompleter,
    ModelUnderstanding,
    understanding_schema,
)
from receptionist.dialog.understand import understand
from tests.conftest_dialog import TODAY

SMOLLM = Path("models/smollm2-135m-instruct.gguf")


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


def answering(reply: str) -> Any:
    async def complete(system: str, text: str, schema: dict[str, Any]) -> str:
        return reply

    return complete


async def test_invalid_json_from_the_model_falls_back_to_the_rules(salon: Settings) -> None:
    text = "I'd like a haircut on Thursday at 3"
    model = ModelUnderstanding(answering('{"intents": ["book", "service": '), salon.profile)
    assert await model.understand(text, TODAY) == understand(text, salon.profile, TODAY)
    assert model.fallbacks == 1
    late = ModelUnderstanding(_never, salon.profile, deadline_s=0.05)
    assert await late.understand(text, TODAY) == understand(text, salon.profile, TODAY)
    assert late.fallbacks == 1


async def _never(system: str, text: str, schema: dict[str, Any]) -> str:
    await asyncio.sleep(10)
    return "{}"


async def test_the_model_fills_gaps_only_with_what_the_rules_can_check(salon: Settings) -> None:
    text = "Could I get my locks chopped the day after tomorrow around half two?"
    rules = understand(text, salon.profile, TODAY)
    assert rules.service is None  # "locks chopped" is beyond the rules
    reply = json.dumps({
        "intents": ["book", "person"], "service": "haircut", "day": "the day after tomorrow",
        "time": "2:30 pm", "name": "Jennifer", "staff": "Marco", "yes": False, "no": False,
    })  # fmt: skip
    u = await ModelUnderstanding(answering(reply), salon.profile).understand(text, TODAY)
    assert u.service == "haircut" and u.day == date(2026, 11, 26) and u.time == time(14, 30)
    assert "book" in u.intents and "person" not in u.intents  # a person is the rules' call
    assert u.name is None and u.staff is None  # never said: invented by the model, dropped
    bad = json.dumps(
        {"intents": ["teleport"], "service": "massage", "day": "someday", "time": "soonish",
         "name": None, "staff": None, "yes": True, "no": True}
    )  # fmt: skip
    v = await ModelUnderstanding(answering(bad), salon.profile).understand(text, TODAY)
    assert (v.service, v.day, v.time, v.intents) == (None, rules.day, rules.time, rules.intents)


@pytest.mark.skipif(not SMOLLM.exists(), reason="bundled SmolLM2 not installed (make models)")
def test_a_real_gguf_answers_under_the_schema_grammar(salon: Settings) -> None:
    schema = understanding_schema(salon.profile)
    schema["properties"] = {"service": schema["properties"]["service"]}
    schema["required"] = ["service"]
    completer = LlamaJsonCompleter(str(SMOLLM), max_tokens=16)
    raw = completer.complete_sync("Which service does the caller want? JSON only.",
                                  "A beard trim please", schema)  # fmt: skip
    answer = json.loads(raw)  # the grammar makes it valid JSON, whatever the model's skill
    assert set(answer) == {"service"}
    assert answer["service"] in (None, "haircut", "beard trim", "colour", "kids cut")


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
