"""Fixtures for every test: organisations, users per role and signed-in clients (MFA passed).

``lac_client``, ``reviewer_client``... one per Role, each user in ``icb``.
``outsider_client`` is a LAC in ``other_icb``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from leder.models import Organisation, User
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from leder.tests.factories import ICBFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits and used TOTP codes live in the (real, Redis) cache: start each test clean.

    Only the cache's own keys go: ``cache.clear()`` would FLUSHDB the Redis database the
    Celery broker shares, and with it the queues a real worker is reading in a test."""
    from django.conf import settings
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _rows_migrations_seed(request: pytest.FixtureRequest) -> None:
    """Put back the rows a migration seeds (the learning themes) when a test needs the
    database and they are gone: a ``transaction=True`` test empties every table when it
    ends, so with ``--reuse-db`` the next run would start without them."""
    names = {"db", "transactional_db", "_django_db_helper"} & set(request.fixturenames)
    if not names and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    import importlib

    from django.apps import apps

    from reviews.models import LearningTheme

    if not LearningTheme.objects.exists():
        migration = importlib.import_module(
            "reviews.migrations.0004_review_versions_append_only_and_themes"
        )
        migration.seed_themes(apps, None)


@pytest.fixture
def icb(db: None) -> Organisation:
    return ICBFactory(ods_code="QWO", name="NHS West Yorkshire Integrated Care Board")


@pytest.fixture
def other_icb(db: None) -> Organisation:
    return ICBFactory(ods_code="QOQ", name="NHS Humber and North Yorkshire Integrated Care Board")


@pytest.fixture
def make_user(db: None, icb: Organisation) -> Callable[..., User]:
    def make(*roles: Role, **kwargs: object) -> User:
        if roles and all(r.is_national for r in roles):
            kwargs.setdefault("icb", None)
        else:
            kwargs.setdefault("icb", icb)
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[..., Client]:
    def make(*roles: Role, **kwargs: object) -> Client:
        client = Client()
        client.user = make_user(*roles, **kwargs)  # type: ignore[attr-defined]
        return sign_in_with_mfa(client, client.user)  # type: ignore[attr-defined]

    return make


def _role_client_fixture(role: Role) -> Callable[..., Client]:
    @pytest.fixture
    def fixture(client_for: Callable[..., Client]) -> Client:
        return client_for(role)

    fixture.__doc__ = f"A client signed in (with MFA) as a {role.label}."
    return fixture


for _role in Role:
    globals()[f"{_role.value}_client"] = _role_client_fixture(_role)


@pytest.fixture
def outsider_client(client_for: Callable[..., Client], other_icb: Organisation) -> Client:
    return client_for(Role.LAC, icb=other_icb)
