"""Background work for record requests: sending owed emails, and the beat sweep.

Tasks take ids and call the services, which reload, claim and record (see
``reviews.records.services.delivery``). Acknowledged late and rejected (re-queued) if the
worker is lost, so a killed worker never loses a send; the claim means a re-delivered
task never repeats one.
"""

from __future__ import annotations

import logging

from celery import shared_task

from reviews.records.services import record_email_deliver, records_sweep
from reviews.records.services.delivery import MAX_ATTEMPTS

logger = logging.getLogger(__name__)

SAFE = {"acks_late": True, "reject_on_worker_lost": True, "time_limit": 180, "soft_time_limit": 150}


@shared_task(
    **SAFE,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=MAX_ATTEMPTS,
)
def send_record_email(email_id: int) -> str:
    return record_email_deliver(email_id)


@shared_task(**SAFE)
def send_record_emails(email_ids: list[int]) -> int:
    """A batch (from the sweep). An email that fails is retried on its own."""
    sent = 0
    for email_id in email_ids:
        try:
            if record_email_deliver(email_id).startswith("sent"):
                sent += 1
        except OSError:
            send_record_email.apply_async((email_id,), countdown=60)
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800)
def sweep_record_requests() -> dict[str, int]:
    result = records_sweep()
    logger.info("Records sweep: %s", result)
    return vars(result)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600)
def delete_orphan_record_files() -> int:
    from reviews.records.services.storage import record_files_orphans_delete

    return record_files_orphans_delete()
