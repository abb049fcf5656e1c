"""Every allowed and every disallowed case status move, through ``case_transition``."""

from __future__ import annotations

import itertools
from typing import cast

import pytest

from leder.lib.workflow import TransitionNotAllowed
from leder.models import Organisation
from leder.roles import Role
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from reviews.models import Case, CaseStatus
from reviews.workflow import CASE_TRANSITIONS

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(CaseStatus.values, repeat=2))
ALLOWED = sorted(CASE_TRANSITIONS.pairs())
DISALLOWED = [pair for pair in ALL_PAIRS if pair not in CASE_TRANSITIONS.pairs()]


def make_case(status: str) -> Case:
    notification = cast(Notification, NotificationFactory(eligible=True))
    return Case.objects.create(
        notification=notification,
        icb=cast(Organisation, notification.icb),
        reference=notification.reference,
        status=status,
    )


def test_it_declares_every_status():
    assert set(CASE_TRANSITIONS.moves) == set(CaseStatus.values)


def test_it_lets_every_case_before_completion_stop_for_an_opt_out():
    stoppable = {a for a, b in ALLOWED if b == CaseStatus.OPTED_OUT}
    assert stoppable == set(CaseStatus.values) - {CaseStatus.COMPLETED, CaseStatus.OPTED_OUT}


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows(from_status, to_status, make_user):
    from reviews.services import case_transition

    lac = make_user(Role.LAC)
    case = make_case(from_status)
    case_transition(case=case, to=to_status, by=lac, reason="Opt-out")
    case.refresh_from_db()
    assert case.status == to_status
    change = case.status_changes.get()
    assert (change.from_status, change.to_status, change.by) == (from_status, to_status, lac)
    assert case.history.first().history_user == lac


@pytest.mark.parametrize(("from_status", "to_status"), DISALLOWED)
def test_it_refuses(from_status, to_status, make_user):
    from reviews.services import case_transition

    case = make_case(from_status)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, to=to_status, by=make_user(Role.LAC), reason="No")
    case.refresh_from_db()
    assert case.status == from_status
    assert not case.status_changes.exists()
