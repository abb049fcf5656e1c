"""leder.auth.backends: the signed-in user and their permissions, read through prepared
statements, are what Django's ModelBackend (allauth's) reads, at every request."""

from __future__ import annotations

import pytest
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leder.auth.backends import AuthenticationBackend
from leder.models import User
from leder.roles import Role

pytestmark = pytest.mark.django_db


def _fields(user: User | None) -> dict[str, object] | None:
    if user is None:
        return None
    return {k: v for k, v in vars(user).items() if k != "_state"}


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission caches


def test_it_loads_the_user_django_loads(make_user) -> None:
    ours, theirs = AuthenticationBackend(), AllauthBackend()
    active = make_user(Role.LAC)
    inactive = make_user(Role.LAC, is_active=False)
    for user_id in (active.pk, str(active.pk), inactive.pk, 10**9):
        assert _fields(ours.get_user(user_id)) == _fields(theirs.get_user(user_id)), user_id
    assert ours.get_user(active.pk) is not None and ours.get_user(inactive.pk) is None
    for odd in ("abc", None, ""):
        assert ours.get_user(odd) is None
    User.objects.filter(pk=active.pk).update(full_name="Renamed Person", is_active=False)
    assert ours.get_user(active.pk) is None  # read fresh: deactivation is seen at once
    User.objects.filter(pk=active.pk).update(is_active=True)
    assert ours.get_user(active.pk).full_name == "Renamed Person"


def test_it_gives_the_permissions_django_gives(make_user) -> None:
    ours, theirs = AuthenticationBackend(), AllauthBackend()
    direct = Permission.objects.get(codename="view_accesslog")
    lac = make_user(Role.LAC)
    lac_and_direct = make_user(Role.LAC, Role.REVIEWER)
    lac_and_direct.user_permissions.add(direct)
    reviewer = make_user(Role.REVIEWER)
    superuser = make_user(is_superuser=True)
    inactive = make_user(Role.LAC, is_active=False)
    for user in (lac, lac_and_direct, reviewer, superuser, inactive):
        for method in ("get_user_permissions", "get_group_permissions", "get_all_permissions"):
            expected = getattr(theirs, method)(_fresh(user))
            assert getattr(ours, method)(_fresh(user)) == expected, (user, method)
    assert "reviews.view_case" in ours.get_all_permissions(_fresh(lac))
    assert ours.get_all_permissions(_fresh(lac_and_direct)) >= {"leder.view_accesslog"}
    assert ours.get_all_permissions(_fresh(reviewer)) == set()

    # Read fresh for each new request's user: a change to a group is seen at once.
    group = Group.objects.get(name=Role.REVIEWER.group_name)
    group.permissions.add(direct)
    assert ours.get_all_permissions(_fresh(reviewer)) == {"leder.view_accesslog"}
    # ... and once per request's user object, as Django's.
    user = _fresh(lac)
    ours.get_all_permissions(user)
    with CaptureQueriesContext(connection) as sent:
        assert ours.has_perm(user, "reviews.view_case")
    assert sent.captured_queries == []


def test_signed_in_pages_read_the_user_through_it(lac_client, monkeypatch) -> None:
    from django.db.models.sql.compiler import SQLCompiler

    assert lac_client.session["_auth_user_backend"] == "leder.auth.backends.AuthenticationBackend"
    assert lac_client.get("/reviews/").status_code == 200
    compiled: list[str] = []
    original = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(self.query.model._meta.label)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    assert lac_client.get("/reviews/").status_code == 200
    on_the_page = list(compiled)
    list(Group.objects.all())  # control: the spy sees a query compiled
    assert compiled[len(on_the_page) :] == ["auth.Group"]
    assert "leder.User" not in on_the_page and "auth.Permission" not in on_the_page
