"""Sending one owed email: claim the row, (make the link), send, record the outcome.

Called by the Celery tasks with an id. Safe to run twice, at once, or after a worker
died mid-send:

- the claim is a conditional UPDATE (pending, and unclaimed or claimed longer ago than
  ``CLAIM_TIMEOUT``), so one worker holds the row at a time;
- the outcome is recorded only by the worker whose claim still stands;
- a link email makes its link (and token) just before the send, under the request's row
  lock, and only while the request still wants it.

The claim and the outcome survive a lost database connection (tried again on a new one,
``leder.lib.outbox.surviving_disconnects``). The one window left is between the mail
server accepting the message and the outcome being committed (milliseconds): a worker
killed exactly there sends that email again on retry. The Message-ID is the row's key, so
the two copies are recognisably one message.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leder.lib.outbox import CLAIM_TIMEOUT, surviving_disconnects
from reviews.records.emails import build_organisation_message, build_staff_message, staff_recipients
from reviews.records.models import (
    LINK_STATUSES,
    EventKind,
    LinkKind,
    RecordEmail,
    RecordRequest,
    RecordRequestStatus,
    UploadLink,
)
from reviews.records.services.emails import ORGANISATION_KINDS, record_email_queue
from reviews.records.services.events import record_event
from reviews.records.services.links import upload_link_issue

logger = logging.getLogger(__name__)

# After this many failed attempts the email is given up and the LACs are told.
MAX_ATTEMPTS = 6

K = RecordEmail.Kind
S = RecordRequestStatus
LINK_KIND: dict[str, str] = {
    K.LINK: LinkKind.FIRST,
    K.REISSUE: LinkKind.REISSUE,
    K.REMINDER: LinkKind.REMINDER,
}
EVENT_FOR: dict[str, str] = {
    K.LINK: EventKind.SENT,
    K.REISSUE: EventKind.REISSUED,
    K.REMINDER: EventKind.REMINDED,
}


def _claim(email_id: int, now: datetime.datetime) -> bool:
    return bool(
        RecordEmail.objects.filter(pk=email_id)
        .claimable(now, CLAIM_TIMEOUT)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def _ours(email: RecordEmail) -> Any:
    """The row, only while this worker's claim stands."""
    return RecordEmail.objects.pending().filter(pk=email.pk, claimed_at=email.claimed_at)


def _wanted(email: RecordEmail, request: RecordRequest, now: datetime.datetime) -> bool:
    if email.kind == K.LINK:
        return request.status == S.QUEUED
    if email.kind == K.REISSUE:
        return request.status in LINK_STATUSES
    # A reminder only while the links it reminds of are live for a while yet.
    return (
        request.status in LINK_STATUSES
        and request.expires_at is not None
        and request.expires_at > now + datetime.timedelta(hours=1)
    )


@transaction.atomic
def _prepare_link(email: RecordEmail, now: datetime.datetime) -> tuple[str, UploadLink] | None:
    request = RecordRequest.objects.select_for_update().get(pk=email.request_id)
    if not _wanted(email, request, now):
        _ours(email).update(cancelled_at=now)
        return None
    return upload_link_issue(request=request, kind=LINK_KIND[email.kind])


@transaction.atomic
def _record_sent(email: RecordEmail, to: list[str], link: UploadLink | None) -> bool:
    from reviews.records.services.requests import record_request_transition

    now = timezone.now()
    if not _ours(email).update(sent_at=now, recipients_count=len(to)):
        logger.warning("Record email %s: claim lost while sending", email.pk)
        return False
    if email.kind not in ORGANISATION_KINDS:
        return True
    request = RecordRequest.objects.select_for_update().get(pk=email.request_id)
    if email.kind == K.LINK and request.status == S.QUEUED:
        request = record_request_transition(
            request=request, to=S.SENT, by=None, reason="Link emailed to the organisation"
        )
    expires = timezone.localtime(link.expires_at) if link else None
    detail = f"To {email.to_email}" + (f", link expires {expires:%-d %B %Y}" if expires else "")
    record_event(request=request, kind=EVENT_FOR[email.kind], detail=detail)
    return True


@transaction.atomic
def _give_up(email: RecordEmail, error: str) -> None:
    from reviews.records.services.requests import record_request_transition

    now = timezone.now()
    if not _ours(email).update(failed_at=now, last_error=error[:100]):
        return
    request = RecordRequest.objects.select_for_update().get(pk=email.request_id)
    record_event(
        request=request,
        kind=EventKind.SEND_FAILED,
        detail=f"{email.get_kind_display()}: gave up after {email.attempts} attempts",
    )
    if email.kind in ORGANISATION_KINDS and request.status in (S.QUEUED, *LINK_STATUSES):
        record_request_transition(
            request=request,
            to=S.ESCALATED,
            by=None,
            reason="The email to the organisation could not be delivered",
        )
        record_event(request=request, kind=EventKind.ESCALATED, detail="Email not delivered")
        record_email_queue(request=request, kind=K.ESCALATED)


def record_email_deliver(email_id: int) -> str:
    """Send the owed email ``email_id`` if nobody else has or is. Raises ``OSError`` for
    a failure worth retrying (the claim is released first)."""
    now = timezone.now()
    if not surviving_disconnects(lambda: _claim(email_id, now)):
        return "nothing to do"
    email = RecordEmail.objects.select_related("request__case", "request__organisation").get(
        pk=email_id
    )
    link = None
    message: EmailMultiAlternatives | None
    if email.kind in ORGANISATION_KINDS:
        prepared = _prepare_link(email, now)
        if prepared is None:
            return "no longer wanted"
        token, link = prepared
        to = [email.to_email]
        message = build_organisation_message(email, token, link)
    else:
        to = staff_recipients(email)
        message = build_staff_message(email, to) if to else None
        if message is None:
            logger.warning("Record email %s (%s) has no recipients", email.pk, email.kind)
    if message is not None:
        try:
            message.send()
        except OSError as exc:
            if email.attempts >= MAX_ATTEMPTS:
                _give_up(email, type(exc).__name__)
                return "failed"
            _ours(email).update(claimed_at=None, last_error=type(exc).__name__[:100])
            raise
    surviving_disconnects(lambda: _record_sent(email, to, link))
    return f"sent to {len(to)}"
