"""How many people one booking is for: "for me and my son", "the two of us", "two haircuts"."""

from __future__ import annotations

import re

from receptionist.dialog.matching import profile_words
from receptionist.dialog.names import is_first_name
from receptionist.dialog.numbers import words_to_numbers
from receptionist.domain.profile import BusinessProfile

_RELATIONS = (
    r"(?:sons?|daughters?|husband|wife|kids?|children|child|boys?|girls?|friends?|partner|mom|"
    r"mum|dad|mother|father|brothers?|sisters?|boyfriend|girlfriend|fianc[eé]e?|grandsons?|"
    r"granddaughters?|nephews?|nieces?|colleagues?|roommates?|babies|baby|toddlers?|twins|"
    r"family|cousins?|grandma|grandpa|grandmother|grandfather|aunt|uncle|mother-in-law|"
    r"father-in-law|stepson|stepdaughter|teenagers?|spouse|mates?|buddy|buddies|pals?|"
    r"besties?|best friend|flatmates?|housemates?|co-?workers?|workmates?|neighbou?rs?|hubby|"
    r"missus|other half|step-?(?:dad|mum|mom)|grand-?dad|gran|nan|nana|nanna|godson|"
    r"goddaughter)"
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "both": 2,
                 "a couple of": 2, "a couple": 2, "couple of": 2}  # fmt: skip


def _count(word: str | None) -> int | None:
    if not word:
        return None
    word = word.strip()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


_GROUP = re.compile(
    r"\b(?:(?:my|our|his|her|the)\s+)?(?:(\d+|one|two|three|four|five|six|a couple of|couple of)"
    rf"\s+)?(?:(?:little|young|older|younger|teenage|small)\s+)?{_RELATIONS}\b"
)


def _group_size(part: str) -> int | None:
    """How many people "my son", "my two kids", "my husband and my daughter" are."""
    total = 0
    for match in _GROUP.finditer(part):
        number = _count(match.group(1))
        noun = match.group(0).split()[-1]
        if number is not None:
            total += number
        elif noun == "twins":
            total += 2
        elif (
            noun.endswith("s")
            and noun not in ("boss",)
            and noun != "kids"
            or noun in ("children", "kids", "family", "babies")
        ):
            return None  # "my kids": how many is not said
        else:
            total += 1
    total += sum(
        1
        for w in re.findall(r"\b[A-Z][a-z]+\b", part)
        # "me and John"; not "My husband and I" at a sentence's start ("My" is in the census)
        if is_first_name(w) and w.lower() not in _PLAIN_WORDS
    )
    return total or None


_PLAIN_WORDS = frozenset("my the a an your our of for and with".split())


_CHILDREN = re.compile(
    r"\b(?:(\d+|one|two|three|four|five|six|a couple of|couple of)\s+)?"
    r"(?:(?:little|young|younger|small)\s+)?"
    r"(sons?|daughters?|kids?|children|child|boys?|girls?|grandsons?|granddaughters?|grandkids?|"
    r"grandchild(?:ren)?|babies|baby|toddlers?|twins|stepson|stepdaughter|godson|goddaughter)\b"
)


def children_among(lowered: str) -> int | None:
    """How many of the people named are children ("me, my husband and our two kids": 2);
    None when how many is not said ("my kids")."""
    total = 0
    for match in _CHILDREN.finditer(lowered):
        number, noun = _count(match.group(1)), match.group(2)
        if number is not None:
            total += number
        elif noun == "twins":
            total += 2
        elif noun.endswith("s") or noun in ("children", "grandchildren", "babies"):
            return None
        else:
            total += 1
    return total


def find_people(said: str, lowered: str, profile: BusinessProfile) -> int | None:
    """How many people the booking is for, when the caller said more than one."""
    match = re.search(r"\b(?:both|the two|the both|all two) of us\b|\bus two\b|\bthe pair of us\b|"
                      r"\bus both\b", lowered)  # fmt: skip
    if match:
        return 2
    match = re.search(r"\b(?:the|all|all of)\s+(\d+|three|four|five|six)\s+of us\b|"
                      r"\b(\d+|two|three|four|five|six)\s+(?:people|persons|adults|guests|of us)\b",
                      lowered)  # fmt: skip
    if match:
        return _count(match.group(1) or match.group(2))
    match = re.search(
        r"\b(?:me|myself)\s*(?:,|and|plus|&|with|(?:in|an|n)(?=\s+my\b))\s+(.+?)(?:[.?!]|$)",
        said,
        re.I,
    ) or re.search(
        r"(?:^|\b(?:for|book|get|bring|put)\s+|[,.]\s*)((?:[\w']+\s+){0,2}[\w']+)\s+and\s+"
        r"(?:me|i|myself)\b",
        said,
        re.I,
    )
    if match:
        others = _group_size(match.group(1))
        if others:
            return 1 + others
    beneficiaries = set(re.findall(rf"\bfor (me|myself|him|her|(?:my|our) (?:\w+ )?{_RELATIONS})\b",
                                   lowered))  # fmt: skip
    if len(beneficiaries) >= 2:
        return sum(_group_size(b) or 1 for b in beneficiaries)
    if re.search(r"\b(?:my|our|the) twins\b", lowered):
        return 2
    match = re.search(
        rf"\b(?:my|our)\s+(?:\w+\s+)?{_RELATIONS}\s+(?:and|&)\s+(?:(?:my|our)\s+)?"
        rf"(?:(?!his\b|her\b|their\b)\w+\s+)?{_RELATIONS}\b",
        lowered,
    )
    if match:
        # "Can I book my son and daughter in for kids cuts?": one booking each (it was one)
        both = _group_size(match.group(0))
        if both and both > 1:
            return both
    match = re.search(rf"\b(?:my|our)\s+(\d+|two|three|four|five|six)\s+{_RELATIONS}\b", lowered)
    if match:
        return _count(match.group(1))
    _, service_words = profile_words(profile)
    counted = words_to_numbers(lowered)
    for match in re.finditer(r"\b(\d+)\s+([a-z']+)(?:\s+([a-z']+))?", counted):
        nouns = {match.group(2).rstrip("s"), (match.group(3) or "").rstrip("s"), match.group(2)}
        if nouns & (service_words - _PLAIN_WORDS) and 1 < int(match.group(1)) <= 10:
            return int(match.group(1))
    return None


_SOMEONE_ELSE = re.compile(r"\b(?:him|her|them|he|she|they|his|their)\b")


def mentions_others(lowered: str) -> bool:
    """Does the turn speak of anyone but the caller ("for my son", "and him right after")?
    Two services said with nobody else named are both for the caller."""
    return bool(_GROUP.search(lowered) or _SOMEONE_ELSE.search(lowered))


_FOR_ANOTHER = re.compile(
    rf"\b(?:for|book(?: in)?|booking|bring|get) (?:my|our) (?:\w+ )?{_RELATIONS}\b|"
    rf"\b(?:my|our) (?:\w+ )?{_RELATIONS} (?:needs|wants|would like|is after|is due)\b"
)


def booked_for_another(lowered: str) -> bool:
    """Is the booking asked for someone else ("a kids cut for my daughter", "my dad needs a
    trim"), not someone only told of ("my friend recommended you")?"""
    return bool(_FOR_ANOTHER.search(lowered))
