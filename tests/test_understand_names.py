"""The caller's own name and phone number: only from words the caller gave as theirs, in every
way Whisper writes them, and never from a month, a weekday, a filler, a staff member or a time."""

from __future__ import annotations

from datetime import date

import pytest

from receptionist.app.config import Settings, load_settings
from receptionist.dialog.understand import understand
from receptionist.store.db import Store
from tests.conftest_dialog import start_call

PROFILE = load_settings().profile
TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is John Smith.", "John Smith"),
        ("my name is john smith", "John Smith"),
        ("Hi, my name's Priya Patel and I'd like a haircut.", "Priya Patel"),
        ("The name is Okonkwo.", "Okonkwo"),
        ("Name's Jake.", "Jake"),
        ("under the name It's Maria Lopez", "Maria Lopez"),
        ("Put it under the name Chen, please.", "Chen"),
        ("You can put it under Lopez.", "Lopez"),
        ("Book it under Maria.", "Maria"),
        ("This is Maria Lopez calling about a haircut", "Maria Lopez"),
        ("Hi, this is Dave.", "Dave"),
        ("Hi, it's Jennifer, I booked a colour last week", "Jennifer"),
        ("Yeah, it's Kowalski.", "Kowalski"),
        ("I'm Tom and I need a beard trim", "Tom"),
        ("A booking for John Smith", "John Smith"),
        ("A haircut on Thursday for Emily Brown", "Emily Brown"),
        ("My first name is Anna, last name Schmidt", "Anna Schmidt"),
        ("last name is Nguyen", "Nguyen"),
        ("my name is uh John", "John"),
        ("My name is Mrs. Patel", "Mrs. Patel"),
        ("It's Dr. Jones", "Dr. Jones"),
        ("My name is Mary-Jane O'Brien", "Mary-Jane O'Brien"),
        ("My name is Jon, J-O-N.", "Jon"),
        ("My name is Steven, that's S T E P H E N", "Stephen"),
        # "name's" as Whisper writes it from voices it had not heard (flite, Festival)
        ("A beard trim on Friday at 11, names Hal Jordan.", "Hal Jordan"),
        ("Yes, please finish it. Name Victor Lane.", "Victor Lane"),
        ("A haircut tomorrow at 10, the name, Ruth Alvarez", "Ruth Alvarez"),
    ],
)
def test_a_name_the_caller_gave(text: str, name: str) -> None:
    assert understand(text, PROFILE, TODAY).name == name, text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("John Smith.", "John Smith"),
        ("jane doe", "Jane Doe"),
        ("Maria", "Maria"),
        ("Maria.", "Maria"),
        ("It's Maria Lopez.", "Maria Lopez"),
        ("it's maria lopez", "Maria Lopez"),
        ("Smith, John", "John Smith"),
        ("Yes, Jane Doe.", "Jane Doe"),
        ("Sure, it's Ahmed.", "Ahmed"),
        ("Okonkwo", "Okonkwo"),
        ("Ng", "Ng"),
        ("S M I T H", "Smith"),
        ("S-M-I-T-H.", "Smith"),
        ("Smith, S-M-I-T-H", "Smith"),
        ("that's Jon without an h", "Jon"),
        ("John without the h", "Jon"),
        ("Lee, L-E-E", "Lee"),
        ("Tom, thanks", "Tom"),
        ("Um, Carlos Garcia please", "Carlos Garcia"),
        # Whisper's "and" or "er" before a name said after a breath (audio eval, flite rms)
        ("and Jane Doe.", "Jane Doe"),
        ("Er, Priya Patel.", "Priya Patel"),
        ("The name's Bond.", "Bond"),
        ("Put it under Wu", "Wu"),
        ("It's John, John Smith", "John Smith"),
        ("Maria, Maria Lopez.", "Maria Lopez"),
        ("Lopez. Maria Lopez.", "Maria Lopez"),
        # A caller may share a staff member's name: asked for theirs, it is theirs.
        ("Sarah", "Sarah"),
        ("Yes, my name is Sarah.", "Sarah"),
        # Surnames that are common words too, written with their capital after a first name
        ("it's under Owen Price", "Owen Price"),
        ("Owen Price.", "Owen Price"),
        ("Tom Long", "Tom Long"),
        # The surname first, then the first name
        ("Name is Kowalski, first name Anna", "Anna Kowalski"),
        ("Kowalski. First name Anna.", "Anna Kowalski"),
        ("My first name is Anna", "Anna"),
        ("It's Smith, John", "John Smith"),
        ("It's Smith, S M I T H, John", "John Smith"),
        ("The name is Jones, Mary", "Mary Jones"),
        ("It's Smith, please", "Smith"),
        ("She's called Lily", "Lily"),
        ("He's called Tom Baker", "Tom Baker"),
        # Particles inside a surname, and "my name" without its "is"
        ("Maria De La Cruz", "Maria De La Cruz"),
        ("It's Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("my name is Ahmed bin Said", "Ahmed bin Said"),
        ("My name Nguyen Van An", "Nguyen Van An"),
        ("John Da Silva", "John Da Silva"),
        # Asked what name a booking goes under, someone else's is the answer: it is for them
        ("His name is Sam Grohl", "Sam Grohl"),
        ("Her name's Emma", "Emma"),
        # A spelling after the whole name, of its first part
        ("Catelyn Stark, that's C A T E L Y N", "Catelyn Stark"),
        # A surname that is an everyday word, after a first name; an apostrophe after a letter
        ("Jayden Works.", "Jayden Works"),
        # Two people's names for two bookings: the first person's (the other is read apart)
        ("Ann and Bob Lee.", "Ann Lee"),
        ("Ann Lee and Bob Lee.", "Ann Lee"),
        ("Jake and Liam Ross.", "Jake Ross"),  # a name the 1990 census lacks, capitalised
        ("Leo, Max and Sam Smith.", "Leo Smith"),  # three: the first person's
        ("Just put Alex.", "Alex"),  # was no name
        ("It's Lee. Ann Lee.", "Ann Lee"),  # was "Lee Ann Lee"
        ("Liam and Jake Ross.", "Liam Ross"),
        # The name, then something else; or a moment's pause first
        ("Kim Lee. Oh wait, can we make it 3 instead?", "Kim Lee"),
        ("Hang on. Kim Lee.", "Kim Lee"),
        ("Let me think. Kim Lee.", "Kim Lee"),
        ("Dana O'Neil", "Dana O'Neil"),
        ("Liam.", "Liam"),
        # A name put right, and the one it replaces (were no name)
        ("Sorry, I said Don Price, not Jon.", "Don Price"),
        ("I said Don Price.", "Don Price"),
        ("Sorry, it's Smith not Smyth", "Smith"),
        # A surname that is a word of prices, spelt out (was the price list)
        ("It's Price, P R I C E.", "Price"),
        ("Price, P R I C E.", "Price"),
    ],
)
def test_a_bare_answer_to_what_name(text: str, name: str) -> None:
    assert understand(text, PROFILE, TODAY, "name").name == name, text


@pytest.mark.parametrize(
    ("text", "expecting"),
    [
        ("under the name December", None),
        ("Can you put it under the name December?", None),
        ("It's December.", None),
        ("It's Thursday", None),
        ("It's December", "name"),
        ("It's", "name"),
        ("My name is", "name"),
        ("um", "name"),
        ("Thursday", "name"),
        ("Actually, make it Friday.", "name"),
        # "Friday" heard as "for ID" (audio eval, Festival slt): a change, and an acronym
        ("actually make it for ID.", "name"),
        ("Can you move it for TV?", None),
        ("No, no, Thursday.", "name"),
        ("Sorry, what?", "name"),
        ("I'd like to leave a message for Markle.", None),
        ("I'd like to leave a message for Marco.", None),
        ("This is Sarah", None),
        ("I'd like to book with Sarah", None),
        ("Can you book it for my daughter Emma?", None),
        ("Can I speak to Sarah?", None),
        ("This is Sarah's number?", None),
        ("It's for a haircut", None),
        ("It's fine", None),
        ("This is about my booking", None),
        ("I'm calling to book a haircut", None),
        ("I'm looking for a beard trim", None),
        ("It's for my son", None),
        ("A booking for Thursday", None),
        ("For a colour please", None),
        ("I'm good, thanks", None),
        ("This is my first time", None),
        ("It's me again", None),
        ("Is this Bella Hair Salon?", None),
        ("a haircut", "name"),
        ("at 3", "name"),
        ("Yes", "name"),
        ("what do you need my name for", "name"),
        ("I don't want to give my name", "name"),
        ("Hello? Are you there?", "name"),
        ("I'm not sure yet", None),
        ("It is what it is", None),
        ("It's under my husband's name", None),
        ("What names do you have on the booking?", None),
        ("A kids cut for my son named Leo", None),
        ("Name the time and I'll be there", None),
        # Answers that leave the name to us, or say nothing of it: booked under them once
        ("Whatever works.", "name"),
        ("Doesn't matter.", "name"),
        ("Sure thing.", "name"),
        ("Don't know.", "name"),
        ("Whatever you like.", "name"),
        ("She'll be fine.", "name"),
        ("Salt and Pepper Shaker", "name"),
        ("Rock and Roll Music", "name"),
        ("Hold on a sec.", "name"),
        ("Sorry. Can we make it 3 instead?", "name"),
    ],
)
def test_no_name_from_words_that_are_not_one(text: str, expecting: str | None) -> None:
    assert understand(text, PROFILE, TODAY, expecting).name is None, text


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("555-867-5309", "5558675309"),
        ("My number is 555-867-5309.", "5558675309"),
        ("(555) 867 5309", "5558675309"),
        ("555.867.5309", "5558675309"),
        ("+1 555 867 5309", "15558675309"),
        ("It's 5 5 5, 8 6 7, 5 3 0 9.", "5558675309"),
        ("five five five, eight six seven, five three oh nine", "5558675309"),
        ("Five five five eight six seven five three zero nine.", "5558675309"),
        ("five five five eight six seven fifty three oh nine", "5558675309"),
        ("double five five, eight six seven, five three oh nine", "5558675309"),
        ("five double five eight six seven five three oh nine", "5558675309"),
        ("triple seven, two one two, double oh four four", "7772120044"),
        ("555 eight six seven 5309", "5558675309"),
        ("five five five eight six seven five three o nine", "5558675309"),
        ("eight hundred five five five one two one two", "8005551212"),
        ("867-5309", "8675309"),
        ("call me back on 07700 900123", "07700900123"),
        ("it's 555 1234, thanks", "5551234"),
        # a number put right: the one said after (the first was kept)
        ("Yes, on 555 123 4567 please, no actually use 555 765 4321.", "5557654321"),
        ("555 123 4567, sorry, 555 123 4568", "5551234568"),
    ],
)
def test_a_phone_number(text: str, phone: str) -> None:
    assert understand(text, PROFILE, TODAY, "phone").phone == phone, text
    assert understand(text, PROFILE, TODAY).phone == phone, text


@pytest.mark.parametrize(
    "text",
    [
        "at 3:30 on the 12th",
        "Thursday at 3, my name is John Smith",
        "two haircuts and a beard trim",
        "It's $35 for a haircut?",
        "on 12/3/2026 at 10",
        "between 2 and 4 on the 5th",
        "five",
        "one two three",
        "the 1st, 2nd or 3rd",
        "at 10:30 or 11:45",
        "I'm 35 and my son is 7",
    ],
)
def test_no_phone_from_times_dates_prices_or_counts(text: str) -> None:
    assert understand(text, PROFILE, TODAY).phone is None, text


@pytest.mark.parametrize(
    ("text", "name"),
    [("John Child.", "John Child"), ("Lisa Colour.", "Lisa Colour"), ("John Beard.", "John Beard"),
     ("It's Sam, Sam Kidd.", "Sam Kidd"), ("My name is John Child", "John Child"),
     # flite slt's "Mary Jones." through the line, heard by tiny.en in make bench
     ("Mary, children,", "Mary Children")],
)  # fmt: skip
def test_a_surname_that_is_a_service_word_is_the_name_not_a_service(text: str, name: str) -> None:
    """Asked for a name, "John Child." was a kids cut with no name: the service changed under
    the caller and the name was asked again."""
    u = understand(text, PROFILE, TODAY, "name")
    assert (u.name, u.service, u.intents) == (name, None, ())


@pytest.mark.parametrize(
    "text", ["Make it a kids cut.", "A haircut.", "Actually a colour.", "John, a beard trim please"]
)
def test_a_service_said_when_asked_for_a_name_is_still_a_service(text: str) -> None:
    u = understand(text, PROFILE, TODAY, "name")
    assert u.service is not None and "book" in u.intents


async def test_a_surname_that_is_a_service_word_books_the_service_asked_for(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "child", caller_id="5550000012")
    await call.say("Can I book a beard trim on Friday at 10?")
    said = await call.say("John Child.")
    assert [(b["service"], b["name"]) for b in store_file.rows("bookings")] == [
        ("beard trim", "John Child")
    ]
    assert any("beard trim" in s and "John Child" in s for s in said)


@pytest.mark.parametrize(
    ("text", "name"),
    [("May Parker", "May Parker"), ("Will Smith.", "Will Smith"), ("April Jones", "April Jones"),
     ("June Carter", "June Carter")],
)  # fmt: skip
def test_a_first_name_that_is_also_a_word_is_the_name_asked_for(text: str, name: str) -> None:
    """ "May Parker" was a question ("may I ...?"), and "I don't have that information"."""
    u = understand(text, PROFILE, TODAY, "name")
    assert u.name == name and not u.intents and not u.asks_other, u


@pytest.mark.parametrize("text", ["May I ask something?", "Will it be long?", "Will do."])
def test_a_question_or_a_yes_is_no_name(text: str) -> None:
    assert understand(text, PROFILE, TODAY, "name").name is None, text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I'd like a haircut on Friday at 2, Bruce Banner", "Bruce Banner"),
        ("Can I book a haircut for Friday, please, Mary Jones.", "Mary Jones"),
        ("Book it for Saturday, Good Morning", None),
        ("Can I book with Marco, Friday Morning?", None),
    ],
)
def test_a_name_closing_a_request(text: str, name: str | None) -> None:
    assert understand(text, PROFILE, TODAY).name == name, text


def test_a_name_said_again_after_an_aside_is_the_whole_name() -> None:
    u = understand("Oh, I'm Rachel, by the way, Rachel Green.", PROFILE, TODAY)
    assert u.name == "Rachel Green"


@pytest.mark.parametrize(
    ("text", "called_for"),
    [
        ("Hello, I'm calling for my husband, George Mills. He has to cancel.", "George Mills"),
        ("I'm ringing on behalf of my boss Karen Page", "Karen Page"),
        ("I'm calling for my husband, he has to cancel", None),
    ],
)
def test_the_name_of_the_one_called_for(text: str, called_for: str | None) -> None:
    assert understand(text, PROFILE, TODAY).extra.get("called_for") == called_for, text


def test_a_name_after_a_yes_when_asked_for_it() -> None:
    """ "OK that's fine, Wanda Max" to "what name?" (after a question) was not taken."""
    assert understand("OK that's fine, Wanda Max", PROFILE, TODAY, "name").name == "Wanda Max"


@pytest.mark.parametrize("text", ["It's Price, P R I C E.", "Price, P R I C E."])
def test_a_surname_spelt_out_asks_no_price(text: str) -> None:
    u = understand(text, PROFILE, TODAY, "name")
    assert not u.asks_price and "question" not in u.intents, text


def test_a_name_said_when_the_service_is_asked_is_no_service_we_lack() -> None:
    """ "Amy Pond." to "What would you like to book?" was "we don't offer amy pond"."""
    u = understand("Amy Pond.", PROFILE, TODAY, "service")
    assert (u.name, u.unknown_service) == ("Amy Pond", None)
    assert understand("A manicure.", PROFILE, TODAY, "service").unknown_service == "manicure"


def test_a_name_after_an_aside_without_a_comma_is_read_whole() -> None:
    """ "and it's Omar by the way, Omar Farah" booked "Omar"."""
    said = "Thursday, around 4 if you can, and it's Omar by the way, Omar Farah."
    assert understand(said, PROFILE, TODAY, "day").name == "Omar Farah"
