"""Background work for notifications: sending the emails a notification owes.

Tasks take ids, reload, claim the outbox row with a conditional update, send, and record
the outcome. A re-delivered task (acks_late) finds the row sent and does nothing.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from notifications.emails import build_message, recipients_for
from notifications.models import NotificationEmail

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
def send_notification_email(email_id: int) -> str:
    now = timezone.now()
    claimed = (
        NotificationEmail.objects.filter(pk=email_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return "already sent or being sent"
    email = NotificationEmail.objects.select_related("notification", "icb").get(pk=email_id)
    to = recipients_for(email, email.notification)
    if to:
        try:
            build_message(email, email.notification, to).send()
        except OSError:
            NotificationEmail.objects.filter(pk=email_id).update(claimed_at=None)
            raise
    else:
        logger.warning("Notification email %s (%s) has no recipients", email_id, email.kind)
    NotificationEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), recipients_count=len(to)
    )
    return f"sent to {len(to)}"
