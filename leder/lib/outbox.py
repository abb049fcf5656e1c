"""Email outboxes: delivering one row exactly once, and the sweep that finds lost sends.

An outbox row (``created_at``, ``claimed_at``, ``sent_at``) is written by a service and its
send task is enqueued on commit. :func:`outbox_deliver` claims the row with a conditional
UPDATE (a claim older than ``CLAIM_TIMEOUT`` — a worker killed mid-send — may be taken
again), sends, and records the outcome; a failed send releases the claim so Celery's retry
can take it. A re-delivered task (acks_late) finds the row sent and does nothing.

The enqueue can be lost: a crash between the commit and the enqueue, a broker down at that
moment or restarted without its queue, a task that failed on a database error. The sweep
(:func:`outbox_sweep`, beat's ``outbox-sweep``, every 5 minutes) finds every row owed and not
moving — never claimed ``ENQUEUE_GRACE`` after it was queued, or claimed by a worker that
died (older than ``CLAIM_TIMEOUT``) — releases the dead claims and enqueues the rows again;
the claim makes a second send impossible. Record requests use the same
:func:`outbox_stuck` / :func:`outbox_requeue` in their own sweep
(``reviews.records.services.sweep``), with their own pending states and batches.

Recording a claim or an outcome survives a lost database connection (a restarted server,
``pg_terminate_backend``, a failover): the write is tried again on a new connection, so an
email that went out is not sent again because its ``sent_at`` could not be written.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Longer than any send can take (the send tasks' hard time limit is 3 minutes).
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# A row queued this long ago and never claimed is presumed lost on its way to a worker.
ENQUEUE_GRACE = datetime.timedelta(minutes=10)
SWEEP_BATCH = 1000
ALREADY_DONE = "already sent or being sent"
# A write lost with its database connection is tried this many times in all.
WRITE_ATTEMPTS = 4

T = TypeVar("T")


@dataclass(frozen=True)
class Outbox:
    """An outbox swept by :func:`outbox_sweep`: the model and the task sending one row."""

    model: str  # "app_label.ModelName"
    task: str  # dotted path of a Celery task taking the row's id


# Every outbox but record requests' (``RecordEmail``: swept by the records sweep, which
# also re-issues and reminds). ``tests/faults/test_outbox_sweep.py`` fails a model with
# ``claimed_at`` and ``sent_at`` that is in neither.
OUTBOXES: tuple[Outbox, ...] = (
    Outbox("notifications.NotificationEmail", "notifications.tasks.send_notification_email"),
    Outbox("reviews.CaseEmail", "reviews.tasks.send_case_email"),
    Outbox("governance.ActionReminder", "governance.tasks.send_action_reminder"),
)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """``task.delay(*args)`` once the current transaction commits. ``robust``: a broker
    that is down does not fail the change that owed the send (it is logged; the sweep
    enqueues the row later). A named function, not a ``partial``: Django's log line for a
    failed robust callback reads ``__qualname__``, which a ``partial`` lacks."""

    def enqueue() -> None:
        task.delay(*args)

    enqueue.__qualname__ = f"enqueue {getattr(task, 'name', task)}"
    transaction.on_commit(enqueue, robust=True)


def surviving_disconnects(write: Callable[[], T]) -> T:
    """``write()``, again on a fresh connection if the database connection was lost.

    Only for writes that are safe to repeat (conditional UPDATEs: a repeat of one that
    did commit changes nothing). Never inside ``atomic()``: the transaction is gone.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return write()
        except (OperationalError, InterfaceError):
            if attempt == WRITE_ATTEMPTS or connection.in_atomic_block:
                raise
            logger.warning("Outbox: database connection lost, retrying (%s)", attempt)
            connection.close()
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


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
    claimed = surviving_disconnects(
        lambda: (
            rows.filter(pk=pk, sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
            .update(claimed_at=now)
        )
    )
    if not claimed:
        return ALREADY_DONE
    row = rows.select_related(*related).get(pk=pk)
    try:
        recipients = send(row)
    except OSError:
        surviving_disconnects(lambda: rows.filter(pk=pk, claimed_at=now).update(claimed_at=None))
        raise
    outcome: dict[str, Any] = {"sent_at": timezone.now()}
    if recipients is not None:
        outcome["recipients_count"] = recipients
    # Only while this worker's claim stands (a repeat after a lost connection is a no-op).
    surviving_disconnects(
        lambda: rows.filter(pk=pk, claimed_at=now, sent_at__isnull=True).update(**outcome)
    )
    return "sent" if recipients is None else f"sent to {recipients}"


def outbox_stuck(
    pending: QuerySet,
    now: datetime.datetime,
    *,
    grace: datetime.timedelta = ENQUEUE_GRACE,
    timeout: datetime.timedelta = CLAIM_TIMEOUT,
    queued_before: Q | None = None,
) -> QuerySet:
    """Rows of ``pending`` (owed) that are not moving: never claimed though queued before
    ``now - grace`` (by ``created_at``, or ``queued_before`` if given), or claimed by a
    worker that has not finished in ``timeout`` (it died)."""
    queued_long_ago = queued_before if queued_before is not None else Q(created_at__lt=now - grace)
    return pending.filter(
        (Q(claimed_at__isnull=True) & queued_long_ago) | Q(claimed_at__lt=now - timeout)
    )


def outbox_requeue(
    stuck: QuerySet,
    *,
    enqueue: Callable[[Sequence[int]], None],
    also: dict[str, Any] | None = None,
    batch: int = SWEEP_BATCH,
) -> int:
    """Release the dead claims of the ``stuck`` rows and enqueue them again, in batches.

    A claim that old belongs to a dead worker (no send outlives the tasks' time limit):
    releasing it lets any worker take the row, whatever its clock. ``stuck`` is evaluated
    again in each UPDATE, so a row claimed a moment ago keeps its claim (and the task
    enqueued for it finds it claimed or sent and does nothing). ``also``: more columns to
    set (the records outbox stamps ``enqueued_at``).
    """
    ids = list(stuck.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        stuck.filter(pk__in=chunk).update(claimed_at=None, **(also or {}))
        enqueue(chunk)
    return len(ids)


def outbox_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Re-queue the lost sends of every outbox in ``OUTBOXES``; how many per model."""
    now = now or timezone.now()
    requeued: dict[str, int] = {}
    for box in OUTBOXES:
        model = apps.get_model(box.model)
        task = import_string(box.task)

        def enqueue(ids: Sequence[int], task: Any = task) -> None:
            for pk in ids:
                task.delay(pk)

        pending = model._default_manager.filter(sent_at__isnull=True)
        requeued[box.model] = outbox_requeue(outbox_stuck(pending, now), enqueue=enqueue)
        if requeued[box.model]:
            logger.info("Outbox sweep: %s %s re-queued", requeued[box.model], box.model)
    return requeued
