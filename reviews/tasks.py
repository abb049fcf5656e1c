"""Background work for cases: sending the emails a case owes.

Tasks take ids, reload, claim the outbox row with a conditional update, send, and record
the outcome. A re-delivered task (acks_late) finds the row sent and does nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task

from leder.lib.outbox import outbox_deliver
from reviews.emails import build_message, recipients_for
from reviews.models import CaseEmail

logger = logging.getLogger(__name__)


def _send(email: CaseEmail) -> int:
    to = recipients_for(email)
    if to:
        build_message(email, to).send()
    else:
        logger.warning("Case email %s (%s) has no recipients", email.pk, email.kind)
    return len(to)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_case_email(email_id: int) -> str:
    return outbox_deliver(CaseEmail, email_id, send=_send, related=("case", "recipient"))
