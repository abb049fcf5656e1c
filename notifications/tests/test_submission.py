"""The submission service: stored once per key, referenced, routed, history written."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from leder.tests.factories import GPPracticeFactory, OrganisationFactory
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_submit
from notifications.tests.factories import answers

pytestmark = pytest.mark.django_db


def test_it_gives_a_human_friendly_reference_from_a_sequence():
    first, _ = notification_submit(answers=answers(), idempotency_key=uuid.uuid4())
    second, _ = notification_submit(
        answers=answers(given_name="Other"), idempotency_key=uuid.uuid4()
    )
    assert re.fullmatch(r"LDR-2026-\d{6}", first.reference)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_it_stores_a_submission_once_per_idempotency_key():
    key = uuid.uuid4()
    first, created = notification_submit(answers=answers(), idempotency_key=key)
    again, created_again = notification_submit(answers=answers(), idempotency_key=key)
    assert created and not created_again
    assert again.pk == first.pk
    assert Notification.objects.count() == 1


def test_it_writes_history_and_the_first_status_change():
    notification, _ = notification_submit(answers=answers(), idempotency_key=uuid.uuid4())
    assert notification.history.count() == 1
    assert notification.history.first().history_user is None
    change = notification.status_changes.get()
    assert (change.from_status, change.to_status) == ("", NotificationStatus.RECEIVED)


def test_it_routes_to_the_icb_of_the_gp_practice(icb):
    practice = GPPracticeFactory(parent_icb=icb)
    notification, _ = notification_submit(
        answers=answers(gp_practice=practice), idempotency_key=uuid.uuid4()
    )
    assert notification.icb == icb
    assert notification.gp_practice == practice


def test_it_leaves_no_practice_for_the_regional_coordinator():
    notification, _ = notification_submit(
        answers=answers(gp_practice=None), idempotency_key=uuid.uuid4()
    )
    assert notification.icb is None
    assert Notification.objects.unrouted().get() == notification


@pytest.mark.parametrize("kind", ["inactive", "no_icb", "not_a_practice"])
def test_it_leaves_an_unknown_practice_for_the_regional_coordinator(kind, icb):
    practice = {
        "inactive": lambda: GPPracticeFactory(parent_icb=icb, is_active=False),
        "no_icb": lambda: GPPracticeFactory(parent_icb=None),
        "not_a_practice": lambda: OrganisationFactory(parent_icb=icb),
    }[kind]()
    notification, _ = notification_submit(
        answers=answers(gp_practice=practice), idempotency_key=uuid.uuid4()
    )
    assert notification.icb is None


def test_it_refuses_a_death_before_birth_or_in_the_future():
    with pytest.raises(ValidationError):
        notification_submit(
            answers=answers(date_of_death=datetime.date(1960, 1, 1)), idempotency_key=uuid.uuid4()
        )
    with pytest.raises(ValidationError):
        notification_submit(
            answers=answers(date_of_death=datetime.date(2026, 3, 2)), idempotency_key=uuid.uuid4()
        )
    assert Notification.objects.count() == 0


def test_it_refuses_answers_it_does_not_know():
    with pytest.raises(ValueError, match="Unexpected"):
        notification_submit(answers=answers(status="eligible"), idempotency_key=uuid.uuid4())
