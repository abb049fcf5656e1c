"""Reminders to the owners of overdue actions: outbox rows written by the daily sweep.

The sweep is one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``: a reminder per overdue
action per period (``LEDER_ACTION_REMINDER_DAYS``), numbered by ``round`` since the due
date, so running the sweep twice (or on two machines) never makes a second reminder for
the same period. Sending is ``governance.tasks.send_action_reminder``: claim, send, record.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from governance.models import Action, ActionReminder, ActionStatus
from leder.lib.outbox import CLAIM_TIMEOUT, enqueue_on_commit


def reminder_interval() -> int:
    return int(getattr(settings, "LEDER_ACTION_REMINDER_DAYS", 7))


@transaction.atomic
def action_reminders_queue(*, today: datetime.date | None = None) -> int:
    """Write the reminders due today; returns how many new rows were written."""
    today = today or timezone.localdate()
    interval = reminder_interval()
    action_table = Action._meta.db_table
    reminder_table = ActionReminder._meta.db_table
    user_table = Action._meta.get_field("owner_user").related_model._meta.db_table  # type: ignore[union-attr]
    sql = f"""
        INSERT INTO {reminder_table} (action_id, round, recipient_email, created_at)
        SELECT a.id, ((%(today)s::date - a.due_on) - 1) / %(interval)s,
               COALESCE(u.email, a.owner_email), %(now)s
        FROM {action_table} a
        LEFT JOIN {user_table} u ON u.id = a.owner_user_id AND u.is_active
        WHERE a.status IN (%(open)s, %(in_progress)s)
          AND a.due_on < %(today)s::date
          AND COALESCE(u.email, a.owner_email) <> ''
        ON CONFLICT (action_id, round) DO NOTHING
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "today": today,
                "interval": interval,
                "now": timezone.now(),
                "open": ActionStatus.OPEN,
                "in_progress": ActionStatus.IN_PROGRESS,
            },
        )
        written = cursor.rowcount
    _enqueue_unsent()
    return max(written, 0)


def _enqueue_unsent() -> None:
    """Enqueue every reminder not yet sent (new ones, and any a lost task left behind)."""
    from governance.tasks import send_action_reminder

    stale = timezone.now() - CLAIM_TIMEOUT
    ids = list(
        ActionReminder.objects.filter(sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue_on_commit(send_action_reminder, pk)
