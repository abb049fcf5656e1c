"""Asking for records, and the one service every request status move goes through.

- ``record_request_create``: staff (or the service itself) ask an organisation.
- ``record_request_auto``: the automatic request to the registered GP practice, called by
  the case services when the case opens or is first allocated (setting
  ``LEDER_RECORDS_AUTO_REQUEST_ON``).
- ``record_request_transition`` / ``record_request_transition_many``: status moves,
  checked against ``RECORD_REQUEST_TRANSITIONS``; closing moves revoke the links and
  cancel the emails still owed to the organisation.
- ``record_request_cancel``: staff cancel a request.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from leder.lib.history import history_save
from leder.lib.workflow import TransitionNotAllowed, transition
from leder.models import Organisation
from reviews.models import OPEN_STATUSES as CASE_OPEN_STATUSES
from reviews.models import Case
from reviews.records import conf
from reviews.records.bulk import history_snapshot
from reviews.records.models import (
    EventKind,
    RecordEmail,
    RecordRequest,
    RecordRequestStatus,
    RecordRequestStatusChange,
    RevokeReason,
)
from reviews.records.services.emails import (
    ORGANISATION_KINDS,
    record_email_queue,
    record_emails_cancel,
)
from reviews.records.services.events import record_event
from reviews.records.services.links import links_revoke
from reviews.records.workflow import CLOSING, RECORD_REQUEST_TRANSITIONS

S = RecordRequestStatus
REVOKE_REASONS: dict[str, str] = {
    S.COMPLETED: RevokeReason.COMPLETED,
    S.PHONE_OFFERED: RevokeReason.PHONE_OFFERED,
    S.ESCALATED: RevokeReason.ESCALATED,
    S.CANCELLED: RevokeReason.CANCELLED,
}


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def default_period(case: Case) -> tuple[datetime.date, datetime.date]:
    """The usual first ask: the years before death (``LEDER_RECORDS_DEFAULT_YEARS``)."""
    end = case.notification.date_of_death or timezone.localdate()
    return years_before(end, conf.default_years()), end


def _close(ids: Sequence[int], to: str, by: Any, now: datetime.datetime) -> None:
    links_revoke(request_ids=ids, reason=REVOKE_REASONS[to], by=by, now=now)
    record_emails_cancel(request_ids=ids, kinds=ORGANISATION_KINDS)


def record_request_transition(
    *, request: RecordRequest, to: str, by: Any, reason: str, also_set: dict[str, Any] | None = None
) -> RecordRequest:
    """Move ``request`` to ``to`` if the table allows it (locks the row).

    ``transition`` is atomic itself; a closing move also revokes links and cancels emails,
    so it runs in a block of its own around both (a move that closes nothing does not pay
    for a second savepoint)."""
    now = timezone.now()
    extra = dict(also_set or {})
    if to not in CLOSING:
        return _transition(request, to, by, reason, extra)
    extra.update({"closed_at": now, "expires_at": None})
    with transaction.atomic():
        moved = _transition(request, to, by, reason, extra)
        _close([moved.pk], to, by, now)
    return moved


def _transition(
    request: RecordRequest, to: str, by: Any, reason: str, also_set: dict[str, Any]
) -> RecordRequest:
    return transition(
        obj=request,
        to=to,
        by=by,
        reason=reason,
        table=RECORD_REQUEST_TRANSITIONS,
        change_model=RecordRequestStatusChange,
        also_set=also_set,
    )


@transaction.atomic
def record_request_transition_many(
    *, request_ids: Sequence[int], to: str, by: Any, reason: str
) -> list[int]:
    """The same move for many requests at once (the sweep, an opt-out): locks the rows,
    skips those the table does not allow, and writes the statuses, their history and
    status-change rows in a few statements. Returns the ids moved."""
    now = timezone.now()
    rows = list(
        RecordRequest.objects.select_for_update()
        .filter(pk__in=request_ids)
        .order_by("pk")
        .values_list("pk", "status")
    )
    moving = [(pk, status) for pk, status in rows if RECORD_REQUEST_TRANSITIONS.allows(status, to)]
    ids = [pk for pk, _ in moving]
    if not ids:
        return []
    fields: dict[str, Any] = {"status": to}
    if to in CLOSING:
        fields.update({"closed_at": now, "expires_at": None})
    RecordRequest.objects.filter(pk__in=ids).update(**fields)
    history_snapshot(RecordRequest, ids, reason=reason, at=now, by=by)
    user = by if getattr(by, "is_authenticated", False) else None
    RecordRequestStatusChange.objects.bulk_create(
        RecordRequestStatusChange(
            subject_id=pk, by=user, at=now, from_status=status, to_status=to, reason=reason
        )
        for pk, status in moving
    )
    if to in CLOSING:
        _close(ids, to, by, now)
    return ids


def _check(
    case: Case,
    organisation: Organisation,
    recipient_email: str,
    period_from: datetime.date,
    period_to: datetime.date,
) -> None:
    errors: dict[str, list[str]] = {}
    if case.status not in CASE_OPEN_STATUSES:
        raise ValidationError("Records can only be asked for while the review is open")
    if not organisation.is_active:
        errors["organisation"] = ["This organisation is closed: choose another"]
    try:
        validate_email(recipient_email)
    except ValidationError:
        errors["recipient_email"] = [
            "Enter an email address in the correct format, like name@nhs.net"
        ]
    if period_from > period_to:
        errors["period_from"] = ["The start of the period must be before its end"]
    if period_to > timezone.localdate():
        errors["period_to"] = ["The end of the period must be today or in the past"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_request_create(
    *,
    case: Case,
    organisation: Organisation,
    recipient_email: str,
    period_from: datetime.date,
    period_to: datetime.date,
    by: Any,
    automatic: bool = False,
) -> RecordRequest:
    """Ask ``organisation`` for the person's records: the request, and its link email
    (sent after commit). Errors come as a dict by form field."""
    recipient_email = (recipient_email or "").strip().lower()
    _check(case, organisation, recipient_email, period_from, period_to)
    request = RecordRequest(
        case=case,
        organisation=organisation,
        recipient_email=recipient_email,
        period_from=period_from,
        period_to=period_to,
        automatic=automatic,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    reason = "Automatic request to the registered GP practice" if automatic else "Records requested"
    history_save(request, by=by, reason=reason)
    RecordRequestStatusChange.objects.create(
        subject=request,
        by=request.created_by,
        from_status="",
        to_status=S.QUEUED,
        reason=reason,
    )
    detail = f"From {organisation.name}"
    if automatic:
        detail += " (automatic, as the case opened)"
    record_event(request=request, kind=EventKind.REQUESTED, by=by, detail=detail)
    record_email_queue(request=request, kind=RecordEmail.Kind.LINK)
    return request


def record_request_auto(*, case: Case, by: Any, trigger: str) -> RecordRequest | None:
    """The automatic request to the registered GP practice, if the setting names this
    ``trigger`` ("screening" or "allocation"), the practice has a secure email, and it
    has not been asked already. Never raises: a case opens whatever happens here."""
    if conf.auto_request_on() != trigger or case.status not in CASE_OPEN_STATUSES:
        return None
    practice = case.notification.gp_practice
    if practice is None or not practice.is_active or not practice.secure_email:
        return None
    if RecordRequest.objects.filter(case=case, organisation=practice).exists():
        return None
    start, end = default_period(case)
    try:
        with transaction.atomic():
            return record_request_create(
                case=case,
                organisation=practice,
                recipient_email=practice.secure_email,
                period_from=start,
                period_to=min(end, timezone.localdate()),
                by=by,
                automatic=True,
            )
    except ValidationError:
        return None


@transaction.atomic
def record_request_cancel(*, request: RecordRequest, by: Any, reason: str) -> RecordRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why you are cancelling the request"]})
    try:
        moved = record_request_transition(
            request=request, to=S.CANCELLED, by=by, reason=f"Cancelled: {reason}"
        )
    except TransitionNotAllowed:
        raise ValidationError(
            "This request has already ended: it cannot be cancelled", code="stale"
        ) from None
    record_event(request=moved, kind=EventKind.CANCELLED, by=by, detail=reason)
    request.status = moved.status
    return moved
