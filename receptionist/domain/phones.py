"""Whether digits can be a phone number where the business is, by libphonenumber's rules
(the ``phonenumbers`` package: every country's lengths and prefixes, kept up to date).

Possible, not valid: "555" numbers and numbers not yet given out are possible; eleven
digits in the US that don't start with 1, or nine, are not. A number dialled abroad with
the country's international prefix ("011 44 20 ...") is possible too.
"""

from __future__ import annotations

import phonenumbers


def possible_region(region: str) -> bool:
    """Is ``region`` a two-letter country code libphonenumber knows ("US", "GB")?"""
    return region in phonenumbers.SUPPORTED_REGIONS


def possible_phone(digits: str, region: str) -> bool:
    """Can ``digits`` be a phone number dialled from ``region``: a local one, a national one
    or an international one after the country's international prefix?"""
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(number))
