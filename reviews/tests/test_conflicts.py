"""The conflict-of-interest engine: every rule, the window, and its query cost."""

from __future__ import annotations

import datetime

import pytest

from leder.models import OrganisationType
from leder.tests.factories import OrganisationFactory
from notifications.choices import PlaceOfDeath
from reviews.conflicts import ConflictCode, conflicts_for, conflicts_for_many, years_before
from reviews.models import ProviderRole
from reviews.tests.factories import (
    CaseProviderFactory,
    DeclaredConflictFactory,
    EmploymentFactory,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 15)


def codes(reviewer, case, **kw):
    return [c.code for c in conflicts_for(reviewer, case, on=ON, **kw)]


def test_it_finds_nothing_for_an_unconnected_reviewer(case, reviewer):
    EmploymentFactory(profile=reviewer.reviewer_profile)  # somewhere unrelated
    DeclaredConflictFactory(profile=reviewer.reviewer_profile, names="Someone Else\nZed")
    assert conflicts_for(reviewer, case, on=ON) == []


def test_it_finds_a_reviewer_who_works_for_the_gp_practice(case, reviewer):
    practice = case.notification.gp_practice
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=practice)
    [conflict] = conflicts_for(reviewer, case, on=ON)
    assert conflict.code == ConflictCode.GP_PRACTICE
    assert practice.name in conflict.reason and "works there now" in conflict.reason
    assert "Ada" not in conflict.reason and "Testperson" not in conflict.reason


@pytest.mark.parametrize(
    ("ended", "conflicted"),
    [
        (years_before(ON, 3), True),  # the first day of the window
        (years_before(ON, 3) - datetime.timedelta(days=1), False),
        (ON - datetime.timedelta(days=400), True),
        (years_before(ON, 10), False),
    ],
)
def test_it_counts_past_employment_within_the_window(case, reviewer, ended, conflicted):
    EmploymentFactory(
        profile=reviewer.reviewer_profile,
        organisation=case.notification.gp_practice,
        started_on=datetime.date(2000, 1, 1),
        ended_on=ended,
    )
    found = conflicts_for(reviewer, case, on=ON)
    assert bool(found) is conflicted
    if found:
        assert "worked there until" in found[0].reason


def test_the_window_is_configurable(case, reviewer, settings):
    EmploymentFactory(
        profile=reviewer.reviewer_profile,
        organisation=case.notification.gp_practice,
        started_on=datetime.date(2010, 1, 1),
        ended_on=years_before(ON, 4),
    )
    assert codes(reviewer, case) == []
    settings.LEDER_CONFLICT_WINDOW_YEARS = 5
    assert codes(reviewer, case) == [ConflictCode.GP_PRACTICE]
    settings.LEDER_CONFLICT_WINDOW_YEARS = 0
    assert codes(reviewer, case) == []


def test_it_finds_the_place_of_death_and_other_providers(case, reviewer, icb):
    hospital = OrganisationFactory(parent_icb=icb, name="Leeds Teaching Hospitals NHS Trust")
    care = OrganisationFactory(
        parent_icb=icb, name="Sunrise Care", org_type=OrganisationType.CARE_PROVIDER
    )
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=hospital)
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=care)
    assert codes(reviewer, case) == []
    CaseProviderFactory(case=case, organisation=hospital, role=ProviderRole.PLACE_OF_DEATH)
    CaseProviderFactory(case=case, organisation=care, role=ProviderRole.CARE_PROVIDER)
    found = {c.code: c.reason for c in conflicts_for(reviewer, case, on=ON)}
    assert set(found) == {ConflictCode.PLACE_OF_DEATH, ConflictCode.PROVIDER}
    assert "where the person died" in found[ConflictCode.PLACE_OF_DEATH]
    assert "Sunrise Care" in found[ConflictCode.PROVIDER]


def test_one_organisation_in_several_roles_is_one_conflict(case, reviewer, icb):
    hospital = OrganisationFactory(parent_icb=icb)
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=hospital)
    CaseProviderFactory(case=case, organisation=hospital, role=ProviderRole.HOSPITAL)
    CaseProviderFactory(case=case, organisation=hospital, role=ProviderRole.PLACE_OF_DEATH)
    assert codes(reviewer, case) == [ConflictCode.PLACE_OF_DEATH]


def test_it_matches_the_place_of_death_the_notifier_typed(case, reviewer, icb):
    infirmary = OrganisationFactory(parent_icb=icb, name="Leeds General Infirmary")
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=infirmary)
    n = case.notification
    n.place_of_death, n.place_of_death_detail = PlaceOfDeath.HOSPITAL, "Leeds General Infirmary"
    n.save()
    [conflict] = conflicts_for(reviewer, case, on=ON)
    assert conflict.code == ConflictCode.PLACE_OF_DEATH and "matches" in conflict.reason
    n.place_of_death, n.place_of_death_detail = PlaceOfDeath.HOME, "Leeds General Infirmary"
    n.save()
    assert conflicts_for(reviewer, case, on=ON) == []


@pytest.mark.parametrize(
    ("names", "nhs_number", "matched"),
    [
        ("Ada Testperson", "", "the name of the person who died"),
        ("ada  TESTPERSON", "", "the name of the person who died"),
        ("Testperson", "", "the family name"),
        ("Bea Testperson", "", "the family member or friend named in the notification"),
        ("Someone Else", "SAME", "the NHS number of the person who died"),
    ],
)
def test_it_matches_declared_personal_connections(case, reviewer, names, nhs_number, matched):
    number = case.notification.nhs_number if nhs_number == "SAME" else nhs_number
    DeclaredConflictFactory(
        profile=reviewer.reviewer_profile,
        description="Neighbour",
        names=names,
        nhs_number=number,
    )
    [conflict] = conflicts_for(reviewer, case, on=ON)
    assert conflict.code == ConflictCode.PERSONAL
    assert matched in conflict.reason and "Neighbour" in conflict.reason


def test_it_matches_other_names_the_person_was_known_by(case, reviewer):
    case.notification.other_names = "Annie"
    case.notification.save()
    DeclaredConflictFactory(profile=reviewer.reviewer_profile, names="Annie Testperson")
    assert codes(reviewer, case) == [ConflictCode.PERSONAL]


def test_it_ignores_a_withdrawn_declaration(case, reviewer):
    DeclaredConflictFactory(profile=reviewer.reviewer_profile, names="Testperson", active=False)
    assert codes(reviewer, case) == []


def test_it_finds_a_reviewer_who_notified_the_death(case, make_reviewer):
    notifier = make_reviewer(user__email="RECEPTION@example.nhs.uk").user
    assert codes(notifier, case) == [ConflictCode.NOTIFIER]


def test_it_lists_every_conflict_with_its_reason(case, make_reviewer):
    profile = make_reviewer(user__email="reception@example.nhs.uk")
    EmploymentFactory(profile=profile, organisation=case.notification.gp_practice)
    DeclaredConflictFactory(profile=profile, names="Testperson")
    found = conflicts_for(profile.user, case, on=ON)
    assert [c.code for c in found] == [
        ConflictCode.GP_PRACTICE,
        ConflictCode.PERSONAL,
        ConflictCode.NOTIFIER,
    ]
    assert all(c.reason and c.key for c in found)


def test_it_checks_many_reviewers_in_a_fixed_number_of_queries(
    case, make_reviewer, django_assert_num_queries
):
    profiles = [make_reviewer() for _ in range(12)]
    for p in profiles:
        EmploymentFactory(profile=p, organisation=case.notification.gp_practice)
        DeclaredConflictFactory(profile=p)
    users = [p.user for p in profiles]
    with django_assert_num_queries(4):
        few = conflicts_for_many(users[:2], case, on=ON)
    with django_assert_num_queries(4):
        many = conflicts_for_many(users, case, on=ON)
    assert len(few) == 2 and len(many) == 12
    assert all(len(found) == 2 for found in many.values())
