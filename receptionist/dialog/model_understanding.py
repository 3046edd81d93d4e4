"""Understanding with a capable model: intents and slots from a site's instruct GGUF (7-8B),
constrained by a JSON-schema grammar, then checked by the same rules.

Off by default: the bundled SmolLM2 is far too weak to understand callers, and the rules
carry the call alone. When a site configures a capable model, it can only add to what the
rules found, and only what the rules can verify: a service must be one of the profile's, a
day and a time must parse with the rules' own parsers, a name or a staff member must be
words the caller actually said. Invalid JSON, a model error or a missed deadline give the
rules' result unchanged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Any

from receptionist.dialog.understand import INTENTS, Understanding, find_staff, understand
from receptionist.dialog.when import find_day, find_time
from receptionist.domain.profile import BusinessProfile

log = logging.getLogger(__name__)

# (system prompt, caller's words, JSON schema) -> the model's JSON text
JsonCompleter = Callable[[str, str, dict[str, Any]], Awaitable[str]]

SYSTEM = (
    "You read what a caller said to the receptionist of {name}, a business offering: "
    "{services}. Staff: {staff}. Answer only with JSON: the caller's intents among {intents}; "
    "the service they want (one of the list) or null; the day and the time as they said "
    "them, or null; their own name if they gave it, or null; the staff member they named, "
    "or null; whether they said yes, or no. {expecting}"
)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def understanding_schema(profile: BusinessProfile) -> dict[str, Any]:
    """The JSON schema the model's answer must follow (its grammar)."""
    return {
        "type": "object",
        "properties": {
            "intents": {"type": "array", "items": {"type": "string", "enum": list(INTENTS)}},
            "service": _nullable({"type": "string", "enum": [s.name for s in profile.services]}),
            "day": _nullable({"type": "string"}),
            "time": _nullable({"type": "string"}),
            "name": _nullable({"type": "string"}),
            "staff": _nullable({"type": "string", "enum": [m.name for m in profile.staff]}),
            "yes": {"type": "boolean"},
            "no": {"type": "boolean"},
        },
        "required": ["intents", "service", "day", "time", "name", "staff", "yes", "no"],
        "additionalProperties": False,
    }


class ModelUnderstanding:
    """Rules first; the model fills only the gaps the rules left, and only with what checks."""

    def __init__(
        self, complete: JsonCompleter, profile: BusinessProfile, deadline_s: float = 1.5
    ) -> None:
        self.complete = complete
        self.profile = profile
        self.deadline_s = deadline_s
        self.schema = understanding_schema(profile)
        self.fallbacks = 0  # turns where the model's answer was unusable

    def system_prompt(self, expecting: str | None) -> str:
        p = self.profile
        return SYSTEM.format(
            name=p.name,
            services=", ".join(s.name for s in p.services),
            staff=", ".join(m.name for m in p.staff),
            intents=", ".join(INTENTS),
            expecting=f"The receptionist has just asked for: {expecting}." if expecting else "",
        )

    async def understand(
        self, text: str, today: date, expecting: str | None = None
    ) -> Understanding:
        rules = understand(text, self.profile, today, expecting)
        try:
            raw = await asyncio.wait_for(
                self.complete(self.system_prompt(expecting), text, self.schema), self.deadline_s
            )
            answer = json.loads(raw)
            if not isinstance(answer, dict):
                raise ValueError(f"expected a JSON object, got {type(answer).__name__}")
        except Exception as exc:  # invalid JSON, a model error, the deadline: the rules stand
            self.fallbacks += 1
            log.info("model understanding unusable (%s): rules only", exc)
            return rules
        return checked_merge(rules, answer, self.profile, today)


def checked_merge(
    rules: Understanding, answer: dict[str, Any], profile: BusinessProfile, today: date
) -> Understanding:
    """The rules' understanding plus whatever of the model's answer the rules can verify."""
    said = rules.text.lower()
    intents = list(rules.intents)
    for intent in answer.get("intents") or []:
        if intent in INTENTS and intent not in intents and intent != "person":
            intents.append(intent)  # "a person" is for the escalation rules alone
    service = rules.service
    if service is None and isinstance(answer.get("service"), str):
        service = answer["service"] if profile.service(answer["service"]) else None
    day = rules.day
    if day is None and isinstance(answer.get("day"), str):
        day = find_day(answer["day"].lower(), today)
    when = rules.time
    if when is None and isinstance(answer.get("time"), str):
        when = find_time(answer["time"].lower())
    name = rules.name
    if name is None and isinstance(answer.get("name"), str):
        candidate = answer["name"].strip()
        name = candidate if candidate and candidate.lower() in said else None
    staff = rules.staff
    if staff is None and isinstance(answer.get("staff"), str):
        staff = find_staff(answer["staff"], profile) if answer["staff"].lower() in said else None
    yes = rules.yes or (answer.get("yes") is True and not rules.no)
    no = rules.no or (answer.get("no") is True and not rules.yes)
    return replace(
        rules,
        intents=tuple(intents),
        service=service,
        day=day,
        time=when,
        name=name,
        staff=staff,
        yes=yes,
        no=no,
    )


class LlamaJsonCompleter:
    """A local GGUF through llama.cpp, its output held to the schema by a grammar.

    Runs in one worker thread (one model, calls queued in order), never on the loop.
    """

    def __init__(
        self, model_path: str, threads: int = 2, gpu_layers: int = 0, max_tokens: int = 160
    ) -> None:
        from llama_cpp import Llama

        self.llm = Llama(
            model_path=model_path,
            n_ctx=2048,
            n_threads=threads,
            n_gpu_layers=gpu_layers,
            verbose=False,
        )
        self.max_tokens = max_tokens
        self._grammars: dict[str, Any] = {}
        # One generation at a time, even when a caller's deadline gave up on the last one.
        self._lock = threading.Lock()

    def _grammar(self, schema: dict[str, Any]) -> Any:
        from llama_cpp import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

    def complete_sync(self, system: str, text: str, schema: dict[str, Any]) -> str:
        with self._lock:
            out: Any = self.llm.create_chat_completion(
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": text},
                ],
                grammar=self._grammar(schema),
                max_tokens=self.max_tokens,
                temperature=0.0,
            )
        return str(out["choices"][0]["message"]["content"] or "")

    async def __call__(self, system: str, text: str, schema: dict[str, Any]) -> str:
        return await asyncio.to_thread(self.complete_sync, system, text, schema)
