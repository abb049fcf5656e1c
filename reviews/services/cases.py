"""Opening a case, and the one service every case status move goes through."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from leder.lib.history import history_save
from leder.lib.workflow import transition
from reviews.models import Case, CaseStatus, CaseStatusChange
from reviews.workflow import CASE_TRANSITIONS

if TYPE_CHECKING:
    from notifications.models import Notification


@transaction.atomic
def case_open(*, notification: Notification, by: Any) -> Case:
    """Open the case for an eligible notification, awaiting allocation in its ICB."""
    if notification.icb_id is None:
        raise ValidationError("Route the notification to an ICB before opening a case")
    case = Case(
        notification=notification,
        icb_id=notification.icb_id,
        reference=notification.reference,
        status=CaseStatus.AWAITING_ALLOCATION,
    )
    history_save(case, by=by, reason="Case opened: notification eligible")
    CaseStatusChange.objects.create(
        subject=case,
        by=by if getattr(by, "is_authenticated", False) else None,
        from_status="",
        to_status=CaseStatus.AWAITING_ALLOCATION,
        reason="Case opened: notification eligible",
    )
    from reviews.records.services import record_request_auto

    record_request_auto(case=case, by=by, trigger="screening")
    return case


@transaction.atomic
def case_transition(
    *, case: Case, to: str, by: Any, reason: str, also_set: dict[str, Any] | None = None
) -> Case:
    """Move ``case`` to ``to`` if CASE_TRANSITIONS allows it (locks the row).

    A case that stops (National Data Opt-Out) loses its reviewers: the active allocation
    ends and their object grants are revoked, in the same transaction.
    """
    moved = transition(
        obj=case,
        to=to,
        by=by,
        reason=reason,
        table=CASE_TRANSITIONS,
        change_model=CaseStatusChange,
        also_set=also_set,
    )
    if to == CaseStatus.OPTED_OUT:
        case_personal_data_erase(
            case=moved, by=by, reason="Case stopped: National Data Opt-Out", removed=REMOVED
        )
    return moved


REMOVED = "Removed after a National Data Opt-Out"


def case_personal_data_erase(*, case: Case, by: Any, reason: str, removed: str) -> None:
    """Leave only a stub of the case: its reviewers lose it (the active allocation ends, its
    grants are revoked), what staff typed is replaced by ``removed`` and the review's content
    is erased, in rows and history. Called inside a transaction holding the case's row lock,
    by the opt-out (above) and by the retention purge (``leder.retention``)."""
    from reviews.services.allocation import allocation_end_active
    from reviews.services.review import review_erase

    allocation_end_active(case=case, by=by, reason=reason)
    _remove_free_text(case, removed=removed)
    review_erase(case=case, removed=removed)


def _remove_free_text(case: Case, *, removed: str = REMOVED) -> None:
    """After an opt-out only a stub may stay (docs/adr/0005): replace what staff typed about
    the case (reasons, justifications, the reviewer's declared conflict) and the conflict
    reasons (which may quote the place of death), in the rows and their history. Codes,
    dates and who did what stay."""
    from reviews.conflicts import ConflictCode
    from reviews.models import Allocation, ConflictFlag

    def labels(conflicts: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{**c, "reason": str(ConflictCode(c["code"]).label)} for c in conflicts]

    Case.objects.filter(pk=case.pk).update(review_type_reason="")
    Case.history.filter(id=case.pk).update(review_type_reason="")
    case.review_type_reason = ""
    models: tuple[Any, ...] = (Allocation, Allocation.history.model)
    for model in models:
        rows = model._default_manager.filter(case_id=case.pk)
        rows.exclude(declined_reason="").update(declined_reason=removed)
        rows.exclude(override_justification="").update(override_justification=removed)
        for row_id, conflicts in rows.exclude(conflicts=[]).values_list("pk", "conflicts"):
            model._default_manager.filter(pk=row_id).update(conflicts=labels(conflicts))
    allocations = Allocation.objects.filter(case_id=case.pk).values("pk")
    flag_models: tuple[Any, ...] = (ConflictFlag, ConflictFlag.history.model)
    for model in flag_models:
        rows = model._default_manager.filter(allocation_id__in=allocations)
        rows.exclude(justification="").update(justification=removed)
        for row_id, conflicts in rows.values_list("pk", "conflicts"):
            model._default_manager.filter(pk=row_id).update(conflicts=labels(conflicts))
