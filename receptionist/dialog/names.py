"""The caller's own name, only from words the caller said as their name.

"My name is X", "the name's X", "under the name X" are strong: X is a name unless it is plainly
something else (a month, a weekday, a service, a staff member, a filler). "This is X", "it's X",
"I'm X", "under X", "for X" are weak: X must look like a person's name, that is a first name of
the US census lists (the ``names`` package, 1990 census, MIT) or a capitalised word that Whisper
wrote mid-sentence. A bare answer to "what name?" is a name when it is nothing else. Spelled
names ("S M I T H", "S-M-I-T-H", "Jon without an h") are read letter by letter.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz

from receptionist.dialog.numbers import WORD_NUMBERS
from receptionist.dialog.when import MONTHS, WEEKDAYS

_NOT_NAMES = frozenset(
    """a an the and or but so if then than that this these those there here it it's its is was
    be been being am are were do does did done have has had having will would shall should can
    could may might must not no yes yeah yep nope ok okay sure fine good great perfect right
    correct wrong sorry thanks thank you hi hello hey bye goodbye please well oh ah um uh er erm
    hmm mm like just only also actually really very still even again already about above after
    before under over for from to at on in of off by with without into onto up down out back
    away me my mine myself i i'm i'd i'll i've we us our ours you your yours he him his she her
    hers they them their theirs who whom whose what which when where why how all any some
    someone somebody anyone anybody everyone everybody nobody none one each every both either
    neither other another more most less least much many few lot lots something anything
    nothing everything calling looking wondering trying hoping wanting needing going gonna
    wanna coming ringing phoning checking asking booking cancelling canceling rescheduling
    moving planning thinking getting making having doing waiting holding speaking talking
    interested available free busy open closed ready done new late early later earlier soon
    first second third last next same booked book call called message number phone name names
    appointment appointments time times day days week weeks weekend month year morning
    afternoon evening night tonight today tomorrow yesterday noon midday lunch o'clock oclock
    am pm half quarter minute minutes hour hours haircut hair cut trim kids kid child son
    daughter husband wife mom mum dad mother father brother sister friend family boyfriend
    girlfriend partner baby boy girl man woman guy lady sir madam ma'am mister miss missus
    customer client person human someone robot machine help question refund price prices
    cost how's what's that's there's here's who's where's maybe perhaps probably definitely
    absolutely certainly exactly kind sort bit little again too either regular usual
    returning existing current previous cool awesome lovely wonderful nice happy glad pleased
    afraid sick tired running stuck walk walking straight whatever whichever whoever wherever
    whenever however anyway anyhow thing things stuff matter matters mind idea clue dunno
    nevermind works""".split()
)
# "Doesn't matter", "Don't know", "I'll spell it": a word with a verb's contraction is no name
# (a name's apostrophe follows its first letter or two: O'Brien, D'Angelo, Ka'ena).
_CONTRACTION = re.compile(r"(?:n't|'ll|'re|'ve|'m|'d)$")
# Days, months, numbers and the words of a request are never a surname, capital or not.
_NEVER_A_SURNAME = frozenset(
    """book booking call calling called number phone name appointment time times day days week
    weeks morning afternoon evening night noon lunch hair haircut trim colour color cut first
    second last next late later early free just like""".split()
)
_TITLES = {"mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "dr": "Dr.",
           "mister": "Mr.", "missus": "Mrs.", "doctor": "Dr."}  # fmt: skip


def addressed(name: str) -> str:
    """How the agent addresses the caller by ``name``: "Dorothy" for "Dorothy Hill", "Mrs.
    Hill" for "Mrs. Dorothy Hill" (not "Mrs.")."""
    words = name.split()
    if len(words) > 1 and words[0].lower().strip(".") in _TITLES:
        return f"{words[0]} {words[-1]}"
    return words[0] if words else name


_STRONG = re.compile(
    r"\b(?:my name is|my name's|my names|name is|name's|the name,?(?: is)?|names is|"
    # "name's" as Whisper writes it from voices it had not heard: "names Hal Jordan",
    # "Name Victor Lane." at the start of a sentence ("my son named Leo" is not the caller).
    r"names,?|(?:^|(?<=[,.!?] ))name,?|"
    r"under the name(?: of)?|in the name of|booked under|it's under|it is under|"
    r"put (?:it|that|me|this) (?:down )?under|(?:my )?(?:first|last|sur) ?name(?: is|'s)?|"
    r"you can call me|call me|my name,?|"  # "My name Nguyen Van An"
    r"(?:i'm|i am|she's|she is|he's|he is|they're|they are|it's) called)\s+"  # "She's called Lily"
    r"(?:an?\s+(?=(?-i:[A-Z])))?",  # "put it under a Lisa Chen" (Whisper's "a")
    re.I,
)
# Particles inside a surname: "Maria De La Cruz", "Ludwig van Beethoven", "Ahmed bin Said".
_PARTICLES = frozenset("de la del della van von der den da di du le dos das bin ibn ter".split())
_WEAK = re.compile(
    r"\b(?:this is|it's|it is|its|i'm|i am|that's|under|for)(?:\s*,?\s*(?:um|uh|er)?\s*,)?\s+",
    re.I,
)  # "it's, um, Tess Gray"
# "for X" names who it is for only after a booking; "a message for X" names someone else.
_FOR_SOMEONE_ELSE = re.compile(
    r"\b(?:message|note|word|ask|asking|asked|look|looking|wait|waiting|call|calling|speak|"
    r"talk|transfer|tell|available|work|works|working|ring|hold|reach|need|needs|"
    r"make|move|change|switch|push|bring)\s+(?:\w+\s+)?$",
    re.I,
)
# "his name is David", "my son's name is Leo": a name, but not the caller's.
_SOMEONE_ELSES = re.compile(r"\b(?:his|her|their|[a-z]+'s)\s+(?:first |last )?$", re.I)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*\.?|[,.;!?]")
_SPELLED = re.compile(r"(?<![A-Za-z'])((?:[A-Za-z](?:[\s.,\-?!]+|$)){2,})(?![A-Za-z'])")
_WITHOUT = re.compile(r"\b(?:without|with no|no|minus)\s+(?:an?\s+|the\s+)?([a-z])\b\.?", re.I)
_LEAD = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|okay|ok|oh|um|uh|er|erm|ah|and|so|well|right|alright|hi|hello|"
    r"of course|certainly|it's|it is|its|that's|that is|this is|my name is|my name's|name's|"
    r"the name's|i'm|i am|it'll be|it will be|put it under|under|you can put|sorry|hang on|"
    r"hold on|wait|one sec(?:ond)?|just a sec(?:ond)?|let me (?:see|think)|just put|put|i said|"
    # "And her, Anna Kovacs" ("and her name's ...", its "name's" not heard) asked the name
    r"just|her|his)"
    r"[\s,.!]+)+",
    re.I,
)
# "Jane Miller here", "John speaking", opening the call or a sentence.
_SAYS_HERE = re.compile(
    r"(?:^|[.!?]\s+|\b(?:hi|hello|hey|hiya|yes|yeah|oh|morning)[,!.]?\s+)"
    r"([A-Za-z][A-Za-z'\-]+(?:\s+[A-Za-z][A-Za-z'\-]+)?),?\s+(?:here|speaking)\b",
    re.I,
)
_TRAIL = re.compile(
    r"(?:[\s,.!]+(?:please|thanks|thank you|here|speaking|again|sorry))+[\s.!?]*$", re.I
)


@lru_cache(maxsize=1)
def _census() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames of the 1990 US census (the ``names`` package)."""
    base = resources.files("names")

    def read(name: str) -> list[str]:
        text = base.joinpath(name).read_text(encoding="ascii")
        return [line.split(maxsplit=1)[0].lower() for line in text.splitlines() if line.strip()]

    first = frozenset(read("dist.male.first") + read("dist.female.first"))
    return first, frozenset(read("dist.all.last"))


_census()  # loaded with the module, not on the first caller's turn


def is_first_name(word: str) -> bool:
    return word.lower().strip(".") in _census()[0]


def is_surname(word: str) -> bool:
    return word.lower().strip(".") in _census()[1]


def _never(word: str, exclude: frozenset[str]) -> bool:
    low = word.lower().strip(".")
    acronym = len(word.strip(".")) > 1 and word.strip(".").isupper()  # Whisper's "ID", "TV"
    return (
        acronym or low in _NOT_NAMES or low in exclude or low in MONTHS or low in WEEKDAYS
        or _CONTRACTION.search(low) is not None
        or low.rstrip("s") in WEEKDAYS or low in WORD_NUMBERS or len(low) < 2
        or not re.fullmatch(r"[a-z][a-z'\-]*", low)
    )  # fmt: skip


def _surname_after_a_name(word: str, exclude: frozenset[str]) -> bool:
    """A word that is a surname as well as a common word ("Price", "Long", "Cook"), after a
    first name and written with its capital (Whisper capitalises names, and a sentence's
    own capital is never in the middle of it): "Owen Price"."""
    low = word.lower().strip(".")
    return (
        word[:1].isupper() and len(low) >= 4 and is_surname(low) and low not in exclude
        and low not in _NEVER_A_SURNAME and re.fullmatch(r"[a-z][a-z'\-]*", low) is not None
    )  # fmt: skip


def _first_name_before_a_surname(words: list[str], exclude: frozenset[str]) -> bool:
    """A first name that is a common word as well ("May", "June", "Will", "Sunny"), written
    with its capital and followed by a surname with its capital: "May Parker", "Will Smith".
    Only as the whole answer to "what name?"."""
    if len(words) != 2 or not all(w[:1].isupper() for w in words):
        return False
    first, last = (w.lower().strip(".") for w in words)
    return (
        is_first_name(first) and first not in exclude and first not in WEEKDAYS
        and is_surname(last) and not _never(words[1], exclude)
    )  # fmt: skip


def _shape(word: str) -> str:
    word = word.strip(".")
    if word.lower() in _TITLES:
        return _TITLES[word.lower()]
    if word.lower() in _PARTICLES and word.islower():
        return word  # "Ludwig van Beethoven"
    return word if any(c.isupper() for c in word[1:]) else word[:1].upper() + word[1:].lower()


def _take(words: list[str], exclude: frozenset[str], strong: bool) -> list[str]:
    """The name at the start of ``words`` (what follows a trigger): up to three name-like
    words. After a weak trigger the first must be a census first name or capitalised (Whisper
    capitalises names; after a trigger a capital is never the sentence's own)."""
    taken: list[str] = []
    for index, word in enumerate(words):
        low = word.lower().strip(".")
        if low in _TITLES and not taken and index + 1 < len(words):
            taken.append(word)
            continue
        if word.lower().endswith("'s") and len(word) > 3:
            break  # "Sarah's number": whose, not who
        titled = bool(taken) and taken[0].lower().strip(".") in _TITLES
        if (
            taken
            and low in _PARTICLES
            and index + 1 < len(words)
            and words[index + 1][:1].isupper()
        ):
            taken.append(word)  # "De La Cruz": not counted as a name's word
            continue
        particles = sum(w.lower() in _PARTICLES for w in taken)
        if word in ",.;!?" or len(taken) >= 3 + titled + particles:
            break
        after_particle = len(taken) >= 2 and taken[-1].lower() in _PARTICLES  # "Van An"
        if (
            _never(word, exclude)
            and not (taken and _surname_after_a_name(word, exclude))
            and not (after_particle and word[:1].isupper() and word.isalpha())
        ):
            break
        capital = word[:1].isupper()
        known = is_first_name(word) or is_surname(word)
        if not taken or (titled and len(taken) == 1):
            if not (strong or titled or capital or is_first_name(word)):
                break
        elif not (capital or known or strong):
            break
        taken.append(word)
        if word.endswith(".") and len(word) > 2 and low not in _TITLES:
            break  # "It's Lee. Ann Lee.": a sentence ends the name ("J." is an initial)
    if taken and taken[-1].lower().strip(".") in _TITLES:
        taken.pop()
    return taken


_SPELLING_OF = re.compile(
    r"\b([A-Za-z][A-Za-z'\-]{2,})[\s,.]+(?:(?:that's|that is|it's|spelled|spelt|as in)[\s,:]+)*"
    r"((?:[A-Za-z](?:[\s.,\-?!]+|$)){3,})",
    re.I,
)
# "Catelyn Stark, that's C A T E L Y N": the words before a spelling that isn't next to its name.
_SPELLING_SAID = re.compile(
    r"[,;]?\s*\b(?:that's|that is|it's|spelled|spelt|spelling)\b[\s,:]*"
    r"(?=(?:[A-Za-z](?:[\s.,\-?!]+|$)){3,})",
    re.I,
)
_WITH_A = re.compile(
    r"[\s,.]*(?:(?:that's|that is|it's)\s+)?[A-Za-z'\-]+\s+with\s+an?\s+[A-Za-z]\b[.!]?", re.I
)


def _fold_spelling(text: str) -> str:
    """A name then its spelling ("Kowalczyk, that's K O W A L C Z Y K", "Siobhan, S-I-O-B-H-A-N,
    Murphy") becomes the name as spelled; "Smyth with a Y" confirms a letter already there."""

    def fold(match: re.Match[str]) -> str:
        word, letters = match.group(1), "".join(re.findall(r"[A-Za-z]", match.group(2)))
        if fuzz.ratio(word.lower(), letters.lower()) < 60:
            return match.group(0)
        ends_clause = match.group(2).rstrip()[-1:] in (",", ";")
        return letters.capitalize() + ("\x00 " if ends_clause else " ")

    def join(match: re.Match[str]) -> str:
        # "Smith, S M I T H, John" is John Smith; "Raj, R-A-J, Patel" is Raj Patel (the
        # comma after a spelling ended the name at its first word)
        spelled, after = match.groups()
        if is_first_name(after) and not is_first_name(spelled):
            return f"{after} {spelled}"
        return f"{spelled} {after}"

    folded = _SPELLING_OF.sub(fold, text)
    folded = re.sub(r"([A-Z][a-z'\-]+)\x00\s*([A-Z][a-z'\-]+)", join, folded).replace("\x00", ",")
    folded = _WITH_A.sub(" ", folded).strip()
    return _SPELLING_SAID.sub(", ", folded)


def _spelled(text: str) -> str | None:
    """A name spelled letter by letter: "S M I T H", "S-M-I-T-H", "J. O. N."."""
    for match in _SPELLED.finditer(text):
        letters = re.findall(r"[A-Za-z]", match.group(1))
        hyphened = "-" in match.group(1)
        if len(letters) >= 3 or (len(letters) == 2 and hyphened):
            return "".join(letters).capitalize()
    return None


def _drop_letter(name: str, text: str) -> str:
    match = _WITHOUT.search(text)
    if not match or not name:
        return name
    letter = match.group(1).lower()
    parts = name.split()
    for i in range(len(parts) - 1, -1, -1):
        at = parts[i].lower().rfind(letter)
        if at > 0:
            parts[i] = parts[i][:at] + parts[i][at + 1 :]
            return " ".join(parts)
    return name


def _swap_last_first(words: list[str], text: str) -> list[str]:
    """ "Smith, John" -> John Smith."""
    if len(words) == 2 and re.search(
        rf"\b{re.escape(words[0])}\s*,\s*{re.escape(words[1])}\b", text
    ):
        if is_first_name(words[1]) and not is_first_name(words[0]):
            return [words[1], words[0]]
    return words


def _with_spelling(words: list[str], spelled: str | None) -> list[str]:
    if not spelled:
        return words
    if not words:
        return [spelled]
    best = max(range(len(words)), key=lambda i: fuzz.ratio(words[i].lower(), spelled.lower()))
    if fuzz.ratio(words[best].lower(), spelled.lower()) >= 50:
        words = list(words)
        words[best] = spelled
    return words


def find_name(
    text: str,
    exclude: frozenset[str] = frozenset(),
    bare: bool = False,
    staff: frozenset[str] = frozenset(),
) -> str | None:
    """The caller's own name in ``text``. ``exclude``: lowercase words that are never the
    caller's name here (services, the business). ``staff``: staff names, the caller's name only
    when plainly given as such ("my name is Sarah", or "Sarah" when asked for a name), never
    from "this is Sarah", "for Sarah". ``bare``: "what name?" was just asked and this turn said
    nothing else, so the whole answer may be the name."""
    said = text
    pair = _NAME_AND_ANOTHER.match(text) if bare else None
    if pair is not None:
        # "Dave Grohl and Jess" asked what name: the caller's, then the other one's first name
        named = find_name(pair.group(1), exclude, bare, staff)
        if named and len(named.split()) > 1:
            return named
    text = _ASIDE.sub(", ", _fold_spelling(text))  # "I'm Rachel, by the way, Rachel Green"
    # a spelling folded into its word still says that word is a name ("It's Price, P R I C E")
    spelled = _spelled(text) or _spelled(said)
    first = re.search(r"\bfirst name(?: is|'s)?\s+([A-Za-z][A-Za-z'\-]+)", text, re.I)
    last = re.search(r"\b(?:last|sur) ?name(?: is|'s)?\s+([A-Za-z][A-Za-z'\-]+)", text, re.I)
    if (
        first
        and last
        and not _never(first.group(1), exclude)
        and not _never(last.group(1), exclude)
    ):
        return f"{_shape(first.group(1))} {_shape(last.group(1))}"
    if last and not first and not _never(last.group(1), exclude):
        # "Harvey, surname Specter": the first name said first, then the surname (it was
        # "Specter" alone)
        given = _found_name(text[: last.start()], exclude, bare, staff)
        if given and len(given.split()) == 1 and given != _shape(last.group(1)):
            return f"{given} {_shape(last.group(1))}"
    if first and not _never(first.group(1), exclude):
        # "The name is Kowalski, first name Anna": the surname said first, then the first name.
        given = _shape(first.group(1))
        rest = _found_name(text[: first.start()] + text[first.end() :], exclude, bare, staff)
        if rest and len(rest.split()) == 1 and rest != given:
            return f"{given} {rest}"
    return _found_name(text, exclude, bare, staff, spelled)


_NAME_AND_ANOTHER = re.compile(r"^\s*(.+?),?\s+(?:and|&)\s+[A-Z][a-z'\-]+\W*$")
_ASIDE = re.compile(r"(?<=\w)\s*,?\s+\b(?:by the way|btw|sorry|i mean|that is)\s*,\s*", re.I)
_TWO_NAMES = re.compile(
    r"([A-Za-z][a-z'\-]+)(?:\s+([A-Za-z][a-z'\-]+))?,?\s+(?:and|&)\s+([A-Za-z][a-z'\-]+)"
    r"\s+([A-Za-z][a-z'\-]+)"
)
_TRAILING_NAME = re.compile(r"[,;]\s*([A-Z][a-z'\-]+)\s+([A-Z][a-z'\-]+)\W*$")


def _found_name(
    text: str,
    exclude: frozenset[str],
    bare: bool,
    staff: frozenset[str],
    spelled: str | None = None,
) -> str | None:
    for pattern, strong in ((_STRONG, True), (_WEAK, False)):
        for match in pattern.finditer(text):
            before = text[: match.start()]
            if match.group(0).lower().startswith("for") and _FOR_SOMEONE_ELSE.search(before):
                continue
            if strong and _SOMEONE_ELSES.search(before):
                continue
            rest = text[match.end() :]
            if strong:
                rest = re.sub(
                    r"^(?:(?:it's|it is|its|is|uh|um|that's|just)[\s,]+)+", "", rest, flags=re.I
                )
            words = _TOKEN.findall(rest)
            taken = _take(words, exclude if strong else exclude | staff, strong)
            said_again = len(taken) + 1
            if (
                taken
                and words[len(taken) : said_again] in ([","], ["."])
                and words[said_again:][:1] == taken[:1]
            ):
                longer = _take(words[said_again:], exclude, strong)
                taken = longer if len(longer) > len(taken) else taken  # "John, John Smith"
            elif len(taken) == 1 and taken[0].endswith("."):
                # "It's Lee. Ann Lee.": the surname, then the whole name
                longer = _take(words[1:], exclude, strong)
                if len(longer) > 1 and longer[-1].strip(".").lower() == taken[0][:-1].lower():
                    taken = longer
            after = words[said_again : said_again + 2]
            if (
                len(taken) == 1
                and words[1:2] == [","]
                and after[:1]
                and after[1:] in ([], ["."], ["!"])
                and not _never(after[0], exclude | staff)
            ):
                if is_first_name(after[0]) and not is_first_name(taken[0]):
                    taken = [after[0], taken[0]]  # "It's Smith, John": the surname first
                elif is_first_name(taken[0]) and _take(after, exclude, strong):
                    taken = [taken[0], after[0]]  # "It's Siobhan, Murphy"
            if taken:
                taken = _with_spelling(_swap_last_first(taken, rest), spelled)
                return _drop_letter(" ".join(_shape(w) for w in taken), text)
    trailing = _TRAILING_NAME.search(text)
    if trailing:
        # "A haircut on Friday at 2, Bruce Banner": a first and last name closing the request.
        first, last = trailing.group(1), trailing.group(2)
        if (
            is_first_name(first)
            and not _never(first, exclude | staff)
            and not _never(last, exclude | staff)
            and (is_surname(last) or not is_first_name(last))
        ):
            return f"{_shape(first)} {_shape(last)}"
    here = _SAYS_HERE.search(text)
    if here:  # "Hi, Jane Miller here.": a census first name, then perhaps a surname
        words = here.group(1).split()
        if is_first_name(words[0]) and not any(_never(w, exclude | staff) for w in words):
            return " ".join(_shape(w) for w in words)
    if not bare:
        return None
    answer = _TRAIL.sub("", _LEAD.sub("", text.strip())).strip(" ,.!?")
    several = names_listed(answer, exclude | staff)
    if several:  # "Leo, Max and Sam Smith": the first person's; the others read apart
        return several[0]
    pair = _TWO_NAMES.fullmatch(answer)
    if pair is not None:
        # "Ann and Bob Lee", "Ann Lee and Bob Lee" for two bookings: the first person's name
        # (who else is named the caller reads from the same words).
        first, surname = pair.group(1), pair.group(2) or pair.group(4)
        if (
            all(is_first_name(w) or w[:1].isupper() for w in (first, pair.group(3)))
            and (is_first_name(first) or is_first_name(pair.group(3)))
            and not any(_never(w, exclude | staff) for w in (first, pair.group(3), surname))
        ):  # a name the 1990 census lacks ("Liam") as Whisper writes it, capitalised
            return f"{_shape(first)} {_shape(surname)}"
    if spelled:
        answer = _SPELLED.sub(" ", answer + " ")
    answer = _WITHOUT.sub(" ", answer)
    words = _said_once(answer)
    inside = [i > 0 and i + 1 < len(words) and w.lower() in _PARTICLES for i, w in enumerate(words)]
    if words and _first_name_before_a_surname(words, exclude):
        inside[0] = True  # "May Parker": "May" is not a never-word here
    if len(words) - sum(inside) > 3 or any(
        _never(w, exclude)
        and w.lower().strip(".") not in _TITLES
        and w.lower().strip(".") != (spelled or "").lower()  # "It's Price, P R I C E"
        and not (i and _surname_after_a_name(w, exclude))
        and not inside[i]
        for i, w in enumerate(words)
    ):
        return spelled if spelled and not words else None
    words = _with_spelling(_swap_last_first(words, answer), spelled)
    if not words:
        return None
    # "It's Don. Don Price": a first name said twice is one name.
    words = [w for i, w in enumerate(words) if i == 0 or w.lower() != words[i - 1].lower()]
    return _drop_letter(" ".join(_shape(w) for w in words), text)


_LISTED = re.compile(
    r"((?:[A-Za-z][a-z'\-]+,\s*)+[A-Za-z][a-z'\-]+),?\s+(?:and|&)\s+([A-Za-z][a-z'\-]+)\s+"
    r"([A-Za-z][a-z'\-]+)"
)


def names_listed(text: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Three or more first names and one surname ("Leo, Max and Sam Smith"): each person's
    full name, in order; none unless every first name is one."""
    match = _LISTED.search(text.strip(" .!?"))
    if match is None:
        return []
    firsts = [w.strip() for w in match.group(1).split(",")] + [match.group(2)]
    surname = match.group(3)
    if any(_never(w, exclude) for w in (*firsts, surname)):
        return []
    if not all(is_first_name(w) or w[:1].isupper() for w in firsts):
        return []
    return [f"{_shape(w)} {_shape(surname)}" for w in firsts]


def _said_once(answer: str) -> list[str]:
    """The words of a name said once, though callers often say it twice: "John, John Smith",
    "Lopez. Maria Lopez." -> the longest saying."""
    parts = [
        [w for w in _TOKEN.findall(part) if w not in ",.;!?"] for part in re.split(r"[,.;]", answer)
    ]
    # "Donna. Just Donna.": "just" says the name is all there is
    parts = [
        p[1:] if len(p) > 1 and p[0].lower() in ("just", "only", "simply") else p for p in parts
    ]
    parts = [p for p in parts if p]
    seen = [{w.lower() for w in p} for p in parts]
    if len(parts) > 1 and any(seen[i] & seen[j] for i in range(len(parts)) for j in range(i)):
        return max(parts, key=len)
    return [w for p in parts for w in p]


_CALLING_FOR = re.compile(
    r"(?i:\b(?:calling|ringing|phoning|here|speaking|book|booking|appointment|in) "
    r"(?:for|on behalf of) (?:my|our) "
    r"(?:husband|wife|partner|son|daughter|mum|mom|mother|dad|father|boss|friend|brother|sister|"
    r"grandma|grandmother|grandad|grandpa|grandfather|niece|nephew|aunt|uncle|fianc\w*|"
    r"girlfriend|boyfriend|employer)"
    # "book for my mum? She's Margaret Jones", "for my dad, his name is Ray Cole"
    r"(?:\s*[?.!,]?\s*(?:she's|he's|she is|he is|her name is|his name is|her name's|"
    r"his name's|it's|it is|that's)\b)?)"
    r"\s*,?\s+([A-Z][a-z'\-]+)\s+([A-Z][a-z'\-]+)"
)


# "Can I cancel John Smith's appointment on Thursday?": the booking's name, whoever calls
_WHOSE_BOOKING = re.compile(
    r"\b([A-Z][a-z'\-]+) ([A-Z][a-z'\-]+)'s (?i:(?:\w+ )?(?:appointment|booking|reservation|"
    r"haircut|hair ?cut|cut|colou?r|trim))\b"
)


def find_name_called_for(text: str, exclude: frozenset[str] = frozenset()) -> str | None:
    """The full name of the one the caller calls for ("I'm calling for my husband, George
    Mills", "John Smith's appointment"): the name a booking of theirs is under."""
    match = _CALLING_FOR.search(text) or _WHOSE_BOOKING.search(text)
    if match is None or any(_never(w, exclude) for w in match.groups()):
        return None
    return " ".join(_shape(w) for w in match.groups())


def find_other_name(text: str, exclude: frozenset[str] = frozenset()) -> str | None:
    """A name the caller gave for someone else: "his name is David" -> David."""
    # "Her name Aisha Khan" ("is" left out) too
    match = re.search(r"\b(?:his|her|their|[a-z]+'s)\s+name(?:\s+is|'s|,)?\s+(.+)$", text, re.I)
    if not match:
        return None
    taken = _take(_TOKEN.findall(match.group(1)), exclude, strong=True)
    return " ".join(_shape(w) for w in taken) or None
