"""Another kind of business: the dental practice of ``examples/dental.toml``.

Until session 31 the dialog had only met the salon. With a practice's profile (staff called
"Dr. Patel", visits called "my cleaning", a free consultation, an x-ray) it lost the doctor
asked for, took "Dr." for the end of a sentence, looked for no booking held when it was
named by its service, booked a check-up and a cleaning at the same start for one person,
said "a x-ray" and "0 dollars", and did not understand another office calling.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path

import pytest

from receptionist.app.config import (
    ConfigError,
    Settings,
    example_config_text,
    example_settings,
    load_settings,
)
from receptionist.app.runtime import stt_hotwords
from receptionist.dialog.matching import find_staff
from receptionist.dialog.replies import open_now_answer
from receptionist.dialog.understand import understand
from receptionist.domain.profile import Service
from receptionist.domain.saying import say_digits, say_price, with_article
from receptionist.harness.eval import bundled_scenarios, load_scenario
from receptionist.harness.hearing import lines_by_business
from receptionist.store.db import Store
from tests.conftest_dialog import DialogCall, start_call
from tests.test_callers_everyday_words import _jane_booked_friday
from tests.test_conversation import TODAY

DENTAL = Path(__file__).parent.parent / "receptionist" / "examples" / "dental.toml"
JOHN = "5559999999"


@pytest.fixture(scope="module")
def dental() -> Settings:
    return load_settings(DENTAL)


async def _call(dental: Settings, store: Store, *turns: str, phone: str = JOHN) -> DialogCall:
    """A call from ``phone`` whose caller said ``turns``, after John Smith booked a cleaning
    on Thursday at 3 PM from his number."""
    first = start_call(dental, store, "earlier", JOHN)
    await first.say("I'd like a cleaning on Thursday at 3 PM")
    await first.say("John Smith")
    assert [(b["service"], b["start"]) for b in store.rows("bookings")] == [
        ("cleaning", "2026-11-26T15:00")
    ]
    call = start_call(dental, store, "now", phone)
    for turn in turns:
        await call.say(turn)
    return call


def _held(store: Store) -> list[tuple[str, str, str]]:
    return sorted((b["service"], b["start"], b["status"]) for b in store.rows("bookings"))


@pytest.mark.parametrize(
    ("turn", "staff"),
    [
        ("Can I see Dr. Chen on Thursday for a filling?", "Dr. Chen"),
        ("Can I see Dr Chen on Thursday for a filling?", "Dr. Chen"),
        ("I'd like a check-up with Doctor Patel", "Dr. Patel"),
        ("Book me in with Patel please", "Dr. Patel"),
        ("Can I book a cleaning with Maria?", "Maria Lopez"),
        ("I want to see the hygienist", "Maria Lopez"),
    ],
)
def test_a_doctor_is_named_with_a_title_or_without(dental: Settings, turn: str, staff: str) -> None:
    """ "Can I see Dr. Chen ...?" named no one: the profile's "Dr. Chen" was looked for
    whole, and "Dr." ended a sentence, so "see dr" was a question passed on."""
    u = understand(turn, dental.profile, TODAY)
    assert u.staff == staff and "book" in u.intents and not u.asks_other, u


def test_the_longest_name_said_is_the_one_meant(dental: Settings) -> None:
    """With a "Dr. Chen" and an "Amy Chen" on the staff, "Amy Chen" is not the doctor."""
    profile = dental.profile
    staff = tuple(
        type(m)(name="Amy Chen", extension="104", role="nurse") if m.name == "Maria Lopez" else m
        for m in profile.staff
    )
    other = type(profile)(**{**vars(profile), "staff": staff})
    found = find_staff("Can I speak to Amy Chen?", other)
    assert found is not None and found.name == "Amy Chen"
    found = find_staff("Can I speak to Dr. Chen?", other)
    assert found is not None and found.name == "Dr. Chen"
    # the caller's own name is no staff member's
    assert find_staff("my name is Amy Chen", other, frozenset({"amy", "chen"})) is None


async def test_the_doctor_asked_for_is_noted_on_the_booking(
    dental: Settings, store_file: Store
) -> None:
    call = await _call(dental, store_file, "Can I see Dr. Chen on Thursday for a filling?",
                       "4 PM", "Alan Grant", phone="5551234567")  # fmt: skip
    booked = [b for b in store_file.rows("bookings") if b["name"] == "Alan Grant"]
    assert [(b["service"], b["start"], b["asked_for"]) for b in booked] == [
        ("filling", "2026-11-26T16:00", "Dr. Chen")
    ]
    assert any("I've noted that you asked for Dr. Chen" in s for s in call.said), call.said
    assert store_file.rows("messages") == []  # no question passed on


@pytest.mark.parametrize("turn", ["Can I speak to Dr. Patel please?", "Doctor Patel, please."])
async def test_a_doctor_asked_for_by_title_is_put_through(
    dental: Settings, store_file: Store, turn: str
) -> None:
    call = await _call(dental, store_file, turn, phone="5551234567")
    assert [extension for extension, _ in call.transfers] == ["101"], call.said


async def test_is_the_doctor_in_is_a_question_about_the_rota(
    dental: Settings, store_file: Store
) -> None:
    """ "Is Dr. Patel in on Friday?" asked what to book on Friday (the salon's "Is Marco in
    on Friday?" was a question we can't answer, and is)."""
    u = understand("Is Dr. Patel in on Friday?", dental.profile, TODAY)
    assert "book" not in u.intents and u.asks_other and u.staff == "Dr. Patel", u


@pytest.mark.parametrize(
    ("turns", "held"),
    [
        (
            ("Hi, I need to move my cleaning from Thursday to next Monday.", "9 AM"),
            [("cleaning", "2026-11-26T15:00", "cancelled"),
             ("cleaning", "2026-11-30T09:00", "booked")],
        ),
        (
            ("My cleaning on Thursday, can we do 4 instead of 3?",),
            [("cleaning", "2026-11-26T15:00", "cancelled"),
             ("cleaning", "2026-11-26T16:00", "booked")],
        ),
        (
            ("Is my cleaning still on for Thursday?",),
            [("cleaning", "2026-11-26T15:00", "booked")],
        ),
    ],
)  # fmt: skip
async def test_a_booking_held_is_named_by_its_service(
    dental: Settings, store_file: Store, turns: tuple[str, ...], held: list[tuple[str, str, str]]
) -> None:
    """ "move my cleaning from Thursday to next Monday" offered Thursday's first times as a
    new booking (the rules knew "my haircut", not "my cleaning"); "Is my cleaning still on
    for Thursday?" offered times too."""
    call = await _call(dental, store_file, *turns)
    assert _held(store_file) == held, call.said
    if len(held) == 1:
        assert any(
            s.startswith("You have a cleaning booked on Thursday November 26 at 3 PM")
            for s in call.said
        ), call.said


@pytest.mark.parametrize(
    ("settings_file", "turn", "second"),
    [
        (DENTAL, "Can I get a check-up and a cleaning at the same time?", "cleaning"),
        (None, "Hi, I'd like a haircut and a beard trim at the same time.", "beard trim"),
    ],
)
async def test_two_services_at_the_same_time_for_one_person_are_one_after_the_other(
    store_file: Store, settings_file: Path | None, turn: str, second: str
) -> None:
    """One caller's two services "at the same time" were checked at the same start: the
    first was booked and the second was "taken" by it."""
    settings = load_settings(settings_file)
    call = start_call(settings, store_file, "one")
    await call.say(turn)
    await call.say("Monday at 9" if settings_file else "Saturday at 9")
    await call.say("Peter Parker")
    starts = sorted((b["start"], b["service"]) for b in store_file.rows("bookings"))
    assert len(starts) == 2 and starts[1][1] == second, call.said
    first_ends = {"check-up": "09:30", "haircut": "09:30"}[starts[0][1]]
    assert starts[1][0].endswith(first_ends), call.said
    assert not any("taken" in s for s in call.said), call.said


@pytest.mark.parametrize(
    ("noun", "said"),
    [
        ("x-ray", "an x-ray"),
        ("emergency exam", "an emergency exam"),
        ("haircut", "a haircut"),
        ("hour-long massage", "an hour-long massage"),
        ("unit check", "a unit check"),
        ("one-off visit", "a one-off visit"),
        ("MRI scan", "an MRI scan"),
        ("NHS check", "an NHS check"),
        ("check-up", "a check-up"),
    ],
)
def test_a_service_is_said_with_the_article_it_takes(noun: str, said: str) -> None:
    assert with_article(noun) == said


async def test_an_x_ray_and_a_free_consultation_are_said_as_people_say_them(
    dental: Settings, store_file: Store
) -> None:
    """ "Sure, a x-ray.", "A consultation is 0 dollars"."""
    call = start_call(dental, store_file, "one")
    said = await call.say("I need an x-ray.")
    assert said[0] == "Sure, an x-ray. What day would you like to come in?", said
    call = start_call(dental, store_file, "two")
    said = await call.say("How much is a consultation?")
    assert said[0] == "A consultation is free and takes about 20 minutes.", said


@pytest.mark.parametrize(
    "turn",
    [
        "Hi, I'm calling from Dr. Smith's office about a referral.",
        "This is Mercy Hospital calling about a patient of yours.",
        "Hi, this is Jim from Chase bank, calling about your account.",
    ],
)
def test_another_office_calling_leaves_a_message(dental: Settings, turn: str) -> None:
    """Another business on the line was "Sorry, I didn't quite get that", and "Mercy
    Hospital" was taken for the caller's name."""
    u = understand(turn, dental.profile, TODAY)
    assert u.intents == ("message",), u
    assert u.name in (None, "Jim"), u


@pytest.mark.parametrize(
    "turn",
    [
        "I'm calling from my mobile, can I book a check-up?",
        "Hi, I'm calling on behalf of my mum, she needs to cancel her appointment.",
    ],
)
def test_calling_from_a_phone_or_for_family_is_not_another_office(
    dental: Settings, turn: str
) -> None:
    assert "message" not in understand(turn, dental.profile, TODAY).intents


@pytest.mark.parametrize(
    ("amount", "currency", "said"),
    [
        (35, "USD", "35 dollars"),
        (1, "GBP", "1 pound"),
        (12.5, "GBP", "12 pounds 50"),
        (0, "EUR", "free"),
        (220, "EUR", "220 euros"),
    ],
)
def test_a_price_is_said_in_the_business_currency(amount: float, currency: str, said: str) -> None:
    assert say_price(amount, currency) == said


def _config(tmp_path: Path, business: str) -> Path:
    """The dental example with its [business] lines replaced by ``business``."""
    text = DENTAL.read_text()
    text = text.replace('region = "US"\n', business)
    path = tmp_path / "practice.toml"
    path.write_text(text)
    return path


async def test_a_practice_in_britain_says_pounds(tmp_path: Path, store_file: Store) -> None:
    """Prices were "dollars" wherever the business was."""
    settings = load_settings(_config(tmp_path, 'region = "GB"\n'))
    call = start_call(settings, store_file, "gb")
    said = await call.say("How much is a cleaning?")
    assert said[0] == "A cleaning is 120 pounds and takes about an hour.", said
    said = await call.say("And what are all your prices?")
    assert said[0].startswith("Our prices: a check-up is 75 pounds, a cleaning is 120 pounds"), said


def test_the_currency_set_wins_and_one_unknown_is_named(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, 'region = "GB"\ncurrency = "eur"\n'))
    assert settings.profile.currency == "EUR"
    with pytest.raises(ConfigError, match=r"'business.currency' = 'XYZ'.*\(USD, CAD"):
        load_settings(_config(tmp_path, 'region = "US"\ncurrency = "XYZ"\n'))
    # A country with no currency known: the admin is told to set one, not "dollars" said
    with pytest.raises(ConfigError, match=r"'business.currency' = '': none is set, and the "
                                          r"region has no default"):  # fmt: skip
        load_settings(_config(tmp_path, 'region = "MX"\n'))


async def test_the_example_after_not_understanding_twice_is_the_business_own(
    dental: Settings, store_file: Store
) -> None:
    """A dental caller was told "You could say, for example, 'a haircut on Friday at 10'"."""
    call = start_call(dental, store_file, "lost")
    await call.say("Flibber flabber wibble.")
    said = await call.say("Wibble flabber flibber.")
    assert said[-1].startswith("Sorry, I still didn't catch that. You could say, for example, "
                               "'a check-up on Friday at 10'"), said  # fmt: skip


@pytest.mark.parametrize(
    ("turn", "at"),
    [
        ("A check-up on Monday at 7:30", time(7, 30)),  # open at 7, closed at 7:30 PM
        ("A check-up on Monday morning at 6:30", time(6, 30)),
        ("A check-up on Monday at 6:30", time(18, 30)),  # both open: the afternoon, as before
        ("A check-up on Monday at 7:30 PM", time(19, 30)),  # said: checked, and refused
        ("A check-up Monday evening at 7", time(19, 0)),
    ],
)
def test_a_bare_hour_is_the_morning_where_only_the_morning_is_open(
    tmp_path: Path, turn: str, at: time
) -> None:
    """ "tomorrow morning at 7:30" and a bare "7:30" at a practice open 6 AM to 7 PM were
    7:30 PM: "not within our opening hours", and 6:15 PM offered."""
    path = tmp_path / "early.toml"
    path.write_text(DENTAL.read_text().replace('mon = "08:00-17:00"', 'mon = "06:00-19:00"'))
    profile = load_settings(path).profile
    assert understand(turn, profile, TODAY).time == at


@pytest.mark.parametrize(
    ("turn", "at"),
    [("A haircut Friday at 7", time(19, 0)), ("A haircut Saturday morning at 1", time(13, 0))],
)
def test_in_the_salon_a_bare_hour_stays_the_afternoon(turn: str, at: time) -> None:
    """Guards: no morning hour is open there, so nothing changes."""
    assert understand(turn, load_settings().profile, TODAY).time == at


async def test_a_business_with_one_service_does_not_ask_which(
    dental: Settings, store_file: Store
) -> None:
    """ "Can I book something on Thursday?" at an office that offers only consultations was
    "What would you like to book on Thursday? We offer a consultation.", and "11" to it was
    not understood."""
    only = [s for s in dental.profile.services if s.name == "consultation"]
    settings = replace(dental, profile=replace(dental.profile, services=tuple(only)))
    call = start_call(settings, store_file, "one")
    said = await call.say("Can I book something on Thursday?")
    assert said[0] == "Here's what I have for a consultation.", said
    await call.say("11")
    await call.say("Dwight Schrute")
    assert [(b["service"], b["start"]) for b in store_file.rows("bookings")] == [
        ("consultation", "2026-11-26T11:00")
    ]
    # a service it does not offer is still said so
    call = start_call(settings, store_file, "two")
    said = await call.say("Do you do wills?")
    assert said[0].startswith("I'm sorry, we don't offer wills."), said


async def test_a_second_person_at_the_callers_own_time_is_not_told_booked(
    store_file: Store,
) -> None:
    """Found while probing: "two haircuts on Saturday at 10 for me and my husband, at the
    same time" from one phone booked Jane, then told Tom "Saturday at 10 AM is free" and
    "You're booked ..." with Jane's booking (booking it again from the same number returned
    the first). Now the time is hers, said so, and other times offered; nothing is claimed."""
    salon = load_settings()
    call = start_call(salon, store_file, "two")
    await call.say("Hi, two haircuts on Saturday at 10 for me and my husband, at the same time.")
    said = await call.say("Jane Miller")
    assert said[1].startswith("You're booked for a haircut on Saturday November 28 at 10 AM"), said
    assert said[2:] == [
        "10 AM on Saturday is the haircut I've just booked for Jane Miller.",
        "The nearest free times are 9:30 AM or 10:30 AM. Would one of those work?",
    ], said
    said = await call.say("10:30 then, for Tom Miller")
    said += await call.say("Tom Miller")
    rows = sorted((b["name"], b["start"]) for b in store_file.rows("bookings"))
    assert rows == [("Jane Miller", "2026-11-28T10:00"), ("Tom Miller", "2026-11-28T10:30")], said


@pytest.mark.parametrize(
    ("turn", "staff"),
    [
        ("Can Dr. Chen call me about my x-ray results?", "Dr. Chen"),
        ("Can Maria call me about my cleaning?", "Maria Lopez"),
    ],
)
def test_a_call_back_about_a_visit_is_a_message_for_that_person(
    dental: Settings, turn: str, staff: str
) -> None:
    """Each began a booking (an x-ray, a cleaning); the salon's "Can Marco call me about my
    highlights?" did too."""
    u = understand(turn, dental.profile, TODAY)
    assert u.intents == ("message",) and u.staff == staff, u
    salon = understand("Can Marco call me about my highlights?", load_settings().profile, TODAY)
    assert salon.intents == ("message",), salon


async def test_a_request_from_a_doctor_is_a_message_and_what_follows_is_added(
    dental: Settings, store_file: Store
) -> None:
    """ "I need a prescription refill from Dr. Patel." was "we don't offer prescription
    refill"; what the caller said after the message was passed on was not understood, and a
    name said alone ("Sue Storm") was the legal rule's "sue", put through to Dr. Patel."""
    call = start_call(dental, store_file, "rx")
    said = await call.say("I need a prescription refill from Dr. Patel.")
    assert said[0].startswith("I've passed your message to Dr. Patel"), said
    said = await call.say("Amoxicillin, he prescribed it last week.")
    assert said[0] == "I've added that to your message for Dr. Patel.", said
    said = await call.say("Sue Storm")
    assert said[0] == "Thank you, Sue." and call.transfers == [], said
    [message] = store_file.rows("messages")
    assert message["for_staff"] == "Dr. Patel" and message["caller_name"] == "Sue Storm"
    assert message["text"] == (
        "I need a prescription refill from Dr Patel. Amoxicillin, he prescribed it last week."
    )


@pytest.mark.parametrize(
    "turn",
    ["Hi, I'd like to register as a new patient.", "How do I get to your office?",
     "Where's your office?", "Is Dr. Chen taking new patients?"],
)  # fmt: skip
def test_what_the_profile_does_not_say_is_a_question_passed_on(dental: Settings, turn: str) -> None:
    """Registering was "Sorry, I didn't quite get that"; the way to the office too."""
    u = understand(turn, dental.profile, TODAY)
    assert u.intents == ("question",) and u.asks_other, u


@pytest.fixture(scope="module")
def will_and_grace(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The salon with its stylists called Will and Grace."""
    path = tmp_path_factory.mktemp("salon") / "salon.toml"
    text = example_config_text().replace('"Marco"', '"Will"').replace('"Sarah"', '"Grace"')
    path.write_text(text)
    return load_settings(path)


@pytest.mark.parametrize(
    ("turn", "staff"),
    [
        ("I will be there at 3, can I book a haircut Friday?", None),
        ("Will you be open on Saturday?", None),
        ("That will be fine", None),
        ("I will need to cancel my appointment", None),
        ("Thanks, I'll be there, by God's grace", None),
        ("Can I book with Will on Friday?", "Will"),
        ("Is Will in today?", "Will"),
        ("Will, please.", "Will"),
        ("a haircut with will on friday", "Will"),
        ("Can I speak to Grace?", "Grace"),
    ],
)
def test_a_staff_name_that_is_an_everyday_word_is_a_name_only_as_one(
    will_and_grace: Settings, turn: str, staff: str | None
) -> None:
    """A stylist called Will was asked for by "I will be there at 3" and "I will need to
    cancel my appointment"."""
    assert understand(turn, will_and_grace.profile, TODAY).staff == staff


def test_a_scenario_names_the_business_it_calls() -> None:
    """`business = "dental"` runs a scenario against that example's profile; a business
    with no example is refused when the scenario loads, naming those there are."""
    dental = [s for s in bundled_scenarios() if s.business == "dental"]
    assert len(dental) >= 10
    wrong = 'id = "x"\nbusiness = "bakery"\n[[calls]]\nturns = ["Hi"]\n[expect]\nbookings = []\n'
    with pytest.raises(ValueError, match=r"x.toml: 'business': no example business 'bakery'; "
                                         r"there are: dental, salon"):  # fmt: skip
        load_scenario("x.toml", wrong)


def test_a_practice_callers_lines_are_heard_with_its_own_words() -> None:
    """The hearing harness gives Whisper each business's words as its prompt: the dental
    lines are heard expecting "Dr. Patel" and "cleaning", not "Marco" and "colour"."""
    groups = lines_by_business(bundled_scenarios())
    assert set(groups) == {"", "dental"}
    assert "Hi, I need a prescription refill from Dr. Patel." in groups["dental"]
    assert "Hi, I need a prescription refill from Dr. Patel." not in groups[""]
    words = stt_hotwords(example_settings("dental"))
    assert "Dr. Patel" in words and "cleaning" in words and "Marco" not in words


@pytest.mark.parametrize(
    ("number", "region", "said"),
    [
        ("5558675309", "US", "5 5 5, 8 6 7, 5 3 0 9"),
        ("07700900123", "GB", "0 7 7 0 0, 9 0 0 1 2 3"),
        ("02079460000", "GB", "0 2 0, 7 9 4 6, 0 0 0 0"),
        ("0412345678", "AU", "0 4 1 2, 3 4 5, 6 7 8"),
        ("5551234", "US", "5 5 5, 1 2 3 4"),
    ],
)
def test_a_number_is_read_back_grouped_as_it_is_written_there(
    number: str, region: str, said: str
) -> None:
    assert say_digits(number, region) == said


async def test_a_practice_in_britain_reads_a_mobile_number_as_britain_writes_it(
    tmp_path: Path, store_file: Store
) -> None:
    """ "0 7 7, 0 0 9, 0 0 1, 2 3": a British mobile read back in American threes."""
    settings = load_settings(_config(tmp_path, 'region = "GB"\n'))
    call = start_call(settings, store_file, "gb", "07700900123")
    said = await call.say("Can Maria call me about my cleaning?")
    assert said[0] == (
        "I've passed your message to Maria Lopez to call you back at 0 7 7 0 0, 9 0 0 1 2 3."
    ), said


@pytest.fixture(scope="module")
def garage(dental: Settings) -> Settings:
    """A garage: one of its services is called "service", and takes three hours."""
    services = (
        Service("MOT", 60, 54.85, ("MOT test",)),
        Service("full service", 180, 189, ("service", "car service")),
    )
    profile = replace(dental.profile, name="Hilltop Garage", services=services, currency="GBP")
    return replace(dental, profile=profile)


@pytest.mark.parametrize("turn", ["What services do you offer?", "What are your services?"])
def test_asking_what_services_there_are_is_no_service_called_service(
    garage: Settings, turn: str
) -> None:
    """At a garage with a "full service", "What services do you offer?" was "Sure, a full
    service. What day would you like to come in?"."""
    u = understand(turn, garage.profile, TODAY)
    assert u.intents == ("question",) and u.extra.get("services_asked") and not u.services, u
    assert understand("Can I book a service?", garage.profile, TODAY).service == "full service"


async def test_a_length_in_hours_is_said_in_hours(garage: Settings, store_file: Store) -> None:
    call = start_call(garage, store_file, "garage")
    said = await call.say("How much is a full service?")
    assert said[0] == "A full service is 189 pounds and takes about 3 hours.", said
    said = await call.say("And an MOT?")
    assert said[0] == "An MOT is 54 pounds 85 and takes about an hour.", said


@pytest.mark.parametrize(
    ("turn", "staff"),
    [("Can I see Dr. Patil on Friday for a check-up?", "Dr. Patel"),
     ("I'd like a cleaning with Doctor Chan", "Dr. Chen")],
)  # fmt: skip
def test_a_doctor_misspelt_after_the_title_is_a_near_match(
    dental: Settings, turn: str, staff: str
) -> None:
    """Whisper spells a surname it half knows ("Patil", "Chan"): after a title it is looked
    for among the staff, as after "with" or "see", and read back as unsure."""
    u = understand(turn, dental.profile, TODAY)
    assert u.staff == staff and "staff" in u.unsure_slots, u


@pytest.fixture(scope="module")
def lunch(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The dental practice closed for lunch on Mondays, 12 to 1."""
    path = tmp_path_factory.mktemp("lunch") / "practice.toml"
    path.write_text(
        DENTAL.read_text().replace('mon = "08:00-17:00"', 'mon = "08:00-12:00, 13:00-17:00"')
    )
    return load_settings(path)


async def test_a_lunch_break_is_said_and_never_booked(lunch: Settings, store_file: Store) -> None:
    """Opening hours were one span a day: a practice closed for lunch could not say so, and
    its lunch hour was offered."""
    call = start_call(lunch, store_file, "hours")
    said = await call.say("What are your hours on Monday?")
    assert said[0] == "On Monday we're open from 8 AM to 12 PM and from 1 PM to 5 PM.", said
    said = await call.say("And your opening hours for the week?")
    assert said[0].startswith("We're open Monday 8 AM to 12 PM and 1 PM to 5 PM, Tuesday and "
                              "Wednesday 8 AM to 5 PM"), said  # fmt: skip
    call = start_call(lunch, store_file, "midday")
    said = await call.say("Can I get a cleaning on Monday around midday?")
    assert said[0] == ("I'm sorry, 12 PM on Monday isn't within our opening hours. The nearest "
                       "free times are 11 AM or 1 PM. Would one of those work?"), said  # fmt: skip
    call = start_call(lunch, store_file, "late")
    said = await call.say("A check-up on Monday at 11:45 please.")
    assert said[0].startswith("I'm sorry, 11:45 AM on Monday is too late for a check-up "
                              "before our break."), said  # fmt: skip
    assert store_file.rows("bookings") == []


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ('"08:00-12:00, 11:00-17:00"', "each time must come after the one before"),
        ('"08:00-12:00, 13:00-15:00, 16:00-17:00"', 'allowed: "HH:MM-HH:MM"'),
        ('"8 till 5"', 'allowed: "HH:MM-HH:MM"'),
    ],
)
def test_wrong_opening_hours_are_named(tmp_path: Path, hours: str, error: str) -> None:
    path = tmp_path / "practice.toml"
    path.write_text(DENTAL.read_text().replace('mon = "08:00-17:00"', f"mon = {hours}"))
    with pytest.raises(ConfigError, match=rf"'hours.mon' = .*{re.escape(error)}"):
        load_settings(path)


def test_open_now_says_when_a_break_ends(lunch: Settings) -> None:
    monday = datetime(2026, 11, 30, 12, 20)
    assert open_now_answer(lunch.profile, monday) == (
        "We're closed for a break right now. We open again at 1 PM, until 5 PM."
    )
    assert open_now_answer(lunch.profile, monday.replace(hour=10)) == (
        "Yes, we're open now, until 12 PM."
    )


def test_a_rule_word_inside_a_service_name_is_said_at_start_up(tmp_path: Path) -> None:
    """A practice with an "emergency exam" and an "emergency" rule sends everyone asking for
    that exam to the front desk; allowed, and said when the config loads."""
    text = DENTAL.read_text().replace(
        'name = "x-ray"',
        'name = "emergency exam"\nminutes = 30\nprice = 95\n\n[[services]]\nname = "x-ray"',
    )
    path = tmp_path / "practice.toml"
    path.write_text(text)
    # the config's own logger, whatever other tests did to logging's set-up
    logger = logging.getLogger("receptionist.app.config")
    said: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: said.append(record.getMessage())  # type: ignore[method-assign]
    disabled, level = logger.disabled, logger.level
    logger.addHandler(handler)
    logger.disabled = False
    logger.setLevel(logging.WARNING)
    try:
        load_settings(path)
        warned = list(said)
        said.clear()
        load_settings(DENTAL)
        load_settings()
    finally:
        logger.removeHandler(handler)
        logger.disabled, logger.level = disabled, level
    assert len(warned) == 1 and (
        "escalation rule 'dental emergency' listens for 'emergency', which is in the service "
        "'emergency exam'" in warned[0]
    ), warned
    assert said == []


def test_an_appointment_for_my_daughter_is_no_service_called_daughter(dental: Settings) -> None:
    """ "I'd like an appointment for my daughter, she's got a wobbly tooth." was "I'm sorry,
    we don't offer daughter." (at the salon "daughter" is a kids cut's word, so it never
    showed)."""
    u = understand("I'd like an appointment for my daughter, she's got a wobbly tooth.",
                   dental.profile, TODAY)  # fmt: skip
    assert u.intents == ("book",) and u.unknown_service is None, u


@pytest.mark.parametrize(
    "turn",
    ["Hey, it's John, I've got a cleaning Thursday, is it with Maria?",
     "I have a check-up on Friday, who is it with?"],
)  # fmt: skip
def test_who_a_booking_held_is_with_is_a_status_question(dental: Settings, turn: str) -> None:
    """The first offered Thursday's first times for a new cleaning."""
    assert understand(turn, dental.profile, TODAY).intents == ("status",)
    # a day free told of is no booking held
    other = understand("I've got a day off Thursday, can I come in for a cleaning?",
                       dental.profile, TODAY)  # fmt: skip
    assert other.intents == ("book",), other


@pytest.mark.parametrize(
    "turn", ["Is it thirty quid for a check-up?", "Is it twenty five pounds for an x-ray?"]
)
def test_a_price_guessed_in_words_and_pounds_is_a_price_question(
    dental: Settings, turn: str
) -> None:
    """ "Is it thirty quid for a nail clip?" at a vets' in Britain began a booking."""
    u = understand(turn, dental.profile, TODAY)
    assert u.intents == ("question",) and u.asks_price, u


async def test_a_time_the_callers_number_booked_on_an_earlier_call_is_said_to_be_theirs(
    store_file: Store,
) -> None:
    """Jane's number, which booked Friday at 10 on an earlier call, asking for Friday at 10
    again ("Can I book my husband in for a haircut Friday at 10?") heard "Friday at 10 AM is
    free", then her own booking read back as made for him."""
    salon = load_settings()
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say("Can I book my husband in for a haircut Friday at 10?")
    assert said[0] == (
        "You already have a haircut booked on Friday at 10 AM, under the name Jane Miller."
    ), said
    assert [b["name"] for b in store_file.rows("bookings")] == ["Jane Miller"]


@pytest.mark.parametrize(
    "turn",
    [
        "Is my colour still on for Friday at 10?",
        "Hi, my son has a kids cut booked Friday, what time is it again?",
        "Hey, I'm booked for roots on Friday, is it still on?",
    ],
)
def test_a_salon_booking_held_asked_about_by_its_service_is_status(turn: str) -> None:
    """ "Is my colour still on for Friday at 10?" was a booking (and, before this session's
    own-slot fix, "Friday at 10 AM is free" then the caller's own booking read back as
    made); "my son has a kids cut booked Friday" was a new kids cut."""
    assert understand(turn, load_settings().profile, TODAY).intents == ("status",)


def test_the_rota_asked_with_a_price_is_passed_on() -> None:
    """ "how much a men's cut is, and if Marco's in Saturday?" answered the price alone."""
    u = understand("Could you tell me how much a men's cut is, and if Marco's in Saturday?",
                   load_settings().profile, TODAY)  # fmt: skip
    assert u.asks_price and u.asks_other and "book" not in u.intents, u


@pytest.mark.parametrize(
    "turn",
    [
        "Hello, my Friday appointment, can you make it Saturday instead?",
        "My appointment on Friday, can you make it Saturday?",
        "My haircut on Friday, can we do Saturday?",
    ],
)
def test_a_booking_named_first_then_when_it_should_be_is_a_move(turn: str) -> None:
    """Each was a new booking on Saturday ("What would you like to book on Saturday?")."""
    assert understand(turn, load_settings().profile, TODAY).intents == ("move",)


@pytest.mark.parametrize(
    "turn",
    [
        "My haircut on Friday, can you make it a bit earlier?",
        "Hello, my daughter's kids cut on Friday, can you make it a bit earlier?",
    ],
)
async def test_a_bit_earlier_on_the_day_named_is_that_day(store_file: Store, turn: str) -> None:
    """ "Sure, Friday. Before I change it, can I have the name on the booking, or the day
    it's booked for now?": Friday was taken for the new day."""
    salon = load_settings()
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say(turn)
    assert said[0] == "I found your haircut on Friday November 27 at 10 AM.", said
    assert said[-1] == "Friday November 27 at 9 AM. Would that work?", said


@pytest.mark.parametrize(
    ("turn", "rule"),
    [("Lawyer.", "legal"), ("Attorney please", "legal"), ("Complaint.", "refund or complaint")],
)
async def test_an_escalation_word_said_alone_is_no_name(
    store_file: Store, turn: str, rule: str
) -> None:
    """A name said alone is spared the rules ("Sue Storm"), but only a first name: these were
    read as names too, and would have been spared."""
    call = start_call(load_settings(), store_file, "alone")
    await call.say(turn)
    assert [r["rule"] for r in store_file.rows("escalations")] == [rule], call.said


@pytest.mark.parametrize(
    ("turn", "first"),
    [
        ("Hi, is my beard trim with Marco on Friday?", "I don't see a beard trim booked."),
        ("Is my haircut still on for Friday?", "You have a haircut booked on Friday"),
    ],
)
async def test_a_booking_asked_about_by_another_service_says_so(
    store_file: Store, turn: str, first: str
) -> None:
    """ "Is my beard trim with Marco on Friday?" where Friday's booking is a haircut read the
    haircut back as if it were the beard trim."""
    salon = load_settings()
    await _jane_booked_friday(salon, store_file)
    call = start_call(salon, store_file, "now")
    said = await call.say(turn)
    assert said[0].startswith(first), said
    assert any(
        s.startswith("You have a haircut booked on Friday November 27 at 10 AM") for s in said
    )
