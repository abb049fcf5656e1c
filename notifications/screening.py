"""Screening on submission: age at death, eligibility and focused-review suggestions.

Pure functions of the answers; the submission service stores the results and moves the
status. Nothing here decides for the LAC: it flags and suggests, with reasons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from notifications.choices import ETHNICITY_UNKNOWN, Ethnicity, FocusedCriterion, YesNoNotKnown

if TYPE_CHECKING:
    from notifications.models import Notification

ADULT_AGE = 18

YES = YesNoNotKnown.YES
NO = YesNoNotKnown.NO


class Outcome:
    CHILD_DEATH = "child_death"  # under 18: not a LeDeR review (child death review instead)
    NEEDS_CONFIRMATION = "needs_confirmation"  # no learning disability or autism recorded
    TO_SCREEN = "to_screen"  # the LAC confirms eligibility


@dataclass(frozen=True)
class Screening:
    age_at_death: int
    outcome: str
    note: str
    focused_criteria: list[dict[str, str]] = field(default_factory=list)


def age_at(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Completed years on ``on`` (a 29 February birthday counts from 1 March)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def focused_criteria(n: Notification) -> list[dict[str, str]]:
    """Focused-review criteria the answers meet, each with the reason."""
    found: list[tuple[str, str]] = []
    if n.autism == YES and n.learning_disability == NO:
        found.append(
            (
                FocusedCriterion.AUTISTIC_WITHOUT_LD,
                "The notifier said the person was autistic and did not have a learning disability.",
            )
        )
    if (
        n.ethnicity
        and n.ethnicity != Ethnicity.WHITE_BRITISH
        and n.ethnicity not in (ETHNICITY_UNKNOWN)
    ):
        found.append(
            (
                FocusedCriterion.ETHNICITY,
                f"Ethnicity recorded as {Ethnicity(n.ethnicity).label}.",
            )
        )
    detentions = []
    if n.detained_mha == YES:
        detentions.append("under the Mental Health Act")
    if n.detained_cjs == YES:
        detentions.append("in the criminal justice system")
    if detentions:
        found.append(
            (
                FocusedCriterion.DETENTION,
                f"Detained {' and '.join(detentions)} in the 5 years before death.",
            )
        )
    if n.family_requested_review == YES:
        found.append((FocusedCriterion.FAMILY_REQUEST, "The family asked for a detailed review."))
    if n.care_concerns == YES:
        found.append(
            (FocusedCriterion.CARE_CONCERNS, "The notifier has concerns about the care received.")
        )
    return [{"code": str(code), "reason": reason} for code, reason in found]


def screen(n: Notification) -> Screening:
    if n.date_of_birth is None:
        raise ValueError("Screening needs the date of birth")
    age = age_at(n.date_of_birth, n.date_of_death)
    criteria = focused_criteria(n)
    if age < ADULT_AGE:
        return Screening(
            age,
            Outcome.CHILD_DEATH,
            f"Aged {age} at death: under {ADULT_AGE}, so this death is reviewed through "
            "the child death review process, not LeDeR.",
            criteria,
        )
    if YES not in (n.learning_disability, n.autism):
        return Screening(
            age,
            Outcome.NEEDS_CONFIRMATION,
            "The notifier did not say the person had a learning disability or an autism "
            "diagnosis: confirm eligibility from the records.",
            criteria,
        )
    return Screening(age, Outcome.TO_SCREEN, "", criteria)
