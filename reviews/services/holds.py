"""Putting a case on hold and resuming it. Held days stop the 6-month clock
(``CaseQuerySet.with_clock`` adds them to the target date)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leder.lib.history import history_save
from leder.lib.workflow import TransitionNotAllowed
from leder.models import User
from reviews.models import Case, CaseHold, CaseStatus, HoldReason
from reviews.services.cases import case_transition


@transaction.atomic
def case_hold(
    *, case: Case, reason: str, expected_review_on: datetime.date | None, by: User
) -> CaseHold:
    """Put an in-progress case on hold from today (a statutory process, or the family asked
    for a delay), saying when to look at the hold again."""
    errors: dict[str, list[str]] = {}
    if reason not in HoldReason.values:
        errors["reason"] = ["Select why the review is on hold"]
    today = timezone.localdate()
    if expected_review_on is None:
        errors["expected_review_on"] = ["Enter the date to review the hold"]
    elif expected_review_on <= today:
        errors["expected_review_on"] = ["The date to review the hold must be in the future"]
    if errors:
        raise ValidationError(errors)
    label = HoldReason(reason).label
    moved = case_transition(
        case=case, to=CaseStatus.ON_HOLD, by=by, reason=f"On hold: {str(label).lower()}"
    )
    hold = CaseHold(
        case=moved, reason=reason, started_on=today, expected_review_on=expected_review_on
    )
    history_save(hold, by=by, reason="Review put on hold")
    case.status = moved.status
    return hold


@transaction.atomic
def case_resume(*, case: Case, by: User) -> CaseHold:
    """Resume a held case: the hold ends today and the clock runs again."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.ON_HOLD:
        raise TransitionNotAllowed("Case", locked.status, CaseStatus.IN_PROGRESS)
    moved = case_transition(case=locked, to=CaseStatus.IN_PROGRESS, by=by, reason="Review resumed")
    hold = (
        CaseHold.objects.select_for_update()
        .filter(case=moved, ended_on__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )
    if hold is None:  # pragma: no cover - every hold opens a row
        raise ValidationError("This case has no open hold", code="no_hold")
    hold.ended_on = max(timezone.localdate(), hold.started_on)
    history_save(hold, by=by, reason="Review resumed", update_fields=["ended_on"])
    case.status = moved.status
    return hold
