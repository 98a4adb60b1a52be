"""Vietnamese phone numbers, validated and normalised to E.164 with the phonenumbers library."""

from __future__ import annotations

import phonenumbers


def normalise_vn_phone(raw: str) -> str:
    """Return ``+84…`` for a valid Vietnamese mobile or landline number, else raise ValueError."""
    try:
        number = phonenumbers.parse(raw.strip(), "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{raw!r} is not a phone number") from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"{raw!r} is not a valid Vietnamese phone number "
            "(e.g. 0912 345 678 or +84 24 3825 1234)"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_format(e164: str) -> str:
    """How a Vietnamese reader writes the number: ``0912 345 678``."""
    number = phonenumbers.parse(e164, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
