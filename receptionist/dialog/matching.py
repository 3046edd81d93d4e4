"""The profile's services and staff in what callers say: exact aliases first, then near matches
one sound off ("beer trim", "hare cut", "Marko", "Mark O") by spelling (rapidfuzz) and by sound
(jellyfish's metaphone). Near matches are reported as such; the conversation confirms them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import jellyfish
from rapidfuzz import fuzz, process

from receptionist.domain.profile import BusinessProfile

_WORD = re.compile(r"[a-z][a-z']*")
# Words that are never part of a service's or a person's name, whatever they sound like.
# Everyday words no service is misheard as; a long turn's fuzzy search skips them.
COMMON_WORDS = frozenset(
    """about after again all also and any are back be because been before being but by call
    called calling can come could day did do does doing done for from get go going good got
    had has have hello hey hi how i i'd i'll i'm if in is it it's just know last let like
    look make me more much my need next no not now number of off on one or our out over
    please really right said say see should so some still tell than thank thanks that the
    their them then there they thing think this time to today tomorrow too up us very want
    wanted was way we week well were what when where which will with would yeah yes you your
    sure okay ok many talked talk""".split()
)
_PLAIN = frozenset(
    "a an the my me i you your to for and or at on in of it is it's that this with can could "
    "would like get book want need please some just but so not no yes call her him them there "
    "here be have has had do does did".split()
)


@dataclass(frozen=True)
class Found:
    """A profile name found in the words, where it starts, and whether it was a near match."""

    name: str
    start: int
    near: bool = False


@dataclass(frozen=True)
class _Aliases:
    exact: re.Pattern[str]
    to_service: dict[str, str]
    fuzzy: tuple[tuple[str, str, str, int], ...]  # (alias, alias without spaces, metaphone, words)


T = TypeVar("T")


def per_profile(build: Callable[[BusinessProfile], T]) -> Callable[[BusinessProfile], T]:
    """Cache what is built from a profile by the profile's identity: hashing a whole profile
    on every turn costs more than the rest of the lookup."""
    cache: dict[int, tuple[BusinessProfile, T]] = {}

    def cached(profile: BusinessProfile) -> T:
        hit = cache.get(id(profile))
        if hit is None or hit[0] is not profile:
            if len(cache) > 16:
                cache.clear()
            hit = cache[id(profile)] = (profile, build(profile))
        return hit[1]

    return cached


@per_profile
def _aliases(profile: BusinessProfile) -> _Aliases:
    to_service: dict[str, str] = {}
    for service in profile.services:
        for alias in (service.name, *service.aliases):
            to_service.setdefault(_plain(alias), service.name)
    ordered = sorted(to_service, key=len, reverse=True)
    exact = re.compile(r"\b(" + "|".join(re.escape(a) for a in ordered) + r")(?:e?s|e?d|ing)?\b")
    fuzzy = tuple(
        (
            alias,
            alias.replace(" ", ""),
            jellyfish.metaphone(alias.replace(" ", "")),
            alias.count(" ") + 1,
        )
        for alias in ordered
        if len(alias.replace(" ", "")) >= 5
    )
    return _Aliases(exact, to_service, fuzzy)


# The words that say a booking after a service ("my cleaning appointment")
_BOOKING_WORDS = r"(?:appointments?|appts?|bookings?|reservations?|sessions?|visits?|slots?)"


@per_profile
def _held_services(profile: BusinessProfile) -> re.Pattern[str]:
    """A service said after "my" ("my cleaning", "her check-up", "my dog's vaccination")."""
    names = sorted(_aliases(profile).to_service, key=len, reverse=True)
    said = "|".join(r"[\s-]+".join(re.escape(w) for w in name.split()) for name in names)
    return re.compile(
        rf"\b((?:my|our|his|her|their)(?: [a-z]+'s)?) ({said})(?:e?s)?\b"
        rf"(?![\s-]+{_BOOKING_WORDS}\b)"
    )


def services_as_bookings(lowered: str, profile: BusinessProfile) -> str:
    """``lowered`` with a service after "my" said as a booking: "move my cleaning to Friday"
    as "move my cleaning appointment to Friday", as the rules of intent read a booking held
    whatever the business's services are called (they name a salon's, "my haircut")."""

    def as_booking(match: re.Match[str]) -> str:
        words = re.split(r"[\s-]+", match.group(2))
        if len(words) == 1 and words[0] in _BENEFICIARIES:
            return match.group(0)  # "my son" is a person ("my kids cut" a service)
        return f"{match.group(1)} {'_'.join(words)} appointment"

    return _held_services(profile).sub(as_booking, lowered)


def _plain(text: str) -> str:
    plain = re.sub(r"\s+", " ", re.sub(r"[^a-z' ]", " ", text.lower().replace("-", " "))).strip()
    # "I got cut off", "you cut out": a line dropping, not a haircut.
    plain = _NOT_A_CUT.sub(" ", plain)
    # "hair cutting", "cutting my hair", "beard trimming": the service in its -ing form
    plain = _CUTTING.sub(lambda m: m.group(0).replace("cutting", "cut").replace("trimming", "trim"),
                         plain)  # fmt: skip
    # Whisper writes "for my sun" as often as "for my son" (flite slt and rms, tiny.en).
    return _MY_SUN.sub(r"\1 son", plain)


_CUTTING = re.compile(
    r"\b(?:hair ?cutting|beard trimming|(?:cutting|trimming) (?:my |his |her |their |our |the )?"
    r"(?:hair|beard))\b"
)
_MY_SUN = re.compile(r"\b(my|our|his|her|their) sun\b")


_NOT_A_CUT = re.compile(r"\b(?:got |get |was |were |keep |keeps |you |i )?cut (?:off|out|short)\b")


def find_services(text: str, profile: BusinessProfile) -> list[Found]:
    """Every service named, in the order said: exact aliases, then near matches in the rest."""
    said = _plain(text)
    aliases = _aliases(profile)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for match in aliases.exact.finditer(said):
        merged = _merged(said, taken[-1] if taken else None, match, aliases)
        if merged is not None:  # "trim his beard": one service said in two pieces
            found[-1] = Found(merged, found[-1].start)
            taken[-1] = (taken[-1][0], match.end())
            continue
        found.append(Found(aliases.to_service[match.group(1)], match.start()))
        taken.append(match.span())
    words = [(m.group(0), m.start()) for m in _WORD.finditer(said)]
    _widen_near(said, words, found, taken, aliases)
    free = [
        (w, at) for w, at in words
        if not any(a <= at < b for a, b in taken) and w not in _PLAIN
    ]  # fmt: skip
    if len(free) > 12:  # a long turn: only words near a service-like word are worth a look
        free = [(w, at) for w, at in free if w not in COMMON_WORDS]
    staff = staff_words(profile)
    spaced_aliases = [alias for alias, _, _, _ in aliases.fuzzy]
    for size in (3, 2, 1):
        for i in range(len(free) - size + 1):
            window = free[i : i + size]
            if any(w in staff for w, _ in window) or any(a <= window[0][1] < b for a, b in taken):
                continue
            joined = "".join(w for w, _ in window)
            spaced = " ".join(w for w, _ in window)
            best = process.extractOne(spaced, spaced_aliases, scorer=fuzz.ratio, score_cutoff=65)
            if best is None:
                continue
            alias, squeezed, sound, alias_words = aliases.fuzzy[best[2]]
            if abs(alias_words - size) > 1 or abs(len(joined) - len(squeezed)) > 3:
                continue
            score = max(best[1], fuzz.ratio(joined, squeezed))
            heard = jellyfish.metaphone(joined)
            if (
                score >= (80 if alias_words > 1 else 85)
                or (score >= 75 and fuzz.ratio(heard, sound) >= 85)
                # one word that sounds just the same, spelt further off: "collar" for
                # "colour" (tiny.en from voices not ours; a near match, read back)
                or (size == alias_words == 1 and heard == sound and joined not in COMMON_WORDS)
            ):
                found.append(Found(aliases.to_service[alias], window[0][1], near=True))
                taken.append((window[0][1], window[-1][1] + len(window[-1][0])))
    return _not_the_one_held(said, _for_whom(said, found, taken, profile))


_OWN = re.compile(
    r"\b(?:my|our|his|her|their)(?: (?:mon|tues|wednes|thurs|fri|satur|sun)day(?:'s)?|"
    r" [a-z]+'s)? $"
)


def held_services(text: str, profile: BusinessProfile) -> frozenset[str]:
    """The services said only as the caller's own ("my haircut on Thursday, can we do 4
    instead of 3?", "my Friday cleaning"): one held, not one asked for."""
    said = _plain(text)
    own: set[str] = set()
    other: set[str] = set()
    for found in find_services(text, profile):
        (own if _OWN.search(said[: found.start]) else other).add(found.name)
    return frozenset(own - other)


# "I booked a haircut for Friday, can I add a beard trim?": the haircut is had, not asked for.
_HELD = re.compile(
    r"\b(?:i|we)(?:'ve| ve| have)? (?:already )?(?:booked|got|have|had) (?:a|an|my|our|the) $|"
    r"\binstead of (?:a |an |my |our |the )?$"  # "a colour instead of a cut"
)


def _not_the_one_held(said: str, found: list[Found]) -> list[Found]:
    asked = [item for item in found if not _HELD.search(said[: item.start])]
    return asked if asked and len(asked) < len(found) else found


# Who a service is for, when a profile lists them as a service's words ("son" for a kids
# cut): "a trim for my son" is one service, for them.
_BENEFICIARIES = frozenset(
    "son sons daughter daughters kid kids child children boy boys girl girls toddler baby "
    "teen teenager husband wife partner grandson granddaughter grandchild grandchildren "
    "grandkid grandkids".split()
)
_FOR_WHOM = re.compile(
    r"\bfor (?:my|our|the|his|her|their)(?: (?:little|two|three|young|youngest|eldest|oldest))? $"
)
_WHOSE = re.compile(
    r"\b(?:my|our|his|her|their)(?: (?:little|two|young|youngest|eldest|oldest))? $"
)
_POSSESSIVE = re.compile(r"'?s?'?\s*")
_THEIR_HAIR = re.compile(r"'?s?'?\s+hair\b")  # "cut (my) kids' hair"
_WHOSE_WORDS = frozenset(
    "my our his her their the your little young youngest eldest oldest".split()
)
# The caller asking for a service of their own beside someone else's
_FOR_ME_TOO = re.compile(
    r"\bfor (?:me|myself|us|both)\b|\b(?:me|myself|i)(?:,| and)|\band (?:me|myself|i)\b|"
    r"\b(?:both|each|all) of us\b|\bwe (?:both|all|each)\b|\bboth\b|\bmyself\b|"
    r"\bi(?:'d| would)? (?:need|want|like|get|have)(?: to get| to have)? (?:a|an|one|my)\b|"
    r"\b(?:two|2|three|3|four|4) (?:\w+ )?(?:haircuts|cuts|trims|colou?rs|appointments|"
    r"bookings|people|of us)\b"
)
_APART = re.compile(r"\b(?:and|plus|also|then|or|as well|too|another|one)\b")


# Someone named with the caller, as one of the people to book: "me and my son", "my
# daughter and I", "myself and my husband".
_WITH_ME_BEFORE = re.compile(
    r"\b(?:me|myself)\s+(?:and|&|plus)\s+(?:my|our)(?: (?:little|young|youngest|eldest|oldest))? $"
)
_WITH_ME_AFTER = re.compile(r"^\s*(?:and|&|plus)\s+(?:me|myself|i)\b")


def _for_whom(
    said: str, found: list[Found], taken: list[tuple[int, int]], profile: BusinessProfile
) -> list[Found]:
    """Services in the order said, where a service named only by who it is for, next to
    another ("a trim for my son", "my daughter needs a haircut", "a colour for my
    daughter"), is that one: the more specific of the two when one is a kind of the other
    (a kids cut is a cut), else the other. "A haircut and one for my son" stays two.
    Someone named with the caller ("me and my son, two haircuts") is one of the people:
    the service named is the caller's, and theirs is its kind for them (a kids cut) or
    the same (a colour)."""
    pairs = sorted(zip(found, taken, strict=True), key=lambda p: p[1][0])
    group = [
        (item, start)
        for item, (start, end) in pairs
        if set(said[start:end].split()) <= _BENEFICIARIES
        and (_WITH_ME_BEFORE.search(said[:start]) or _WITH_ME_AFTER.search(said[end:]))
    ]
    named = [item for item, _ in pairs if item not in (g for g, _ in group)]
    if group and named:
        general = named[0]
        theirs = [
            Found(item.name if _a_kind_of(item.name, general.name, profile) else general.name,
                  item.start)
            for item, _ in group
        ]  # fmt: skip
        caller_first = bool(_WITH_ME_BEFORE.search(said[: group[0][1]]))
        return [general, *theirs] if caller_first else [*theirs, general]
    out: list[tuple[Found, tuple[int, int], bool]] = []  # (service, span, named by whom)
    for item, (start, end) in pairs:
        by_whom = set(said[start:end].split()) <= _BENEFICIARIES
        if out:
            before, (first, last), before_by_whom = out[-1]
            between = said[last:start]
            near = len(between.split()) <= 5 and not _APART.search(between)
            # "Do you cut kids' hair?": who it is for inside the other's words ("cut ...
            # hair"), or just before them ("children's haircuts"): one service, their kind
            inside = (
                start < last
                or (before_by_whom and _POSSESSIVE.fullmatch(between))
                or (
                    by_whom
                    and set(between.split()) <= _WHOSE_WORDS
                    and bool(_THEIR_HAIR.match(said, end))
                )
            )
            if inside and (by_whom or before_by_whom):
                general, specific = (before, item) if by_whom else (item, before)
                # a kids cut is a cut; "colour my daughter's hair" is a colour, for her
                kept = specific if _a_kind_of(specific.name, general.name, profile) else general
                near = kept.near and (before.name != item.name or before.near == item.near)
                kind = Found(kept.name, min(before.start, item.start), near)
                out[-1] = (kind, (first, max(last, end)), False)
                continue
            if near and by_whom and _FOR_WHOM.search(said[:start]):
                if _a_kind_of(item.name, before.name, profile):
                    out[-1] = (Found(item.name, before.start, item.near), (first, end), False)
                continue
            if near and before_by_whom and _WHOSE.search(said[:first]):
                if not _a_kind_of(before.name, item.name, profile):
                    out[-1] = (item, (start, end), False)
                continue
        out.append((item, (start, end), by_whom))
    if (
        len(out) == 2
        and out[0][2]
        and not out[1][2]
        and _a_kind_of(out[0][0].name, out[1][0].name, profile)
        and not _FOR_ME_TOO.search(said)
    ):
        # "Is it OK if I bring my son along to my Friday appointment for a cut as well?":
        # the cut is his (a kids cut), not a second one for the caller, who asks none.
        return [out[0][0]]
    return [item for item, _, _ in out]


def per_person(
    services: Sequence[str], people: int, children: int, profile: BusinessProfile
) -> list[str] | None:
    """Each person's service where some of them are children and a service is a kind for
    them ("me, my husband and our two kids" for kids cuts: a haircut each for the two
    adults, a kids cut each for the children), adults first; None when no service is a
    kind of another (a colour for each, as said)."""
    if not 0 < children <= people:
        return None
    for kind in services:
        general = next(
            (
                g
                for g in (*services, *(x.name for x in profile.services))
                if _a_kind_of(kind, g, profile)
            ),
            None,
        )
        if general is not None:
            return [general] * (people - children) + [kind] * children
    return None


def _a_kind_of(specific: str, general: str, profile: BusinessProfile) -> bool:
    """Is one service a kind of another: a word of its name is the other's name or alias
    ("kids cut": "cut" is a haircut's alias)."""
    other = profile.service(general)
    if other is None or specific == general:
        return False
    names = {other.name.lower(), *(a.lower() for a in other.aliases)}
    return any(word in names for word in specific.lower().split())


def _widen_near(
    said: str,
    words: list[tuple[str, int]],
    found: list[Found],
    taken: list[tuple[int, int]],
    aliases: _Aliases,
) -> None:
    """A one-word alias inside a longer alias misheard ("beer trim": "trim" is a haircut
    here, "beer trim" a beard trim one sound off): the longer near match wins."""
    for index, (start, end) in enumerate(taken):
        if " " in said[start:end]:
            continue
        position = next((i for i, (_, at) in enumerate(words) if at == start), None)
        if position is None:
            continue
        for first in (position - 1, position):
            pair = words[first : first + 2]
            if first < 0 or len(pair) < 2 or any(w in _PLAIN for w, _ in pair):
                continue
            spaced = " ".join(w for w, _ in pair)
            for alias, _, _, alias_words in aliases.fuzzy:
                service = aliases.to_service[alias]
                if alias_words == 2 and service != found[index].name and spaced != alias:
                    if fuzz.ratio(spaced, alias) >= 80:
                        found[index] = Found(service, pair[0][1], near=True)
                        taken[index] = (pair[0][1], pair[1][1] + len(pair[1][0]))
                        break


def _merged(
    said: str, before: tuple[int, int] | None, match: re.Match[str], aliases: _Aliases
) -> str | None:
    """The service whose alias holds both of two aliases said a word or two apart."""
    if before is None or len(said[before[1] : match.start()].split()) > 2:
        return None
    pieces = set(said[before[0] : before[1]].split()) | set(match.group(1).split())
    for alias, service in aliases.to_service.items():
        if len(pieces) > 1 and pieces <= set(alias.split()):
            return service
    return None


@per_profile
def profile_words(profile: BusinessProfile) -> tuple[frozenset[str], frozenset[str]]:
    """(words that are never the caller's name, words that belong to a service's name)."""
    service_words: set[str] = set()
    for service in profile.services:
        for alias in (service.name, *service.aliases):
            service_words.update(re.findall(r"[a-z']+", alias.lower()))
    never = set(service_words)
    for member in profile.staff:
        never.update(re.findall(r"[a-z']+", member.role.lower()))
    never.update(re.findall(r"[a-z']+", profile.name.lower()))
    never.update({"salon", "shop", "store", "office", "clinic", "studio", "desk", "front"})
    # "This is Mercy Hospital calling": a place, not a caller's name
    never.update({"hospital", "practice", "pharmacy", "surgery", "bank", "school", "insurance",
                  "company", "agency", "council", "department", "lab", "laboratory"})  # fmt: skip
    return frozenset(never), frozenset(service_words)


# Titles a staff member's name may carry in the profile ("Dr. Patel"), each as callers say it
# and as Whisper writes it: "Dr. Patel", "Dr Patel", "Doctor Patel", or "Patel" alone.
_TITLES = {
    "dr": r"(?:dr\.?|doctor)", "doctor": r"(?:dr\.?|doctor)",
    "mr": r"(?:mr\.?|mister)", "mrs": r"(?:mrs\.?|missus|misses)", "ms": r"(?:ms\.?|miss|mz)",
    "miss": r"(?:miss|ms\.?)", "prof": r"(?:prof\.?|professor)",
    "professor": r"(?:prof\.?|professor)",
}  # fmt: skip


def _name_words(name: str) -> tuple[str | None, list[str]]:
    """A staff name's title (its key in _TITLES, or None) and the words of the name itself."""
    words = re.findall(r"[a-z][a-z'-]*", name.lower())
    if len(words) > 1 and words[0] in _TITLES:
        return words[0], words[1:]
    return None, words


@per_profile
def staff_patterns(profile: BusinessProfile) -> dict[str, str]:
    """Each staff member's name as a regex (lower case) of the ways a caller names them: the
    whole name, with its title or without ("Dr. Amy Chen", "Doctor Chen", "Amy Chen"), and
    one word of it alone ("Chen", "Amy") where no one else's name has that word."""
    counts: dict[str, int] = {}
    for member in profile.staff:
        for word in set(_name_words(member.name)[1]):
            counts[word] = counts.get(word, 0) + 1
    patterns: dict[str, str] = {}
    for member in profile.staff:
        title, words = _name_words(member.name)
        if not words:
            patterns[member.name] = re.escape(member.name.lower())
            continue
        whole = r"\s+".join(re.escape(w) for w in words)
        alone = [re.escape(w) for w in words if counts[w] == 1 and len(words) > 1]
        prefix = rf"(?:{_TITLES[title]}\s+)?" if title else ""
        forms = [whole, *alone]
        if title and len(words) > 1:  # "Dr. Chen" for Dr. Amy Chen
            forms.insert(1, rf"{_TITLES[title]}\s+{re.escape(words[-1])}")
        patterns[member.name] = rf"{prefix}(?:{'|'.join(forms)})"
    return patterns


@per_profile
def staff_words(profile: BusinessProfile) -> frozenset[str]:
    """Every word of the staff's names, titles included, and each whole name (lower case):
    words that name no caller where a staff member is meant ("see Dr. Patel": not "Patel")."""
    words: set[str] = set()
    for member in profile.staff:
        words.add(member.name.lower())
        words.update(re.findall(r"[a-z][a-z'-]*", member.name.lower()))
    return frozenset(words)


@per_profile
def _one_words(profile: BusinessProfile) -> tuple[tuple[str, str], ...]:
    """(the pattern of a staff member's name, one word for it): the surname of a titled name
    ("Dr. Patel", "Doctor Amy Chen"), else its first word ("Amy Chen")."""
    pairs = []
    for member in profile.staff:
        title, words = _name_words(member.name)
        if len(words) > 1 or title:
            key = words[-1] if title else words[0]
            pairs.append((staff_patterns(profile)[member.name], key))
    return tuple(pairs)


def staff_as_one_word(lowered: str, profile: BusinessProfile) -> str:
    """``lowered`` with each staff name of more than one word ("dr. patel", "doctor patel",
    "amy chen") as one word ("patel", "amy"), as the rules of intent read a name."""
    for pattern, key in _one_words(profile):
        lowered = re.sub(rf"\b(?:{pattern})(?![\w'])", key, lowered)
    return lowered


def names_staff(text: str, member: str, profile: BusinessProfile) -> re.Match[str] | None:
    """Where ``text`` names the staff member ``member`` (any of the ways in staff_patterns)."""
    pattern = staff_patterns(profile).get(member) or re.escape(member.lower())
    return re.search(rf"\b(?:{pattern})(?:'s)?(?![\w'])", text.lower())


def without_staff(text: str, profile: BusinessProfile) -> str:
    """``text`` (lower case) with every staff member's name blanked out."""
    lowered = text.lower()
    for pattern in staff_patterns(profile).values():
        lowered = re.sub(rf"\b(?:{pattern})(?![\w'])", " ", lowered)
    return lowered


def is_staff_name(name: str, profile: BusinessProfile) -> bool:
    """Is ``name`` (a name the caller said) one of the staff's, as a whole ("Patel", "Dr
    Patel" for Dr. Patel)?"""
    return any(
        re.fullmatch(rf"(?:{pattern})", name.lower().strip())
        for pattern in staff_patterns(profile).values()
    )


# First names that are everyday words too ("I will be there", "by God's grace"): a staff
# member called so is named only as a name is written, or after "with", "ask", "to", ...
_EVERYDAY_NAMES = frozenset(
    "will may june april august bill mark grace hope faith joy rose sky summer dawn art ray "
    "guy pat sue rob jack frank crystal amber ruby pearl iris lily daisy holly ivy penny bob "
    "max sunny chase drew gene hunter miles page reed wade sandy rusty cliff glen dale don "
    "sterling".split()
)
_NAMING = re.compile(
    r"\b(?:with|see|seeing|ask|asking|to|for|tell|prefer|book|booked|is|and|or|by|from)\s+$",
    re.I,
)


def _said_as_a_name(text: str, words: Sequence[str]) -> bool:
    """Is a name that is an everyday word said as a name in ``text`` (as the caller's words
    are written): capitalised within a sentence ("Is Will in today?"), alone ("Will,
    please."), or after a word that names someone ("a haircut with will")?"""
    for match in re.finditer(rf"\b{re.escape(words[0])}\b", text, re.I):
        before, after = text[: match.start()], text[match.end() :]
        if _NAMING.search(before):
            return True
        if match.group(0)[0].isupper():
            starts = not before.strip() or re.search(r"[.?!]\s*$", before)
            if not starts or re.match(r"\s*(?:[,.?!]|$|please\b)", after, re.I):
                return True
    return False


_STAFF_CONTEXT = re.compile(
    r"\b(?:with|for|to|see|seeing|ask|asking|is|prefer|want|wants|like|tell|from|and|or|by|"
    # a title: "Dr. Patil" for Dr. Patel (as Whisper spells a name it half knows)
    r"dr|doctor|mr|mister|mrs|ms|miss|prof|professor)\s*$"
)


def find_staff(text: str, profile: BusinessProfile, not_words: frozenset[str] = frozenset(),
               expecting: bool = False) -> Found | None:  # fmt: skip
    """A staff member by name, near name ("Marko", "Mark O") or role ("the owner")."""
    said = _plain(text)
    named = []
    for member in profile.staff:
        if set(_name_words(member.name)[1]) <= not_words:
            continue  # the caller's own name, not the staff member's
        match = names_staff(said, member.name, profile)
        own = _name_words(member.name)[1]
        if match and set(own) <= _EVERYDAY_NAMES and not _said_as_a_name(text, own):
            continue  # "I will be there at 3" names no Will
        if match:
            named.append((match.start(), -len(match.group(0)), member.name))
    if named:  # the longest said first: "Amy Chen", not "Chen" (Dr. Chen)
        start, _, name = min(named)
        return Found(name, start)
    for role in {m.role.lower() for m in profile.staff if m.role}:
        holders = [m for m in profile.staff if m.role.lower() == role]
        match = re.search(rf"\b{re.escape(role)}s?\b", said)
        if match and len(holders) == 1:
            return Found(holders[0].name, match.start())
    words = [(m.group(0), m.start()) for m in _WORD.finditer(said)]
    for i, (word, at) in enumerate(words):
        if word in _PLAIN or word in not_words:
            continue
        if not (expecting or _STAFF_CONTEXT.search(said[:at])):
            continue
        candidates = [word]
        if i + 1 < len(words) and len(words[i + 1][0]) <= 2:
            candidates.append(word + words[i + 1][0])  # "Mark O" for "Marco"
        for member in profile.staff:
            words_of_name = _name_words(member.name)[1]
            for target, candidate in itertools.product(
                {"".join(words_of_name), words_of_name[-1] if words_of_name else ""}, candidates
            ):
                score = fuzz.ratio(candidate, target)
                if score >= 88 or (
                    score >= 75 and jellyfish.metaphone(candidate) == jellyfish.metaphone(target)
                ):
                    return Found(member.name, at, near=True)
    return None


def same_person(said: str, on_booking: str) -> bool:
    """The name a caller gave is the one on a booking: each word said is near a word of the
    booking's name by spelling or by sound ("Smith" and "Jon Smyth" are John Smith; "Jones"
    is not). An empty name matches nothing."""
    have = _WORD.findall(on_booking.lower())
    wanted = [w for w in _WORD.findall(said.lower()) if w not in _PLAIN]
    if not wanted or not have:
        return False
    return all(any(_near_word(w, h) for h in have) for w in wanted)


def _near_word(said: str, have: str) -> bool:
    score = fuzz.ratio(said, have)
    return score >= 80 or (score >= 60 and jellyfish.metaphone(said) == jellyfish.metaphone(have))


_OWNER = re.compile(
    r"\bown(?:s|er)\b|\bboss\b|\bmanager\b|\bruns? the (?:place|salon|shop)\b|in charge"
)


def staff_by_role(text: str, profile: BusinessProfile) -> str | None:
    """ "Whoever owns the place", "the boss", "the stylist": the staff member with that role."""
    lowered = text.lower()
    for member in profile.staff:
        role = member.role.lower()
        if role == "owner" and _OWNER.search(lowered):
            return member.name
        if role and re.search(rf"\b{re.escape(role)}s?\b", lowered):
            return member.name
    return None
