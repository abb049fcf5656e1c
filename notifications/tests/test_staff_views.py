"""Staff screens: who may see what (anonymous, outsider, wrong role, right role), the list's
filters and search, the detail page and its access log, and the decision, opt-out and
routing forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from leder.models import AccessLog
from leder.roles import Role
from leder.testing import search_url
from leder.tests.factories import GPPracticeFactory
from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import NotificationFactory
from reviews.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def detail(n):
    return reverse("notifications:detail", kwargs={"reference": n.reference})


def decision(n):
    return reverse("notifications:decision", kwargs={"reference": n.reference})


def opt_out(n):
    return reverse("notifications:opt_out", kwargs={"reference": n.reference})


def route(n):
    return reverse("notifications:route", kwargs={"reference": n.reference})


@pytest.fixture
def notification(icb):
    return NotificationFactory(icb=icb, given_name="Ada", family_name="Testperson")


class TestAccess:
    def test_it_sends_anonymous_people_to_sign_in(self, client, notification):
        for url in (LIST, detail(notification), opt_out(notification)):
            response = client.get(url)
            assert response.status_code == 302 and "/account/login/" in response["Location"]
        response = client.post(decision(notification), {"decision": "eligible"})
        assert response.status_code == 302
        assert Notification.objects.get().status == NotificationStatus.RECEIVED

    @pytest.mark.parametrize(
        "role",
        [
            Role.REVIEWER,
            Role.SENIOR_REVIEWER,
            Role.QA_PANEL_MEMBER,
            Role.GOVERNANCE_MEMBER,
            Role.SYSTEM_ADMINISTRATOR,
        ],
    )
    def test_it_refuses_other_roles(self, client_for, role, notification):
        client = client_for(role)
        assert client.get(LIST).status_code == 403
        assert client.get(detail(notification)).status_code == 403
        assert client.post(decision(notification), {"decision": "eligible"}).status_code == 403

    def test_it_hides_another_icbs_notification(self, outsider_client, notification):
        assert outsider_client.get(detail(notification)).status_code == 404
        assert outsider_client.get(opt_out(notification)).status_code == 404
        response = outsider_client.post(decision(notification), {"decision": "eligible"})
        assert response.status_code == 404
        assert outsider_client.post(opt_out(notification), {"confirm": "on"}).status_code == 404
        assert notification.reference not in outsider_client.get(LIST).content.decode()
        assert Notification.objects.get().status == NotificationStatus.RECEIVED

    def test_it_404s_a_malformed_or_unknown_reference(self, lac_client):
        assert lac_client.get("/notifications/LDR-2026-999999/").status_code == 404
        assert lac_client.get("/notifications/<script>/").status_code == 404

    @pytest.mark.parametrize("fixture", ["lac_client", "administrator_client"])
    def test_it_lets_the_icbs_lac_and_administrator_in(self, request, fixture, notification):
        client = request.getfixturevalue(fixture)
        assert notification.reference in client.get(LIST).content.decode()
        page = client.get(detail(notification)).content.decode()
        assert "Ada Testperson" in page and "Record decision" in page

    def test_it_refuses_wrong_methods(self, lac_client, notification):
        assert lac_client.get(decision(notification)).status_code == 405
        assert lac_client.get(route(notification)).status_code == 405
        assert lac_client.put(LIST).status_code == 405
        assert lac_client.post(LIST).status_code == 302  # a search: see leder/lib/search.py
        assert lac_client.post(detail(notification)).status_code == 405

    def test_it_lets_the_regional_coordinator_see_only_the_unrouted_queue(
        self, regional_coordinator_client, notification
    ):
        unrouted = NotificationFactory(unrouted=True)
        page = regional_coordinator_client.get(LIST).content.decode()
        assert unrouted.reference in page and notification.reference not in page
        assert regional_coordinator_client.get(detail(notification)).status_code == 404
        page = regional_coordinator_client.get(detail(unrouted)).content.decode()
        assert "Route to an ICB" in page and "Record decision" not in page
        response = regional_coordinator_client.post(decision(unrouted), {"decision": "eligible"})
        assert response.status_code == 403

    def test_it_keeps_personal_data_out_of_urls(self, lac_client, notification):
        page = lac_client.get(LIST).content.decode()
        assert f'href="/notifications/{notification.reference}/"' in page
        assert f"/notifications/{notification.nhs_number}" not in page


class TestList:
    def test_it_filters_by_status(self, lac_client, icb):
        received = NotificationFactory(icb=icb)
        eligible = NotificationFactory(icb=icb, eligible=True)
        page = lac_client.get(LIST, {"status": "eligible"}).content.decode()
        assert eligible.reference in page and received.reference not in page

    @pytest.mark.parametrize(
        "query",
        [
            lambda n: n.reference,
            lambda n: n.reference.lower(),
            lambda n: f"{n.nhs_number[:3]} {n.nhs_number[3:6]} {n.nhs_number[6:]}",
            lambda n: n.nhs_number,
            lambda n: "testperson",
            lambda n: "Ada Testperson",
        ],
    )
    def test_it_searches_by_reference_nhs_number_or_name(self, lac_client, notification, query):
        other = NotificationFactory(icb=notification.icb, given_name="Zed", family_name="Other")
        page = lac_client.get(search_url(lac_client, LIST, {"q": query(notification)}))
        page = page.content.decode()
        assert notification.reference in page
        assert other.reference not in page

    def test_it_survives_odd_filters(self, lac_client, notification):
        assert lac_client.get(LIST, {"status": "bogus", "page": "x"}).status_code == 200
        found = search_url(lac_client, LIST, {"q": "x" * 500})
        assert lac_client.get(f"{found}&page=999").status_code == 200

    def test_it_paginates_by_50(self, lac_client, icb):
        practice = GPPracticeFactory(parent_icb=icb)
        NotificationFactory.create_batch(51, icb=icb, gp_practice=practice)
        first = lac_client.get(LIST).content.decode()
        assert "51 notifications" in first and "Next page" in first
        second = lac_client.get(LIST, {"page": 2}).content.decode()
        assert "Previous page" in second


class TestDetail:
    def test_it_logs_every_view(self, lac_client, notification):
        lac_client.get(detail(notification))
        lac_client.get(detail(notification))
        logs = AccessLog.objects.for_object(notification)
        assert logs.count() == 2 and {log.user for log in logs} == {lac_client.user}

    def test_it_shows_the_screening_and_the_duplicates(self, lac_client, icb):
        original = NotificationFactory(icb=icb)
        duplicate = NotificationFactory(
            icb=icb,
            duplicate=True,
            duplicate_of=original,
            focused_criteria=[{"code": "family_request", "reason": "The family asked."}],
        )
        page = lac_client.get(detail(duplicate)).content.decode()
        assert "This is a duplicate of" in page and original.reference in page
        assert "The family asked." in page
        assert duplicate.reference in lac_client.get(detail(original)).content.decode()


class TestDecision:
    def test_it_opens_a_case_when_eligible(self, lac_client, notification):
        response = lac_client.post(decision(notification), {"decision": "eligible"})
        assert response.status_code == 302 and response["Location"] == detail(notification)
        case = Case.objects.get(notification=notification)
        assert case.status == CaseStatus.AWAITING_ALLOCATION
        page = lac_client.get(detail(notification)).content.decode()
        assert "Screening decision recorded" in page and "Awaiting allocation".lower() in page

    def test_it_needs_a_reason_for_not_eligible(self, lac_client, notification):
        response = lac_client.post(decision(notification), {"decision": "ineligible"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "There is a problem" in page and "Enter why the death is not eligible" in page
        response = lac_client.post(
            decision(notification), {"decision": "ineligible", "reason": "Not in England"}
        )
        assert response.status_code == 302
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.INELIGIBLE

    def test_it_marks_a_duplicate_of_a_candidate(self, lac_client, notification):
        original = NotificationFactory(
            icb=notification.icb,
            nhs_number=notification.nhs_number,
        )
        response = lac_client.post(
            decision(notification), {"decision": "duplicate", "duplicate_of": "LDR-2026-000000"}
        )
        assert response.status_code == 400
        response = lac_client.post(
            decision(notification), {"decision": "duplicate", "duplicate_of": original.reference}
        )
        assert response.status_code == 302
        notification.refresh_from_db()
        assert notification.duplicate_of == original

    def test_it_cannot_mark_a_duplicate_of_another_icbs_notification(
        self, lac_client, notification, other_icb
    ):
        elsewhere = NotificationFactory(icb=other_icb, nhs_number=notification.nhs_number)
        response = lac_client.post(
            decision(notification), {"decision": "duplicate", "duplicate_of": elsewhere.reference}
        )
        assert response.status_code == 400
        assert elsewhere.reference not in response.content.decode()

    def test_it_refuses_a_decision_the_status_does_not_allow(self, lac_client, icb):
        eligible = NotificationFactory(icb=icb, eligible=True)
        response = lac_client.post(decision(eligible), {"decision": "ineligible", "reason": "x"})
        assert response.status_code == 400
        eligible.refresh_from_db()
        assert eligible.status == NotificationStatus.ELIGIBLE


class TestOptOut:
    def test_it_asks_for_confirmation_then_stops_the_case(self, lac_client, notification):
        page = lac_client.get(opt_out(notification))
        assert page.status_code == 200 and "cannot be undone" in page.content.decode()
        response = lac_client.post(opt_out(notification), {})
        assert response.status_code == 400
        assert "Confirm the person had registered" in response.content.decode()
        response = lac_client.post(opt_out(notification), {"confirm": "on"})
        assert response.status_code == 302
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.OPTED_OUT
        assert notification.given_name == ""
        page = lac_client.get(detail(notification)).content.decode()
        assert "National Data Opt-Out" in page and "Ada" not in page
        assert lac_client.get(opt_out(notification))["Location"] == detail(notification)

    def test_it_is_for_lac_and_administrators_only(self, regional_coordinator_client):
        unrouted = NotificationFactory(unrouted=True)
        response = regional_coordinator_client.post(opt_out(unrouted), {"confirm": "on"})
        assert response.status_code == 403


class TestRoute:
    def test_it_routes_an_unrouted_notification(self, regional_coordinator_client, icb):
        unrouted = NotificationFactory(unrouted=True)
        response = regional_coordinator_client.post(route(unrouted), {"icb": ""})
        assert response.status_code == 400
        assert "Select the ICB" in response.content.decode()
        response = regional_coordinator_client.post(route(unrouted), {"icb": icb.pk})
        assert response.status_code == 302
        unrouted.refresh_from_db()
        assert unrouted.icb == icb

    def test_it_is_not_for_the_lac(self, lac_client, notification, other_icb):
        response = lac_client.post(route(notification), {"icb": other_icb.pk})
        assert response.status_code == 403
        notification.refresh_from_db()
        assert notification.icb != other_icb


def test_it_reads_notifications_in_views_only_through_the_accessors():
    from pathlib import Path

    import notifications.views

    for module in Path(notifications.views.__file__).parent.glob("*.py"):
        source = module.read_text()
        assert "Notification.objects" not in source, module.name
        assert "Case.objects" not in source, module.name
