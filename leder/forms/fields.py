"""Form fields that behave as the NHS service manual asks.

``NHSDateField``: a date as three inputs (day, month, year) with the service manual's
error messages ("Date of death must include a month", "must be a real date").
``CharacterCountTextarea``: a textarea rendered as the character count component (the
limit is shown and counted, not enforced by the browser: the form's ``max_length`` says
what is too long).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class DateInputWidget(forms.MultiWidget):
    """Three text inputs named ``<name>_day``, ``<name>_month``, ``<name>_year``."""

    template_name = "django/forms/widgets/multiwidget.html"  # never used: Jinja renders
    parts = ("day", "month", "year")

    def __init__(self, attrs: dict | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class CharacterCountTextarea(forms.Textarea):
    """A textarea shown with the NHS character count (``maxlength`` characters)."""

    def __init__(self, *, maxlength: int, attrs: dict | None = None) -> None:
        self.maxlength = maxlength
        super().__init__(attrs)


class NHSDateField(forms.MultiValueField):
    widget = DateInputWidget

    def __init__(
        self,
        *,
        label: str,
        past_only: bool = False,
        min_year: int = 1900,
        **kwargs: Any,
    ) -> None:
        self.past_only = past_only
        self.min_year = min_year
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, label=label, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        # Validate the three parts together, with messages that name the missing part.
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        day, month, year = parts
        name = str(self.label)
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {name.lower()}", code="required")
            return None
        missing = [p for p, v in zip(("a day", "a month", "a year"), parts, strict=True) if not v]
        if missing:
            raise ValidationError(f"{name} must include {' and '.join(missing)}", code="incomplete")
        try:
            d, m, y = int(day), int(month), int(year)
        except ValueError:
            raise ValidationError(f"{name} must be a real date", code="invalid") from None
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            result = datetime.date(y, m, d)
        except ValueError:
            raise ValidationError(f"{name} must be a real date", code="invalid") from None
        if y < self.min_year:
            raise ValidationError(f"{name} must be after {self.min_year}", code="too_early")
        if self.past_only and result > timezone.localdate():
            raise ValidationError(f"{name} must be today or in the past", code="future")
        return result

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() does it
        return data_list
