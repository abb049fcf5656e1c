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


def test_the_narrower_accessors_give_what_cases_for_user_gives(make_user, icb, other_icb):
    """``icb_cases_for_user`` and ``cases_granted_to`` are simpler queries for the
    dashboard and "My reviews": the same cases as ``cases_for_user`` narrowed, for every
    kind of person, a LAC who also reviews in another ICB included."""
    from django.contrib.auth.models import AnonymousUser
    from guardian.shortcuts import assign_perm

    from reviews.access import cases_for_user, cases_granted_to, icb_cases_for_user

    cases = {
        (org.pk, n): case_open(notification=NotificationFactory(icb=org, eligible=True), by=None)
        for org in (icb, other_icb)
        for n in range(3)
    }
    lac_who_reviews = make_user(Role.LAC, Role.REVIEWER)
    reviewer = make_user(Role.REVIEWER)
    senior = make_user(Role.SENIOR_REVIEWER, icb=other_icb)
    assign_perm("reviews.review_case", lac_who_reviews, cases[other_icb.pk, 0])
    assign_perm("reviews.review_case", reviewer, cases[icb.pk, 1])
    assign_perm("reviews.review_case", reviewer, cases[other_icb.pk, 2])
    assign_perm("reviews.supervise_case", senior, cases[icb.pk, 1])
    assign_perm("reviews.view_case", reviewer, cases[icb.pk, 2])  # not a case grant
    people = [
        make_user(Role.LAC),
        make_user(Role.ADMINISTRATOR),
        make_user(Role.LAC, icb=other_icb),
        lac_who_reviews,
        reviewer,
        senior,
        make_user(Role.QA_PANEL_MEMBER),
        make_user(Role.REGIONAL_COORDINATOR),
        AnonymousUser(),
    ]
    for person in people:
        visible = cases_for_user(person)
        for org in (icb, other_icb):
            if not getattr(person, "is_authenticated", False):
                break
            assert set(icb_cases_for_user(person, org.pk)) == set(visible.filter(icb=org))
        granted = set(visible.granted_to(person)) if person.is_authenticated else set()
        assert set(cases_granted_to(person)) == granted
    assert set(icb_cases_for_user(lac_who_reviews, other_icb.pk)) == {cases[other_icb.pk, 0]}
    assert set(cases_granted_to(reviewer)) == {cases[icb.pk, 1], cases[other_icb.pk, 2]}
    assert len(set(icb_cases_for_user(people[0], icb.pk))) == 3
