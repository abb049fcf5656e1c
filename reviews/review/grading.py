"""The grading of care: a configurable scale, by default LeDeR's six levels.

Set ``LEDER_CARE_GRADES`` in the settings to a list of ``(value, label, definition)`` to
change it. Versions keep the label and definition they were graded with, so changing the
scale never changes a submitted review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULT_GRADES: tuple[tuple[str, str, str], ...] = (
    ("1", "1: Excellent care", "It exceeded expected good practice."),
    ("2", "2: Good care", "It met expected good practice."),
    (
        "3",
        "3: Satisfactory care",
        "It fell short of expected good practice in some areas, but this did not "
        "significantly affect the person's wellbeing.",
    ),
    (
        "4",
        "4: Care fell short of expected good practice",
        "This affected the person's wellbeing but did not contribute to the cause of death.",
    ),
    (
        "5",
        "5: Care fell short of expected good practice and significantly affected wellbeing",
        "It significantly affected the person's wellbeing, or could have contributed to the "
        "cause of death.",
    ),
    (
        "6",
        "6: Care fell far short of expected good practice",
        "This contributed to the cause of death.",
    ),
)


@dataclass(frozen=True)
class Grade:
    value: str
    label: str
    definition: str


def care_grades() -> list[Grade]:
    raw = getattr(settings, "LEDER_CARE_GRADES", None) or DEFAULT_GRADES
    return [Grade(str(v), str(label), str(definition)) for v, label, definition in raw]


def grade_for(value: str) -> Grade | None:
    return next((g for g in care_grades() if g.value == str(value)), None)
