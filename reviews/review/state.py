"""Reading a review's state in a few queries: its section rows, timeline counts and
supervision comments, with the task-list statuses and what is missing for submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from reviews.models import Case, CaseStatus, LearningTheme, ReviewSection
from reviews.review.sections import (
    Section,
    TaskItem,
    missing_sections,
    section_status,
    sections_for,
    task_items,
)

# The allocated reviewer may change the review only in these statuses.
EDITABLE_STATUSES = frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RETURNED})
# The review exists (the task list has something to show) from acceptance on.
REVIEW_STATUSES = frozenset(
    {
        CaseStatus.IN_PROGRESS,
        CaseStatus.ON_HOLD,
        CaseStatus.AWAITING_QA,
        CaseStatus.RETURNED,
        CaseStatus.COMPLETED,
    }
)


@dataclass
class ReviewState:
    case: Case
    rows: dict[str, ReviewSection]
    counts: dict[str, int]
    comments: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, case: Case, *, with_comments: bool = False) -> ReviewState:
        rows = {
            r.key: r for r in ReviewSection.objects.filter(case=case).select_related("updated_by")
        }
        counts = Case.objects.filter(pk=case.pk).aggregate(
            episodes=Count("episodes", distinct=True), meetings=Count("meetings", distinct=True)
        )
        state = cls(case=case, rows=rows, counts={k: v or 0 for k, v in counts.items()})
        if with_comments:
            per_section = (
                case.supervision_comments.order_by()
                .values("section_key")
                .annotate(total=Count("pk"), unanswered=Count("pk", filter=Q(reply="")))
            )
            state.comments = {c["section_key"]: (c["total"], c["unanswered"]) for c in per_section}
        return state

    @property
    def review_type(self) -> str:
        return self.case.review_type or "initial"

    def sections(self) -> list[Section]:
        return sections_for(self.review_type)

    def items(self) -> list[TaskItem]:
        return task_items(self.review_type, self.rows, counts=self.counts, comments=self.comments)

    def status_of(self, section: Section) -> str:
        return section_status(section, self.rows, counts=self.counts)

    def missing(self) -> list[Section]:
        return missing_sections(self.review_type, self.rows, self.counts)

    def completed_count(self) -> int:
        return len(self.sections()) - len(self.missing())

    def form_context(self) -> dict[str, Any]:
        return form_context(self.case, counts=self.counts)


def form_context(case: Case, *, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """What the section forms need to know about the case."""
    if counts is None:
        counts = Case.objects.filter(pk=case.pk).aggregate(
            episodes=Count("episodes", distinct=True), meetings=Count("meetings", distinct=True)
        )
    return {
        "review_type": case.review_type or "initial",
        "age_at_death": case.notification.age_at_death,
        "episode_count": counts.get("episodes") or 0,
        "meeting_count": counts.get("meetings") or 0,
        "themes": list(LearningTheme.objects.filter(active=True).values_list("pk", "name")),
    }
