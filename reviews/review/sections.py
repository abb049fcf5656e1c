"""The sections of the review's task list: one declaration each, in order.

A focused review is an initial review plus the focused sections (``review_types``), so
escalation adds sections without special cases. Each section names its form, what it
pre-fills from the notification, and which sections must be started first ("Cannot start
yet"). Statuses follow the NHS "complete multiple tasks" pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from reviews.forms.sections import (
    AboutPersonForm,
    AnalysisForm,
    CareQuestionsForm,
    CauseOfDeathForm,
    EpisodesSectionForm,
    EvidenceForm,
    FamilyForm,
    FindingsForm,
    FurtherAgenciesForm,
    MeetingsSectionForm,
    SectionForm,
)

if TYPE_CHECKING:
    from reviews.models import Case, ReviewSection

INITIAL = frozenset({"initial", "focused"})
FOCUSED = frozenset({"focused"})


class SectionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not yet started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANNOT_START = "cannot_start", "Cannot start yet"


def _from_notification(case: Case) -> dict[str, Any]:
    n = case.notification
    return {
        "ld_level": n.learning_disability_level or "",
        "autism": n.autism if n.autism in {"yes", "no"} else "",
    }


def _cause_from_notification(case: Case) -> dict[str, Any]:
    n = case.notification
    return {
        "cause_1a": (n.cause_of_death or "")[:300],
        "place_of_death": n.place_of_death or "",
        "place_of_death_detail": n.place_of_death_detail or "",
        "coroner": "yes" if "coroner" in (n.other_processes or []) else "",
    }


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    form_class: type[SectionForm]
    review_types: frozenset[str] = INITIAL
    hint: str = ""
    kind: str = "form"  # "form", "episodes" (timeline rows), "meetings" (meeting rows)
    needs_started: tuple[str, ...] = ()
    prefill: Callable[[Case], dict[str, Any]] | None = field(default=None, compare=False)

    def applies_to(self, review_type: str) -> bool:
        return (review_type or "initial") in self.review_types


SECTIONS: tuple[Section, ...] = (
    Section(
        "about-the-person",
        "About the person",
        AboutPersonForm,
        hint="Pen portrait, learning disability, autism, where they lived",
        prefill=_from_notification,
    ),
    Section(
        "family-and-carers",
        "Family and carers",
        FamilyForm,
        hint="Contact with the family, condolence letter, pen portrait shared",
    ),
    Section(
        "evidence",
        "Evidence gathered",
        EvidenceForm,
        hint="GP records, the GP, other professionals",
    ),
    Section(
        "key-episodes",
        "Key episodes of care",
        EpisodesSectionForm,
        hint="A timeline of dated episodes of health and social care",
        kind="episodes",
    ),
    Section(
        "cause-of-death",
        "Cause and circumstances of death",
        CauseOfDeathForm,
        hint="Medical certificate, place of death, coroner, avoidable death assessment",
        prefill=_cause_from_notification,
    ),
    Section(
        "care-questions",
        "Care questions",
        CareQuestionsForm,
        hint="DNACPR, Mental Capacity Act, reasonable adjustments, health checks, delays",
    ),
    Section(
        "multi-agency-meetings",
        "Multi-agency meetings",
        MeetingsSectionForm,
        review_types=FOCUSED,
        hint="Date, who attended, a summary of the minutes",
        kind="meetings",
    ),
    Section(
        "further-agencies",
        "Further agencies and referrals",
        FurtherAgenciesForm,
        review_types=FOCUSED,
        hint="Information from other agencies, safeguarding and patient safety referrals",
    ),
    Section(
        "analysis",
        "Analysis",
        AnalysisForm,
        review_types=FOCUSED,
        hint="A fuller analysis and recommendations",
    ),
    Section(
        "findings",
        "Findings",
        FindingsForm,
        hint="Good practice, learning, concerns, grading of care, learning themes",
        needs_started=("about-the-person", "evidence", "key-episodes", "cause-of-death"),
    ),
)
_BY_KEY = {s.key: s for s in SECTIONS}


def get_section(key: str) -> Section | None:
    return _BY_KEY.get(key)


def section_title(key: str) -> str:
    section = _BY_KEY.get(key)
    return section.title if section else key


def sections_for(review_type: str) -> list[Section]:
    return [s for s in SECTIONS if s.applies_to(review_type)]


@dataclass
class TaskItem:
    section: Section
    status: str
    row: ReviewSection | None
    comments: int = 0
    unanswered: int = 0

    @property
    def status_label(self) -> str:
        return str(SectionStatus(self.status).label)


def section_status(
    section: Section,
    rows: dict[str, ReviewSection],
    *,
    counts: dict[str, int] | None = None,
) -> str:
    row = rows.get(section.key)
    if row is not None and row.completed:
        return SectionStatus.COMPLETED
    started = row is not None or bool((counts or {}).get(section.kind))
    if started:
        return SectionStatus.IN_PROGRESS
    if any(
        key not in rows and not (counts or {}).get(_BY_KEY[key].kind)
        for key in section.needs_started
    ):
        return SectionStatus.CANNOT_START
    return SectionStatus.NOT_STARTED


def task_items(
    review_type: str,
    rows: dict[str, ReviewSection],
    *,
    counts: dict[str, int],
    comments: dict[str, tuple[int, int]] | None = None,
) -> list[TaskItem]:
    """``counts``: {"episodes": n, "meetings": n}; ``comments``: key → (all, unanswered)."""
    items = []
    for section in sections_for(review_type):
        total, unanswered = (comments or {}).get(section.key, (0, 0))
        items.append(
            TaskItem(
                section=section,
                status=section_status(section, rows, counts=counts),
                row=rows.get(section.key),
                comments=total,
                unanswered=unanswered,
            )
        )
    return items


def missing_sections(
    review_type: str, rows: dict[str, ReviewSection], counts: dict[str, int]
) -> list[Section]:
    """Required sections not yet complete (a timeline section needs at least one row)."""
    missing = []
    for section in sections_for(review_type):
        row = rows.get(section.key)
        empty_timeline = section.kind in {"episodes", "meetings"} and not counts.get(section.kind)
        if row is None or not row.completed or empty_timeline:
            missing.append(section)
    return missing
