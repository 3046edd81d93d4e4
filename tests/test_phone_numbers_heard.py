"""A call-back number is recorded only if it can be a phone number in the business's country
(libphonenumber's rules): digits misheard or mistyped are read back and asked for again, and
a message never goes out with a number nobody can call."""

from __future__ import annotations

from pathlib import Path

import pytest

from receptionist.app.config import ConfigError, Settings, example_config_text, load_settings
from receptionist.domain.phones import possible_phone
from receptionist.store.db import Store
from tests.conftest_dialog import start_call


@pytest.mark.parametrize(
    ("digits", "possible"),
    [
        ("5551234", True),  # local, seven digits
        ("5558675309", True),
        ("15558675309", True),  # with the country's 1
        ("011442079460958", True),  # dialled abroad
        ("55555123456", False),  # eleven digits, a 5 heard twice
        ("555867530", False),  # a digit short
        ("5558675309123", False),
    ],
)
def test_what_can_be_a_phone_number_in_the_us(digits: str, possible: bool) -> None:
    assert possible_phone(digits, "US") is possible


def test_another_country_has_its_own_lengths() -> None:
    assert possible_phone("02079460958", "GB")  # London, eleven digits with its 0
    assert not possible_phone("02079460958", "US")
    assert not possible_phone("020794609581", "GB")


async def test_a_number_with_a_digit_too_many_is_read_back_and_asked_again(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "p1", caller_id="anonymous")
    await call.say("Can you give Marco a message? Tell him the delivery came.")
    said = await call.say("Five five five, five one two three, four five six seven.")
    assert said[0] == "I heard 5 5 5, 5 1 2, 3 4 5, 6 7, which isn't a whole phone number."
    assert "number" in said[1]  # asked again
    assert store_file.rows("messages") == []
    said = await call.say("5 5 5, 1 2 3, 4 5 6 7.")
    (message,) = store_file.rows("messages")
    assert message["callback_number"] == "5551234567"
    assert "5 5 5, 1 2 3, 4 5 6 7" in said[0]


async def test_a_wrong_number_never_replaces_the_caller_id_silently(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "p2", caller_id="5553334444")
    said = await call.say(
        "I'd like to leave a message for Sarah: please call me back at 555 333 44444."
    )
    assert said[0].startswith("I heard 5 5 5, 3 3 3, 4 4 4, 4 4")
    assert store_file.rows("messages") == []
    await call.say("five five five, three three three, four four four five")
    (message,) = store_file.rows("messages")
    assert message["callback_number"] == "5553334445"


async def test_a_caller_who_lets_it_go_is_called_back_on_the_caller_id(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "p4", caller_id="5553334444")
    said = await call.say("A message for Marco: the parts came in, call me on 555 333 44444.")
    assert said[0].startswith("I heard 5 5 5, 3 3 3, 4 4 4, 4 4")
    said = await call.say("No, that's fine, goodbye.")
    (message,) = store_file.rows("messages")
    assert message["callback_number"] == "5553334444"
    assert "5 5 5, 3 3 3, 4 4 4 4" in said[0]  # the number it will be, said


async def test_a_number_typed_a_digit_short_is_asked_again(
    salon: Settings, store_file: Store
) -> None:
    call = start_call(salon, store_file, "p3", caller_id="anonymous")
    await call.say("A message for the front desk: my order hasn't arrived.")
    said = await call.press("555867530#")
    assert said[0] == "I heard 5 5 5, 8 6 7, 5 3 0, which isn't a whole phone number."
    assert store_file.rows("messages") == []
    await call.press("5558675309#")
    (message,) = store_file.rows("messages")
    assert message["callback_number"] == "5558675309"


def test_the_region_is_checked_when_the_config_loads(tmp_path: Path) -> None:
    assert load_settings().profile.region == "US"
    path = tmp_path / "site.toml"
    path.write_text(example_config_text().replace('region = "US"', 'region = "USA"'))
    with pytest.raises(ConfigError, match=r"'business.region' = 'USA' is not a country code"):
        load_settings(path)
    path.write_text(example_config_text().replace('region = "US"', 'region = "gb"'))
    assert load_settings(path).profile.region == "GB"
