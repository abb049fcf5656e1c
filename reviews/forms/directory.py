"""The reviewer directory: adding a reviewer, their details, employment and conflicts."""

from __future__ import annotations

from typing import Any

from django import forms

from leder.forms.fields import NHSDateField
from leder.models import Organisation, OrganisationType
from reviews.models import ProviderRole


def organisations_in_icb(icb_id: int | None) -> Any:
    if icb_id is None:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(parent_icb_id=icb_id, is_active=True)
        .exclude(org_type=OrganisationType.ICB)
        .order_by("name", "pk")
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class AddReviewerForm(forms.Form):
    user = forms.ChoiceField(
        label="Who do you want to add to the directory?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a reviewer to add",
            "invalid_choice": "Select a reviewer to add",
        },
    )

    def __init__(self, *args: Any, users: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["user"].choices = [  # type: ignore[attr-defined]
            (str(u.pk), u.full_name or u.email) for u in users
        ]


class ProfileForm(forms.Form):
    max_caseload = forms.IntegerField(
        label="Maximum caseload",
        min_value=0,
        max_value=50,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        help_text="How many reviews they can carry at once",
        error_messages={
            "required": "Enter the maximum caseload",
            "invalid": "Maximum caseload must be a whole number",
            "min_value": "Maximum caseload must be 0 or more",
            "max_value": "Maximum caseload must be 50 or fewer",
        },
    )
    training_completed_on = NHSDateField(
        label="Date LeDeR training was completed",
        required=False,
        past_only=True,
        min_year=2000,
        help_text="Training must be renewed every year. For example, 15 3 2026",
    )


class EmploymentForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select the organisation from the list",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", required=False, max_length=150)
    started_on = NHSDateField(
        label="Start date", past_only=True, min_year=1950, help_text="For example, 1 4 2019"
    )
    ended_on = NHSDateField(
        label="End date (if they have left)",
        required=False,
        min_year=1950,
        help_text="Leave empty if they still work there",
    )

    def __init__(self, *args: Any, icb_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_in_icb(icb_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "End date must be the same as or after the start date")
        return data


class DeclaredConflictForm(forms.Form):
    description = forms.CharField(
        label="Describe the connection",
        max_length=300,
        help_text="For example: neighbour of the family, or a former client",
        error_messages={
            "required": "Describe the connection",
            "max_length": "Description must be 300 characters or fewer",
        },
    )
    names = forms.CharField(
        label="Names to check against new cases",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One name on each line. A full name matches the person who died or the "
        "family contact; a surname on its own matches the family name.",
    )
    nhs_number = forms.CharField(
        label="NHS number of the person, if known (optional)",
        required=False,
        max_length=14,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
    )
    active = forms.BooleanField(label="This connection still applies", required=False, initial=True)

    def clean_nhs_number(self) -> str:
        value = "".join(
            ch for ch in self.cleaned_data.get("nhs_number", "") if not ch.isspace() and ch != "-"
        )
        if value and (not value.isdigit() or len(value) != 10):
            raise forms.ValidationError("NHS number must be 10 digits")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_names = not (data.get("names") or "").strip()
        if no_names and not data.get("nhs_number") and "nhs_number" not in self.errors:
            self.add_error("names", "Enter at least one name, or the person's NHS number")
        return data


class ProviderForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select the organisation from the list",
        },
    )
    role = forms.ChoiceField(
        label="What was its part in the person's care?",
        widget=forms.RadioSelect,
        choices=ProviderRole.choices,
        error_messages={
            "required": "Select the organisation's part in the person's care",
            "invalid_choice": "Select the organisation's part in the person's care",
        },
    )

    def __init__(self, *args: Any, icb_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_in_icb(icb_id)  # type: ignore[attr-defined]
