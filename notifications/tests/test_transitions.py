"""Every allowed and every disallowed status move, through the one transition service,
and the LAC's screening decisions."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from leder.lib.workflow import TransitionNotAllowed
from leder.roles import Role
from notifications.models import NotificationStatus
from notifications.services import notification_decide, notification_transition
from notifications.tests.factories import NotificationFactory
from notifications.workflow import NOTIFICATION_TRANSITIONS
from reviews.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(NotificationStatus.values, repeat=2))
ALLOWED = sorted(NOTIFICATION_TRANSITIONS.pairs())
DISALLOWED = [pair for pair in ALL_PAIRS if pair not in NOTIFICATION_TRANSITIONS.pairs()]


def test_it_declares_every_status():
    assert set(NOTIFICATION_TRANSITIONS.moves) == set(NotificationStatus.values)


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows(from_status, to_status, make_user):
    lac = make_user(Role.LAC)
    notification = NotificationFactory(status=from_status)
    result = notification_transition(
        notification=notification, to=to_status, by=lac, reason="Because"
    )
    notification.refresh_from_db()
    assert result.status == notification.status == to_status
    change = notification.status_changes.get()
    assert (change.from_status, change.to_status, change.by, change.reason) == (
        from_status,
        to_status,
        lac,
        "Because",
    )
    latest = notification.history.first()
    assert latest.history_user == lac
    assert latest.history_change_reason == "Because"


@pytest.mark.parametrize(("from_status", "to_status"), DISALLOWED)
def test_it_refuses(from_status, to_status, make_user):
    notification = NotificationFactory(status=from_status)
    with pytest.raises(TransitionNotAllowed):
        notification_transition(
            notification=notification, to=to_status, by=make_user(Role.LAC), reason="No"
        )
    notification.refresh_from_db()
    assert notification.status == from_status
    assert not notification.status_changes.exists()


def test_it_rereads_the_status_under_the_lock(make_user):
    """A stale instance cannot move a notification that has already moved on."""
    notification = NotificationFactory()
    stale = type(notification).objects.get(pk=notification.pk)
    notification_transition(
        notification=notification, to=NotificationStatus.INELIGIBLE, by=None, reason="x"
    )
    with pytest.raises(TransitionNotAllowed):
        notification_transition(
            notification=stale, to=NotificationStatus.DUPLICATE, by=None, reason="y"
        )


class TestDecide:
    @pytest.mark.parametrize(
        "status", [NotificationStatus.RECEIVED, NotificationStatus.NEEDS_CONFIRMATION]
    )
    def test_it_opens_a_case_awaiting_allocation_when_eligible(self, status, make_user, icb):
        lac = make_user(Role.LAC)
        notification = NotificationFactory(status=status, icb=icb)
        notification_decide(notification=notification, to=NotificationStatus.ELIGIBLE, by=lac)
        case = Case.objects.get(notification=notification)
        assert case.status == CaseStatus.AWAITING_ALLOCATION
        assert (case.icb, case.reference) == (icb, notification.reference)
        assert case.review_type == ""
        assert case.history.get().history_user == lac

    def test_it_needs_an_icb_to_open_a_case(self, make_user):
        notification = NotificationFactory(unrouted=True)
        with pytest.raises(ValidationError):
            notification_decide(
                notification=notification, to=NotificationStatus.ELIGIBLE, by=make_user(Role.LAC)
            )
        assert not Case.objects.exists()

    def test_it_needs_a_reason_for_not_eligible(self, make_user):
        notification = NotificationFactory()
        with pytest.raises(ValidationError, match="not eligible"):
            notification_decide(
                notification=notification, to=NotificationStatus.INELIGIBLE, by=None, reason=" "
            )
        notification_decide(
            notification=notification,
            to=NotificationStatus.INELIGIBLE,
            by=make_user(Role.LAC),
            reason="No learning disability or autism in the GP record",
        )
        assert notification.status_changes.get().reason.startswith("No learning disability")

    def test_it_links_a_duplicate_and_unlinks_when_it_is_not_one(self, make_user):
        lac = make_user(Role.LAC)
        original = NotificationFactory()
        notification = NotificationFactory(icb=original.icb)
        with pytest.raises(ValidationError):
            notification_decide(notification=notification, to=NotificationStatus.DUPLICATE, by=lac)
        notification_decide(
            notification=notification,
            to=NotificationStatus.DUPLICATE,
            by=lac,
            duplicate_of=original,
        )
        notification.refresh_from_db()
        assert notification.duplicate_of == original
        with pytest.raises(ValidationError, match="screening again"):
            notification_decide(notification=notification, to=NotificationStatus.RECEIVED, by=lac)
        notification_decide(
            notification=notification,
            to=NotificationStatus.RECEIVED,
            by=lac,
            reason="Different person: different date of birth",
        )
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.RECEIVED
        assert notification.duplicate_of is None

    def test_it_refuses_a_notification_as_its_own_duplicate(self):
        notification = NotificationFactory()
        with pytest.raises(ValidationError):
            notification_decide(
                notification=notification,
                to=NotificationStatus.DUPLICATE,
                by=None,
                duplicate_of=notification,
            )

    def test_it_refuses_decisions_that_are_not_screening(self):
        with pytest.raises(ValidationError):
            notification_decide(
                notification=NotificationFactory(), to=NotificationStatus.OPTED_OUT, by=None
            )

    def test_it_refuses_a_decision_the_table_does_not_allow(self):
        notification = NotificationFactory(eligible=True)
        with pytest.raises(TransitionNotAllowed):
            notification_decide(
                notification=notification, to=NotificationStatus.INELIGIBLE, by=None, reason="x"
            )
