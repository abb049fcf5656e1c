"""Background work shared by every app: the outbox sweep (``leder.lib.outbox``)."""

from __future__ import annotations

import logging

from celery import shared_task

from leder.lib.outbox import outbox_sweep

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600)
def sweep_outboxes() -> dict[str, int]:
    """Beat: re-queue the notification, case and action-reminder emails whose send was lost."""
    return outbox_sweep()
