"""Role groups and role membership: the only code that writes groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from leder.models import User
from leder.roles import ROLE_PERMISSIONS, Role


@transaction.atomic
def sync_roles() -> None:
    """Create a group per role and give it exactly the permissions ROLE_PERMISSIONS lists."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.group_name)
        wanted = [perms[name] for name in sorted(ROLE_PERMISSIONS[role]) if name in perms]
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """After every app's post_migrate: an app's permissions are created by its own
    post_migrate (django.contrib.auth's handler runs first), so syncing only after the
    core app would miss the permissions of apps migrated after it on a fresh database."""
    using = kwargs.get("using")
    if using is not None and using != "default":
        return
    sync_roles()


@transaction.atomic
def user_set_roles(*, user: User, roles: set[Role]) -> None:
    """Replace the user's roles. ICB roles need an ICB; national roles need none."""
    if any(not r.is_national for r in roles) and user.icb_id is None:
        raise ValidationError("Choose the ICB this person works for")
    if roles and all(r.is_national for r in roles) and user.icb_id is not None:
        raise ValidationError("National roles are not tied to an ICB: remove the ICB")
    if not Group.objects.filter(name=Role.LAC.group_name).exists():
        sync_roles()
    groups = Group.objects.filter(name__in=[r.group_name for r in roles])
    user.groups.set(groups)
    vars(user).pop("_roles_cache", None)  # roles are re-read on next use
