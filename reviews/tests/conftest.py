"""Fixtures for the reviews tests: a case in ``icb``, reviewers with training in date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leder.models import Organisation
from reviews.models import Case, ReviewerProfile
from reviews.tests.factories import CaseFactory, ReviewerProfileFactory


@pytest.fixture
def case(icb: Organisation) -> Case:
    return CaseFactory(
        icb_org=icb,
        notification__given_name="Ada",
        notification__family_name="Testperson",
        notification__contact_name="Bea Testperson",
        notification__notifier_email="reception@example.nhs.uk",
    )


@pytest.fixture
def make_reviewer(icb: Organisation) -> Callable[..., ReviewerProfile]:
    """``make_reviewer(senior=True, expired=True, user__full_name="...")`` → a profile."""

    def make(**kwargs: Any) -> ReviewerProfile:
        kwargs.setdefault("icb", icb)
        return ReviewerProfileFactory(**kwargs)

    return make


@pytest.fixture
def reviewer(make_reviewer: Callable[..., ReviewerProfile]) -> Any:
    return make_reviewer(user__full_name="Grace Okafor").user


@pytest.fixture
def senior(make_reviewer: Callable[..., ReviewerProfile]) -> Any:
    return make_reviewer(senior=True, user__full_name="Daniel Evans").user


@pytest.fixture
def lac(make_user: Callable[..., Any]) -> Any:
    from leder.roles import Role

    return make_user(Role.LAC)


@pytest.fixture
def review_case(case: Case, reviewer: Any, senior: Any, lac: Any) -> Case:
    """``case`` allocated to ``reviewer`` (peer support: ``senior``), accepted: in progress."""
    from reviews.services import case_accept, case_allocate

    case_allocate(
        case=case,
        reviewer=reviewer,
        senior_reviewer=senior,
        review_type="initial",
        review_type_reason="No focused review criteria met",
        by=lac,
    )
    case_accept(case=case, by=reviewer)
    case.refresh_from_db()
    return case
