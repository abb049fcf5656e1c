"""Background work for governance: overdue-action reminders and rendering documents.

Tasks take ids, reload, claim the row with a conditional update, do the work, and record
the outcome. A re-delivered task (acks_late) finds the row done and does nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task

from governance.models import ActionReminder
from governance.services.reminders import action_reminders_queue
from leder.lib.outbox import outbox_deliver

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

    def send(reminder: ActionReminder) -> None:
        reminder_message(reminder).send()

    return outbox_deliver(ActionReminder, reminder_id, send=send, related=("action__icb",))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_document(document_id: int) -> str:
    """Render a panel pack or report PDF (see ``governance.services.documents``)."""
    from governance.services.documents import document_render

    return document_render(document_id=document_id)
