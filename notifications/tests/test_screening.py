"""Screening on submission: age at death, every outcome, focused-review suggestions."""

from __future__ import annotations

import datetime
import uuid

import pytest

from notifications.choices import FocusedCriterion
from notifications.models import Notification, NotificationStatus
from notifications.screening import age_at
from notifications.services import notification_submit
from notifications.tests.factories import answers


def submit(**overrides):
    notification, created = notification_submit(
        answers=answers(**overrides), idempotency_key=uuid.uuid4()
    )
    assert created
    return notification


def codes(notification):
    return [c["code"] for c in notification.focused_criteria]


@pytest.mark.parametrize(
    ("born", "died", "age"),
    [
        ((2000, 3, 1), (2018, 3, 1), 18),
        ((2000, 3, 2), (2018, 3, 1), 17),
        ((2000, 2, 29), (2018, 2, 28), 17),
        ((2000, 2, 29), (2018, 3, 1), 18),
        ((1950, 1, 1), (2026, 1, 1), 76),
    ],
)
def test_it_computes_age_in_completed_years(born, died, age):
    assert age_at(datetime.date(*born), datetime.date(*died)) == age


@pytest.mark.django_db
class TestOutcomes:
    def test_it_keeps_an_eligible_adult_for_the_lac_to_screen(self):
        notification = submit()
        assert notification.status == NotificationStatus.RECEIVED
        assert notification.age_at_death == 55
        assert notification.screening_note == ""

    def test_it_marks_an_under_18_ineligible_with_the_reason(self):
        notification = submit(date_of_birth=datetime.date(2010, 1, 11))
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.INELIGIBLE
        assert notification.age_at_death == 15
        assert notification.is_child_death
        change = notification.status_changes.last()
        assert change.to_status == NotificationStatus.INELIGIBLE
        assert "child death review" in change.reason
        assert change.by is None

    def test_it_treats_an_18th_birthday_as_adult(self):
        notification = submit(date_of_birth=datetime.date(2008, 1, 10))
        assert notification.age_at_death == 18
        assert notification.status == NotificationStatus.RECEIVED

    @pytest.mark.parametrize(
        ("ld", "autism"), [("no", "no"), ("not_known", "no"), ("not_known", "not_known")]
    )
    def test_it_flags_no_learning_disability_or_autism_for_the_lac(self, ld, autism):
        notification = submit(learning_disability=ld, learning_disability_level="", autism=autism)
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.NEEDS_CONFIRMATION
        assert "confirm eligibility" in notification.screening_note
        assert Notification.objects.filter(pk=notification.pk).exists()  # never discarded

    @pytest.mark.parametrize(("ld", "autism"), [("yes", "no"), ("no", "yes"), ("yes", "yes")])
    def test_it_screens_either_condition_as_possibly_eligible(self, ld, autism):
        assert submit(learning_disability=ld, autism=autism).status == NotificationStatus.RECEIVED


@pytest.mark.django_db
class TestFocusedCriteria:
    def test_it_suggests_none_for_a_white_british_adult_without_concerns(self):
        assert submit().focused_criteria == []

    def test_it_suggests_autistic_without_learning_disability(self):
        notification = submit(learning_disability="no", learning_disability_level="", autism="yes")
        assert codes(notification) == [FocusedCriterion.AUTISTIC_WITHOUT_LD]
        assert "autistic" in notification.focused_criteria[0]["reason"]

    def test_it_does_not_suggest_autism_alone_when_there_is_a_learning_disability(self):
        assert codes(submit(autism="yes")) == []

    @pytest.mark.parametrize("code", ["B", "C", "H", "N", "S"])
    def test_it_suggests_ethnicity_other_than_white_british(self, code):
        notification = submit(ethnicity=code)
        assert codes(notification) == [FocusedCriterion.ETHNICITY]
        assert notification.focused_criteria[0]["reason"].startswith("Ethnicity recorded as")

    @pytest.mark.parametrize("code", ["A", "Z", "99"])
    def test_it_does_not_suggest_white_british_or_unknown_ethnicity(self, code):
        assert codes(submit(ethnicity=code)) == []

    @pytest.mark.parametrize(
        ("mha", "cjs", "words"),
        [
            ("yes", "no", "under the Mental Health Act"),
            ("no", "yes", "in the criminal justice system"),
            ("yes", "yes", "under the Mental Health Act and in the criminal justice system"),
        ],
    )
    def test_it_suggests_detention_within_five_years(self, mha, cjs, words):
        notification = submit(detained_mha=mha, detained_cjs=cjs)
        assert codes(notification) == [FocusedCriterion.DETENTION]
        assert words in notification.focused_criteria[0]["reason"]

    def test_it_suggests_a_family_request(self):
        assert codes(submit(family_requested_review="yes")) == [FocusedCriterion.FAMILY_REQUEST]

    def test_it_suggests_concerns_about_care(self):
        notification = submit(care_concerns="yes", care_concerns_detail="Late diagnosis")
        assert codes(notification) == [FocusedCriterion.CARE_CONCERNS]

    def test_it_lists_every_criterion_met(self):
        notification = submit(
            learning_disability="no",
            autism="yes",
            ethnicity="M",
            detained_mha="yes",
            family_requested_review="yes",
            care_concerns="yes",
        )
        assert codes(notification) == [c.value for c in FocusedCriterion]
        assert all(c["reason"] for c in notification.focused_criteria)
