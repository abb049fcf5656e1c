"""Holds: the services, the pages, and the 6-month clock maths (time-machine)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from leder.lib.workflow import TransitionNotAllowed
from leder.testing import sign_in_with_mfa
from reviews.models import Case, CaseHold, CaseStatus
from reviews.services import case_accept, case_allocate, case_hold, case_resume
from reviews.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False
    )


D0 = datetime.date(2026, 3, 2)


def days(n: int) -> datetime.date:
    return D0 + datetime.timedelta(days=n)


@pytest.fixture
def clock_case(icb, reviewer, lac):
    with at(D0):
        case = CaseFactory(icb_org=icb)
        case_allocate(
            case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
        )
        case_accept(case=case, by=reviewer)
    return case


def clock(case: Case, today: datetime.date) -> Case:
    return Case.objects.with_clock(today).get(pk=case.pk)


class TestClock:
    def test_held_days_move_the_target_and_are_shown(self, clock_case, reviewer):
        assert clock(clock_case, days(0)).target_date == days(183)
        with at(days(10)):
            case_hold(
                case=clock_case,
                reason="coroner",
                expected_review_on=days(100),
                by=reviewer,
            )
        # While on hold the clock stands still: each held day moves the target a day.
        during = clock(clock_case, days(25))
        assert (during.paused_days, during.target_date) == (15, days(198))
        assert during.days_left == 183 - 25 + 15
        assert clock(clock_case, days(40)).days_left == clock(clock_case, days(25)).days_left
        with at(days(40)):
            case_resume(case=clock_case, by=reviewer)
        after = clock(clock_case, days(60))
        assert (after.paused_days, after.target_date, after.days_left) == (30, days(213), 153)
        hold = CaseHold.objects.get()
        assert (hold.started_on, hold.ended_on) == (days(10), days(40))

    def test_two_holds_add_up(self, clock_case, reviewer, lac):
        for start, end, reason in ((5, 12, "police"), (30, 31, "family_request")):
            with at(days(start)):
                case_hold(case=clock_case, reason=reason, expected_review_on=days(90), by=lac)
            with at(days(end)):
                case_resume(case=clock_case, by=reviewer)
        assert clock(clock_case, days(50)).paused_days == 8
        assert clock(clock_case, days(50)).target_date == days(191)

    def test_a_hold_resumed_the_same_day_adds_nothing(self, clock_case, reviewer):
        with at(days(3)):
            case_hold(case=clock_case, reason="police", expected_review_on=days(9), by=reviewer)
            case_resume(case=clock_case, by=reviewer)
        assert clock(clock_case, days(20)).paused_days == 0

    def test_the_case_page_shows_time_on_hold(self, clock_case, reviewer):
        with at(days(10)):
            case_hold(case=clock_case, reason="coroner", expected_review_on=days(70), by=reviewer)
        with at(days(24)):
            client = sign_in_with_mfa(Client(), reviewer)
            page = client.get(reverse("reviews:case", args=[clock_case.reference]))
            text = page.content.decode()
        assert "14 days on hold added" in text
        assert "On hold since 12 March 2026" in text and "coroner" in text
        assert "Resume the review" in text


class TestServices:
    def test_it_needs_a_reason_and_a_future_review_date(self, clock_case, reviewer):
        with at(days(5)), pytest.raises(ValidationError) as caught:
            case_hold(case=clock_case, reason="bored", expected_review_on=days(5), by=reviewer)
        assert caught.value.message_dict == {
            "reason": ["Select why the review is on hold"],
            "expected_review_on": ["The date to review the hold must be in the future"],
        }
        clock_case.refresh_from_db()
        assert clock_case.status == CaseStatus.IN_PROGRESS and not CaseHold.objects.exists()

    def test_only_a_case_in_progress_goes_on_hold_and_only_a_held_one_resumes(
        self, clock_case, reviewer
    ):
        with pytest.raises(TransitionNotAllowed):
            case_resume(case=clock_case, by=reviewer)
        case_hold(
            case=clock_case,
            reason="safeguarding",
            expected_review_on=datetime.date(2099, 1, 1),
            by=reviewer,
        )
        with pytest.raises(TransitionNotAllowed):
            case_hold(
                case=clock_case,
                reason="police",
                expected_review_on=datetime.date(2099, 1, 1),
                by=reviewer,
            )
        change = clock_case.status_changes.last()
        assert change.reason == "On hold: safeguarding adults review or enquiry"
        assert CaseHold.objects.get().history.first().history_user == reviewer


class TestPages:
    def test_the_reviewer_holds_and_resumes(self, clock_case, reviewer):
        client = sign_in_with_mfa(Client(), reviewer)
        address = reverse("reviews:hold", args=[clock_case.reference])
        response = client.post(address, {"reason": "coroner"})
        assert response.status_code == 400
        assert "Enter the date to review the hold" in response.content.decode()
        response = client.post(
            address,
            {
                "reason": "coroner",
                "expected_review_on_day": "1",
                "expected_review_on_month": "1",
                "expected_review_on_year": "2099",
            },
        )
        assert response.status_code == 302
        clock_case.refresh_from_db()
        assert clock_case.status == CaseStatus.ON_HOLD
        review = client.get(reverse("reviews:review", args=[clock_case.reference]))
        assert "This review is on hold" in review.content.decode()
        resume = reverse("reviews:resume", args=[clock_case.reference])
        assert client.post(resume).status_code == 302
        clock_case.refresh_from_db()
        assert clock_case.status == CaseStatus.IN_PROGRESS

    def test_the_lac_may_hold_the_senior_and_outsiders_may_not(
        self, clock_case, lac, make_reviewer, outsider_client
    ):
        from leder.roles import Role

        address = reverse("reviews:hold", args=[clock_case.reference])
        assert sign_in_with_mfa(Client(), lac).get(address).status_code == 200
        assert outsider_client.get(address).status_code == 404
        assert (
            outsider_client.post(reverse("reviews:resume", args=[clock_case.reference])).status_code
            == 404
        )
        other = make_reviewer().user
        assert sign_in_with_mfa(Client(), other).get(address).status_code == 404
        assert lac.has_role(Role.LAC)
