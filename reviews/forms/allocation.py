"""Allocating a case, the reviewer's answer, and keeping a reviewer after a late conflict."""

from __future__ import annotations

from typing import Any

from django import forms

from leder.forms.render import field_params
from reviews.directory import Candidate
from reviews.models import ReviewType

OVERRIDE_HINT = (
    "Only if you chose someone with a conflict of interest. Your reasons are recorded and "
    "reported to the governance group. Do not include the person's name."
)


class AllocationForm(forms.Form):
    current_allocation = forms.CharField(required=False, widget=forms.HiddenInput)
    review_type = forms.ChoiceField(
        label="What type of review does this death need?",
        widget=forms.RadioSelect,
        choices=ReviewType.choices,
        error_messages={
            "required": "Select initial review or focused review",
            "invalid_choice": "Select initial review or focused review",
        },
    )
    review_type_reason = forms.CharField(
        label="Why did you choose this type of review?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say which focused review criteria apply, or why an initial review is "
        "enough. Do not include the person's name.",
        error_messages={
            "required": "Enter why you chose this type of review",
            "max_length": "Reason must be 2000 characters or fewer",
        },
    )
    reviewer = forms.ChoiceField(
        label="Who should review this death?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a reviewer",
            "invalid_choice": "Select a reviewer from the list",
        },
    )
    senior_reviewer = forms.ChoiceField(
        label="Senior reviewer for peer support (optional)",
        required=False,
        error_messages={"invalid_choice": "Select a senior reviewer from the list"},
    )
    override_justification = forms.CharField(
        label="Why should they review this case despite the conflict of interest?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OVERRIDE_HINT,
        error_messages={"max_length": "Justification must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.user.pk): c for c in candidates}
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            (str(c.user.pk), c.user.full_name or c.user.email) for c in candidates
        ]
        self.fields["senior_reviewer"].choices = [  # type: ignore[attr-defined]
            ("", "No senior reviewer"),
            *[
                (str(c.user.pk), _senior_label(c))
                for c in sorted(candidates, key=lambda c: c.user.full_name.casefold())
                if c.is_senior
            ],
        ]

    def chosen(self, name: str) -> Any:
        candidate = self.candidates.get(self.cleaned_data.get(name) or "")
        return candidate.user if candidate else None

    def reviewer_params(self) -> dict[str, Any]:
        """The reviewer radios, each with its caseload, training and conflicts as a hint."""
        params = field_params(self["reviewer"], label_classes="nhsuk-label--m")
        for item in params["items"]:
            c = self.candidates[item["value"]]
            parts = [
                f"Caseload {c.caseload} of {c.max_caseload}"
                + (" (full)" if c.profile and c.at_capacity else ""),
                c.training_text,
            ]
            if c.conflicts:
                parts.append(
                    f"{len(c.conflicts)} conflict{'s' if len(c.conflicts) > 1 else ''} of "
                    "interest: " + " ".join(x.reason for x in c.conflicts)
                )
            else:
                parts.append("No conflicts of interest found")
            item["hint"] = {"text": ". ".join(p.rstrip(".") for p in parts) + "."}
        return params


def _senior_label(c: Candidate) -> str:
    notes = []
    if not c.training_ok:
        notes.append("training not in date")
    if c.conflicts:
        notes.append("conflict of interest")
    return (c.user.full_name or c.user.email) + (f" ({', '.join(notes)})" if notes else "")


class AcceptForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm I have no conflict of interest with this case",
        error_messages={
            "required": "Confirm you have no conflict of interest, or tell us about one"
        },
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="What is your conflict of interest?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: you know the family, or you worked for a care provider "
        "involved. The LAC will allocate the case to someone else.",
        error_messages={
            "required": "Describe your conflict of interest",
            "max_length": "Description must be 2000 characters or fewer",
        },
    )


class KeepReviewerForm(forms.Form):
    justification = forms.CharField(
        label="Why should the reviewer keep this review?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your reasons are recorded and reported to the governance group.",
        error_messages={
            "required": "Explain why the reviewer should keep this review",
            "max_length": "Justification must be 2000 characters or fewer",
        },
    )
