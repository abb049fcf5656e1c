"""The forms of the review's task-list sections.

Every section saves as you go: its fields are optional until the reviewer answers "Yes,
I've completed this section", when ``complete_requires`` (and each form's
``check_complete``) say what is still missing, field by field. Formats are checked on
every save (a real date, a real ICD-10 code, a role and organisation on each line), so
what is kept is always well formed.

``conditionals`` declares follow-up questions revealed by a radio answer (rendered inside
the radio by the generic section template).

Answers are stored as JSON (``to_data``): dates as ISO strings, choices as their values.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from leder.forms.fields import CharacterCountTextarea, NHSDateField
from leder.jinja2 import nhs_date
from notifications.choices import LDLevel, PlaceOfDeath
from reviews.models import EpisodeSetting
from reviews.review import icd10
from reviews.review.grading import care_grades

LONG = 5000
MEDIUM = 2000

YES_NO_NOT_KNOWN = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
YES_NO = [("yes", "Yes"), ("no", "No")]
COMPLETED_CHOICES = [
    ("yes", "Yes, I've completed this section"),
    ("no", "No, I'll come back to it later"),
]


def long_text(label: str, *, hint: str = "", maxlength: int = LONG) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=maxlength,
        help_text=hint,
        widget=CharacterCountTextarea(maxlength=maxlength, attrs={"rows": 6}),
        error_messages={
            "max_length": f"{label} must be {maxlength:,} characters or fewer",
        },
    )


def short_text(label: str, *, hint: str = "", maxlength: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=maxlength,
        help_text=hint,
        error_messages={"max_length": f"{label} must be {maxlength} characters or fewer"},
    )


def radios(label: str, choices: list[tuple[str, str]], *, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=hint,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Select an answer for: {label.rstrip('?')}"},
    )


def past_date(label: str, *, hint: str = "") -> NHSDateField:
    return NHSDateField(label=label, required=False, past_only=True, help_text=hint)


class SectionForm(forms.Form):
    """Base of every section form: optional fields, completeness checked on "Yes"."""

    # field name → message when the section is marked complete without it
    complete_requires: ClassVar[dict[str, str]] = {}
    # radio field → {answer: [follow-up fields revealed by that answer]}
    conditionals: ClassVar[dict[str, dict[str, list[str]]]] = {}
    # follow-up field → (radio field, answers that make it required when complete, message)
    required_if: ClassVar[dict[str, tuple[str, tuple[str, ...], str]]] = {}

    completed = forms.ChoiceField(
        label="Have you completed this section?",
        choices=COMPLETED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have completed this section"},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, context: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.context = context or {}
        super().__init__(*args, **kwargs)
        self.configure()

    def configure(self) -> None:
        """Adjust fields for the case (choices from the database, questions that apply)."""

    @classmethod
    def answer_fields(cls, form: SectionForm) -> list[str]:
        return [n for n in form.fields if n not in {"completed", "revision"}]

    def nested_fields(self) -> set[str]:
        return {f for answers in self.conditionals.values() for fs in answers.values() for f in fs}

    @staticmethod
    def _empty(value: Any) -> bool:
        return value in (None, "", [], ())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Follow-ups of answers not chosen are dropped, so stale text is not kept.
        for radio, answers in self.conditionals.items():
            keep = set(answers.get(cleaned.get(radio) or "", []))
            for followups in answers.values():
                for name in followups:
                    if name not in keep and name in cleaned and name not in self.errors:
                        cleaned[name] = [] if isinstance(cleaned[name], list) else None
        if cleaned.get("completed") == "yes":
            for name, message in self.complete_requires.items():
                missing = self._empty(cleaned.get(name))
                if name in self.fields and name not in self.errors and missing:
                    self.add_error(name, message)
            for name, (radio, choices, message) in self.required_if.items():
                if name not in self.fields or name in self.errors:
                    continue
                if cleaned.get(radio) in choices and self._empty(cleaned.get(name)):
                    self.add_error(name, message)
            self.check_complete(cleaned)
        return cleaned

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        """Extra rules when marked complete (add errors with ``add_error``)."""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.answer_fields(self):
            value = self.cleaned_data.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = "" if value is None else value
        return data

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        """Form initial values from stored answers (ISO dates back to dates)."""
        initial: dict[str, Any] = {}
        for name, value in (data or {}).items():
            field = cls.base_fields.get(name)
            if isinstance(field, NHSDateField) and value:
                try:
                    initial[name] = datetime.date.fromisoformat(value)
                except ValueError:
                    continue
            else:
                initial[name] = value
        return initial

    def display_rows(self, data: dict[str, Any]) -> list[dict[str, str]]:
        """The answers as (name, label, text) rows, for summaries, versions and the report."""
        rows = []
        skipped = self._hidden_followups(data)
        for name in self.answer_fields(self):
            if name in skipped:
                continue
            field = self.fields[name]
            rows.append(
                {"name": name, "label": str(field.label), "value": display(field, data.get(name))}
            )
        return rows

    def _hidden_followups(self, data: dict[str, Any]) -> set[str]:
        hidden: set[str] = set()
        for radio, answers in self.conditionals.items():
            keep = set(answers.get(data.get(radio) or "", []))
            for followups in answers.values():
                hidden.update(f for f in followups if f not in keep)
        return hidden


def display(field: forms.Field, value: Any) -> str:
    if value in (None, "", []):
        return "Not answered"
    if isinstance(field, NHSDateField):
        try:
            return nhs_date(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if isinstance(field, LinesField):
        return "\n".join(f"{p['role']} ({p['organisation']})" for p in value)
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return "\n".join(str(choices.get(v, choices.get(str(v), v))) for v in value)
    if choices:
        return str(choices.get(value, value))
    return str(value)


class LinesField(forms.CharField):
    """People spoken to, one per line as "role, organisation" → [{"role", "organisation"}]."""

    def __init__(self, *, label: str, noun: str = "Line", **kwargs: Any) -> None:
        self.noun = noun
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(label=label, required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{p['role']}, {p['organisation']}" for p in value)
        return value

    def clean(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        text = super().clean(value) or ""
        people = []
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            role, _, organisation = line.partition(",")
            role, organisation = role.strip(), organisation.strip()
            if not role or not organisation:
                raise forms.ValidationError(
                    f"{self.noun} {number} must give a role and an organisation separated by "
                    "a comma, for example 'Community nurse, Leeds Community Healthcare'",
                    code="line",
                )
            if len(role) > 100 or len(organisation) > 200:
                raise forms.ValidationError(
                    f"{self.noun} {number} is too long: keep the role under 100 characters "
                    "and the organisation under 200",
                    code="line_length",
                )
            people.append({"role": role, "organisation": organisation})
        if len(people) > 30:
            raise forms.ValidationError("Enter 30 or fewer, one on each line", code="too_many")
        return people


# --- Initial review ------------------------------------------------------------------------

LD_LEVELS = [
    *[(v, label) for v, label in LDLevel.choices if v != LDLevel.NOT_KNOWN],
    ("none", "No learning disability (autistic adult)"),
    ("not_known", "Not known"),
]
ACCOMMODATION = [
    ("family_home", "Family home"),
    ("own_home", "Own home or tenancy"),
    ("supported_living", "Supported living"),
    ("residential_care", "Residential care home"),
    ("nursing_home", "Nursing home"),
    ("hospital", "Hospital or secure setting"),
    ("no_fixed_abode", "No fixed address"),
    ("other", "Somewhere else"),
]


class AboutPersonForm(SectionForm):
    pen_portrait = long_text(
        "Pen portrait",
        hint="Who the person was: what mattered to them, what they enjoyed, how they liked "
        "to be supported. Write in plain language; the family may read it.",
    )
    ld_level = radios("Level of learning disability", LD_LEVELS)
    autism = radios("Did the person have a diagnosis of autism?", YES_NO_NOT_KNOWN)
    accommodation = radios("Type of accommodation", ACCOMMODATION)
    lives_alone = radios("Did the person live alone?", YES_NO_NOT_KNOWN)
    out_of_area = radios("Was the person placed out of area?", YES_NO_NOT_KNOWN)
    communication_needs = long_text(
        "Communication needs",
        hint="How the person communicated, and any support they needed. Write 'None' if "
        "they had none.",
        maxlength=MEDIUM,
    )

    complete_requires = {
        "pen_portrait": "Enter a pen portrait of the person",
        "ld_level": "Select the person's level of learning disability",
        "autism": "Select whether the person had a diagnosis of autism",
        "accommodation": "Select the type of accommodation",
        "lives_alone": "Select whether the person lived alone",
        "out_of_area": "Select whether the person was placed out of area",
        "communication_needs": "Enter the person's communication needs, or 'None'",
    }

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("ld_level") == "none" and cleaned.get("autism") != "yes":
            self.add_error(
                "ld_level",
                "Select a level of learning disability: 'No learning disability' is only for "
                "autistic adults",
            )


FAMILY_CONTACT = [
    ("yes", "Yes"),
    ("declined", "No, they did not want to take part"),
    ("unreachable", "No, we could not reach anyone"),
    ("none", "There is no family member or close friend"),
]


class FamilyForm(SectionForm):
    family_contacted = radios(
        "Did you speak to the family or someone close to the person?", FAMILY_CONTACT
    )
    contact_on = past_date("Date you spoke to them", hint="For example, 15 3 2026")
    contact_relationship = short_text(
        "Their relationship to the person",
        hint="For example, sister or key worker. Do not enter their name.",
        maxlength=100,
    )
    family_views = long_text("Their views of the person's care", maxlength=MEDIUM)
    no_contact_detail = long_text(
        "If you did not speak to anyone: what you tried",
        hint="Leave this blank if you spoke to them.",
        maxlength=MEDIUM,
    )
    condolence_letter = radios("Has a condolence letter been sent?", YES_NO)
    condolence_letter_on = past_date("Date the letter was sent")
    pen_portrait_shared = radios(
        "Was the draft pen portrait shared with the family for comment?",
        [("yes", "Yes"), ("no", "No"), ("not_applicable", "Not applicable (no family contact)")],
    )
    pen_portrait_comments = long_text("Their comments on the pen portrait", maxlength=MEDIUM)

    conditionals = {
        "family_contacted": {
            "yes": ["contact_on", "contact_relationship", "family_views"],
        },
        "condolence_letter": {"yes": ["condolence_letter_on"]},
        "pen_portrait_shared": {"yes": ["pen_portrait_comments"]},
    }
    complete_requires = {
        "family_contacted": "Select whether you spoke to the family or someone close to the person",
        "condolence_letter": "Select whether a condolence letter has been sent",
        "pen_portrait_shared": "Select whether the draft pen portrait was shared with the family",
    }
    required_if = {
        "contact_on": ("family_contacted", ("yes",), "Enter the date you spoke to them"),
        "contact_relationship": (
            "family_contacted",
            ("yes",),
            "Enter their relationship to the person",
        ),
        "family_views": ("family_contacted", ("yes",), "Enter their views of the person's care"),
        "no_contact_detail": (
            "family_contacted",
            ("declined", "unreachable"),
            "Enter what you tried",
        ),
        "condolence_letter_on": (
            "condolence_letter",
            ("yes",),
            "Enter the date the letter was sent",
        ),
    }

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        if (
            cleaned.get("pen_portrait_shared") == "not_applicable"
            and cleaned.get("family_contacted") == "yes"
        ):
            self.add_error(
                "pen_portrait_shared",
                "You spoke to the family: select whether the draft pen portrait was shared "
                "with them",
            )


GP_RECORDS = [
    ("reviewed", "Yes, I have reviewed the GP records"),
    ("requested", "Requested, not received yet"),
    ("not_available", "Not available"),
]


class EvidenceForm(SectionForm):
    gp_records = radios(
        "Have you reviewed the GP records?",
        GP_RECORDS,
        hint="Record requests to the GP practice are on the case page.",
    )
    gp_records_detail = long_text("Why the GP records are not available", maxlength=MEDIUM)
    gp_conversation = radios("Did you speak to the person's GP?", YES_NO)
    gp_conversation_on = past_date("Date you spoke to the GP")
    gp_conversation_summary = long_text("What the GP told you", maxlength=MEDIUM)
    professionals = LinesField(
        label="Other professionals you spoke to",
        noun="Line",
        help_text="At least one. Put each on a new line as role, organisation. For example: "
        "Community nurse, Leeds Community Healthcare",
    )
    other_evidence = long_text("Other evidence you looked at", maxlength=MEDIUM)

    conditionals = {
        "gp_records": {"not_available": ["gp_records_detail"]},
        "gp_conversation": {"yes": ["gp_conversation_on", "gp_conversation_summary"]},
    }
    complete_requires = {
        "gp_records": "Select whether you have reviewed the GP records",
        "gp_conversation": "Select whether you spoke to the person's GP",
        "professionals": "Enter at least one other professional you spoke to",
    }
    required_if = {
        "gp_records_detail": (
            "gp_records",
            ("not_available",),
            "Enter why the GP records are not available",
        ),
        "gp_conversation_on": ("gp_conversation", ("yes",), "Enter the date you spoke to the GP"),
        "gp_conversation_summary": ("gp_conversation", ("yes",), "Enter what the GP told you"),
    }

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("gp_records") == "requested":
            self.add_error(
                "gp_records",
                "You cannot complete this section until you have reviewed the GP records, "
                "or know they are not available",
            )


class EpisodesSectionForm(SectionForm):
    """The key episodes section: the timeline rows are separate; this saves the overview."""

    overview = long_text(
        "Overview of the person's care (optional)",
        hint="Anything about the timeline as a whole.",
        maxlength=MEDIUM,
    )

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        if not self.context.get("episode_count"):
            self.add_error(
                "completed", "Add at least one key episode of care before you complete this section"
            )


class MeetingsSectionForm(SectionForm):
    overview = long_text("Notes on the meetings (optional)", maxlength=MEDIUM)

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        if not self.context.get("meeting_count"):
            self.add_error(
                "completed",
                "Add at least one multi-agency meeting before you complete this section",
            )


AVOIDABLE = [
    ("preventable", "Preventable"),
    ("treatable", "Treatable"),
    ("both", "Both preventable and treatable"),
    ("neither", "Neither"),
    ("not_applicable", "Not applicable: the person was 75 or over"),
]


class CauseOfDeathForm(SectionForm):
    cause_1a = short_text(
        "Part Ia: the disease or condition that led directly to death",
        hint="As written on the medical certificate of cause of death.",
        maxlength=300,
    )
    cause_1b = short_text(
        "Part Ib: other disease or condition leading to Ia (if any)", maxlength=300
    )
    cause_1c = short_text(
        "Part Ic: other disease or condition leading to Ib (if any)", maxlength=300
    )
    cause_2 = short_text(
        "Part II: other significant conditions contributing to death (if any)", maxlength=300
    )
    icd10_code = forms.CharField(
        label="ICD-10 code of the underlying cause (optional)",
        required=False,
        max_length=10,
        help_text="For example, J69.0. We will check it and show its description.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
    )
    place_of_death = radios("Place of death", list(PlaceOfDeath.choices))
    place_of_death_detail = short_text("Name of the place (optional)", maxlength=200)
    coroner = radios("Was the death referred to the coroner?", YES_NO_NOT_KNOWN)
    avoidable = radios(
        "Avoidable death assessment",
        AVOIDABLE,
        hint="For people who died aged under 75: was the underlying cause of death "
        "preventable, treatable, both or neither (Office for National Statistics definitions)?",
    )

    complete_requires = {
        "cause_1a": "Enter part Ia of the cause of death",
        "place_of_death": "Select the place of death",
        "coroner": "Select whether the death was referred to the coroner",
        "avoidable": "Select the avoidable death assessment",
    }

    def clean_icd10_code(self) -> str:
        code = self.cleaned_data.get("icd10_code") or ""
        if not code.strip():
            return ""
        if icd10.lookup(code) is None:
            raise forms.ValidationError(
                "Enter a real ICD-10 code, like J69.0, or leave it blank", code="icd10"
            )
        return icd10.normalise(code)

    def check_complete(self, cleaned: dict[str, Any]) -> None:
        age = self.context.get("age_at_death")
        answer = cleaned.get("avoidable")
        if age is None or not answer or "avoidable" in self.errors:
            return
        if age >= 75 and answer != "not_applicable":
            self.add_error(
                "avoidable", f"The person died aged {age}: select 'Not applicable' (75 or over)"
            )
        elif age < 75 and answer == "not_applicable":
            self.add_error(
                "avoidable",
                f"The person died aged {age}: select whether the cause of death was "
                "preventable, treatable, both or neither",
            )

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        data["icd10_description"] = icd10.lookup(data["icd10_code"]) or ""
        return data

    def display_rows(self, data: dict[str, Any]) -> list[dict[str, str]]:
        rows = super().display_rows(data)
        for row in rows:
            if row["name"] == "icd10_code" and data.get("icd10_description"):
                row["value"] = f"{row['value']}: {data['icd10_description']}"
        return rows


WITH_NA = [*YES_NO_NOT_KNOWN, ("not_applicable", "Not applicable")]
ADJUSTMENTS = [("yes", "Yes"), ("partly", "Partly"), ("no", "No"), ("not_known", "Not known")]


class CareQuestionsForm(SectionForm):
    dnacpr_in_place = radios("Was a DNACPR decision in place?", YES_NO_NOT_KNOWN)
    dnacpr_followed = radios(
        "Was the DNACPR decision made and followed correctly?", YES_NO_NOT_KNOWN
    )
    mca_relevant = radios(
        "Was the Mental Capacity Act relevant to decisions about the person's care?",
        YES_NO_NOT_KNOWN,
    )
    mca_followed = radios("Was the Mental Capacity Act followed?", YES_NO_NOT_KNOWN)
    dols = radios(
        "Was the person under a Deprivation of Liberty Safeguards authorisation?", WITH_NA
    )
    reasonable_adjustments = radios("Were reasonable adjustments made?", ADJUSTMENTS)
    annual_health_check = radios(
        "Did the person have an annual health check in the 12 months before they died?",
        YES_NO_NOT_KNOWN,
    )
    health_action_plan = radios("Did the person have a health action plan?", YES_NO_NOT_KNOWN)
    delays = radios("Were there delays in the person's care?", YES_NO_NOT_KNOWN)
    delays_detail = long_text("Describe the delays", maxlength=MEDIUM)
    care_package = radios("Did the person's care package meet their needs?", WITH_NA)
    care_package_detail = long_text("How it did not meet their needs", maxlength=MEDIUM)
    guidelines = radios("Were any guidelines, policies or pathways not followed?", YES_NO_NOT_KNOWN)
    guidelines_detail = long_text("Which were not followed, and how", maxlength=MEDIUM)

    conditionals = {
        "dnacpr_in_place": {"yes": ["dnacpr_followed"]},
        "mca_relevant": {"yes": ["mca_followed"]},
        "delays": {"yes": ["delays_detail"]},
        "care_package": {"no": ["care_package_detail"]},
        "guidelines": {"yes": ["guidelines_detail"]},
    }
    complete_requires = {
        "dnacpr_in_place": "Select whether a DNACPR decision was in place",
        "mca_relevant": "Select whether the Mental Capacity Act was relevant",
        "dols": "Select whether the person was under a Deprivation of Liberty Safeguards "
        "authorisation",
        "reasonable_adjustments": "Select whether reasonable adjustments were made",
        "annual_health_check": "Select whether the person had an annual health check",
        "health_action_plan": "Select whether the person had a health action plan",
        "delays": "Select whether there were delays in the person's care",
        "care_package": "Select whether the care package met the person's needs",
        "guidelines": "Select whether any guidelines, policies or pathways were not followed",
    }
    required_if = {
        "dnacpr_followed": (
            "dnacpr_in_place",
            ("yes",),
            "Select whether the DNACPR decision was made and followed correctly",
        ),
        "mca_followed": (
            "mca_relevant",
            ("yes",),
            "Select whether the Mental Capacity Act was followed",
        ),
        "delays_detail": ("delays", ("yes",), "Describe the delays"),
        "care_package_detail": (
            "care_package",
            ("no",),
            "Describe how the care package did not meet the person's needs",
        ),
        "guidelines_detail": (
            "guidelines",
            ("yes",),
            "Describe which guidelines were not followed, and how",
        ),
    }


class ThemeChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class FindingsForm(SectionForm):
    good_practice = long_text("Good practice")
    learning = long_text("Learning")
    concerns = long_text(
        "Concerns about the care the person received",
        hint="Write 'None' if you have no concerns.",
    )
    grade = radios("Grading of the overall care", [])
    themes = ThemeChoiceField(
        label="Learning themes",
        required=False,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select learning themes from the list"},
    )
    focused_needed = radios("Is a focused review needed?", YES_NO)
    focused_reason = long_text("Why a focused review is needed", maxlength=MEDIUM)

    conditionals = {"focused_needed": {"yes": ["focused_reason"]}}
    complete_requires = {
        "good_practice": "Enter the good practice you found",
        "learning": "Enter the learning from this review",
        "concerns": "Enter your concerns about the care, or 'None'",
        "grade": "Select a grading of the overall care",
        "themes": "Select at least one learning theme",
        "focused_needed": "Select whether a focused review is needed",
    }
    required_if = {
        "focused_reason": ("focused_needed", ("yes",), "Enter why a focused review is needed"),
    }

    def configure(self) -> None:
        grades = care_grades()
        grade_field: Any = self.fields["grade"]
        grade_field.choices = [(g.value, g.label) for g in grades]
        grade_field.item_hints = {g.value: g.definition for g in grades}
        themes_field: Any = self.fields["themes"]
        themes_field.choices = [(str(pk), name) for pk, name in self.context.get("themes", [])]
        if self.context.get("review_type") == "focused":
            del self.fields["focused_needed"]
            del self.fields["focused_reason"]

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        names = dict(self.fields["themes"].choices)  # type: ignore[attr-defined]
        data["theme_names"] = [str(names[v]) for v in data.get("themes", []) if v in names]
        grade = next((g for g in care_grades() if g.value == data.get("grade")), None)
        data["grade_label"] = grade.label if grade else ""
        data["grade_definition"] = grade.definition if grade else ""
        return data

    def display_rows(self, data: dict[str, Any]) -> list[dict[str, str]]:
        rows = super().display_rows(data)
        for row in rows:
            # Labels kept with the answers: a theme or grade renamed later does not change them.
            if row["name"] == "themes" and data.get("theme_names"):
                row["value"] = "\n".join(data["theme_names"])
            if row["name"] == "grade" and data.get("grade_label"):
                row["value"] = f"{data['grade_label']}. {data.get('grade_definition', '')}".strip()
        return rows


# --- Focused review ------------------------------------------------------------------------


class FurtherAgenciesForm(SectionForm):
    agencies_information = long_text(
        "Information from further agencies",
        hint="What other agencies (for example social care, police, housing) told you.",
    )
    safeguarding_referral = radios("Was a safeguarding referral made?", YES_NO)
    safeguarding_detail = long_text("About the safeguarding referral", maxlength=MEDIUM)
    patient_safety_referral = radios("Was a patient safety incident reported?", YES_NO)
    patient_safety_detail = long_text(
        "About the patient safety report",
        hint="Include the reference of the report if there is one.",
        maxlength=MEDIUM,
    )

    conditionals = {
        "safeguarding_referral": {"yes": ["safeguarding_detail"]},
        "patient_safety_referral": {"yes": ["patient_safety_detail"]},
    }
    complete_requires = {
        "agencies_information": "Enter the information from further agencies",
        "safeguarding_referral": "Select whether a safeguarding referral was made",
        "patient_safety_referral": "Select whether a patient safety incident was reported",
    }
    required_if = {
        "safeguarding_detail": (
            "safeguarding_referral",
            ("yes",),
            "Enter details of the safeguarding referral",
        ),
        "patient_safety_detail": (
            "patient_safety_referral",
            ("yes",),
            "Enter details of the patient safety report",
        ),
    }


class AnalysisForm(SectionForm):
    analysis = long_text(
        "Analysis",
        hint="A fuller analysis of the care, drawing on the meetings and the further information.",
        maxlength=10000,
    )
    contributory_factors = long_text("Contributory factors (optional)", maxlength=MEDIUM)
    recommendations = long_text("Recommendations for improvement")

    complete_requires = {
        "analysis": "Enter your analysis",
        "recommendations": "Enter your recommendations for improvement",
    }


# --- Rows of the timeline and meetings -----------------------------------------------------


class EpisodeForm(forms.Form):
    occurred_on = NHSDateField(label="Date of the episode", past_only=True)
    setting = forms.ChoiceField(
        label="Setting",
        choices=EpisodeSetting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting"},
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=200,
        error_messages={
            "required": "Enter the organisation",
            "max_length": "Organisation must be 200 characters or fewer",
        },
    )
    what_happened = forms.CharField(
        label="What happened",
        max_length=MEDIUM,
        widget=CharacterCountTextarea(maxlength=MEDIUM, attrs={"rows": 5}),
        error_messages={
            "required": "Enter what happened",
            "max_length": f"What happened must be {MEDIUM:,} characters or fewer",
        },
    )
    good_practice = long_text("Good practice (optional)", maxlength=MEDIUM)
    concerns = long_text("Concerns (optional)", maxlength=MEDIUM)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, date_of_death: datetime.date | None = None, **kw: Any) -> None:
        self.date_of_death = date_of_death
        super().__init__(*args, **kw)

    def clean_occurred_on(self) -> datetime.date:
        value = self.cleaned_data["occurred_on"]
        if self.date_of_death and value > self.date_of_death:
            raise forms.ValidationError(
                "Date of the episode must be on or before the date of death", code="after_death"
            )
        return value


class MeetingForm(forms.Form):
    held_on = NHSDateField(label="Date of the meeting", past_only=True)
    attendees = LinesField(
        label="Who attended",
        noun="Attendee",
        help_text="By role and organisation, one on each line, for example: "
        "Safeguarding lead, Leeds City Council. Do not enter names.",
    )
    minutes_summary = forms.CharField(
        label="Summary of the minutes",
        max_length=LONG,
        widget=CharacterCountTextarea(maxlength=LONG, attrs={"rows": 6}),
        error_messages={
            "required": "Enter a summary of the minutes",
            "max_length": f"Summary of the minutes must be {LONG:,} characters or fewer",
        },
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def clean_attendees(self) -> list[dict[str, str]]:
        people = self.cleaned_data.get("attendees") or []
        if not people:
            raise forms.ValidationError("Enter at least one attendee", code="required")
        return people


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment",
        max_length=MEDIUM,
        widget=CharacterCountTextarea(maxlength=MEDIUM, attrs={"rows": 4}),
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {MEDIUM:,} characters or fewer",
        },
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your answer",
        max_length=MEDIUM,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter your answer",
            "max_length": f"Your answer must be {MEDIUM:,} characters or fewer",
        },
    )


def today() -> datetime.date:
    return timezone.localdate()
