"""Submission for quality assurance and what the panel decides (the contract the
governance app calls).

- ``case_submit_for_qa``: the allocated reviewer submits; a frozen ``ReviewVersion``.
- ``case_return_to_reviewer``: the panel returns it with comments; the review reopens.
- ``case_complete``: the panel signs a version off (``ReviewSignOff``, once per version).
- ``case_escalate_to_focused``: the reviewer, the LAC or the panel turns an initial review
  into a focused one, keeping all the work; the LACs are told.

Each locks the case row (through ``case_transition`` or first), so a double click or two
panel members at once are served one after the other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from leder.lib.workflow import TransitionNotAllowed
from leder.models import User
from reviews.models import (
    Allocation,
    Case,
    CaseEmail,
    CaseStatus,
    QAReturn,
    ReviewSignOff,
    ReviewType,
    ReviewVersion,
)
from reviews.review.diff import Difference, version_diff
from reviews.review.report import review_report_html, review_report_pdf
from reviews.review.snapshot import build_snapshot
from reviews.review.state import EDITABLE_STATUSES, ReviewState
from reviews.services.cases import case_transition
from reviews.services.emails import case_email_queue
from reviews.services.review import NOT_YOURS, READ_ONLY

__all__ = [
    "Difference",
    "case_complete",
    "case_escalate_to_focused",
    "case_return_to_reviewer",
    "case_submit_for_qa",
    "review_report_html",
    "review_report_pdf",
    "version_diff",
]


# An initial review may become focused while it is being written or checked (not on hold:
# resume it first).
ESCALATABLE = frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RETURNED, CaseStatus.AWAITING_QA})


@transaction.atomic
def case_submit_for_qa(*, case: Case, by: User) -> ReviewVersion:
    """Freeze the review as the next version and send it for quality assurance.

    Refuses (``ValidationError`` code "incomplete", one message per section) while any
    required section is not complete.
    """
    locked = Case.objects.select_for_update().select_related("notification", "icb").get(pk=case.pk)
    active = Allocation.objects.filter(case=locked, ended_at__isnull=True).first()
    if active is None or active.reviewer_id != by.pk:
        raise ValidationError(NOT_YOURS, code="not_yours")
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            READ_ONLY.format(status=locked.get_status_display().lower()), code="read_only"
        )
    missing = ReviewState.load(locked).missing()
    if missing:
        raise ValidationError(
            [
                ValidationError(f"{section.title} is not complete", code="incomplete")
                for section in missing
            ]
        )
    number = (ReviewVersion.objects.filter(case=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReviewVersion.objects.create(
        case=locked,
        number=number,
        review_type=locked.review_type or ReviewType.INITIAL,
        content=build_snapshot(locked),
        submitted_by=by,
    )
    case_transition(
        case=locked,
        to=CaseStatus.AWAITING_QA,
        by=by,
        reason=f"Submitted for quality assurance (version {number})",
    )
    case.status = locked.status
    return version


def _latest_version(case: Case) -> ReviewVersion:
    version = ReviewVersion.objects.filter(case=case).order_by("-number").first()
    if version is None:
        raise ValidationError("This review has not been submitted", code="no_version")
    return version


@transaction.atomic
def case_return_to_reviewer(*, case: Case, by: User, comments: str) -> None:
    """The panel returns the latest version with comments; the reviewer can change it again."""
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": ["Enter the panel's comments for the reviewer"]})
    moved = case_transition(
        case=case, to=CaseStatus.RETURNED, by=by, reason="Returned to the reviewer by the panel"
    )
    version = _latest_version(moved)
    QAReturn.objects.create(case=moved, version=version, comments=comments, by=by)
    active = Allocation.objects.filter(case=moved, ended_at__isnull=True).first()
    if active is not None:
        case_email_queue(case=moved, kind=CaseEmail.Kind.RETURNED, recipient=active.reviewer)
    case.status = moved.status


@transaction.atomic
def case_complete(*, case: Case, version: ReviewVersion, by: User, reason: str) -> None:
    """The panel signs ``version`` (the latest submitted) off; the case is completed."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version.case_id != locked.pk:
        raise ValidationError("This version belongs to another case", code="wrong_case")
    if version.pk != _latest_version(locked).pk:
        raise ValidationError(
            "Only the latest submitted version can be signed off", code="not_latest"
        )
    if ReviewSignOff.objects.filter(version=version).exists():
        raise ValidationError("This version has already been signed off", code="signed_off")
    moved = case_transition(
        case=locked,
        to=CaseStatus.COMPLETED,
        by=by,
        reason=(reason or "").strip() or f"Version {version.number} signed off by the panel",
    )
    ReviewSignOff.objects.create(version=version, by=by, reason=(reason or "").strip())
    case.status = moved.status


@transaction.atomic
def case_escalate_to_focused(*, case: Case, by: User, reason: str) -> None:
    """An initial review becomes a focused review (lapses of care were found). Everything
    done so far is kept; the focused sections are added to the task list; the case is in
    progress again (a panel escalation reopens a submitted review); the LACs are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why a focused review is needed"]})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.review_type == ReviewType.FOCUSED:
        raise ValidationError("This is already a focused review", code="already_focused")
    if locked.status not in ESCALATABLE:
        raise TransitionNotAllowed("Case", locked.status, CaseStatus.IN_PROGRESS)
    moved = case_transition(
        case=locked,
        to=CaseStatus.IN_PROGRESS,
        by=by,
        reason=f"Escalated to a focused review: {reason}",
        also_set={
            "review_type": ReviewType.FOCUSED,
            "review_type_reason": f"Escalated from an initial review: {reason}",
        },
    )
    case_email_queue(case=moved, kind=CaseEmail.Kind.ESCALATED)
    for name in ("status", "review_type", "review_type_reason"):
        setattr(case, name, getattr(moved, name))
