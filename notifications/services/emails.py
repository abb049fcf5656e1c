"""Queue the emails a notification owes: an outbox row now, the send after commit.

A broker that is down at commit does not fail the change that owed the email: the outbox
sweep (``leder.lib.outbox``) enqueues it later.
"""

from __future__ import annotations

from leder.lib.outbox import enqueue_on_commit
from leder.models import Organisation
from notifications.models import Notification, NotificationEmail


def notification_email_queue(
    *, notification: Notification, kind: str, icb: Organisation | None = None
) -> NotificationEmail:
    from notifications.tasks import send_notification_email

    email = NotificationEmail.objects.create(notification=notification, kind=kind, icb=icb)
    enqueue_on_commit(send_notification_email, email.pk)
    return email


def notification_alert_staff(*, notification: Notification) -> NotificationEmail:
    """Tell the ICB's LAC a notification arrived, or the regional coordinators that one
    needs routing."""
    if notification.icb_id is None:
        return notification_email_queue(
            notification=notification, kind=NotificationEmail.Kind.NEEDS_ROUTING
        )
    return notification_email_queue(
        notification=notification,
        kind=NotificationEmail.Kind.NEW_NOTIFICATION,
        icb=notification.icb,
    )
