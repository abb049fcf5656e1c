"""Queue the emails a request owes: outbox rows now, the sends after commit.

The enqueue runs after commit (``robust``: a broker that is down does not fail the
request that owed the email; the sweep enqueues it later). Many rows go in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from reviews.records.models import RecordEmail, RecordRequest

ENQUEUE_BATCH = 100
ORGANISATION_KINDS = frozenset(
    {RecordEmail.Kind.LINK, RecordEmail.Kind.REISSUE, RecordEmail.Kind.REMINDER}
)


def enqueue(email_ids: Sequence[int]) -> None:
    """Hand the sends to Celery: one task for one email, batches for many."""
    from reviews.records.tasks import send_record_email, send_record_emails

    if len(email_ids) == 1:
        send_record_email.delay(email_ids[0])
        return
    for start in range(0, len(email_ids), ENQUEUE_BATCH):
        send_record_emails.delay(list(email_ids[start : start + ENQUEUE_BATCH]))


def _enqueue_on_commit(email_ids: Sequence[int]) -> None:
    # A named function, not a ``partial``: Django's log line for a failed robust callback
    # reads ``__qualname__``, which a ``partial`` lacks (the failure would be raised).
    def enqueue_records() -> None:
        enqueue(email_ids)

    transaction.on_commit(enqueue_records, robust=True)


def record_email_queue(*, request: RecordRequest, kind: str) -> RecordEmail:
    to = request.recipient_email if kind in ORGANISATION_KINDS else ""
    email = RecordEmail.objects.create(request=request, kind=kind, to_email=to)
    _enqueue_on_commit([email.pk])
    return email


def record_emails_queue_many(*, request_ids: Sequence[int], kind: str) -> list[int]:
    """One owed email of ``kind`` per request, in one statement; enqueued after commit."""
    from django.utils import timezone

    from reviews.records.bulk import emails_insert

    ids = emails_insert(
        request_ids, kind=kind, to_organisation=kind in ORGANISATION_KINDS, at=timezone.now()
    )
    if ids:
        _enqueue_on_commit(ids)
    return ids


def record_emails_cancel(*, request_ids: Sequence[int], kinds: Iterable[str]) -> int:
    """Emails still owed to the organisation are no longer wanted (request closed)."""
    from django.utils import timezone

    return (
        RecordEmail.objects.pending()
        .filter(request_id__in=request_ids, kind__in=list(kinds), claimed_at__isnull=True)
        .update(cancelled_at=timezone.now())
    )
