"""Forms for actions: SMART fields, status changes, progress notes, evidence."""

from __future__ import annotations

from typing import Any

from django import forms

from governance.forms import set_choices
from governance.forms.meetings import _text
from governance.models import ActionStatus
from leder.forms.fields import NHSDateField


class ActionForm(forms.Form):
    title = forms.CharField(
        label="What will be done?",
        max_length=200,
        help_text="Specific: one change, in plain English.",
        error_messages={
            "required": "Enter what will be done",
            "max_length": "What will be done must be 200 characters or fewer",
        },
    )
    description = _text("Details (optional)", required=False, rows=3)
    success_measure = _text(
        "How will we know it is done?",
        rows=3,
        max_length=2000,
        help_text="Measurable: the result or figure that shows it worked.",
        message="Enter how you will know it is done",
    )
    owner_organisation = forms.ChoiceField(
        label="Organisation that owns the action",
        error_messages={
            "required": "Select the organisation that owns the action",
            "invalid_choice": "Select the organisation that owns the action",
        },
    )
    owner_user = forms.ChoiceField(
        label="Person who owns it (if they use this service)",
        required=False,
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    owner_name = forms.CharField(
        label="Or their name",
        required=False,
        max_length=150,
        error_messages={"max_length": "Name must be 150 characters or fewer"},
    )
    owner_email = forms.EmailField(
        label="And their email address, for reminders",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk"
        },
    )
    due_on = NHSDateField(label="Due date", help_text="Time-bound: for example, 31 3 2027.")
    themes = forms.MultipleChoiceField(
        label="Learning themes it answers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select learning themes from the list"},
    )
    cases = forms.MultipleChoiceField(
        label="Reviews it comes from",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select reviews from the list"},
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        people: list[tuple[int, str]],
        themes: list[tuple[int, str]],
        cases: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "owner_organisation",
            [
                ("", "Select an organisation"),
                *((str(pk), n) for pk, n in organisations),
            ],
        )
        set_choices(
            self,
            "owner_user",
            [
                ("", "Not listed"),
                *((str(pk), n) for pk, n in people),
            ],
        )
        set_choices(self, "themes", [(str(pk), n) for pk, n in themes])
        set_choices(self, "cases", [(str(pk), n) for pk, n in cases])
        if not themes:
            del self.fields["themes"]
        if not cases:
            del self.fields["cases"]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Change the status to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the new status",
            "invalid_choice": "Select the new status",
        },
    )
    evidence_summary = _text(
        "Evidence of completion",
        required=False,
        rows=3,
        max_length=5000,
        help_text="What was done and how it was measured. You can upload files below.",
    )
    reason = _text("Why is it cancelled?", required=False, rows=3, max_length=2000)

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "status", [(t, ActionStatus(t).label) for t in targets])


class ProgressForm(forms.Form):
    note = _text("Progress note", rows=3, max_length=5000, message="Enter the progress made")


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Upload evidence of completion",
        help_text="PDF, Word, text or an image.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("still_open", "Open and in progress"),
            ("overdue", "Overdue"),
            ("completed", "Completed"),
            ("cancelled", "Cancelled"),
            ("all", "All actions"),
        ],
    )

    def value(self) -> str:
        if self.is_valid():
            return self.cleaned_data.get("status") or "still_open"
        return "still_open"
