"""Check, normalise and format phone numbers with libphonenumber.

A listing's phone must be a dialable number of the United States or its territories (the North
American plan's US regions); it is stored in national format, "(410) 555-0123", with an extension
kept as " ext. 12", shown as stored and dialled through a `tel:` link in E.164 ("tel:+14105550123;ext=12").
A meeting's conference phone may be any country's number and keeps its one-tap codes (",,123456#"),
as the Meeting Guide format has them: stored as "+14105550123,,123456#".
"""
from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

US_REGIONS = {"US", "PR", "GU", "VI", "AS", "MP"}
_ONE_TAP = re.compile(r"^([^,;#*]*?)\s*([,;].*)?$")


def _parse(text: str, region: str = "US") -> phonenumbers.PhoneNumber | None:
    text = (text or "").strip()
    if not text or len(text) > 60 or not any(ch.isdigit() for ch in text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def us_number(text: str) -> phonenumbers.PhoneNumber | None:
    """The number `text` stands for, if it is a dialable US number (letters such as 1-800-FLOWERS allowed)."""
    number = _parse(text)
    if number is None or phonenumbers.region_code_for_number(number) not in US_REGIONS:
        return None
    return number


def normalize(text: str) -> str | None:
    """A US phone in national format with its extension ("(410) 555-0123 ext. 12"); None if not dialable."""
    number = us_number(text)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def split_extension(text: str) -> tuple[str, str]:
    """(the number in national format without its extension, the extension or ''); the text whole if not a number."""
    number = us_number(text)
    if number is None:
        return (text or "").strip(), ""
    extension = number.extension or ""
    number.extension = None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL), extension


# Result cards format the same stored numbers on every page view: the formatted strings are kept.
@lru_cache(maxsize=8192)
def tel_href(text: str) -> str:
    """A tel: link in E.164, with the extension as ";ext=" (RFC 3966); '' for something that is not a number."""
    number = us_number(text) or _parse(text)
    if number is None:
        return ""
    href = "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return href + (f";ext={number.extension}" if number.extension else "")


@lru_cache(maxsize=8192)
def display(text: str) -> str:
    """A number as people read it: national format for US numbers, international for others."""
    number = _parse(text)
    if number is None:
        return (text or "").strip()
    if phonenumbers.region_code_for_number(number) in US_REGIONS:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_us_phone(value: str) -> None:
    """Django validator: a dialable US number (with an optional extension)."""
    if value and normalize(value) is None:
        raise ValidationError(
            "%(value)s is not a phone number that can be dialled in the United States. Give ten digits with the "
            "area code, such as (410) 555-0123, and an extension after 'ext.' if there is one.",
            code="invalid_phone", params={"value": value},
        )


# Conference phones -----------------------------------------------------------------------------


def split_one_tap(text: str) -> tuple[str, str]:
    """'+1 410 555 0123,,123456#' → ('+1 410 555 0123', ',,123456#')."""
    match = _ONE_TAP.match((text or "").strip())
    if not match:
        return (text or "").strip(), ""
    return match.group(1).strip(), "".join((match.group(2) or "").split())


def normalize_conference(text: str) -> str | None:
    """A conference phone in E.164 with its one-tap codes kept ("+14105550123,,123456#"); None if not dialable."""
    dialled, codes = split_one_tap(text)
    number = _parse(dialled)
    if number is None:
        return None
    if number.extension and not codes:
        codes = f",,{number.extension}#"
    codes = "".join(ch for ch in codes if ch.isdigit() or ch in ",;*#")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) + codes


def conference_tel(text: str) -> str:
    """A tel: link that keeps one-tap dialling (pauses and codes after the E.164 number, # encoded)."""
    normal = normalize_conference(text)
    if normal is None:
        return ""
    return "tel:" + normal.replace("#", "%23")


def conference_display(text: str) -> str:
    """The dialled part of a conference phone, formatted, without the one-tap codes."""
    dialled, _codes = split_one_tap(text)
    return display(dialled)


def validate_conference_phone(value: str) -> None:
    if value and normalize_conference(value) is None:
        raise ValidationError(
            "%(value)s is not a phone number that can be dialled. Give the number with its country code for "
            "numbers outside the United States (+44 …); one-tap codes may follow after commas.",
            code="invalid_phone", params={"value": value},
        )
