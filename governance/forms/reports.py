"""Filters for the KPI dashboard and the report request form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from governance import kpis
from governance.forms import set_choices
from governance.models import REPORT_KINDS, DocumentKind
from governance.reports import PARTS, current_financial_year, part_choices


def period_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    year = current_financial_year(today)
    choices = [("12m", "The last 12 months"), ("24m", "The last 24 months")]
    choices += [
        (f"fy{y}", f"Financial year {kpis.financial_year_label(y)}")
        for y in range(year, year - 5, -1)
    ]
    return choices


def period_dates(
    value: str, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    if value.startswith("fy") and value[2:].isdigit():
        return kpis.financial_year(int(value[2:]))
    months = 24 if value == "24m" else 12
    return kpis.last_months(months, today)


class KPIFilterForm(forms.Form):
    icb = forms.ChoiceField(label="ICB", required=False)
    period = forms.ChoiceField(label="Period", required=False)

    def __init__(self, *args: Any, icbs: list[tuple[int, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "period", period_choices())
        if icbs is None:
            del self.fields["icb"]
        else:
            set_choices(self, "icb", [("", "All ICBs"), *((str(pk), n) for pk, n in icbs)])

    def value(self, name: str, default: str = "") -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name) or default
        return default


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which report?",
        widget=forms.RadioSelect,
        choices=[(k.value, k.label) for k in REPORT_KINDS],
        error_messages={"required": "Select a report", "invalid_choice": "Select a report"},
    )
    year = forms.ChoiceField(
        label="Financial year",
        error_messages={"required": "Select the year", "invalid_choice": "Select the year"},
    )
    part = forms.ChoiceField(
        label="Which months? (activity and quarterly reports)",
        required=False,
        help_text="Activity reports cover two months, quarterly reports three.",
    )
    icb = forms.ChoiceField(label="ICB", required=False)

    def __init__(self, *args: Any, icbs: list[tuple[int, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = current_financial_year(timezone.localdate())
        set_choices(
            self,
            "year",
            [(str(y), kpis.financial_year_label(y)) for y in range(year, year - 6, -1)],
        )
        set_choices(
            self,
            "part",
            [("", "Not needed for the annual report")]
            + [
                (f"{k}:{p}", f"{DocumentKind(k).label}: {label}")
                for k in (DocumentKind.ACTIVITY, DocumentKind.QUARTERLY)
                for p, label in part_choices(k)
            ],
        )
        if icbs is None:
            del self.fields["icb"]
        else:
            set_choices(self, "icb", [("", "All ICBs"), *((str(pk), n) for pk, n in icbs)])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        part = cleaned.get("part") or ""
        if kind and kind != DocumentKind.ANNUAL:
            if not part.startswith(f"{kind}:"):
                self.add_error("part", "Select the months the report covers")
            else:
                number = int(part.split(":")[1])
                if not 1 <= number <= PARTS[DocumentKind(kind)]:
                    self.add_error("part", "Select the months the report covers")
                cleaned["part_number"] = number
        else:
            cleaned["part_number"] = 1
        return cleaned
