"""Opening a case, and who can see cases."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from leder.roles import Role
from notifications.tests.factories import NotificationFactory
from reviews.models import Case, CaseStatus
from reviews.services import case_open

pytestmark = pytest.mark.django_db


def test_it_opens_a_case_awaiting_allocation_with_history(make_user, icb):
    lac = make_user(Role.LAC)
    notification = NotificationFactory(icb=icb, eligible=True)
    case = case_open(notification=notification, by=lac)
    assert (case.status, case.icb, case.reference) == (
        CaseStatus.AWAITING_ALLOCATION,
        icb,
        notification.reference,
    )
    assert case.opened_at is not None and case.review_type == ""
    assert case.history.get().history_user == lac
    change = case.status_changes.get()
    assert (change.from_status, change.to_status, change.by) == (
        "",
        CaseStatus.AWAITING_ALLOCATION,
        lac,
    )


def test_it_opens_one_case_per_notification(icb):
    notification = NotificationFactory(icb=icb, eligible=True)
    case_open(notification=notification, by=None)
    with pytest.raises(IntegrityError):
        case_open(notification=notification, by=None)


def test_it_needs_an_icb():
    with pytest.raises(ValidationError):
        case_open(notification=NotificationFactory(unrouted=True), by=None)


def test_it_shows_cases_to_the_lac_and_administrator_of_their_icb_only(make_user, icb, other_icb):
    mine = case_open(notification=NotificationFactory(icb=icb, eligible=True), by=None)
    theirs = case_open(notification=NotificationFactory(icb=other_icb, eligible=True), by=None)
    for role in (Role.LAC, Role.ADMINISTRATOR):
        assert list(Case.objects.visible_to(make_user(role))) == [mine]
    assert list(Case.objects.visible_to(make_user(Role.LAC, icb=other_icb))) == [theirs]
    for role in (Role.REVIEWER, Role.REGIONAL_COORDINATOR, Role.SYSTEM_ADMINISTRATOR):
        assert not Case.objects.visible_to(make_user(role)).exists()
    assert list(Case.objects.awaiting_allocation().order_by("pk")) == [mine, theirs]
