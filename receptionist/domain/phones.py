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


def whole_phone(digits: str, region: str) -> bool:
    """Are ``digits`` a number said to its end: a valid one, or one as long as the country's
    longest ("555 123 4567" in the US, 555 numbers being possible but never valid)? A number
    that stops short ("020 7946", "555 1234" in the US: only local) may still go on."""
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        return False
    if phonenumbers.is_valid_number(number):
        return True
    where = phonenumbers.region_code_for_number(number) or region
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(where)
    if metadata is None or metadata.general_desc is None:
        return False
    lengths = metadata.general_desc.possible_length
    national = phonenumbers.national_significant_number(number)
    return bool(lengths) and len(national) == max(lengths)
