"""Background work for governance: overdue-action reminders and rendering documents.

Tasks take ids, reload, claim the row with a conditional update, do the work, and record
the outcome. A re-delivered task (acks_late) finds the row done and does nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from governance.models import ActionReminder
from governance.services.reminders import CLAIM_TIMEOUT, action_reminders_queue

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_overdue_actions() -> int:
    """Daily (beat): write the reminders due and enqueue their sending."""
    return action_reminders_queue()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_action_reminder(reminder_id: int) -> str:
    from governance.emails import reminder_message

    now = timezone.now()
    claimed = (
        ActionReminder.objects.filter(pk=reminder_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return "already sent or being sent"
    reminder = ActionReminder.objects.select_related("action__icb").get(pk=reminder_id)
    try:
        reminder_message(reminder).send()
    except OSError:
        ActionReminder.objects.filter(pk=reminder_id).update(claimed_at=None)
        raise
    ActionReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now())
    return "sent"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_document(document_id: int) -> str:
    """Render a panel pack or report PDF (see ``governance.services.documents``)."""
    from governance.services.documents import document_render

    return document_render(document_id=document_id)
