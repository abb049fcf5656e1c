"""Appending to a request's history (the events the review page shows)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from reviews.records.models import RecordRequest, RecordRequestEvent


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def record_event(*, request: RecordRequest, kind: str, by: Any = None, detail: str = "") -> Any:
    return RecordRequestEvent.objects.create(
        request=request, kind=kind, by=_user(by), detail=detail[:300]
    )


def record_events_many(
    *, request_ids: Iterable[int], kind: str, by: Any = None, detail: str = ""
) -> list[RecordRequestEvent]:
    now = timezone.now()
    return RecordRequestEvent.objects.bulk_create(
        [
            RecordRequestEvent(request_id=pk, kind=kind, by=_user(by), at=now, detail=detail[:300])
            for pk in request_ids
        ]
    )
