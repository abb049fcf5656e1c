"""The answers a notifier chooses from: one place, used by the model, forms and screening."""

from __future__ import annotations

from django.db import models


class YesNoNotKnown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "I do not know"


class LDLevel(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"
    PROFOUND = "profound_multiple", "Profound and multiple"
    NOT_KNOWN = "not_known", "I do not know"


class PlaceOfDeath(models.TextChoices):
    HOME = "home", "At home"
    HOSPITAL = "hospital", "In hospital"
    CARE_HOME = "care_home", "In a care home"
    HOSPICE = "hospice", "In a hospice"
    OTHER = "other", "Somewhere else"
    NOT_KNOWN = "not_known", "I do not know"


class Sex(models.TextChoices):
    """Person phenotypic sex (NHS data dictionary)."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate (unable to be classified as male or female)"
    NOT_KNOWN = "not_known", "I do not know"


class Ethnicity(models.TextChoices):
    """Ethnic category (NHS data dictionary, 2001 census codes)."""

    WHITE_BRITISH = "A", "White: British"
    WHITE_IRISH = "B", "White: Irish"
    WHITE_OTHER = "C", "White: any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "D", "Mixed: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "E", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "F", "Mixed: White and Asian"
    MIXED_OTHER = "G", "Mixed: any other mixed background"
    ASIAN_INDIAN = "H", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "J", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "K", "Asian or Asian British: Bangladeshi"
    ASIAN_OTHER = "L", "Asian or Asian British: any other Asian background"
    BLACK_CARIBBEAN = "M", "Black or Black British: Caribbean"
    BLACK_AFRICAN = "N", "Black or Black British: African"
    BLACK_OTHER = "P", "Black or Black British: any other Black background"
    CHINESE = "R", "Other ethnic groups: Chinese"
    OTHER = "S", "Other ethnic groups: any other ethnic group"
    NOT_STATED = "Z", "Not stated"
    NOT_KNOWN = "99", "I do not know"


# Ethnic categories that say nothing about the person's ethnicity.
ETHNICITY_UNKNOWN = frozenset({Ethnicity.NOT_STATED, Ethnicity.NOT_KNOWN})


class OtherProcess(models.TextChoices):
    CORONER = "coroner", "Coroner's investigation or inquest"
    POLICE = "police", "Police investigation"
    SAFEGUARDING = "safeguarding", "Safeguarding adults review or enquiry"
    PATIENT_SAFETY = "patient_safety", "Patient safety incident investigation"
    CHILD_DEATH = "child_death", "Child death review"


class ContactKnows(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "I am not sure"


class FocusedCriterion(models.TextChoices):
    """Why a focused review may be needed (DOMAIN.md §3). The LAC decides."""

    AUTISTIC_WITHOUT_LD = "autistic_without_ld", "Autistic adult without a learning disability"
    ETHNICITY = "ethnicity", "From an ethnic group other than White British"
    DETENTION = "detention", "Detained (Mental Health Act or criminal justice) in last 5 years"
    FAMILY_REQUEST = "family_request", "The family asked for a detailed review"
    CARE_CONCERNS = "care_concerns", "Concerns about the care the person received"
