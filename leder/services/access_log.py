"""Recording reads of personal data: every view of a case, download or export."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from leder.models import AccessLog, User


def access_record(
    *,
    user: User | None,
    obj: models.Model,
    action: str = AccessLog.Action.VIEW,
    detail: str = "",
) -> AccessLog:
    """Append one access-log row. ``detail`` must not contain personal data."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        detail=detail[:200],
    )
