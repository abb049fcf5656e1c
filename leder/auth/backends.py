"""The sign-in backend: allauth's (email and password, Django's model permissions), with
the two reads every signed-in request makes through prepared statements.

Each staff request loads the signed-in user from the session and, on the first
permission check, the user's permissions. Compiling those two ORM queries cost more than
running them (0.46 ms against 0.18 ms for the user, 2.2 ms against 0.85 ms for the
permissions, on the bench's 2-core machine); ``leder.lib.prepared`` (ADR 0015) keeps
them compiled per worker. The user and permissions are read fresh on every request, as
before; ``leder/tests/test_auth_backend.py`` shows they are the same as Django's.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.models import Permission
from django.db.models import QuerySet

from leder.lib import prepared
from leder.models import User


def user_query(user_id: int) -> QuerySet[User]:
    # With the user's ICB: most staff pages show its name (one statement, not two).
    return User._default_manager.select_related("icb").filter(pk=user_id)


def permissions_query(from_name: str, user_id: int) -> QuerySet[Any]:
    """The user's own permissions (``from_name`` "user") or their groups' ("group"), as
    ModelBackend reads them: (app label, codename) rows."""
    holders = {"user": "user", "group": "group__user"}[from_name]
    return (
        Permission.objects.filter(**{holders: user_id})
        .values_list("content_type__app_label", "codename")
        .order_by()
    )


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = prepared.objects(user_query, pk)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        # As ModelBackend's, for an ordinary active user; anyone else takes its path.
        cache_name = f"_{from_name}_perm_cache"
        if (
            obj is not None
            or not user_obj.is_active
            or user_obj.is_anonymous
            or user_obj.is_superuser
            or user_obj.pk is None
            or hasattr(user_obj, cache_name)
        ):
            return super()._get_permissions(user_obj, obj, from_name)  # type: ignore[no-any-return,misc]
        rows = prepared.objects(permissions_query, from_name, int(user_obj.pk))
        perms = {f"{app_label}.{codename}" for app_label, codename in rows}
        setattr(user_obj, cache_name, perms)
        return perms
