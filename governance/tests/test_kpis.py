"""Every KPI against a fixture worked by hand (January to March 2026, one ICB).

Notifications (received): Jan 5, Feb 10, Mar 31 23:30 (BST) in the ICB; a duplicate in
January, one in December 2025 and one in another ICB in February do not count.

First allocations (days from the day received): Jan 15 for a case received Jan 5 (10),
Jan 31 for one received 1 Nov 2025 (91), Feb 12 for one received Feb 10 (2). A later
reallocation (Feb 1) and an allocation in December 2025 do not count. Medians: January
50.5, February 2, March none; the quarter 10.

Completions (target 183 days):
- Jan 10, received 1 Jun 2025: 223 days, on hold 1 Jul to 1 Sep 2025 (62): 161. Within
  the target adjusted, not unadjusted.
- Feb 15, received 1 Sep 2025: 167 days. Within both.
- Feb 20, received 1 May 2025: 295 days, on hold from 1 Feb (ended 10 Mar, counted to the
  completion: 19), a hold starting 1 Mar after completion ignored: 276. Within neither.
- Apr 1: outside the period.
January 100% adjusted, 0% unadjusted; February 50% and 50%; the quarter 66.7% and 33.3%.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from governance import kpis
from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingKind,
)
from governance.tests.factories import make_action
from leder.models import User
from reviews.models import CaseHold, CaseStatus, CaseStatusChange, ReviewSection
from reviews.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def make_case(icb, received: datetime.datetime, status=CaseStatus.IN_PROGRESS, **notification):
    return CaseFactory(
        icb_org=icb,
        status=status,
        notification__received_at=received,
        **{f"notification__{k}": v for k, v in notification.items()},
    )


def move(case, to, when):
    CaseStatusChange.objects.create(subject=case, to_status=to, from_status="", at=when)


@pytest.fixture
def scope(icb):
    return kpis.Scope(icb, D(2026, 1, 1), D(2026, 3, 31))


@pytest.fixture
def world(icb, other_icb, lac, themes):
    from notifications.tests.factories import NotificationFactory

    # Notifications
    c1 = make_case(icb, at(D(2026, 1, 5)))
    NotificationFactory(icb=icb, received_at=at(D(2026, 1, 20)), duplicate=True)
    c2 = make_case(icb, at(D(2026, 2, 10)))
    make_case(icb, at(D(2026, 3, 31), 23, 30), status=CaseStatus.AWAITING_ALLOCATION)
    make_case(icb, at(D(2025, 12, 31)))
    make_case(other_icb, at(D(2026, 2, 14)), status=CaseStatus.AWAITING_ALLOCATION)
    # First allocations
    c3 = make_case(icb, at(D(2025, 11, 1)))
    c4 = make_case(icb, at(D(2025, 11, 20)))
    move(c1, CaseStatus.ALLOCATED, at(D(2026, 1, 15)))
    move(c1, CaseStatus.ALLOCATED, at(D(2026, 2, 1)))  # reallocated: not first
    move(c3, CaseStatus.ALLOCATED, at(D(2026, 1, 31)))
    move(c2, CaseStatus.ALLOCATED, at(D(2026, 2, 12)))
    move(c4, CaseStatus.ALLOCATED, at(D(2025, 12, 1)))
    # Completions
    c5 = make_case(
        icb,
        at(D(2025, 6, 1)),
        CaseStatus.COMPLETED,
        age_at_death=30,
        sex="female",
        ethnicity="A",
        learning_disability_level="mild",
        place_of_death="hospital",
    )
    c6 = make_case(
        icb,
        at(D(2025, 9, 1)),
        CaseStatus.COMPLETED,
        age_at_death=67,
        sex="male",
        ethnicity="H",
        learning_disability_level="severe",
        place_of_death="home",
    )
    c7 = make_case(
        icb,
        at(D(2025, 5, 1)),
        CaseStatus.COMPLETED,
        age_at_death=90,
        sex="female",
        ethnicity="99",
        learning_disability_level="",
        place_of_death="care_home",
    )
    c8 = make_case(icb, at(D(2025, 8, 1)), CaseStatus.COMPLETED)
    move(c5, CaseStatus.COMPLETED, at(D(2026, 1, 10)))
    move(c6, CaseStatus.COMPLETED, at(D(2026, 2, 15)))
    move(c7, CaseStatus.COMPLETED, at(D(2026, 2, 20)))
    move(c8, CaseStatus.COMPLETED, at(D(2026, 4, 1)))
    CaseHold.objects.create(
        case=c5, reason="coroner", started_on=D(2025, 7, 1), ended_on=D(2025, 9, 1)
    )
    CaseHold.objects.create(
        case=c7, reason="police", started_on=D(2026, 2, 1), ended_on=D(2026, 3, 10)
    )
    CaseHold.objects.create(case=c7, reason="police", started_on=D(2026, 3, 1), ended_on=None)
    ReviewSection.objects.create(case=c5, key="cause-of-death", data={"icd10_code": "J69.0"})
    ReviewSection.objects.create(case=c6, key="cause-of-death", data={"icd10_code": "I21.9"})
    # Themes confirmed by the QA panel
    t1, t2 = themes[:2]
    qa = Meeting.objects.create(
        icb=icb, kind=MeetingKind.QA_PANEL, scheduled_for=at(D(2026, 2, 1)), chair=lac
    )
    governance = Meeting.objects.create(
        icb=icb, kind=MeetingKind.GOVERNANCE_GROUP, scheduled_for=at(D(2026, 2, 2)), chair=lac
    )

    def decided(meeting, case, themes, signed):
        item = AgendaItem.objects.create(meeting=meeting, case=case, position=case.pk)
        d = Decision.objects.create(
            item=item,
            outcome="approved",
            discussion_summary="x",
            recorded_by=lac,
            signed_off_at=signed,
        )
        d.themes.set(themes)

    decided(qa, c5, [t1, t2], at(D(2026, 1, 10)))
    decided(qa, c6, [t1], at(D(2026, 2, 15)))
    decided(governance, c7, [t2], at(D(2026, 2, 20)))
    decided(qa, c8, [t2], at(D(2026, 4, 1)))
    return {"t1": t1, "t2": t2}


def values(series):
    return [m.value for m in series]


def test_notifications_per_month(world, scope, icb):
    assert values(kpis.notifications_per_month(scope)) == [1, 1, 1]
    regional = kpis.Scope(None, scope.start, scope.end)
    assert values(kpis.notifications_per_month(regional)) == [1, 2, 1]


def test_cases_awaiting_allocation_now(world, scope):
    assert kpis.awaiting_allocation(scope) == 1
    assert kpis.awaiting_allocation(kpis.Scope(None, scope.start, scope.end)) == 2


def test_median_days_from_notification_to_first_allocation(world, scope):
    series, median, count = kpis.days_to_allocation(scope)
    assert values(series) == [50.5, 2.0, None]
    assert [m.total for m in series] == [2, 1, 0]
    assert (median, count) == (10.0, 3)


def test_completed_within_six_months_with_and_without_holds(world, scope):
    adjusted, unadjusted, n, pct, pct_unadjusted = kpis.completion_within_target(scope)
    assert values(adjusted) == [100.0, 50.0, None]
    assert values(unadjusted) == [0.0, 50.0, None]
    assert (n, pct, pct_unadjusted) == (3, 66.7, 33.3)


def test_learning_themes_confirmed_by_the_qa_panel(world, scope):
    rows = kpis.themes_by_count(scope).rows
    assert [(r.label, r.count) for r in rows] == [(world["t1"].name, 2), (world["t2"].name, 1)]


def test_demographics_of_the_deaths_reviewed(world, scope):
    found = {b.key: {r.label: r.count for r in b.rows if r.count} for b in kpis.demographics(scope)}
    assert found["age"] == {"25 to 34": 1, "65 to 74": 1, "85 and over": 1}
    assert found["sex"] == {"Female": 2, "Male": 1}
    assert found["ethnicity"] == {
        "White": 1,
        "Asian or Asian British": 1,
        "Not stated or not known": 1,
    }
    assert found["ld_level"] == {"Mild": 1, "Severe": 1, "Not known or not recorded": 1}
    assert found["place"] == {"In hospital": 1, "At home": 1, "In a care home": 1}
    assert found["cause"] == {
        "Respiratory system, including aspiration pneumonia (J00 to J99)": 1,
        "Circulatory system (I00 to I99)": 1,
        "Not recorded": 1,
    }
    assert all(b.total == 3 for b in kpis.demographics(scope))


def test_open_and_overdue_actions(icb, lac, scope):
    import time_machine

    with time_machine.travel(at(D(2026, 1, 2)), tick=False):
        late = make_action(icb=icb, by=lac, due_in_days=10)
        make_action(icb=icb, by=lac, due_in_days=200)
        done = make_action(icb=icb, by=lac, due_in_days=5)
        gone = make_action(icb=icb, by=lac, due_in_days=5)
    from governance.services.actions import action_transition

    with time_machine.travel(at(D(2026, 2, 1)), tick=False):
        action_transition(action=done, to=ActionStatus.COMPLETED, by=lac, evidence_summary="x")
        action_transition(action=gone, to=ActionStatus.CANCELLED, by=lac, reason="Merged")
        counts = kpis.action_counts(scope)
    assert counts == {"open": 2, "overdue": 1, "completed": 1}
    assert Action.objects.overdue(D(2026, 2, 1)).get() == late


def test_compute_puts_it_all_together(world, scope):
    data = kpis.compute(scope)
    assert data.notifications_total == 3
    assert (data.completed, data.pct_within_target) == (3, 66.7)
    assert len(data.demographics) == 6


def test_periods():
    assert kpis.financial_year(2025) == (D(2025, 4, 1), D(2026, 3, 31))
    assert kpis.financial_year_label(2025) == "2025/26"
    assert kpis.last_months(12, D(2026, 3, 15)) == (D(2025, 4, 1), D(2026, 3, 31))
    assert len(kpis.Scope(None, D(2025, 4, 1), D(2026, 3, 31)).months()) == 12
    assert timezone.is_aware(kpis.Scope(None, D(2026, 1, 1), D(2026, 1, 31)).end_at)
    assert User  # the fixtures' users come from conftest
