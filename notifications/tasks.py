"""Background work for notifications: sending the emails a notification owes.

Tasks take ids, reload, claim the outbox row with a conditional update, send, and record
the outcome. A re-delivered task (acks_late) finds the row sent and does nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task

from leder.lib.outbox import outbox_deliver
from notifications.emails import build_message, recipients_for
from notifications.models import NotificationEmail

logger = logging.getLogger(__name__)


def _send(email: NotificationEmail) -> int:
    to = recipients_for(email, email.notification)
    if to:
        build_message(email, email.notification, to).send()
    else:
        logger.warning("Notification email %s (%s) has no recipients", email.pk, email.kind)
    return len(to)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(email_id: int) -> str:
    return outbox_deliver(NotificationEmail, email_id, send=_send, related=("notification", "icb"))
