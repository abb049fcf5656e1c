"""The public notification form, one class per page.

Each step form turns its cleaned data into JSON-safe primitives for the session
(:meth:`StepForm.to_session`), back into initial values (:meth:`StepForm.initial_from`),
into model answers (:meth:`StepForm.answers`) and into "check your answers" rows
(:meth:`StepForm.summary`).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from localflavor.gb.forms import GBPostcodeField

from leder.forms.fields import NHSDateField
from leder.models import Organisation
from notifications.choices import (
    ContactKnows,
    Ethnicity,
    LDLevel,
    OtherProcess,
    PlaceOfDeath,
    Sex,
    YesNoNotKnown,
)
from notifications.validators import clean_nhs_number, clean_phone

Stored = dict[str, Any]
NOT_GIVEN = "Not given"


def _text(
    label: str, max_length: int, *, required: bool = True, message: str = "", **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": message or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
        **kwargs,
    )


def _textarea(label: str, *, required: bool = False, max_length: int = 2000, **kw: Any) -> Any:
    return _text(
        label, max_length, required=required, widget=forms.Textarea(attrs={"rows": 4}), **kw
    )


def _radios(label: str, choices: Any, message: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def _label(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, NOT_GIVEN)) if value else NOT_GIVEN


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _nhs_date(value: str | None) -> str:
    parsed = _date(value)
    return f"{parsed.day} {parsed:%B %Y}" if parsed else NOT_GIVEN


class StepForm(forms.Form):
    slug: ClassVar[str]
    title: ClassVar[str]
    # Fields whose stored value is a date (ISO string in the session).
    date_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, answers: dict[str, Stored] | None = None, **kwargs: Any):
        self.all_answers = answers or {}
        super().__init__(*args, **kwargs)

    def other_step(self, slug: str) -> Stored:
        return self.all_answers.get(slug, {})

    def to_session(self) -> Stored:
        data: Stored = {}
        for name, value in self.cleaned_data.items():
            data[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return data

    @classmethod
    def initial_from(cls, stored: Stored) -> dict[str, Any]:
        return {k: (_date(v) if k in cls.date_fields else v) for k, v in stored.items()}

    @classmethod
    def answers(cls, stored: Stored) -> dict[str, Any]:
        return {k: (_date(v) if k in cls.date_fields else v) for k, v in stored.items()}

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        raise NotImplementedError


class PersonForm(StepForm):
    slug = "person"
    title = "About the person who died"
    date_fields = ("date_of_birth",)

    given_name = _text(
        "First name",
        100,
        message="Enter their first name",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    family_name = _text(
        "Last name",
        100,
        message="Enter their last name",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    other_names = _text(
        "Other names they were known by",
        200,
        required=False,
        help_text="For example, a previous last name or a name they liked to be called",
    )
    date_of_birth = NHSDateField(
        label="Date of birth", past_only=True, help_text="For example, 15 3 1984"
    )
    nhs_number = forms.CharField(
        label="NHS number (if you know it)",
        required=False,
        max_length=20,
        help_text="This is a 10 digit number, like 485 777 3456",
        error_messages={"max_length": "NHS number must be 10 numbers"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    address = _textarea("Home address (if you know it)", max_length=300)
    postcode = GBPostcodeField(
        label="Postcode (if you know it)",
        required=False,
        max_length=10,
        error_messages={
            "invalid": "Enter a real postcode, like LS1 4AP",
            "max_length": "Enter a real postcode, like LS1 4AP",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["date_of_birth"]
        died = _date(self.other_step("death").get("date_of_death"))
        if born and died and born > died:
            raise ValidationError("Date of birth must be the same as or before the date of death")
        return born

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        return [
            ("Name", f"{stored.get('given_name', '')} {stored.get('family_name', '')}".strip()),
            ("Other names", stored.get("other_names") or NOT_GIVEN),
            ("Date of birth", _nhs_date(stored.get("date_of_birth"))),
            ("NHS number", _format_nhs_number(stored.get("nhs_number", ""))),
            ("Address", stored.get("address") or NOT_GIVEN),
            ("Postcode", stored.get("postcode") or NOT_GIVEN),
        ]


def _format_nhs_number(value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if value else NOT_GIVEN


PLACE_NAME_FIELDS = {
    PlaceOfDeath.HOSPITAL: "hospital_name",
    PlaceOfDeath.CARE_HOME: "care_home_name",
    PlaceOfDeath.HOSPICE: "hospice_name",
    PlaceOfDeath.OTHER: "other_place",
}


class DeathForm(StepForm):
    slug = "death"
    title = "About their death"
    date_fields = ("date_of_death",)

    date_of_death = NHSDateField(
        label="Date of death", past_only=True, help_text="For example, 27 1 2026"
    )
    place_of_death = _radios(
        "Where did they die?", PlaceOfDeath.choices, "Select where the person died"
    )
    hospital_name = _text("Name of the hospital (if you know it)", 200, required=False)
    care_home_name = _text("Name of the care home (if you know it)", 200, required=False)
    hospice_name = _text("Name of the hospice (if you know it)", 200, required=False)
    other_place = _text(
        "Describe where they died",
        200,
        required=False,
        help_text="For example, at a day centre or on holiday",
    )

    def clean_date_of_death(self) -> datetime.date:
        died = self.cleaned_data["date_of_death"]
        born = _date(self.other_step("person").get("date_of_birth"))
        if died and born and died < born:
            raise ValidationError("Date of death must be the same as or after the date of birth")
        return died

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        place = data.get("place_of_death")
        if place == PlaceOfDeath.OTHER and not data.get("other_place"):
            self.add_error("other_place", "Enter where the person died")
        # Keep only the detail that goes with the chosen place.
        for value, name in PLACE_NAME_FIELDS.items():
            if value != place:
                data[name] = ""
        return data

    @classmethod
    def answers(cls, stored: Stored) -> dict[str, Any]:
        place = stored.get("place_of_death", "")
        detail_field = PLACE_NAME_FIELDS.get(place)
        return {
            "date_of_death": _date(stored.get("date_of_death")),
            "place_of_death": place,
            "place_of_death_detail": stored.get(detail_field, "") if detail_field else "",
        }

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        answers = cls.answers(stored)
        place = _label(PlaceOfDeath.choices, answers["place_of_death"])
        if answers["place_of_death_detail"]:
            place = f"{place}: {answers['place_of_death_detail']}"
        return [
            ("Date of death", _nhs_date(stored.get("date_of_death"))),
            ("Place of death", place),
        ]


UNKNOWN_PRACTICE = "unknown"


def active_practices() -> Any:
    return Organisation.objects.gp_practices().active()


class PracticeChoiceField(forms.ChoiceField):
    """An ODS code of any active GP practice (not only the ones listed), or "unknown"."""

    def valid_value(self, value: Any) -> bool:
        if value == UNKNOWN_PRACTICE:
            return True
        code = str(value)[:12]
        # ODS codes are letters and digits: anything else (a NUL the database would refuse
        # with an error) is not a practice, without asking.
        if not (code.isascii() and code.isalnum()):
            return False
        return active_practices().filter(ods_code=code).exists()


class GPPracticeForm(StepForm):
    slug = "gp-practice"
    title = "Their GP practice"

    gp_practice = PracticeChoiceField(
        label="Choose their GP practice",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select their GP practice, or select that you do not know it",
            "invalid_choice": "Select their GP practice, or select that you do not know it",
        },
    )

    def __init__(self, *args: Any, practices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.ods_code, f"{p.name}, {p.postcode} ({p.ods_code})") for p in practices]
        choices.append((UNKNOWN_PRACTICE, "I do not know their GP practice, or it is not listed"))
        cast(forms.ChoiceField, self.fields["gp_practice"]).choices = choices

    @classmethod
    def practice(cls, stored: Stored) -> Organisation | None:
        code = stored.get("gp_practice")
        if not code or code == UNKNOWN_PRACTICE:
            return None
        return active_practices().filter(ods_code=code).first()

    @classmethod
    def answers(cls, stored: Stored) -> dict[str, Any]:
        return {"gp_practice": cls.practice(stored)}

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        practice = cls.practice(stored)
        return [("GP practice", str(practice) if practice else "Not known")]


class ConditionsForm(StepForm):
    slug = "learning-disability-autism"
    title = "Learning disability and autism"

    learning_disability = _radios(
        "Did they have a learning disability?",
        YesNoNotKnown.choices,
        "Select if they had a learning disability",
    )
    learning_disability_level = _radios(
        "How severe was their learning disability?",
        LDLevel.choices,
        "Select how severe their learning disability was",
        required=False,
    )
    autism = _radios(
        "Did they have a diagnosis of autism?",
        YesNoNotKnown.choices,
        "Select if they had a diagnosis of autism",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("learning_disability") == YesNoNotKnown.YES:
            if not data.get("learning_disability_level"):
                self.add_error(
                    "learning_disability_level", "Select how severe their learning disability was"
                )
        else:
            data["learning_disability_level"] = ""
        return data

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        ld = _label(YesNoNotKnown.choices, stored.get("learning_disability"))
        if stored.get("learning_disability_level"):
            ld = f"{ld} ({_label(LDLevel.choices, stored['learning_disability_level']).lower()})"
        return [
            ("Learning disability", ld),
            ("Autism diagnosis", _label(YesNoNotKnown.choices, stored.get("autism"))),
        ]


class BackgroundForm(StepForm):
    slug = "ethnicity-sex"
    title = "Sex and ethnicity"

    sex = _radios("What was their sex?", Sex.choices, "Select their sex")
    ethnicity = _radios(
        "What was their ethnic group?", Ethnicity.choices, "Select their ethnic group"
    )

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        return [
            ("Sex", _label(Sex.choices, stored.get("sex"))),
            ("Ethnic group", _label(Ethnicity.choices, stored.get("ethnicity"))),
        ]


class KnownForm(StepForm):
    slug = "what-is-known"
    title = "What you know about their death"

    cause_of_death = _textarea(
        "Cause of death (if you know it)",
        help_text="As written on the death certificate, if you have seen it",
    )
    care_concerns = _radios(
        "Do you have any concerns about the care they received?",
        YesNoNotKnown.choices,
        "Select if you have concerns about the care they received",
    )
    care_concerns_detail = _textarea("Tell us about your concerns")
    detained_mha = _radios(
        "In the last 5 years, were they detained under the Mental Health Act?",
        YesNoNotKnown.choices,
        "Select if they were detained under the Mental Health Act in the last 5 years",
    )
    detained_cjs = _radios(
        "In the last 5 years, were they in prison, a young offender institution or police custody?",
        YesNoNotKnown.choices,
        "Select if they were detained in the criminal justice system in the last 5 years",
    )
    family_requested_review = _radios(
        "Has the family asked for a detailed review of the care the person received?",
        YesNoNotKnown.choices,
        "Select if the family has asked for a detailed review",
    )
    other_processes = forms.MultipleChoiceField(
        label="Are any of these happening? Select all that apply",
        choices=OtherProcess.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave blank if none are, or you do not know",
        error_messages={"invalid_choice": "Select from the list"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("care_concerns") == YesNoNotKnown.YES:
            if not data.get("care_concerns_detail"):
                self.add_error("care_concerns_detail", "Tell us about your concerns")
        else:
            data["care_concerns_detail"] = ""
        return data

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        concerns = _label(YesNoNotKnown.choices, stored.get("care_concerns"))
        if stored.get("care_concerns_detail"):
            concerns = f"{concerns}: {stored['care_concerns_detail']}"
        processes = [_label(OtherProcess.choices, p) for p in stored.get("other_processes", [])]
        return [
            ("Cause of death", stored.get("cause_of_death") or NOT_GIVEN),
            ("Concerns about care", concerns),
            (
                "Detained under the Mental Health Act",
                _label(YesNoNotKnown.choices, stored.get("detained_mha")),
            ),
            (
                "Detained in the criminal justice system",
                _label(YesNoNotKnown.choices, stored.get("detained_cjs")),
            ),
            (
                "Family asked for a detailed review",
                _label(YesNoNotKnown.choices, stored.get("family_requested_review")),
            ),
            ("Other processes", ", ".join(processes) if processes else "None known"),
        ]


class ContactForm(StepForm):
    slug = "family-contact"
    title = "A family member or friend"

    has_contact = _radios(
        "Do you know a family member or friend we could contact?",
        [("yes", "Yes"), ("no", "No")],
        "Select if you know a family member or friend we could contact",
    )
    contact_name = _text("Their full name", 150, required=False)
    contact_relationship = _text(
        "Their relationship to the person who died",
        100,
        required=False,
        help_text="For example, mother, brother, friend",
    )
    contact_phone = _text(
        "Their phone number", 30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    contact_email = forms.EmailField(
        label="Their email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter their email address in the correct format, like name@example.com",
            "max_length": "Their email address must be 254 characters or fewer",
        },
    )
    contact_knows = _radios(
        "Do they know you are telling us about this death?",
        ContactKnows.choices,
        "Select if they know you are telling us about this death",
        required=False,
    )

    contact_fields = (
        "contact_name",
        "contact_relationship",
        "contact_phone",
        "contact_email",
        "contact_knows",
    )

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("contact_phone", ""), label="phone number")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("has_contact") != "yes":
            for name in self.contact_fields:
                data[name] = ""
            return data
        if not data.get("contact_name") and "contact_name" not in self.errors:
            self.add_error("contact_name", "Enter their full name")
        if not data.get("contact_relationship") and "contact_relationship" not in self.errors:
            self.add_error("contact_relationship", "Enter their relationship to the person")
        if (
            not data.get("contact_phone")
            and not data.get("contact_email")
            and not {"contact_phone", "contact_email"} & set(self.errors)
        ):
            self.add_error("contact_phone", "Enter their phone number or email address")
        if not data.get("contact_knows"):
            self.add_error(
                "contact_knows", "Select if they know you are telling us about this death"
            )
        return data

    @classmethod
    def answers(cls, stored: Stored) -> dict[str, Any]:
        return {name: stored.get(name, "") for name in cls.contact_fields}

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        if stored.get("has_contact") != "yes":
            return [("Family member or friend", "None given")]
        contact = ", ".join(
            v for v in (stored.get("contact_phone"), stored.get("contact_email")) if v
        )
        return [
            (
                "Family member or friend",
                f"{stored.get('contact_name')} ({stored.get('contact_relationship')})",
            ),
            ("Their contact details", contact),
            (
                "They know about this notification",
                _label(ContactKnows.choices, stored.get("contact_knows")),
            ),
        ]


class NotifierForm(StepForm):
    slug = "about-you"
    title = "About you"

    notifier_name = _text(
        "Your full name",
        150,
        message="Enter your full name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    notifier_role = _text(
        "Your role or relationship to the person who died",
        150,
        message="Enter your role or relationship to the person who died",
        help_text="For example, GP receptionist, social worker, sister",
    )
    notifier_organisation = _text(
        "Your organisation (if you work for one)",
        200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    notifier_email = forms.EmailField(
        label="Your email address",
        required=False,
        max_length=254,
        help_text="We will email you a reference number. We will not include any details "
        "about the person who died",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter your email address in the correct format, like name@example.com",
            "max_length": "Your email address must be 254 characters or fewer",
        },
    )
    notifier_phone = _text(
        "Your phone number",
        30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def clean_notifier_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("notifier_phone", ""), label="phone number")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            not data.get("notifier_email")
            and not data.get("notifier_phone")
            and not {"notifier_email", "notifier_phone"} & set(self.errors)
        ):
            self.add_error(
                "notifier_email", "Enter your email address or phone number so we can contact you"
            )
        return data

    @classmethod
    def summary(cls, stored: Stored) -> list[tuple[str, str]]:
        return [
            ("Your name", stored.get("notifier_name", "")),
            ("Your role or relationship", stored.get("notifier_role", "")),
            ("Your organisation", stored.get("notifier_organisation") or NOT_GIVEN),
            ("Your email address", stored.get("notifier_email") or NOT_GIVEN),
            ("Your phone number", stored.get("notifier_phone") or NOT_GIVEN),
        ]


STEPS: tuple[type[StepForm], ...] = (
    PersonForm,
    DeathForm,
    GPPracticeForm,
    ConditionsForm,
    BackgroundForm,
    KnownForm,
    ContactForm,
    NotifierForm,
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def step_answers(step: type[StepForm], stored: Stored) -> dict[str, Any]:
    """The model answers a step contributes (extra form-only fields dropped)."""
    from notifications.services.submission import ANSWER_FIELDS

    return {k: v for k, v in step.answers(stored).items() if k in ANSWER_FIELDS}
