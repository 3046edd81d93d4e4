"""Understanding with a capable model: a site's instruct GGUF (7-8B, on a GPU) fills the
frame of one caller turn as JSON under a schema's grammar, and the rules check every slot.

Off by default (``[models] understanding = "rules"``): the bundled SmolLM2 is far too weak
to understand callers, and the rules carry the call alone. With ``understanding = "model"``
the driver calls ``ModelUnderstanding.understand`` under a deadline, outside the
conversation, and hands the conversation both readings; ``merge`` joins them, the rules'
first. The model may only add what the rules can verify: a service must be one of the
profile's, a day and a time must parse with the rules' own parsers, a name, a staff member
or a phone number must be in what the caller actually said. Bad JSON, a model error or a
missed deadline give no model reading at all (``None``), and the rules stand alone.
See docs/understanding.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from receptionist.dialog.matching import is_staff_name
from receptionist.dialog.numbers import spoken_digits
from receptionist.dialog.understand import (
    INTENTS,
    Understanding,
    clean,
    find_service,
    understand,
)
from receptionist.dialog.when import find_day, find_time
from receptionist.domain.profile import BusinessProfile

log = logging.getLogger(__name__)

# (system prompt, user message, JSON schema, deadline as a time.monotonic() instant)
#   -> the model's JSON text. Raises TimeoutError when it stopped at the deadline.
JsonCompleter = Callable[[str, str, dict[str, Any], float], Awaitable[str]]

# "A person" is the escalation rules' decision alone (ARCHITECTURE rule 5): not the model's.
MODEL_INTENTS = tuple(i for i in INTENTS if i != "person")
FALLBACK_REASONS = ("bad_json", "error", "deadline")

SYSTEM = (
    "You fill in a form from what a caller just said on the phone to the receptionist of "
    "{name}. Services: {services}. Staff: {staff}. Answer with JSON only.\n"
    "intents: what the caller wants: book (a new appointment), cancel, move (an existing "
    "appointment to another day or time), message (leave a message), question (prices or "
    "opening hours), status (asks about their own booking), robot (asks if you are a "
    "machine); [] if none of these.\n"
    "service: the service they want, exactly as in the list. unknown_service: what they "
    "asked for in their own words when it is not in the list.\n"
    'day: the day in their words ("Thursday", "the day after tomorrow", "next week"). '
    'time: an exact time in their words ("half past two", "3 pm"). window: a vague time in '
    'their words ("in the morning", "after four").\n'
    "name: the caller's own name as they said it. phone: the digits of a phone number they "
    "said. staff: the staff member they asked for.\n"
    "yes, no: true when they answered the receptionist's question with yes, or with no.\n"
    'Never guess. Leave out every key they gave nothing for: {{"intents": ["question"]}} is '
    "a whole answer."
)

# What the receptionist just asked, in words the model can use (the conversation's names).
_ASKED = {
    "service": "which service they want",
    "day": "which day",
    "time": "what time",
    "name": "their name",
    "phone": "their phone number",
    "staff": "who they want to leave a message for",
    "choose_slot": "which of the offered times they want",
    "confirm_cancel": "whether to cancel the booking (yes or no)",
    "anything_else": "whether they need anything else (yes or no)",
    "verify": "the name or the day of the booking they started on an earlier call",
}
_PHRASE = {"type": "string", "maxLength": 40}  # bounded: the grammar cannot ramble on


def understanding_schema(profile: BusinessProfile) -> dict[str, Any]:
    """The JSON schema of the model's answer, compiled into its grammar.

    Only "intents" is required: the model leaves out what the caller did not say, so a
    typical answer is a dozen tokens, not seventy (each token is a decoding step inside the
    turn's deadline). The grammar keeps the keys in this order, and the enums keep services
    and staff to the profile's own names."""
    properties: dict[str, Any] = {
        "intents": {"type": "array", "items": {"enum": list(MODEL_INTENTS)}, "maxItems": 3},
        "service": {"enum": [s.name for s in profile.services]},
        "unknown_service": _PHRASE,
        "day": _PHRASE,
        "time": _PHRASE,
        "window": _PHRASE,
        "name": _PHRASE,
        "phone": {"type": "string", "maxLength": 20},
        **({"staff": {"enum": [m.name for m in profile.staff]}} if profile.staff else {}),
        "yes": {"type": "boolean"},
        "no": {"type": "boolean"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": ["intents"],
        "additionalProperties": False,
    }


def system_prompt(profile: BusinessProfile) -> str:
    """One fixed prompt per profile: llama.cpp keeps its tokens cached between turns."""
    staff = ", ".join(f"{m.name} ({m.role})" if m.role else m.name for m in profile.staff)
    return SYSTEM.format(
        name=profile.name,
        services=", ".join(s.name for s in profile.services),
        staff=staff or "none",
    )


def user_message(text: str, expecting: str | None) -> str:
    asked = _ASKED.get(expecting or "")
    return f"(The receptionist asked {asked}.)\nCaller: {text}" if asked else f"Caller: {text}"


class ModelUnderstanding:
    """The model's reading of a caller turn, every slot checked by the rules.

    ``fallbacks`` counts by reason: "bad_json", "error" and "deadline" (the turn got no model
    reading), and "wrong_slot" (one slot of a reading dropped by a check). ``answered``
    counts the turns that got a reading.
    """

    def __init__(
        self, complete: JsonCompleter, profile: BusinessProfile, deadline_s: float = 0.6
    ) -> None:
        self.complete = complete
        self.profile = profile
        self.deadline_s = deadline_s
        self.schema = understanding_schema(profile)
        self.system = system_prompt(profile)
        self.fallbacks: Counter[str] = Counter()
        self.answered = 0

    async def understand(
        self, text: str, today: date, expecting: str | None = None
    ) -> Understanding | None:
        """What the model read in ``text``, only the slots that pass the rules' checks; None
        when the model gave nothing usable within ``deadline_s``. Never raises for the
        model's sake (a cancelled turn still cancels)."""
        started = time.monotonic()
        deadline = started + self.deadline_s
        user = user_message(text, expecting)
        try:
            raw = await asyncio.wait_for(
                self.complete(self.system, user, self.schema, deadline), self.deadline_s
            )
        except TimeoutError:
            self._fallback("deadline", f"no answer within {self.deadline_s * 1000:.0f} ms")
            return None
        except Exception as exc:
            self._fallback("error", f"{type(exc).__name__}: {exc}")
            return None
        try:
            answer = json.loads(raw)
        except (ValueError, TypeError) as exc:
            self._fallback("bad_json", f"{exc} in {str(raw)[:80]!r}")
            return None
        if not isinstance(answer, dict):
            self._fallback("bad_json", f"a JSON {type(answer).__name__}, not an object")
            return None
        try:
            checked = check_answer(answer, text, self.profile, today, expecting)
        except Exception as exc:  # our bug on an odd answer must not cost the caller a turn
            log.warning("model understanding: checking %r failed", answer, exc_info=True)
            self._fallback("error", f"{type(exc).__name__}: {exc}")
            return None
        if checked.dropped:
            self.fallbacks["wrong_slot"] += len(checked.dropped)
            log.info(
                "model understanding: dropped %s (failed the rules' checks)",
                ", ".join(checked.dropped),
            )
        self.answered += 1
        log.debug("model understanding in %.0f ms", (time.monotonic() - started) * 1000)
        return checked.understanding

    def _fallback(self, reason: str, detail: str) -> None:
        self.fallbacks[reason] += 1
        log.info("model understanding unusable (%s: %s): rules only", reason, detail)

    def close(self) -> None:
        """Close the completer's model, when it has one."""
        close = getattr(self.complete, "close", None)
        if callable(close):
            close()


@dataclass(frozen=True)
class CheckedAnswer:
    understanding: Understanding  # only the slots that passed
    dropped: tuple[str, ...]  # "slot=value" for each one that did not


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _said(phrase: str, said: set[str]) -> bool:
    """Every word of ``phrase`` is a word the caller said."""
    words = _words(phrase)
    return bool(words) and all(w in said for w in words)


def check_answer(
    answer: dict[str, Any],
    text: str,
    profile: BusinessProfile,
    today: date,
    expecting: str | None = None,
) -> CheckedAnswer:
    """The model's JSON answer as an ``Understanding`` of ``text``, each slot kept only if
    the rules can verify it. A service the rules don't find in the caller's words, and a
    day, a time or a window the model rephrased, are kept but marked unsure, so that the
    conversation confirms them."""
    said = set(_words(text))
    dropped: list[str] = []
    unsure: list[str] = []
    slots: dict[str, Any] = {}

    def drop(key: str) -> None:
        dropped.append(f"{key}={answer.get(key)!r}")

    def phrase(key: str) -> str | None:
        value = answer.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            drop(key)
            return None
        return value.strip()

    raw_intents = answer.get("intents") or []
    intents: list[str] = []
    for intent in raw_intents if isinstance(raw_intents, list) else [raw_intents]:
        if intent in MODEL_INTENTS:
            if intent not in intents:
                intents.append(intent)
        else:
            dropped.append(f"intents={intent!r}")

    service = phrase("service")
    heard = find_service(text, profile)  # what the rules find in the caller's words
    if service is not None:
        if profile.service(service) is not None:
            slots["service"], slots["services"] = service, (service,)
        elif _said(service, said):
            slots["unknown_service"] = service  # asked for, said, and not offered
        else:
            drop("service")
    unknown = phrase("unknown_service")
    if unknown is not None and "service" not in slots:
        offered = find_service(unknown, profile)
        if not _said(unknown, said):
            drop("unknown_service")
        elif offered is not None:  # the model missed that the shop offers it
            slots["service"], slots["services"] = offered, (offered,)
        else:
            slots.setdefault("unknown_service", unknown)
    if "service" in slots and slots["service"] != heard:
        unsure.append("service")  # a paraphrase ("get my locks chopped"): confirm it

    day_words = phrase("day")
    if day_words is not None:
        day = find_day(day_words, today)
        days = understand(day_words, profile, today).days if day is None else None
        if day is None and days is None:
            drop("day")
        else:
            slots["day" if day else "days"] = day or days
            if not _said(day_words, said):
                unsure.append("day")
    time_words = phrase("time")
    if time_words is not None:
        when = find_time(time_words) or find_time(f"at {time_words}")
        if when is None:
            drop("time")
        else:
            slots["time"] = when
            if not _said(time_words, said):
                unsure.append("time")
    window_words = phrase("window")
    if window_words is not None:
        window = understand(window_words, profile, today).window
        if window is None:
            drop("window")
        else:
            slots["window"] = window
            if not _said(window_words, said):
                unsure.append("window")

    name = phrase("name")
    if name is not None:
        words = name.split()
        if 1 <= len(words) <= 3 and _said(name, said) and not is_staff_name(name, profile):
            slots["name"] = " ".join(w[:1].upper() + w[1:] for w in words)
        else:
            drop("name")
    phone = phrase("phone")
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        caller_digits = re.sub(r"\D", "", spoken_digits(text))
        if 7 <= len(digits) <= 15 and digits in caller_digits:
            slots["phone"] = digits
        else:
            drop("phone")
    staff = phrase("staff")
    if staff is not None:
        member = profile.staff_member(staff)
        if member is not None and (
            _said(member.name, said) or bool(member.role) and _said(member.role, said)
        ):
            slots["staff"] = member.name
        else:
            drop("staff")

    yes, no = answer.get("yes") is True, answer.get("no") is True
    if (yes or no) and (expecting is None or yes and no):
        dropped += [f"{k}=True" for k, v in (("yes", yes), ("no", no)) if v]
        yes = no = False

    understanding = Understanding(
        text=clean(text),
        intents=tuple(intents),
        yes=yes,
        no=no,
        confident=not unsure,
        unsure_slots=tuple(unsure),
        **slots,
    )
    return CheckedAnswer(understanding, tuple(dropped))


# Slots that stand for one thing said: the rules' reading of any of them keeps the group.
_SLOT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("service", "services", "unknown_service"),
    ("day", "days"),
    ("time", "window"),
    ("name",),
    ("phone",),
    ("staff",),
    ("yes", "no"),
)


def merge(rules: Understanding, model: Understanding | None) -> Understanding:
    """The rules' understanding of a turn, with the gaps filled from the model's (checked)
    one.

    Where the rules found a slot, theirs stands: the rules read the caller's literal words
    and the operator can test them, the model may have paraphrased. The model only fills
    slots the rules left empty (a day and a days range count as one slot, so do a time and a
    window, and a service and an unknown one).

    Intents: the rules' whenever the rules found any, else the model's. Adding a model's
    intent to the rules' would let a guess change what the call does ("cancel" beside a
    "book" the caller said in so many words); when the rules found none, the model's reading
    is the only one there is, and its intents are still among the conversation's own (never
    "person": the escalation rules decide that).
    """
    if model is None:
        return rules
    changes: dict[str, Any] = {}
    taken: list[str] = []
    for group in _SLOT_GROUPS:
        if any(getattr(rules, key) for key in group):
            continue
        for key in group:
            value = getattr(model, key)
            if value:
                changes[key] = value
                taken.append(key)
    if not rules.intents and model.intents:
        changes["intents"] = model.intents
    unsure = tuple(s for s in model.unsure_slots if s in taken)
    if unsure:
        changes["unsure_slots"] = rules.unsure_slots + unsure
        changes["confident"] = False
    return replace(rules, **changes) if changes else rules
