"""The dashboard's filters: queue, type, reviewer, search and sort (a GET form)."""

from __future__ import annotations

from typing import Any

from django import forms

from reviews.models import ReviewType

QUEUE_LABELS = {
    "open": "All open cases",
    "awaiting_allocation": "Awaiting allocation",
    "allocated": "Allocated or in progress",
    "on_hold": "On hold",
    "awaiting_qa": "Awaiting quality assurance",
    "returned": "Returned to reviewer",
    "completed": "Completed this year",
    "opted_out": "Opted out",
    "due": "Past or within 30 days of the target",
    "flagged": "Conflicts of interest to check",
    "all": "All cases",
}
SORT_LABELS = {
    "target": "Target date (soonest first)",
    "oldest": "Days since notification (longest first)",
    "reference": "Reference",
}


class DashboardFilterForm(forms.Form):
    q = forms.CharField(
        label="Search by reference, NHS number, name or initials", required=False, max_length=100
    )
    queue = forms.ChoiceField(label="Queue", required=False, choices=list(QUEUE_LABELS.items()))
    review_type = forms.ChoiceField(
        label="Type of review",
        required=False,
        choices=[("", "Any type"), *ReviewType.choices, ("none", "Not decided yet")],
    )
    reviewer = forms.TypedChoiceField(
        label="Reviewer", required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args: Any, reviewers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", "Any reviewer"), *reviewers]  # type: ignore[attr-defined]

    def value(self, name: str, default: Any = "") -> Any:
        if not self.is_bound or not self.is_valid():
            return default
        return self.cleaned_data.get(name) or default
