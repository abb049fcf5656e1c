"""Routing: a notification belongs to the ICB of the person's registered GP practice."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from leder.lib.history import history_save
from leder.models import Organisation, OrganisationType
from notifications.models import Notification
from notifications.services.emails import notification_alert_staff


def icb_for_practice(practice: Organisation | None) -> Organisation | None:
    """The ICB a practice belongs to; None (the regional coordinator's queue) when the
    practice is unknown, inactive or not linked to an ICB."""
    if practice is None or not practice.is_active:
        return None
    if practice.org_type != OrganisationType.GP_PRACTICE:
        return None
    return practice.parent_icb


@transaction.atomic
def notification_route(*, notification: Notification, icb: Organisation, by: Any) -> Notification:
    """The regional coordinator routes an unrouted notification to an ICB."""
    if icb.org_type != OrganisationType.ICB or not icb.is_active:
        raise ValidationError("Choose an ICB")
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.icb_id is not None:
        raise ValidationError("This notification has already been routed to an ICB")
    locked.icb = icb
    history_save(locked, by=by, reason=f"Routed to {icb.name}", update_fields=["icb"])
    notification_alert_staff(notification=locked)
    notification.icb = icb
    return locked
