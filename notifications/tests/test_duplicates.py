"""Duplicates: matched on NHS number, or normalised name + date of birth + date of death;
linked to the first notification, never merged, and the notifier still gets a reference."""

from __future__ import annotations

import datetime
import uuid

import pytest

from notifications.models import Notification, NotificationStatus, normalise_name
from notifications.services import notification_submit
from notifications.tests.factories import answers, synthetic_nhs_number

pytestmark = pytest.mark.django_db


def submit(**overrides):
    return notification_submit(answers=answers(**overrides), idempotency_key=uuid.uuid4())[0]


def test_it_normalises_names():
    assert normalise_name("  Zoë-Ann ", "O'Néill") == "zoeannoneill"


def test_it_links_a_second_notification_with_the_same_nhs_number():
    number = synthetic_nhs_number()
    first = submit(nhs_number=number)
    second = submit(nhs_number=number, given_name="Different", family_name="Name")
    second.refresh_from_db()
    assert second.status == NotificationStatus.DUPLICATE
    assert second.duplicate_of == first
    assert second.reference != first.reference
    assert "the same NHS number" in second.status_changes.last().reason
    # Never merged: both records are kept whole.
    first.refresh_from_db()
    assert first.status == NotificationStatus.RECEIVED
    assert first.given_name == "Ada" and second.given_name == "Different"


def test_it_links_on_normalised_name_and_both_dates_without_an_nhs_number():
    first = submit(nhs_number="", given_name="Mary-Ann", family_name="O'Neil")
    second = submit(nhs_number="", given_name="mary ann", family_name="ONEIL ")
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert "the same name, date of birth and date of death" in (second.status_changes.last().reason)


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": datetime.date(1971, 5, 17)},
        {"date_of_death": datetime.date(2026, 1, 11)},
        {"family_name": "Someoneelse"},
    ],
)
def test_it_does_not_link_when_only_part_matches(change):
    submit(nhs_number="")
    other = submit(nhs_number="", **change)
    assert other.duplicate_of is None
    assert other.status == NotificationStatus.RECEIVED


def test_it_links_a_third_notification_to_the_first_not_the_second():
    number = synthetic_nhs_number()
    first = submit(nhs_number=number)
    submit(nhs_number=number)
    third = submit(nhs_number=number)
    third.refresh_from_db()
    assert third.duplicate_of == first
    assert set(first.duplicates.all()) == set(Notification.objects.exclude(pk=first.pk))


def test_it_prefers_duplicate_over_child_death_screening():
    number = synthetic_nhs_number()
    submit(nhs_number=number, date_of_birth=datetime.date(2012, 1, 1))
    second = submit(nhs_number=number, date_of_birth=datetime.date(2012, 1, 1))
    second.refresh_from_db()
    assert second.status == NotificationStatus.DUPLICATE
    assert second.is_child_death
