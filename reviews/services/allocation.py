"""Allocating a case to a reviewer, and the reviewer's answer.

- ``case_allocate``: the LAC's decision (review type and why) and the allocation, with the
  conflict-of-interest and training checks; reallocation ends the previous allocation.
- ``case_accept``: the reviewer accepts, confirming no conflict of interest.
- ``case_decline_conflict``: the reviewer declares a conflict; the case goes back to the
  queue and the LACs are told.
- ``conflict_flags_resolve``: the LAC keeps a reviewer despite conflicts found later.
- ``allocation_end_active``: a stopped case (opt-out) loses its reviewers.

Every one locks the case row first, so two people acting on one case at once are served
one after the other, and the second sees what the first did.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leder.jinja2 import nhs_date
from leder.lib.history import history_save
from leder.models import User
from leder.roles import Role
from leder.services.grants import object_grant, object_revoke
from reviews.conflicts import conflicts_for_many
from reviews.models import (
    Allocation,
    Case,
    CaseEmail,
    CaseStatus,
    ConflictFlag,
    ReviewerProfile,
    ReviewType,
)
from reviews.services.cases import case_transition
from reviews.services.emails import case_email_queue

REVIEW_PERM = "reviews.review_case"
SUPERVISE_PERM = "reviews.supervise_case"
STALE = (
    "This case was allocated by someone else a moment ago. "
    "Check who has it now before you change it."
)
REVIEWER_ROLES = (Role.REVIEWER, Role.SENIOR_REVIEWER)


def _lock(case: Case) -> tuple[Case, Allocation | None]:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    active = Allocation.objects.filter(case=locked, ended_at__isnull=True).first()
    return locked, active


def _grant(allocation: Allocation, case: Case, by: Any) -> None:
    object_grant(user=allocation.reviewer, perm=REVIEW_PERM, obj=case, by=by)
    if allocation.senior_reviewer is not None:
        object_grant(user=allocation.senior_reviewer, perm=SUPERVISE_PERM, obj=case, by=by)


def _revoke(allocation: Allocation, case: Case, by: Any) -> None:
    object_revoke(user=allocation.reviewer, perm=REVIEW_PERM, obj=case, by=by)
    if allocation.senior_reviewer is not None:
        object_revoke(user=allocation.senior_reviewer, perm=SUPERVISE_PERM, obj=case, by=by)


def _end(allocation: Allocation, case: Case, *, by: Any, reason: str, declined: str = "") -> None:
    allocation.ended_at = timezone.now()
    allocation.ended_by = by if getattr(by, "is_authenticated", False) else None
    allocation.end_reason = reason[:200]
    fields = ["ended_at", "ended_by", "end_reason"]
    if declined:
        allocation.declined_reason = declined
        fields.append("declined_reason")
    history_save(allocation, by=by, reason=reason, update_fields=fields)
    _revoke(allocation, case, by)


def _person_errors(
    user: User | None, case: Case, *, roles: tuple[Role, ...], what: str
) -> list[str]:
    """Why ``user`` cannot be allocated as ``what`` (empty: they can)."""
    if user is None:
        return []
    name = user.full_name or user.email
    if not user.is_active or user.icb_id != case.icb_id or not user.has_role(*roles):
        return [f"{name} cannot be the {what} for this case: choose someone else"]
    profile = ReviewerProfile.objects.filter(user=user).first()
    if profile is None or profile.training_completed_on is None:
        return [
            f"{name} has no LeDeR training recorded: record their training in the reviewer "
            "directory, or choose someone else"
        ]
    if not profile.training_in_date():
        expired = nhs_date(profile.training_expires_on())
        return [
            f"{name}'s LeDeR training expired on {expired}: they cannot be allocated until "
            "it is renewed"
        ]
    return []


@transaction.atomic
def case_allocate(
    *,
    case: Case,
    reviewer: User,
    senior_reviewer: User | None = None,
    review_type: str,
    review_type_reason: str,
    override_justification: str = "",
    replacing: Allocation | None = None,
    by: User,
) -> Allocation:
    """Allocate ``case`` to ``reviewer`` (and ``senior_reviewer`` for peer support).

    ``replacing`` is the allocation the LAC saw (None: they saw the case unallocated). If
    someone else allocated the case meanwhile, this refuses (``ValidationError`` with code
    "stale") rather than silently overwrite their decision.

    Refuses reviewers without in-date training, and reviewers with a conflict of interest
    unless ``override_justification`` explains why; the conflicts and the justification
    are recorded on the allocation. Errors come as a dict by form field.
    """
    locked, active = _lock(case)
    if (active.pk if active else None) != (replacing.pk if replacing else None):
        raise ValidationError(STALE, code="stale")

    errors: dict[str, list[str]] = {}
    review_type_reason = (review_type_reason or "").strip()
    override_justification = (override_justification or "").strip()
    if review_type not in ReviewType.values:
        errors["review_type"] = ["Select initial review or focused review"]
    if not review_type_reason:
        errors["review_type_reason"] = ["Enter why you chose this type of review"]
    reviewer_errors = _person_errors(reviewer, locked, roles=REVIEWER_ROLES, what="reviewer")
    if senior_reviewer is not None and senior_reviewer.pk == reviewer.pk:
        errors["senior_reviewer"] = ["Choose a senior reviewer who is not the reviewer"]
    else:
        senior_errors = _person_errors(
            senior_reviewer, locked, roles=(Role.SENIOR_REVIEWER,), what="senior reviewer"
        )
        if senior_errors:
            errors["senior_reviewer"] = senior_errors
    if reviewer_errors:
        errors["reviewer"] = reviewer_errors

    people = [("reviewer", reviewer)]
    if senior_reviewer is not None and "senior_reviewer" not in errors:
        people.append(("senior reviewer", senior_reviewer))
    found = conflicts_for_many([u for _, u in people], locked) if not reviewer_errors else {}
    conflicts = [c.as_dict(who) for who, user in people for c in found.get(user.pk, [])]
    if conflicts and not override_justification:
        conflicted = [(user.full_name or user.email) for _, user in people if found.get(user.pk)]
        verb = "has" if len(conflicted) == 1 else "have"
        errors["override_justification"] = [
            f"{' and '.join(conflicted)} {verb} a conflict of interest with this case: "
            "choose someone else, or explain why they should review it anyway"
        ]
    if errors:
        raise ValidationError(errors)

    if active is not None:
        _end(active, locked, by=by, reason="Reallocated")
        kept = {reviewer.pk, getattr(senior_reviewer, "pk", None)}
        for person in (active.reviewer, active.senior_reviewer):
            if person is not None and person.pk not in kept:
                case_email_queue(
                    case=locked, kind=CaseEmail.Kind.ALLOCATION_ENDED, recipient=person
                )
    label = ReviewType(review_type).label.lower()
    reason = f"{'Reallocated' if active else 'Allocated'} for an {label}"
    if conflicts:
        reason += ", conflict of interest overridden"
    moved = case_transition(
        case=locked,
        to=CaseStatus.ALLOCATED,
        by=by,
        reason=reason,
        also_set={"review_type": review_type, "review_type_reason": review_type_reason},
    )
    allocation = Allocation(
        case=moved,
        reviewer=reviewer,
        senior_reviewer=senior_reviewer,
        allocated_by=by,
        conflicts=conflicts,
        override_justification=override_justification if conflicts else "",
    )
    history_save(allocation, by=by, reason=reason)
    _grant(allocation, moved, by)
    case_email_queue(case=moved, kind=CaseEmail.Kind.ALLOCATED, recipient=reviewer)
    from reviews.records.services import record_request_auto

    record_request_auto(case=moved, by=by, trigger="allocation")
    if senior_reviewer is not None:
        case_email_queue(case=moved, kind=CaseEmail.Kind.PEER_SUPPORT, recipient=senior_reviewer)
    for name in ("status", "review_type", "review_type_reason"):
        setattr(case, name, getattr(moved, name))
    return allocation


def _own_allocation(case: Case, by: User) -> tuple[Case, Allocation]:
    locked, active = _lock(case)
    if active is None or active.reviewer_id != by.pk:
        raise ValidationError("This review is not allocated to you", code="not_yours")
    return locked, active


@transaction.atomic
def case_accept(*, case: Case, by: User) -> Allocation:
    """The allocated reviewer accepts, confirming they have no conflict of interest."""
    locked, active = _own_allocation(case, by)
    reason = "Reviewer accepted, confirming no conflict of interest"
    moved = case_transition(case=locked, to=CaseStatus.IN_PROGRESS, by=by, reason=reason)
    active.accepted_at = timezone.now()
    history_save(active, by=by, reason=reason, update_fields=["accepted_at"])
    case.status = moved.status
    return active


@transaction.atomic
def case_decline_conflict(*, case: Case, by: User, reason: str) -> Allocation:
    """The allocated reviewer declares a conflict: the allocation ends, their access goes,
    the case returns to the allocation queue and the ICB's LACs are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Describe your conflict of interest"]})
    locked, active = _own_allocation(case, by)
    why = "Reviewer declared a conflict of interest"
    moved = case_transition(case=locked, to=CaseStatus.AWAITING_ALLOCATION, by=by, reason=why)
    _end(active, moved, by=by, reason=why, declined=reason)
    case_email_queue(case=moved, kind=CaseEmail.Kind.DECLINED)
    case.status = moved.status
    return active


@transaction.atomic
def conflict_flags_resolve(
    *, allocation: Allocation, justification: str, by: User
) -> list[ConflictFlag]:
    """The LAC keeps the reviewer despite conflicts found after allocation, saying why.
    Resolves every open flag on the allocation; the justification is reported."""
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError(
            {"justification": ["Explain why the reviewer should keep this review"]}
        )
    _lock(allocation.case)
    flags = list(
        ConflictFlag.objects.select_for_update().filter(
            allocation=allocation, allocation__ended_at__isnull=True, resolved_at__isnull=True
        )
    )
    if not flags:
        raise ValidationError("This conflict has already been dealt with", code="stale")
    now = timezone.now()
    for flag in flags:
        flag.resolved_at = now
        flag.resolved_by = by
        flag.justification = justification
        history_save(
            flag,
            by=by,
            reason="Reviewer kept despite the conflict",
            update_fields=["resolved_at", "resolved_by", "justification"],
        )
    return flags


@transaction.atomic
def allocation_end_active(*, case: Case, by: Any, reason: str) -> Allocation | None:
    """End the case's active allocation (if any) and revoke its grants."""
    locked, active = _lock(case)
    if active is not None:
        _end(active, locked, by=by, reason=reason)
    return active
