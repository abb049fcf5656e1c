"""The LAC's screening decision on a notification."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from notifications.models import Notification, NotificationStatus
from notifications.services.transitions import notification_transition
from reviews.services import case_open

# Decisions the screening form offers; the transition table says which apply when.
DECISIONS = (
    NotificationStatus.ELIGIBLE,
    NotificationStatus.INELIGIBLE,
    NotificationStatus.DUPLICATE,
    NotificationStatus.RECEIVED,
)


@transaction.atomic
def notification_decide(
    *,
    notification: Notification,
    to: str,
    by: Any,
    reason: str = "",
    duplicate_of: Notification | None = None,
) -> Notification:
    """Record the LAC's decision.

    - eligible: opens the case, awaiting allocation;
    - ineligible: needs the reason;
    - duplicate: links to the earlier notification of the same death (never merged);
    - received: back to screening (a suggested duplicate that is not one, or a reopened
      "not eligible"); needs the reason.
    """
    if to not in DECISIONS:
        raise ValidationError("Choose a decision")
    reason = reason.strip()
    also_set: dict[str, Any] = {}
    if to == NotificationStatus.INELIGIBLE and not reason:
        raise ValidationError("Enter why the death is not eligible for a LeDeR review")
    if to == NotificationStatus.RECEIVED and not reason:
        raise ValidationError("Enter why this notification needs screening again")
    if to == NotificationStatus.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == notification.pk:
            raise ValidationError("Choose the notification this one duplicates")
        also_set["duplicate_of"] = duplicate_of
        reason = reason or f"Duplicate of {duplicate_of.reference}"
    if to == NotificationStatus.RECEIVED and notification.status == NotificationStatus.DUPLICATE:
        also_set["duplicate_of"] = None
    if to == NotificationStatus.ELIGIBLE:
        if notification.icb_id is None:
            raise ValidationError("Route the notification to an ICB first")
        reason = reason or "Eligible for a LeDeR review"
    updated = notification_transition(
        notification=notification, to=to, by=by, reason=reason, also_set=also_set
    )
    if to == NotificationStatus.ELIGIBLE:
        case_open(notification=updated, by=by)
    return updated
