"""The model understanding on real llama.cpp with the bundled SmolLM2: the grammar keeps its
answer to the schema, the deadline holds on a real generation, and the runtime builds the
understander only when the config asks for it.

SmolLM2 (135M) is far too weak to understand callers; these tests check the mechanism, not
its answers: whatever it says, only what passes the rules' checks comes through.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from receptionist.app.config import Settings
from receptionist.app.runtime import build_runtime, build_understander
from receptionist.dialog.model_understanding import (
    MODEL_INTENTS,
    ModelUnderstanding,
    system_prompt,
    understanding_schema,
    user_message,
)
from receptionist.media.llm import DeadlineMissed, JsonModel
from receptionist.media.models import ModelError, Models
from receptionist.store.db import Store
from tests.conftest_dialog import TODAY

SMOLLM = Path("models/smollm2-135m-instruct.gguf")
pytestmark = pytest.mark.skipif(
    not SMOLLM.exists(), reason="bundled SmolLM2 not installed (make models)"
)
LINES = (
    "Hi, I'd like to book a haircut on Thursday at three, my name is John Smith",
    "Could I get my locks chopped the day after tomorrow around half two?",
    "Is Marco in on Saturday? My number is five five five, one two three, four five six seven",
    "Are you a robot?",
)


@pytest.fixture(scope="module")
def smollm() -> Iterator[JsonModel]:
    model = JsonModel(SMOLLM)
    yield model
    model.close()


def with_understanding(settings: Settings, **models: object) -> Settings:
    return dataclasses.replace(settings, models=dataclasses.replace(settings.models, **models))


def test_the_grammar_holds_a_real_model_to_the_schema(salon: Settings, smollm: JsonModel) -> None:
    schema = understanding_schema(salon.profile)
    services = {s.name for s in salon.profile.services}
    for line in LINES[:1]:
        raw = smollm.complete_sync(system_prompt(salon.profile), user_message(line, None), schema)
        answer = json.loads(raw)  # valid JSON, whatever the model's skill
        keys = list(schema["properties"])
        assert "intents" in answer and set(answer) <= set(keys), raw
        assert sorted(answer, key=keys.index) == list(answer), raw  # in the schema's order
        assert set(answer["intents"]) <= set(MODEL_INTENTS), raw
        assert answer.get("service", "haircut") in services, raw
        assert answer.get("staff", "Sarah") in ("Sarah", "Marco"), raw
        for key in ("unknown_service", "day", "time", "window", "name"):
            assert len(answer.get(key, "")) <= 40, raw
        assert {type(answer.get(k, False)) for k in ("yes", "no")} == {bool}, raw


async def test_whatever_a_weak_model_says_only_checked_slots_come_through(
    salon: Settings, smollm: JsonModel
) -> None:
    # No real deadline here: a shared 2-core CPU can take many seconds per answer.
    model = ModelUnderstanding(smollm, salon.profile, deadline_s=120)
    for line in LINES[2:]:
        u = await model.understand(line, TODAY)
        assert u is not None, model.fallbacks
        said = set(re.findall(r"[a-z0-9']+", line.lower()))
        assert u.name is None or set(u.name.lower().split()) <= said
        assert u.staff is None or u.staff.lower() in said
        assert u.phone is None or u.phone == "5551234567"
        assert u.service is None or salon.profile.service(u.service) is not None
        assert "person" not in u.intents
    assert model.answered == 2
    assert set(model.fallbacks) <= {"wrong_slot"}


async def test_a_real_generation_stops_at_the_deadline(salon: Settings, smollm: JsonModel) -> None:
    model = ModelUnderstanding(smollm, salon.profile, deadline_s=0.05)
    smollm.warm(model.system, model.schema)  # the system prompt is cached, as in service
    started = time.monotonic()
    assert await model.understand(LINES[0], TODAY) is None
    returned = time.monotonic() - started
    assert model.fallbacks == {"deadline": 1}
    assert returned < 0.05 + 0.5, returned  # the turn waited no longer than its deadline
    await smollm.worker.run(lambda: None)  # the worker is free again for the next turn
    # The generation itself stops at the first token after its deadline (the caller's new
    # prompt tokens are evaluated in one go first), not at the end of the answer.
    user = user_message(LINES[1], None)
    whole = smollm.complete_sync(model.system, user, model.schema)
    with pytest.raises(DeadlineMissed, match=r"stopped after \d+ characters") as stop:
        smollm.complete_sync(model.system, user, model.schema, deadline=time.monotonic() + 0.02)
    chars = int(re.findall(r"\d+", str(stop.value))[0])
    assert chars < len(whole)  # cut off mid-answer, not run to the end
    with pytest.raises(DeadlineMissed, match="waited"):  # a job queued past its deadline
        smollm.complete_sync(model.system, "Hello", model.schema, deadline=time.monotonic())


def test_rules_build_no_understander_and_a_missing_model_is_named(
    salon: Settings, tmp_path: Path
) -> None:
    assert build_understander(salon) is None  # the embedded default: rules
    missing = with_understanding(
        salon, understanding="model", understanding_model=str(tmp_path / "llama-8b.gguf")
    )
    with pytest.raises(ModelError, match=r"understanding model not found at .*llama-8b\.gguf"):
        build_understander(missing)


async def test_the_runtime_builds_the_understander_the_config_asks_for(
    settings: Settings, models: Models, store: Store
) -> None:
    site = with_understanding(settings, understanding="model", understanding_deadline_ms=900)
    runtime = build_runtime(site, models=models, store=store, today=lambda: TODAY)
    understander = runtime.understander
    assert isinstance(understander, ModelUnderstanding)
    try:
        assert isinstance(understander.complete, JsonModel)  # its own model and worker
        assert understander.complete.worker is not (models.llm and models.llm.worker)
        assert understander.deadline_s == 0.9
        understander.deadline_s = 120  # a shared 2-core CPU: this checks the wiring only
        u = await understander.understand(LINES[0], runtime.today())
        assert u is not None, understander.fallbacks
    finally:
        understander.close()  # not runtime.close(): the models and the store are fixtures'
