"""Fixtures for the records tests: a case in ``icb`` with its GP practice, allocated to
a reviewer (with a senior reviewer), and requests at each stage."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leder.models import Organisation
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from reviews.models import Case
from reviews.records.models import RecordRequest
from reviews.records.services import record_request_create
from reviews.records.tests.factories import deliver_owed
from reviews.services import case_allocate
from reviews.tests.factories import CaseFactory, ReviewerProfileFactory


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(icb: Organisation) -> Case:
    return CaseFactory(
        icb_org=icb,
        notification__given_name="Ada",
        notification__family_name="Testperson",
        notification__gp_practice__name="Test Medical Practice",
        notification__gp_practice__secure_email="test.practice@nhs.net",
    )


@pytest.fixture
def reviewer(icb: Organisation) -> Any:
    return ReviewerProfileFactory(icb=icb, user__full_name="Grace Okafor").user


@pytest.fixture
def senior(icb: Organisation) -> Any:
    return ReviewerProfileFactory(icb=icb, senior=True, user__full_name="Daniel Evans").user


@pytest.fixture
def lac(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.LAC, full_name="Lara Lac")


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMINISTRATOR, full_name="Adam Admin")


@pytest.fixture
def allocated(case: Case, reviewer: Any, senior: Any, lac: Any) -> Case:
    case_allocate(
        case=case,
        reviewer=reviewer,
        senior_reviewer=senior,
        review_type="initial",
        review_type_reason="No focused review criteria",
        by=lac,
    )
    return case


@pytest.fixture
def make_request(allocated: Case, reviewer: Any) -> Callable[..., RecordRequest]:
    def make(**kwargs: Any) -> RecordRequest:
        practice = allocated.notification.gp_practice
        kwargs.setdefault("case", allocated)
        kwargs.setdefault("organisation", practice)
        kwargs.setdefault("recipient_email", practice.secure_email)
        kwargs.setdefault("period_from", datetime.date(2023, 1, 10))
        kwargs.setdefault("period_to", datetime.date(2026, 1, 10))
        kwargs.setdefault("by", reviewer)
        return record_request_create(**kwargs)

    return make


@pytest.fixture
def sent(make_request: Callable[..., RecordRequest]) -> tuple[RecordRequest, str]:
    """A request whose link was emailed: (request, token)."""
    request = make_request()
    [token] = deliver_owed()
    request.refresh_from_db()
    return request, token


@pytest.fixture
def client_of() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        return sign_in_with_mfa(Client(), user)

    return make
