"""The case pages: who may see what (anonymous, outsider, wrong role, right role, wrong
method), allocation through the page (conflicts, override, stale page), the reviewer's
answer, linking organisations, keeping a reviewer, and the override report."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leder.models import AccessLog
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from leder.tests.factories import OrganisationFactory
from reviews.models import Allocation, CaseStatus, ConflictFlag
from reviews.services import case_allocate, case_provider_add
from reviews.tests.factories import CaseFactory, EmploymentFactory

pytestmark = pytest.mark.django_db


def url(name, case, **kw):
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, **kw})


def client_of(user):
    return sign_in_with_mfa(Client(), user)


def form(reviewer, **overrides):
    data = {
        "review_type": "initial",
        "review_type_reason": "No focused review criteria met",
        "reviewer": str(reviewer.pk),
        "senior_reviewer": "",
        "override_justification": "",
        "current_allocation": "",
    }
    data.update(overrides)
    return data


def allocate(case, reviewer, lac, **kw):
    return case_allocate(
        case=case,
        reviewer=reviewer,
        review_type="initial",
        review_type_reason="x",
        by=lac,
        **kw,
    )


class TestAccess:
    def test_it_sends_anonymous_people_to_sign_in(self, client, case):
        for address in (
            reverse("reviews:dashboard"),
            reverse("reviews:my_reviews"),
            reverse("reviews:overrides"),
            url("case", case),
            url("allocate", case),
            url("decline", case),
            url("provider_add", case),
        ):
            response = client.get(address)
            assert response.status_code == 302 and "/account/login/" in response["Location"]
        client.post(url("allocate", case), {})
        assert not Allocation.objects.exists()

    def test_it_hides_another_icbs_case(self, outsider_client, case, reviewer):
        for name in ("case", "allocate", "decline", "provider_add"):
            assert outsider_client.get(url(name, case)).status_code == 404, name
        response = outsider_client.post(url("allocate", case), form(reviewer))
        assert response.status_code == 404
        assert outsider_client.post(url("keep_reviewer", case), {}).status_code == 404
        page = outsider_client.get(reverse("reviews:dashboard"), {"queue": "all"})
        assert case.reference not in page.content.decode()
        assert not Allocation.objects.exists()

    def test_it_404s_a_malformed_or_unknown_reference(self, lac_client):
        assert lac_client.get("/reviews/cases/LDR-2026-999999/").status_code == 404
        assert lac_client.get("/reviews/cases/<script>/").status_code == 404

    @pytest.mark.parametrize(
        "role",
        [
            Role.REVIEWER,
            Role.SENIOR_REVIEWER,
            Role.QA_PANEL_MEMBER,
            Role.GOVERNANCE_MEMBER,
            Role.REGIONAL_COORDINATOR,
            Role.SYSTEM_ADMINISTRATOR,
        ],
    )
    def test_other_roles_see_no_dashboard_and_no_case(self, client_for, role, case):
        client = client_for(role)
        assert client.get(reverse("reviews:dashboard")).status_code == 403
        assert client.get(url("case", case)).status_code == 404
        assert client.get(url("allocate", case)).status_code == 404

    def test_a_reviewer_sees_only_the_cases_allocated_to_them(self, case, reviewer, lac, icb):
        other = CaseFactory(icb_org=icb)
        allocate(case, reviewer, lac)
        client = client_of(reviewer)
        assert client.get(url("case", case)).status_code == 200
        assert client.get(url("case", other)).status_code == 404
        assert client.get(url("allocate", case)).status_code == 403
        assert client.get(url("provider_add", case)).status_code == 403
        assert client.post(url("keep_reviewer", case), {}).status_code == 403
        page = client.get(reverse("reviews:my_reviews")).content.decode()
        assert case.reference in page and other.reference not in page

    def test_the_administrator_sees_cases_but_does_not_allocate(
        self, administrator_client, case, reviewer
    ):
        page = administrator_client.get(url("case", case)).content.decode()
        assert case.reference in page and ">Allocate<" not in page
        assert administrator_client.get(url("allocate", case)).status_code == 403
        assert administrator_client.get(url("provider_add", case)).status_code == 200

    def test_it_refuses_wrong_methods(self, lac_client, case):
        assert lac_client.put(reverse("reviews:dashboard")).status_code == 405
        # POST is the search form (leder/lib/search.py): it redirects to a token URL.
        assert lac_client.post(reverse("reviews:dashboard")).status_code == 302
        assert lac_client.post(url("case", case)).status_code == 405
        assert lac_client.get(url("keep_reviewer", case)).status_code == 405
        assert lac_client.put(url("allocate", case)).status_code == 405

    def test_it_logs_every_view_of_a_case(self, lac_client, case):
        lac_client.get(url("case", case))
        lac_client.get(url("allocate", case))
        logs = AccessLog.objects.for_object(case)
        assert logs.count() == 2 and {log.user for log in logs} == {lac_client.user}

    def test_it_keeps_personal_data_out_of_urls(self, lac_client, case):
        page = lac_client.get(reverse("reviews:dashboard")).content.decode()
        assert f'href="/reviews/cases/{case.reference}/"' in page
        assert case.notification.nhs_number not in page
        assert "Testperson" not in page  # initials only in the list


class TestAllocatePage:
    def test_it_shows_ranked_reviewers_with_their_conflicts(
        self, lac_client, case, reviewer, make_reviewer
    ):
        EmploymentFactory(
            profile=reviewer.reviewer_profile, organisation=case.notification.gp_practice
        )
        free = make_reviewer(user__full_name="Ola Free")
        make_reviewer(user__full_name="Tim Expired", expired=True)
        page = lac_client.get(url("allocate", case)).content.decode()
        assert page.index("Ola Free") < page.index("Tim Expired") < page.index("Grace Okafor")
        assert "No conflicts of interest found" in page
        assert "the GP practice: the reviewer works there now" in page
        assert "LeDeR training expired on" in page
        assert free.user.full_name in page

    def test_it_shows_the_focused_review_criteria_with_reasons(self, lac_client, case):
        case.notification.focused_criteria = [
            {"code": "family_request", "reason": "The family asked for a detailed review."}
        ]
        case.notification.save()
        page = lac_client.get(url("allocate", case)).content.decode()
        assert "The family asked for a detailed review." in page

    def test_it_refuses_a_conflicted_reviewer_then_allocates_another(
        self, lac_client, case, reviewer, make_reviewer
    ):
        EmploymentFactory(
            profile=reviewer.reviewer_profile, organisation=case.notification.gp_practice
        )
        response = lac_client.post(url("allocate", case), form(reviewer))
        assert response.status_code == 400
        page = response.content.decode()
        assert "There is a problem" in page and "Grace Okafor has a conflict of interest" in page
        assert 'href="#id_override_justification"' in page
        assert "No focused review criteria met" in page  # nothing typed is lost
        other = make_reviewer(user__full_name="Ola Free").user
        response = lac_client.post(url("allocate", case), form(other))
        assert response.status_code == 302 and response["Location"] == url("case", case)
        assert Allocation.objects.get().reviewer == other
        page = lac_client.get(url("case", case)).content.decode()
        assert f"Case {case.reference} allocated to Ola Free" in page

    def test_it_records_an_override_and_reports_it(self, lac_client, case, reviewer, client_for):
        EmploymentFactory(
            profile=reviewer.reviewer_profile, organisation=case.notification.gp_practice
        )
        response = lac_client.post(
            url("allocate", case),
            form(reviewer, override_justification="Left in 2019; agreed with the chair"),
        )
        assert response.status_code == 302
        assert Allocation.objects.get().override_justification.startswith("Left in 2019")
        for client in (lac_client, client_for(Role.GOVERNANCE_MEMBER)):
            page = client.get(reverse("reviews:overrides")).content.decode()
            assert case.reference in page and "agreed with the chair" in page
            assert "Testperson" not in page
        assert client_for(Role.REVIEWER).get(reverse("reviews:overrides")).status_code == 403

    def test_an_expired_reviewer_cannot_be_chosen(self, lac_client, case, make_reviewer):
        expired = make_reviewer(expired=True).user
        response = lac_client.post(url("allocate", case), form(expired))
        assert response.status_code == 400 and "training expired" in response.content.decode()
        assert not Allocation.objects.exists()

    def test_it_needs_answers(self, lac_client, case, reviewer):
        response = lac_client.post(url("allocate", case), {"current_allocation": ""})
        page = response.content.decode()
        assert response.status_code == 400
        for message in (
            "Select initial review or focused review",
            "Enter why you chose this type of review",
            "Select a reviewer",
        ):
            assert message in page
        response = lac_client.post(url("allocate", case), {**form(reviewer), "reviewer": "9999"})
        assert "Select a reviewer from the list" in response.content.decode()

    def test_a_stale_page_gets_a_clear_message(
        self, lac_client, case, reviewer, make_reviewer, lac
    ):
        allocate(case, reviewer, lac)  # someone else, a moment ago
        other = make_reviewer(user__full_name="Ola Free").user
        response = lac_client.post(url("allocate", case), form(other, current_allocation=""))
        assert response.status_code == 409
        page = response.content.decode()
        assert "This case was allocated by someone else a moment ago" in page
        assert "Allocated now to Grace Okafor" in page
        assert Allocation.objects.get().reviewer == reviewer
        # Submitting again, having seen it, is a deliberate reallocation.
        current = str(Allocation.objects.get().pk)
        assert f'value="{current}"' in page
        response = lac_client.post(url("allocate", case), form(other, current_allocation=current))
        assert response.status_code == 302
        assert Allocation.objects.active().get().reviewer == other

    def test_a_closed_case_cannot_be_allocated(self, lac_client, icb, reviewer):
        closed = CaseFactory(icb_org=icb, opted_out=True)
        response = lac_client.get(url("allocate", closed))
        assert response.status_code == 302 and response["Location"] == url("case", closed)
        lac_client.post(url("allocate", closed), form(reviewer))
        assert not Allocation.objects.exists()


class TestReviewerAnswer:
    def test_the_reviewer_accepts(self, case, reviewer, lac):
        allocate(case, reviewer, lac)
        client = client_of(reviewer)
        page = client.get(url("case", case)).content.decode()
        assert "Accept this review" in page and "Ada Testperson" in page
        response = client.post(url("accept", case), {})
        assert response.status_code == 400
        assert "Confirm you have no conflict of interest" in response.content.decode()
        response = client.post(url("accept", case), {"confirm": "on"})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS
        assert "Review accepted" in client.get(url("case", case)).content.decode()

    def test_the_reviewer_declares_a_conflict(self, case, reviewer, lac):
        allocate(case, reviewer, lac)
        client = client_of(reviewer)
        response = client.post(url("decline", case), {"reason": ""})
        assert response.status_code == 400
        assert "Describe your conflict of interest" in response.content.decode()
        response = client.post(url("decline", case), {"reason": "I know the family"})
        assert response.status_code == 302
        assert response["Location"] == reverse("reviews:my_reviews")
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_ALLOCATION
        page = client.get(reverse("reviews:my_reviews")).content.decode()
        assert "Conflict of interest recorded" in page and case.reference in page
        assert "You have no reviews" in page
        assert client.get(url("case", case)).status_code == 404  # access has gone

    def test_the_senior_reviewer_sees_the_case_but_cannot_answer(self, case, reviewer, senior, lac):
        allocate(case, reviewer, lac, senior_reviewer=senior)
        client = client_of(senior)
        page = client.get(url("case", case)).content.decode()
        assert "Peer support" in page and "Accept this review" not in page
        assert client.post(url("accept", case), {"confirm": "on"}).status_code == 403
        assert client.get(url("decline", case)).status_code == 403


class TestLinkedOrganisations:
    def test_linking_a_provider_flags_a_new_conflict(self, lac_client, case, reviewer, lac, icb):
        care = OrganisationFactory(parent_icb=icb, name="Sunrise Care")
        EmploymentFactory(profile=reviewer.reviewer_profile, organisation=care)
        allocate(case, reviewer, lac)
        response = lac_client.post(url("provider_add", case), {"organisation": care.pk})
        assert response.status_code == 400
        assert "Select the organisation&#39;s part in the person" in response.content.decode()
        response = lac_client.post(
            url("provider_add", case), {"organisation": care.pk, "role": "care_provider"}
        )
        assert response.status_code == 302
        page = lac_client.get(url("case", case)).content.decode()
        assert "Conflict of interest found after allocation" in page and "Sunrise Care" in page
        assert "Conflict to check" in lac_client.get(reverse("reviews:dashboard")).content.decode()

        response = lac_client.post(url("keep_reviewer", case), {"justification": ""})
        assert response.status_code == 400 and "There is a problem" in response.content.decode()
        response = lac_client.post(url("keep_reviewer", case), {"justification": "Other site"})
        assert response.status_code == 302
        assert ConflictFlag.objects.get().justification == "Other site"
        page = lac_client.get(url("case", case)).content.decode()
        assert "Conflict of interest found after allocation" not in page
        assert "Other site" in lac_client.get(reverse("reviews:overrides")).content.decode()

    def test_only_organisations_of_the_icb_can_be_linked(self, lac_client, case, other_icb):
        elsewhere = OrganisationFactory(parent_icb=other_icb)
        response = lac_client.post(
            url("provider_add", case), {"organisation": elsewhere.pk, "role": "hospital"}
        )
        assert response.status_code == 400
        assert not case.providers.exists()

    def test_it_rechecks_through_the_service_too(self, case, reviewer, lac, icb):
        care = OrganisationFactory(parent_icb=icb)
        allocate(case, reviewer, lac)
        _, flag = case_provider_add(case=case, organisation=care, role="hospital", by=lac)
        assert flag is None


def test_it_reads_cases_in_views_only_through_the_accessors():
    from pathlib import Path

    import reviews.views

    for module in Path(reviews.views.__file__).parent.glob("*.py"):
        source = module.read_text()
        for model in ("Case", "Notification", "Allocation", "ReviewerProfile", "CaseProvider"):
            assert f"{model}.objects" not in source, (module.name, model)
