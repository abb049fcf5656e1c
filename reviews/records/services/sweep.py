"""The beat sweep: reads state from the database and catches up, in bulk.

1. Requests whose links all expired without an answer: the links are revoked and a new
   link is queued (``reissue_count`` + 1), or, after ``LEDER_RECORDS_MAX_REISSUES``
   re-issues, the request escalates to the ICB's LACs.
2. Requests whose links expire within ``LEDER_RECORDS_REMINDER_DAYS``: one reminder.
3. Emails owed but apparently lost (never enqueued, the broker lost them, or the worker
   died mid-send): dead claims released and enqueued again; the claim makes a second send
   impossible (``leder.lib.outbox.outbox_requeue``, shared with the other outboxes).

Each step works in batches of ``BATCH`` rows locked with ``SKIP LOCKED`` (a second sweep
running at once takes other rows), with set-based UPDATEs, history and events written
with bulk inserts, and the sends enqueued in batches after each batch commits.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leder.lib.outbox import CLAIM_TIMEOUT, ENQUEUE_GRACE, outbox_requeue
from reviews.records import conf
from reviews.records.bulk import history_snapshot
from reviews.records.models import EventKind, RecordEmail, RecordRequest, RecordRequestStatus
from reviews.records.services.emails import enqueue, record_emails_queue_many
from reviews.records.services.events import record_events_many
from reviews.records.services.links import links_revoke
from reviews.records.services.requests import record_request_transition_many

BATCH = 1000
K = RecordEmail.Kind


@dataclass
class SweepResult:
    reissued: int = 0
    escalated: int = 0
    reminded: int = 0
    requeued: int = 0


@transaction.atomic
def _expired_batch(now: datetime.datetime, result: SweepResult) -> bool:
    rows = list(
        RecordRequest.objects.live_links_expired(now)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", "reissue_count")[:BATCH]
    )
    if not rows:
        return False
    links_revoke(request_ids=[pk for pk, _ in rows], reason="expired", now=now)
    limit = conf.max_reissues()
    again = [pk for pk, count in rows if count < limit]
    done = [pk for pk, count in rows if count >= limit]
    if again:
        RecordRequest.objects.filter(pk__in=again).update(
            reissue_count=F("reissue_count") + 1, expires_at=None, reminded_at=None
        )
        history_snapshot(RecordRequest, again, reason="Link expired: new link", at=now)
        record_emails_queue_many(request_ids=again, kind=K.REISSUE)
        result.reissued += len(again)
    if done:
        reason = f"No answer after {limit + 1} links"
        moved = record_request_transition_many(
            request_ids=done, to=RecordRequestStatus.ESCALATED, by=None, reason=reason
        )
        record_events_many(request_ids=moved, kind=EventKind.ESCALATED, detail=reason)
        record_emails_queue_many(request_ids=moved, kind=K.ESCALATED)
        result.escalated += len(moved)
    return True


@transaction.atomic
def _reminder_batch(
    now: datetime.datetime, before: datetime.timedelta, result: SweepResult
) -> bool:
    ids = list(
        RecordRequest.objects.reminder_due(now, before)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return False
    RecordRequest.objects.filter(pk__in=ids).update(reminded_at=now)
    history_snapshot(RecordRequest, ids, reason="Reminder due", at=now)
    record_emails_queue_many(request_ids=ids, kind=K.REMINDER)
    result.reminded += len(ids)
    return True


def _requeue_stuck(now: datetime.datetime, result: SweepResult) -> None:
    result.requeued += outbox_requeue(
        RecordEmail.objects.stuck(now, grace=ENQUEUE_GRACE, timeout=CLAIM_TIMEOUT),
        enqueue=enqueue,
        also={"enqueued_at": now},
        batch=BATCH,
    )


def records_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    while _expired_batch(now, result):
        pass
    before = conf.reminder_before()
    if before is not None:
        while _reminder_batch(now, before, result):
            pass
    _requeue_stuck(now, result)
    return result
