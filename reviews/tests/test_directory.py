"""The reviewer directory: who may manage it, adding reviewers, training (annual, expired
blocks allocation), employment history, declared conflicts, caseloads, ranking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from leder.roles import Role
from leder.tests.factories import ICBFactory, OrganisationFactory
from reviews.directory import candidates_for, directory_for_icb, reviewers_in_icb
from reviews.models import DeclaredConflict, Employment, ReviewerProfile
from reviews.services import (
    case_allocate,
    declared_conflict_add,
    employment_add,
    reviewer_profile_create,
    reviewer_profile_update,
)
from reviews.tests.factories import (
    CaseFactory,
    DeclaredConflictFactory,
    EmploymentFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:reviewers")


def profile_url(name, profile, **kw):
    return reverse(f"reviews:{name}", kwargs={"key": profile.key, **kw})


def date_fields(name, value):
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


class TestAccess:
    def test_it_is_for_the_icbs_lac_and_administrators(
        self, client, client_for, reviewer, outsider_client
    ):
        profile = reviewer.reviewer_profile
        pages = [
            LIST,
            profile_url("reviewer", profile),
            profile_url("reviewer_edit", profile),
            profile_url("employment_add", profile),
            profile_url("conflict_add", profile),
        ]
        for address in pages:
            assert client.get(address).status_code == 302  # anonymous: sign in
        for role in (Role.REVIEWER, Role.SENIOR_REVIEWER, Role.QA_PANEL_MEMBER):
            for address in pages:
                assert client_for(role).get(address).status_code == 403, (role, address)
        for address in pages[1:]:
            assert outsider_client.get(address).status_code == 404, address
        assert reviewer.full_name not in outsider_client.get(LIST).content.decode()
        for role in (Role.LAC, Role.ADMINISTRATOR):
            for address in pages:
                assert client_for(role).get(address).status_code == 200, (role, address)

    def test_it_404s_an_unknown_or_malformed_key(self, lac_client):
        assert lac_client.get("/reviews/reviewers/not-a-key/").status_code == 404
        assert lac_client.get(f"/reviews/reviewers/{'0' * 32}/").status_code == 404

    def test_it_refuses_wrong_methods(self, lac_client, reviewer):
        assert lac_client.post(LIST).status_code == 405
        assert lac_client.get(reverse("reviews:reviewer_add")).status_code == 405


class TestDirectoryPages:
    def test_it_lists_reviewers_with_employers_training_caseload_and_conflicts(
        self, lac_client, reviewer, make_reviewer, icb, lac
    ):
        practice = OrganisationFactory(parent_icb=icb, name="Kirkgate Surgery")
        EmploymentFactory(profile=reviewer.reviewer_profile, organisation=practice)
        EmploymentFactory(
            profile=reviewer.reviewer_profile,
            organisation=OrganisationFactory(parent_icb=icb, name="Old Trust"),
            ended_on=days_ago(100),
            started_on=datetime.date(2010, 1, 1),
        )
        DeclaredConflictFactory(profile=reviewer.reviewer_profile)
        make_reviewer(expired=True, user__full_name="Tim Expired")
        case_allocate(
            case=CaseFactory(icb_org=icb),
            reviewer=reviewer,
            review_type="initial",
            review_type_reason="x",
            by=lac,
        )
        page = lac_client.get(LIST).content.decode()
        assert "Grace Okafor" in page and "Kirkgate Surgery" in page
        assert "Old Trust" not in page  # not a current employer
        assert "1 of 4" in page and "Expired" in page and "Tim Expired" in page
        detail = lac_client.get(profile_url("reviewer", reviewer.reviewer_profile))
        text = detail.content.decode()
        assert "Old Trust" in text and "Neighbour of the family" in text
        assert "Training not in date" not in text

    def test_it_warns_about_expired_training(self, lac_client, make_reviewer):
        profile = make_reviewer(expired=True)
        page = lac_client.get(profile_url("reviewer", profile)).content.decode()
        assert "Training not in date" in page and "cannot be allocated" in page

    def test_it_adds_a_reviewer_who_has_the_role(self, lac_client, make_user, other_icb):
        newcomer = make_user(Role.SENIOR_REVIEWER, full_name="Nia Newcomer")
        make_user(Role.REVIEWER, icb=other_icb, full_name="Far Away")
        page = lac_client.get(LIST).content.decode()
        assert "Add a reviewer to the directory" in page and "Nia Newcomer" in page
        assert "Far Away" not in page
        response = lac_client.post(reverse("reviews:reviewer_add"), {"user": ""})
        assert (
            response.status_code == 400 and "Select a reviewer to add" in response.content.decode()
        )
        response = lac_client.post(reverse("reviews:reviewer_add"), {"user": newcomer.pk})
        profile = ReviewerProfile.objects.get(user=newcomer)
        assert response["Location"] == profile_url("reviewer_edit", profile)
        assert profile.history.get().history_user == lac_client.user
        assert profile.training_completed_on is None and profile.max_caseload == 4

    def test_it_records_training_and_caseload(self, lac_client, reviewer):
        profile = reviewer.reviewer_profile
        address = profile_url("reviewer_edit", profile)
        response = lac_client.post(
            address,
            {
                "max_caseload": "x",
                "training_completed_on_day": "31",
                "training_completed_on_month": "2",
                "training_completed_on_year": "2026",
            },
        )
        page = response.content.decode()
        assert response.status_code == 400 and "There is a problem" in page
        assert "must be a real date" in page and "whole number" in page
        today = timezone.localdate()
        response = lac_client.post(
            address, {"max_caseload": "6", **date_fields("training_completed_on", today)}
        )
        assert response.status_code == 302
        profile.refresh_from_db()
        assert (profile.max_caseload, profile.training_completed_on) == (6, today)
        assert profile.history.first().history_user == lac_client.user

    def test_it_records_employment(self, lac_client, reviewer, icb, other_icb):
        profile = reviewer.reviewer_profile
        trust = OrganisationFactory(parent_icb=icb, name="Leeds Trust")
        address = profile_url("employment_add", profile)
        response = lac_client.post(
            address,
            {
                "organisation": trust.pk,
                **date_fields("started_on", datetime.date(2020, 4, 1)),
                **date_fields("ended_on", datetime.date(2019, 4, 1)),
            },
        )
        assert response.status_code == 400
        assert "End date must be the same as or after the start date" in response.content.decode()
        elsewhere = OrganisationFactory(parent_icb=other_icb)
        response = lac_client.post(
            address,
            {"organisation": elsewhere.pk, **date_fields("started_on", datetime.date(2020, 4, 1))},
        )
        assert response.status_code == 400  # not an organisation of this ICB
        response = lac_client.post(
            address,
            {
                "organisation": trust.pk,
                "job_title": "Nurse",
                **date_fields("started_on", datetime.date(2020, 4, 1)),
            },
        )
        assert response.status_code == 302
        job = Employment.objects.get(profile=profile)
        assert (job.organisation, job.ended_on, job.job_title) == (trust, None, "Nurse")
        response = lac_client.post(
            profile_url("employment_edit", profile, pk=job.pk),
            {
                "organisation": trust.pk,
                "job_title": "Nurse",
                **date_fields("started_on", datetime.date(2020, 4, 1)),
                **date_fields("ended_on", datetime.date(2024, 3, 31)),
            },
        )
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.ended_on == datetime.date(2024, 3, 31)
        assert job.history.count() == 2

    def test_it_records_and_withdraws_declared_conflicts(self, lac_client, reviewer, case):
        profile = reviewer.reviewer_profile
        address = profile_url("conflict_add", profile)
        response = lac_client.post(
            address, {"description": "Neighbour", "names": "", "nhs_number": "12"}
        )
        page = response.content.decode()
        assert response.status_code == 400 and "NHS number must be 10 digits" in page
        response = lac_client.post(address, {"description": "Neighbour", "names": ""})
        assert "Enter at least one name" in response.content.decode()
        response = lac_client.post(address, {"description": "Neighbour", "names": "Testperson\n"})
        assert response.status_code == 302
        declared = DeclaredConflict.objects.get(profile=profile)
        assert declared.names == "Testperson" and declared.active
        from reviews.conflicts import conflicts_for

        assert conflicts_for(reviewer, case)
        response = lac_client.post(
            profile_url("conflict_edit", profile, pk=declared.pk),
            {"description": "Neighbour", "names": "Testperson"},  # "still applies" unticked
        )
        assert response.status_code == 302
        declared.refresh_from_db()
        assert not declared.active
        assert conflicts_for(reviewer, case) == []


class TestServices:
    def test_only_reviewers_of_the_same_icb_join_the_directory(self, make_user, lac):
        with pytest.raises(ValidationError):
            reviewer_profile_create(user=make_user(Role.QA_PANEL_MEMBER), by=lac)
        with pytest.raises(ValidationError):
            reviewer_profile_create(user=make_user(Role.REVIEWER, icb=ICBFactory()), by=lac)
        user = make_user(Role.REVIEWER)
        first = reviewer_profile_create(user=user, by=lac)
        assert reviewer_profile_create(user=user, by=lac) == first  # once

    def test_it_refuses_bad_values(self, reviewer, lac, icb):
        profile = reviewer.reviewer_profile
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError):
            reviewer_profile_update(
                profile=profile, max_caseload=4, training_completed_on=tomorrow, by=lac
            )
        with pytest.raises(ValidationError):
            reviewer_profile_update(
                profile=profile, max_caseload=99, training_completed_on=None, by=lac
            )
        org = OrganisationFactory(parent_icb=icb)
        with pytest.raises(ValidationError):
            employment_add(profile=profile, organisation=org, started_on=tomorrow, by=lac)
        with pytest.raises(ValidationError):
            declared_conflict_add(profile=profile, description=" ", names="x", by=lac)

    def test_training_is_annual(self, make_reviewer):
        profile = make_reviewer(training_completed_on=datetime.date(2025, 3, 1))
        assert profile.training_expires_on() == datetime.date(2026, 3, 1)
        assert profile.training_in_date(datetime.date(2026, 2, 28))
        assert not profile.training_in_date(datetime.date(2026, 3, 1))


class TestRanking:
    def test_it_ranks_no_conflict_then_training_then_capacity_then_caseload(
        self, case, make_reviewer, icb, lac
    ):
        busy = make_reviewer(user__full_name="Busy Bee")
        idle = make_reviewer(user__full_name="Idle Ivy")
        full = make_reviewer(user__full_name="Full Fay", max_caseload=1)
        make_reviewer(user__full_name="Expired Ed", expired=True)
        conflicted = make_reviewer(user__full_name="Conflicted Cal")
        EmploymentFactory(profile=conflicted, organisation=case.notification.gp_practice)
        for profile, n in ((busy, 2), (full, 1)):
            for _ in range(n):
                case_allocate(
                    case=CaseFactory(icb_org=icb),
                    reviewer=profile.user,
                    review_type="initial",
                    review_type_reason="x",
                    by=lac,
                )
        ranked = candidates_for(case)
        assert [c.user.full_name for c in ranked] == [
            "Idle Ivy",
            "Busy Bee",
            "Full Fay",
            "Expired Ed",
            "Conflicted Cal",
        ]
        by_name = {c.user.full_name: c for c in ranked}
        assert by_name["Busy Bee"].caseload == 2 and by_name["Full Fay"].at_capacity
        assert not by_name["Expired Ed"].training_ok
        assert by_name["Conflicted Cal"].conflicts
        assert idle.user.full_name == ranked[0].user.full_name

    def test_caseload_counts_open_work_only(self, make_reviewer, icb, lac):
        profile = make_reviewer()
        case = CaseFactory(icb_org=icb)
        case_allocate(
            case=case, reviewer=profile.user, review_type="initial", review_type_reason="x", by=lac
        )
        assert reviewers_in_icb(icb.pk).get(pk=profile.user_id).caseload == 1
        case.status = "completed"
        case.save()
        assert reviewers_in_icb(icb.pk).get(pk=profile.user_id).caseload == 0

    def test_the_directory_reads_in_a_fixed_number_of_queries(
        self, make_reviewer, icb, django_assert_max_num_queries
    ):
        for _ in range(3):
            p = make_reviewer()
            EmploymentFactory(profile=p)
            DeclaredConflictFactory(profile=p)
        with django_assert_max_num_queries(3) as ctx:
            people = list(directory_for_icb(icb.pk))
            for person in people:
                list(person.reviewer_profile.employments.all())
                assert len(person.reviewer_profile.active_conflicts) == 1
        few = len(ctx.captured_queries)
        for _ in range(10):
            p = make_reviewer()
            EmploymentFactory(profile=p)
        with django_assert_max_num_queries(few):
            for person in directory_for_icb(icb.pk):
                for job in person.reviewer_profile.employments.all():
                    assert job.organisation.name
