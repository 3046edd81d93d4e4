"""Escalation rules, evaluated on every caller turn before any model sees it.

They are configuration (the profile's ``[[escalation]]`` tables), not prompt, and each
firing is explainable afterwards: which rule, on which words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from receptionist.domain.profile import BusinessProfile, EscalationRule


@dataclass(frozen=True)
class Escalation:
    rule: str
    words: str  # what the caller said that fired it
    target: str  # staff name or "front desk"
    action: str  # transfer, message, both
    say: str


def check_escalation(
    text: str, profile: BusinessProfile, names: Iterable[str] = ()
) -> Escalation | None:
    """The first rule whose words the caller said. ``names``: the names the turn says (the
    caller's own, staff), whose words are no rule's: "Sue Green" gives a name, "I'll sue" a
    reason to get the owner."""
    for name in names:
        text = re.sub(rf"(?<![\w']){re.escape(name)}(?![\w'])", " ", text, count=1, flags=re.I)
    lowered = " " + text.lower() + " "
    for rule in profile.escalation:
        hit = _first_hit(lowered, rule)
        if hit is not None:
            return Escalation(rule.name, hit, rule.target, rule.action, rule.say)
    return None


def _first_hit(lowered: str, rule: EscalationRule) -> str | None:
    for word in rule.words:
        if re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", lowered):
            return word
    return None


def repeated_misunderstanding(count: int, profile: BusinessProfile) -> Escalation | None:
    if count >= profile.misunderstood_limit:
        return Escalation(
            "not understood",
            f"{count} turns in a row not understood",
            "front desk",
            "transfer",
            "I'm sorry, I'm having trouble understanding. Let me get someone to help you.",
        )
    return None


def failed_tool(count: int) -> Escalation | None:
    if count >= 2:
        return Escalation(
            "tool failed twice",
            f"{count} failed requests",
            "front desk",
            "transfer",
            "I'm sorry, I'm having trouble with our system. Let me get someone to help you.",
        )
    return None


def unconfirmed_detail(count: int, profile: BusinessProfile) -> Escalation | None:
    """A booking found by a number that may be spoofed, and the caller has said
    ``second_detail_limit`` names or days that match no booking: guessing stops here."""
    if count >= profile.second_detail_limit:
        return Escalation(
            "second detail not confirmed",
            f"{count} names or days that match no booking"
            if count > 1
            else "1 name or day that matches no booking",
            "front desk",
            "transfer",
            "I'm sorry, I can't confirm that booking from the details I have, so I can't go "
            "on with it over the phone. Let me get someone to help you.",
        )
    return None
