"""Who may see and act on notifications: the one accessor and the role checks.

Views get a notification only through :func:`get_notification_for_user` (404 for anyone
outside its ICB) and lists only through ``Notification.objects.visible_to(user)``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from leder.roles import Role
from notifications.models import REFERENCE_RE, Notification, NotificationQuerySet

# Screen, decide and record opt-outs for their ICB.
SCREENING_ROLES = frozenset({Role.LAC, Role.ADMINISTRATOR})
# Route notifications no ICB was found for.
ROUTING_ROLES = frozenset({Role.REGIONAL_COORDINATOR})
VIEWING_ROLES = SCREENING_ROLES | ROUTING_ROLES


def notifications_for_user(user: Any) -> NotificationQuerySet:
    """Every notification ``user`` may see (none for other roles), for lists."""
    return Notification.objects.visible_to(user)


def notification_scope(user: Any) -> tuple[int | None, bool]:
    """What ``notifications_for_user(user)`` shows, as plain values (a prepared
    statement's key, leder.lib.prepared): the ICB whose notifications (or None), and
    whether the unrouted queue. Pass them to :func:`notifications_in_scope`."""
    if not getattr(user, "is_authenticated", False):
        return None, False
    return Notification.objects.scope_of(user)


def notifications_in_scope(icb_id: int | None, unrouted: bool) -> NotificationQuerySet:
    """The notifications of a :func:`notification_scope`."""
    return Notification.objects.in_scope(icb_id, unrouted)


def get_notification_for_user(user: Any, reference: str) -> Notification:
    """The notification with this reference, if ``user`` may see it; else 404."""
    if not REFERENCE_RE.match(reference or ""):
        raise Http404
    found = (
        notifications_for_user(user)
        .select_related("icb", "gp_practice", "duplicate_of", "opted_out_by")
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise Http404
    return found


def can_screen(user: Any, notification: Notification) -> bool:
    return (
        user.has_role(*SCREENING_ROLES)
        and user.icb_id is not None
        and notification.icb_id == user.icb_id
    )


def can_route(user: Any, notification: Notification) -> bool:
    return user.has_role(*ROUTING_ROLES) and notification.icb_id is None
