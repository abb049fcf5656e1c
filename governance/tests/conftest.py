"""Fixtures for the governance tests: a LAC, panel members and a meeting in ``icb``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from governance.models import Meeting
from governance.tests.factories import make_meeting, provider
from leder.models import Organisation, User
from leder.roles import Role


@pytest.fixture
def lac(make_user: Callable[..., User]) -> User:
    return make_user(Role.LAC, full_name="Priya Shah")


@pytest.fixture
def trust(icb: Organisation) -> Organisation:
    return provider(icb)


@pytest.fixture
def meeting(icb: Organisation, lac: User, trust: Organisation) -> Meeting:
    """A scheduled QA panel chaired by the LAC, with two more members."""
    return make_meeting(icb=icb, chair=lac, organisation=trust)


@pytest.fixture
def signed_in(client_for: Callable[..., Any]) -> Callable[[User], Any]:
    """``signed_in(user)`` → a client signed in (with MFA) as that existing user."""
    from django.test import Client

    from leder.testing import sign_in_with_mfa

    def make(user: User) -> Any:
        client = Client()
        client.user = user  # type: ignore[attr-defined]
        return sign_in_with_mfa(client, user)

    return make


@pytest.fixture
def themes(db: None) -> list[Any]:
    """Learning themes of the managed list (made here: a transactional test elsewhere in the
    session may have emptied the ones the reviews migration seeds)."""
    from reviews.models import LearningTheme

    names = ("Dysphagia and aspiration", "Epilepsy", "Reasonable adjustments")
    return [
        LearningTheme.objects.get_or_create(name=name, defaults={"position": i})[0]
        for i, name in enumerate(names)
    ]
