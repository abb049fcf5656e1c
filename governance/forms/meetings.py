"""Forms for meetings: scheduling, inviting, attendance, conflicts, decisions, addenda."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone

from governance.forms import set_choices
from leder.forms.fields import NHSDateField

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _text(
    label: str,
    *,
    required: bool = True,
    max_length: int = 5000,
    rows: int = 4,
    help_text: str = "",
    message: str = "",
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={
            "required": message or f"Enter {label.lower()}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class MeetingForm(forms.Form):
    date = NHSDateField(label="Date of the meeting")
    time = forms.CharField(
        label="Start time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:00.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
        error_messages={"required": "Enter the start time"},
    )
    location = forms.CharField(
        label="Where is the meeting? (optional if it is online)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Location must be 200 characters or fewer"},
    )
    online_link = forms.URLField(
        label="Online meeting link (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter the link in the right format, starting https://"},
    )
    chair = forms.ChoiceField(
        label="Who chairs the meeting?",
        error_messages={"required": "Select the chair", "invalid_choice": "Select the chair"},
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "chair",
            [
                ("", "Select a person"),
                *((str(pk), n) for pk, n in people),
            ],
        )

    def clean_time(self) -> datetime.time:
        match = TIME_RE.match((self.cleaned_data.get("time") or "").strip())
        if not match:
            raise forms.ValidationError("Enter the start time like 14:00")
        return datetime.time(int(match.group(1)), int(match.group(2)))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, time = cleaned.get("date"), cleaned.get("time")
        if day and time:
            cleaned["scheduled_for"] = timezone.make_aware(datetime.datetime.combine(day, time))
        if (
            not cleaned.get("location")
            and not cleaned.get("online_link")
            and not (self.errors.get("online_link"))
        ):
            self.add_error("location", "Enter where the meeting is, or an online link")
        return cleaned


class NewMeetingForm(MeetingForm):
    chair_organisation = forms.ChoiceField(
        label="Organisation the chair represents",
        error_messages={
            "required": "Select the organisation the chair represents",
            "invalid_choice": "Select the organisation the chair represents",
        },
    )
    chair_role = forms.CharField(
        label="The chair's role",
        max_length=150,
        initial="Chair",
        error_messages={"required": "Enter the chair's role"},
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, people=people, **kwargs)
        set_choices(
            self,
            "chair_organisation",
            [
                ("", "Select an organisation"),
                *((str(pk), n) for pk, n in organisations),
            ],
        )


class InviteForm(forms.Form):
    user = forms.ChoiceField(
        label="Person",
        error_messages={"required": "Select a person", "invalid_choice": "Select a person"},
    )
    organisation = forms.ChoiceField(
        label="Organisation they represent",
        error_messages={
            "required": "Select the organisation they represent",
            "invalid_choice": "Select the organisation they represent",
        },
    )
    role = forms.CharField(
        label="Role on the panel",
        max_length=150,
        help_text="For example: clinical lead GP, safeguarding, local authority.",
        error_messages={"required": "Enter their role on the panel"},
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "user", [("", "Select a person"), *((str(pk), n) for pk, n in people)])
        set_choices(
            self,
            "organisation",
            [
                ("", "Select an organisation"),
                *((str(pk), n) for pk, n in organisations),
            ],
        )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Who is here?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select everyone present. Members with a conflict on an item still attend.",
        error_messages={"invalid_choice": "Select members from the list"},
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "present", [(str(pk), n) for pk, n in members])


class ConflictForm(forms.Form):
    reason = _text(
        "Describe your conflict of interest",
        max_length=2000,
        rows=3,
        help_text="For example: you know the family, or you manage the service involved. "
        "Do not include the person's name.",
        message="Describe your conflict of interest",
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did the panel decide?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the panel's decision",
            "invalid_choice": "Select the panel's decision",
        },
    )
    comments = _text(
        "Comments for the reviewer (if returned or escalated)",
        required=False,
        rows=4,
        help_text="What must change, or why a focused review is needed.",
    )
    amendments = _text(
        "Minor amendments (if approved with minor amendments)",
        required=False,
        rows=3,
        help_text="The LAC checks these before the review is completed.",
    )
    discussion_summary = _text(
        "Summary of the discussion",
        rows=5,
        message="Enter a summary of the discussion",
        help_text="For the minutes. Do not include the person's name.",
    )
    themes = forms.MultipleChoiceField(
        label="Learning themes confirmed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select learning themes from the list"},
    )
    good_practice = _text(
        "Good practice to share (optional)",
        required=False,
        rows=3,
        help_text="Examples for the annual report.",
    )

    def __init__(
        self,
        *args: Any,
        outcomes: list[tuple[str, str]],
        themes: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "outcome", outcomes)
        set_choices(self, "themes", [(str(pk), n) for pk, n in themes])


class AmendmentCheckForm(forms.Form):
    note = _text("Notes (optional)", required=False, max_length=2000, rows=3)
    confirm = forms.BooleanField(
        label="I have checked the minor amendments were made",
        error_messages={"required": "Confirm you have checked the amendments"},
    )


class AddendumForm(forms.Form):
    item = forms.ChoiceField(label="Which item does it correct?", required=False)
    text = _text("Correction", max_length=5000, rows=4, message="Enter the correction")

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "item",
            [
                ("", "The meeting as a whole"),
                *((str(pk), n) for pk, n in items),
            ],
        )
