"""Phone numbers: parsed with `phonenumbers`, stored as E.164 (+8801712345678)."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, e.g. 01712-345678."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """National format for the default region (`01712-345678`), international otherwise; a number
    typed in another shape (settings, a reseller's contact) is parsed as the default region's."""
    try:
        number = phonenumbers.parse(e164, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if not e164.startswith("+") and not phonenumbers.is_valid_number(number):
        return e164  # stored E.164 numbers were checked when saved; free text is checked here
    region = phonenumbers.region_code_for_number(number)
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if region == settings.PHONE_DEFAULT_REGION else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


def phone_search_digits(query: str) -> str | None:
    """Digits to look for inside stored E.164 numbers, or None if the query is not phone-like.

    `01712-34` becomes `171234`: the national trunk 0 is not part of E.164. Only that one 0 goes:
    the tail of a number (`000017`) keeps its zeros, or it would shrink to `17` and match every
    number of that operator.
    """
    compact = re.sub(r"[\s\-()+]", "", query)
    if len(compact) < 3 or not compact.isdigit():
        return None
    if compact.startswith("880"):
        compact = compact[3:]
    return compact.removeprefix("0") or None
