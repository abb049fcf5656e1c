"""Object-level grants (django-guardian), given and taken away only here.

A model that needs per-object grants declares direct-foreign-key permission tables, which
guardian then uses instead of its generic (content type + text id) table::

    from guardian.models import UserObjectPermissionBase, GroupObjectPermissionBase

    class CaseUserObjectPermission(UserObjectPermissionBase):
        content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class CaseGroupObjectPermission(GroupObjectPermissionBase):
        content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

Services (``case_allocate``, ``meeting_invite``...) call :func:`object_grant` and
:func:`object_revoke` inside their own transaction; views check with
``user.has_perm(perm, obj)`` or, better, through the model's scoped accessor.
"""

from __future__ import annotations

import logging
from typing import cast

from django.db import models, transaction
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from leder.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def object_grant(*, user: User, perm: str, obj: models.Model, by: User | None) -> None:
    """Give ``user`` the permission ``perm`` ("app.codename") on ``obj``."""
    assign_perm(perm, user, obj)
    logger.info(
        "grant perm=%s model=%s id=%s user=%s by=%s",
        perm,
        obj._meta.label,
        obj.pk,
        user.pk,
        getattr(by, "pk", None),
    )


@transaction.atomic
def object_revoke(*, user: User, perm: str, obj: models.Model, by: User | None) -> None:
    remove_perm(perm, user, obj)
    logger.info(
        "revoke perm=%s model=%s id=%s user=%s by=%s",
        perm,
        obj._meta.label,
        obj.pk,
        user.pk,
        getattr(by, "pk", None),
    )


def users_granted(obj: models.Model) -> models.QuerySet[User]:
    return cast("models.QuerySet[User]", get_users_with_perms(obj, with_group_users=False))
