"""The daily retention purge (beat: ``retention-purge`` in settings), off unless
``LEDER_RETENTION_PURGE_ENABLED`` is set: review ``manage.py purge_retention --dry-run``
before turning it on (docs/operations.md, Retention)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from leder.retention.services import retention_purge

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def purge_expired() -> dict[str, int]:
    if not settings.LEDER_RETENTION_PURGE_ENABLED:
        logger.info("Retention purge not enabled (LEDER_RETENTION_PURGE_ENABLED): nothing done")
        return {}
    result = retention_purge(trigger="scheduled")
    counts = {kind: len(refs) for kind, refs in result.purged.items()}
    counts["access_log"] = result.access_log_rows
    counts["files"] = result.files
    return counts
