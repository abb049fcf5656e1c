"""Forms of the governance pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms


def set_choices(form: forms.Form, name: str, choices: Iterable[tuple[Any, str]]) -> None:
    """Give the choice field ``name`` its choices (known only when the form is made)."""
    cast("forms.ChoiceField", form.fields[name]).choices = list(choices)
