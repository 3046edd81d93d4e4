"""How the receptionist says a day, a time and a phone number (what TTS reads well)."""

from __future__ import annotations

import re
from datetime import date, time

import phonenumbers

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# Words whose first letter is a vowel but whose first sound is not ("a unit", "a one-off"),
# and those whose first letter is not a vowel but whose first sound is ("an hour", "an x-ray")
_A_BEFORE = ("uni", "use", "usu", "uti", "uro", "eu", "ewe", "one", "once", "u-")
_AN_BEFORE = ("hour", "honest", "honor", "honour", "heir", "x-", "x ")
_VOWEL_LETTERS = "AEFHILMNORSX"  # letters whose names start with a vowel sound: "an MRI"


def with_article(noun: str) -> str:
    """ "a haircut", "an x-ray", "an emergency exam", "a unit", "an MRI scan": the article as
    it is said before the noun (a service's name from the profile, said to callers)."""
    first = noun.split()[0] if noun.split() else noun
    acronym = first.isupper() and len(first.strip(".-")) <= 5
    if acronym:
        an = first[0] in _VOWEL_LETTERS
    else:
        lowered = noun.lower()
        an = lowered.startswith(_AN_BEFORE) or (
            lowered[:1] in "aeiou" and not lowered.startswith(_A_BEFORE)
        )
    return f"{'an' if an else 'a'} {noun}"


# A currency as it is said: (one, many, of its hundredth one, many), by ISO 4217 code
CURRENCY_WORDS: dict[str, tuple[str, str, str, str]] = {
    "USD": ("dollar", "dollars", "cent", "cents"),
    "CAD": ("dollar", "dollars", "cent", "cents"),
    "AUD": ("dollar", "dollars", "cent", "cents"),
    "NZD": ("dollar", "dollars", "cent", "cents"),
    "SGD": ("dollar", "dollars", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "CHF": ("franc", "francs", "centime", "centimes"),
    "INR": ("rupee", "rupees", "paisa", "paise"),
    "ZAR": ("rand", "rand", "cent", "cents"),
}
# The currency of a country where the business is (business.region), when none is set
REGION_CURRENCY: dict[str, str] = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "GB": "GBP", "IE": "EUR",
    "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "NL": "EUR", "BE": "EUR", "AT": "EUR",
    "PT": "EUR", "FI": "EUR", "GR": "EUR", "LU": "EUR", "MT": "EUR", "CY": "EUR", "SK": "EUR",
    "SI": "EUR", "EE": "EUR", "LV": "EUR", "LT": "EUR", "HR": "EUR", "CH": "CHF", "IN": "INR",
    "ZA": "ZAR",
}  # fmt: skip


def say_price(amount: float, currency: str = "USD") -> str:
    """ "35 dollars", "1 pound", "12 pounds 50", "free": a price as TTS reads it well."""
    if amount <= 0:
        return "free"
    one, many, _, _ = CURRENCY_WORDS[currency]
    whole, hundredths = divmod(round(amount * 100), 100)
    said = f"{whole} {one if whole == 1 else many}"
    return f"{said} {hundredths:02d}" if hundredths else said


def _national_groups(number: str, region: str) -> list[str]:
    """The digit groups of ``number`` in its national format, when it is a possible number
    there and the format keeps every digit said; else none."""
    digits = "".join(d for d in number if d.isdigit())
    try:
        parsed = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return []
    if not phonenumbers.is_possible_number(parsed):
        return []
    written = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    groups = re.findall(r"\d+", written)
    return groups if "".join(groups) == digits else []


def say_time(value: time) -> str:
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


def say_day(value: date) -> str:
    return f"{DAY_NAMES[value.weekday()]} {value.strftime('%B')} {value.day}"


def say_digits(number: str, region: str = "US") -> str:
    """'5551234' -> '5 5 5, 1 2 3 4' so that TTS reads digits, grouped as the number is
    written where the business is (libphonenumber's national format: '0 7 7 0 0, 9 0 0 1 2 3'
    for a mobile in Britain, '5 5 5, 1 2 3, 4 5 6 7' in the US)."""
    groups_said = _national_groups(number, region)
    if groups_said:
        return ", ".join(" ".join(g) for g in groups_said)
    digits = [d for d in number if d.isdigit()]
    if len(digits) == 10:
        groups = [digits[:3], digits[3:6], digits[6:]]
    elif len(digits) == 7:
        groups = [digits[:3], digits[3:]]
    else:
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(g) for g in groups)
