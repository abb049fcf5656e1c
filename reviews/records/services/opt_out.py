"""A National Data Opt-Out stops the case: its record requests stop, and the records
received are deleted (docs/adr/0005 keeps only a stub of the case)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from reviews.models import Case
from reviews.records.models import (
    OPEN_STATUSES,
    EventKind,
    RecordFile,
    RecordRequest,
    RecordRequestEvent,
    RecordRequestStatus,
    RecordRequestStatusChange,
)
from reviews.records.services.events import record_events_many
from reviews.records.services.requests import record_request_transition_many

REMOVED = "Removed after a National Data Opt-Out"


def _delete_stored(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def record_requests_stop(
    *,
    case: Case,
    by: Any,
    reason: str = "Case stopped: National Data Opt-Out",
    removed: str = REMOVED,
) -> int:
    """Cancel the case's open requests and delete every file received for it (after
    commit). Staff reasons typed on its requests are replaced by ``removed``, in rows and
    history. Also the retention purge's way to destroy a case's records (``leder.retention``)."""
    open_ids = list(
        RecordRequest.objects.filter(
            case=case, status__in=[*OPEN_STATUSES, RecordRequestStatus.ESCALATED]
        ).values_list("pk", flat=True)
    )
    moved = record_request_transition_many(
        request_ids=open_ids, to=RecordRequestStatus.CANCELLED, by=by, reason=reason
    )
    record_events_many(request_ids=moved, kind=EventKind.CANCELLED, by=by, detail=reason)
    all_ids = RecordRequest.objects.filter(case=case).values("pk")
    RecordRequestEvent.objects.filter(
        request_id__in=all_ids, kind=EventKind.CANCELLED, by__isnull=False
    ).exclude(detail=reason).update(detail=removed)
    RecordRequestStatusChange.objects.filter(
        subject_id__in=all_ids, reason__startswith="Cancelled: "
    ).update(reason=removed)
    files = RecordFile.objects.filter(request_id__in=all_ids, removed_at__isnull=True)
    names = list(files.values_list("storage_name", flat=True))
    files.update(removed_at=timezone.now(), original_name=removed)
    # Files staff removed earlier keep no name either.
    RecordFile.objects.filter(request_id__in=all_ids).exclude(original_name=removed).update(
        original_name=removed
    )
    RecordFile.history.filter(request_id__in=all_ids).update(  # type: ignore[attr-defined]
        original_name=removed
    )
    RecordRequest.history.filter(  # type: ignore[attr-defined]
        case_id=case.pk, history_change_reason__startswith="Cancelled: "
    ).update(history_change_reason=removed)
    transaction.on_commit(partial(_delete_stored, names))
    return len(moved)
