"""Background work for cases: sending the emails a case owes.

Tasks take ids, reload, claim the outbox row with a conditional update, send, and record
the outcome. A re-delivered task (acks_late) finds the row sent and does nothing.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from reviews.emails import build_message, recipients_for
from reviews.models import CaseEmail

logger = logging.getLogger(__name__)

# A claim older than this (a worker killed mid-send) may be taken again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_case_email(email_id: int) -> str:
    now = timezone.now()
    claimed = (
        CaseEmail.objects.filter(pk=email_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return "already sent or being sent"
    email = CaseEmail.objects.select_related("case", "recipient").get(pk=email_id)
    to = recipients_for(email)
    if to:
        try:
            build_message(email, to).send()
        except OSError:
            CaseEmail.objects.filter(pk=email_id).update(claimed_at=None)
            raise
    else:
        logger.warning("Case email %s (%s) has no recipients", email_id, email.kind)
    CaseEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), recipients_count=len(to))
    return f"sent to {len(to)}"
