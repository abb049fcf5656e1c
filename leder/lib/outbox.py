"""Delivering one email-outbox row exactly once (notifications, cases, action reminders).

An outbox row (``sent_at``, ``claimed_at``) is written by a service and its send task is
enqueued on commit. :func:`outbox_deliver` claims the row with a conditional UPDATE (a claim
older than ``CLAIM_TIMEOUT`` — a worker killed mid-send — may be taken again), sends, and
records the outcome; a failed send releases the claim so Celery's retry can take it. A
re-delivered task (acks_late) finds the row sent and does nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
ALREADY_DONE = "already sent or being sent"


def outbox_deliver(
    model: type[models.Model],
    pk: int,
    *,
    send: Callable[[Any], int | None],
    related: Iterable[str] = (),
) -> str:
    """Claim row ``pk`` of ``model``, call ``send(row)``, mark it sent.

    ``send`` returns the number of recipients (recorded as ``recipients_count``) or None.
    """
    rows = model._default_manager
    now = timezone.now()
    claimed = (
        rows.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return ALREADY_DONE
    row = rows.select_related(*related).get(pk=pk)
    try:
        recipients = send(row)
    except OSError:
        rows.filter(pk=pk).update(claimed_at=None)
        raise
    if recipients is None:
        rows.filter(pk=pk).update(sent_at=timezone.now())
        return "sent"
    rows.filter(pk=pk).update(sent_at=timezone.now(), recipients_count=recipients)
    return f"sent to {recipients}"
