"""Forms: asking for records (staff), and the organisation's pages (upload, finish,
telephone offer)."""

from __future__ import annotations

from typing import Any

from django import forms

from leder.forms.fields import NHSDateField
from leder.models import Organisation
from reviews.models import Case
from reviews.records import conf
from reviews.records.uploads import mb

OTHER = "other"
SECURE = "secure"


def organisation_choices(case: Case) -> list[tuple[str, str]]:
    """The registered GP practice and the organisations linked to the case, then "another"."""
    seen: list[Organisation] = []
    practice = case.notification.gp_practice
    if practice is not None and practice.is_active:
        seen.append(practice)
    for provider in case.providers.select_related("organisation"):
        if provider.organisation.is_active and provider.organisation not in seen:
            seen.append(provider.organisation)
    choices = []
    for org in seen:
        label = str(org) + (" (registered GP practice)" if org == practice else "")
        choices.append((str(org.pk), label))
    choices.append((OTHER, "Another organisation"))
    return choices


class RecordRequestForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Which organisation do you want records from?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select the organisation",
        },
    )
    ods_code = forms.CharField(
        label="ODS code of the organisation",
        required=False,
        max_length=12,
        help_text="For example, B82005. The organisation must be known to the service.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    send_to = forms.ChoiceField(
        label="Where should the request go?",
        widget=forms.RadioSelect,
        choices=[
            (SECURE, "The organisation's secure email address"),
            (OTHER, "A different email address"),
        ],
        initial=SECURE,
        error_messages={"required": "Select where the request should go"},
    )
    other_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@nhs.net"
        },
    )
    confirm_email = forms.BooleanField(
        label="I have checked this is a secure mailbox of the organisation",
        required=False,
    )
    period_from = NHSDateField(
        label="Records from", min_year=1900, help_text="For example, 1 4 2023"
    )
    period_to = NHSDateField(
        label="Records to", min_year=1900, past_only=True, help_text="For example, 1 4 2026"
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["organisation"].choices = organisation_choices(case)  # type: ignore[attr-defined]
        self.chosen: Organisation | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("organisation")
        if choice == OTHER:
            code = (data.get("ods_code") or "").strip().upper()
            if not code:
                self.add_error("ods_code", "Enter the ODS code of the organisation")
            else:
                self.chosen = Organisation.objects.active().filter(ods_code__iexact=code).first()
                if self.chosen is None:
                    self.add_error("ods_code", "No open organisation has this ODS code")
        elif choice:
            self.chosen = Organisation.objects.filter(pk=choice).first()
        if (
            self.chosen is not None
            and data.get("send_to") == SECURE
            and not self.chosen.secure_email
        ):
            self.add_error(
                "send_to",
                "This organisation has no secure email address recorded: choose a different "
                "email address",
            )
        if data.get("send_to") == OTHER:
            if not data.get("other_email") and "other_email" not in self.errors:
                self.add_error("other_email", "Enter the email address")
            elif data.get("other_email") and not data.get("confirm_email"):
                self.add_error(
                    "confirm_email",
                    "Confirm you have checked this is a secure mailbox of the organisation",
                )
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_from", "Records from must be before records to")
        return data

    def recipient_email(self) -> str:
        if self.cleaned_data.get("send_to") == OTHER:
            return str(self.cleaned_data["other_email"])
        return self.chosen.secure_email if self.chosen else ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    """Renders the file input; the files themselves are checked by ``check_files``."""

    documents = forms.FileField(
        label="Choose files to upload",
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.docx,.rtf,.txt,.png,.jpg,.jpeg,.tif,.tiff"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = (
            "PDF, Word (DOCX), rich text (RTF) or text files, or PNG, JPEG or TIFF images. "
            f"Up to {conf.max_files_per_upload()} files at a time, each smaller than "
            f"{mb(conf.max_file_bytes())}."
        )

    def set_errors(self, errors: list[str]) -> None:
        self.is_valid()
        for error in errors:
            self.add_error("documents", error)


class FinishForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have uploaded all the records asked for",
        error_messages={"required": "Confirm you have uploaded all the records asked for"},
    )


class PhoneOfferForm(forms.Form):
    contact_name = forms.CharField(
        label="Your name",
        max_length=150,
        error_messages={"required": "Enter your name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(label="Your role (optional)", required=False, max_length=150)
    phone = forms.CharField(
        label="Telephone number",
        max_length=30,
        error_messages={"required": "Enter a telephone number"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "class": "nhsuk-input--width-20"}),
    )
    times = forms.CharField(
        label="When can the reviewer call?",
        max_length=1000,
        help_text="For example, Tuesdays and Thursdays between 2pm and 4pm",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter when the reviewer can call"},
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        digits = [ch for ch in value if ch.isdigit()]
        if len(digits) < 10 or any(not (ch.isdigit() or ch in " +()-") for ch in value):
            raise forms.ValidationError(
                "Enter a telephone number, like 01632 960 001 or 07700 900 982"
            )
        return value


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling this request?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not include the person's name.",
        error_messages={"required": "Enter why you are cancelling the request"},
    )
