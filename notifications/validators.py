"""Checks on what the notifier types, with the service manual's error messages."""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

# National Insurance number: two letters, six digits, then a letter A to D (often left off).
_NI_NUMBER = re.compile(r"^[A-Z]{2}\d{6}[A-D]?$")
_PHONE = re.compile(r"^\+?[\d\s()-]+$")


def clean_nhs_number(value: str) -> str:
    """The 10 digits of an NHS number typed with or without spaces or dashes."""
    typed = (value or "").strip()
    if not typed:
        return ""
    compact = re.sub(r"[\s-]", "", typed).upper()
    if _NI_NUMBER.match(compact):
        raise ValidationError(
            "This looks like a National Insurance number. Enter the NHS number, which is "
            "10 numbers, like 485 777 3456",
            code="ni_number",
        )
    if not compact.isdigit():
        raise ValidationError(
            "NHS number must only include numbers, spaces or dashes", code="not_digits"
        )
    if len(compact) != 10:
        raise ValidationError("NHS number must be 10 numbers", code="length")
    if not nhs_number.is_valid(compact):
        raise ValidationError(
            "Enter a real NHS number. Check you have typed it correctly", code="checksum"
        )
    return compact


def clean_phone(value: str, *, label: str = "phone number") -> str:
    typed = (value or "").strip()
    if not typed:
        return ""
    digits = re.sub(r"\D", "", typed)
    if not _PHONE.match(typed) or not 10 <= len(digits) <= 15:
        raise ValidationError(f"Enter a {label}, like 01632 960 001 or 07700 900 982", code="phone")
    return typed
