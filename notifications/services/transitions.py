"""The one way a notification's status changes."""

from __future__ import annotations

from typing import Any

from leder.lib.workflow import transition
from notifications.models import Notification, NotificationStatusChange
from notifications.workflow import NOTIFICATION_TRANSITIONS


def notification_transition(
    *,
    notification: Notification,
    to: str,
    by: Any,
    reason: str,
    also_set: dict[str, Any] | None = None,
) -> Notification:
    """Move ``notification`` to ``to`` if NOTIFICATION_TRANSITIONS allows it.

    Locks the row, writes history (who, why) and a status-change row; raises
    ``TransitionNotAllowed`` otherwise. ``by`` is None for the system (screening).
    """
    return transition(
        obj=notification,
        to=to,
        by=by,
        reason=reason,
        table=NOTIFICATION_TRANSITIONS,
        change_model=NotificationStatusChange,
        also_set=also_set,
    )
