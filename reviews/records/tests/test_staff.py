"""Staff pages: who may list, ask, cancel and download (anonymous, outsiders, each
role, wrong methods); asking through the form; downloads logged and served safely; the
review page's summary; query counts flat."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from leder.models import AccessLog
from leder.roles import Role
from leder.testing import assert_queries_flat
from leder.tests.factories import ICBFactory
from reviews.records.models import RecordFile, RecordRequest, RecordRequestStatus
from reviews.records.tests.factories import RecordRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_file(sent):
    request, _ = sent
    name = default_storage.save("records/abc123", ContentFile(b"%PDF-1.4 test"))
    return RecordFile.objects.create(
        request=request,
        storage_name=name,
        original_name="Ada <letter>.pdf",
        size=13,
        sha256="0" * 64,
        file_type="pdf",
        scan="not_scanned",
    )


def urls(request, record_file):
    reference = request.case.reference
    return {
        "case": reverse("records:case", kwargs={"reference": reference}),
        "new": reverse("records:new", kwargs={"reference": reference}),
        "request": reverse("records:request", kwargs={"key": request.key}),
        "cancel": reverse("records:cancel", kwargs={"key": request.key}),
        "download": reverse("records:download", kwargs={"key": record_file.key}),
    }


class TestAccess:
    def test_anonymous_people_are_sent_to_sign_in(self, sent, stored_file, client):
        for address in urls(sent[0], stored_file).values():
            response = client.get(address)
            assert response.status_code == 302 and "/account/login/" in response["Location"]

    def test_outsiders_get_404(self, sent, stored_file, client_of, make_user, other_icb):
        outsiders = [
            make_user(Role.LAC, icb=other_icb),
            make_user(Role.ADMINISTRATOR, icb=other_icb),
            make_user(Role.REVIEWER),  # same ICB, not allocated
            make_user(Role.SENIOR_REVIEWER),
            make_user(Role.QA_PANEL_MEMBER),
            make_user(Role.GOVERNANCE_MEMBER),
            make_user(Role.REGIONAL_COORDINATOR),
            make_user(Role.SYSTEM_ADMINISTRATOR),
        ]
        for user in outsiders:
            client = client_of(user)
            for name, address in urls(sent[0], stored_file).items():
                assert client.get(address).status_code == 404, (user.roles, name)
        assert not AccessLog.objects.filter(action="download").exists()

    @pytest.mark.parametrize("who", ["reviewer", "senior", "lac", "admin_user"])
    def test_the_people_on_the_case_can_list_and_download(
        self, who, request, sent, stored_file, client_of
    ):
        user = request.getfixturevalue(who)
        client = client_of(user)
        addresses = urls(sent[0], stored_file)
        assert client.get(addresses["case"]).status_code == 200
        assert client.get(addresses["request"]).status_code == 200
        response = client.get(addresses["download"])
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        log = AccessLog.objects.get(user=user, action="download")
        assert log.object_id == str(stored_file.pk)
        assert log.content_type.model == "recordfile"

    @pytest.mark.parametrize(
        ("who", "allowed"),
        [("reviewer", True), ("lac", True), ("admin_user", True), ("senior", False)],
    )
    def test_who_may_ask_and_cancel(self, who, allowed, request, sent, stored_file, client_of):
        client = client_of(request.getfixturevalue(who))
        addresses = urls(sent[0], stored_file)
        expected = 200 if allowed else 403
        assert client.get(addresses["new"]).status_code == expected
        assert client.get(addresses["cancel"]).status_code == expected

    def test_wrong_methods(self, sent, stored_file, client_of, reviewer):
        client = client_of(reviewer)
        addresses = urls(sent[0], stored_file)
        for name in ("case", "request", "download"):
            assert client.post(addresses[name]).status_code == 405, name
        for name in ("new", "cancel"):
            assert client.put(addresses[name]).status_code == 405, name

    def test_a_reviewer_whose_allocation_ended_loses_access(
        self, sent, stored_file, client_of, reviewer, lac, make_user
    ):
        from reviews.services import case_allocate
        from reviews.tests.factories import ReviewerProfileFactory

        case = sent[0].case
        other = ReviewerProfileFactory(icb=case.icb).user
        active = case.allocations.get(ended_at__isnull=True)
        case_allocate(
            case=case,
            reviewer=other,
            review_type="initial",
            review_type_reason="x",
            by=lac,
            replacing=active,
        )
        client = client_of(reviewer)
        assert client.get(urls(sent[0], stored_file)["download"]).status_code == 404


class TestDownload:
    def test_it_is_an_attachment_never_sniffed_or_stored(
        self, sent, stored_file, client_of, reviewer
    ):
        response = client_of(reviewer).get(urls(sent[0], stored_file)["download"])

        assert response["Content-Disposition"].startswith("attachment;")
        assert "letter" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]

    def test_every_download_is_logged(self, sent, stored_file, client_of, reviewer):
        client = client_of(reviewer)
        for _ in range(2):
            client.get(urls(sent[0], stored_file)["download"])
        assert AccessLog.objects.filter(user=reviewer, action="download").count() == 2

    def test_a_removed_file_is_gone(self, sent, stored_file, client_of, reviewer):
        from django.utils import timezone

        RecordFile.objects.filter(pk=stored_file.pk).update(removed_at=timezone.now())
        assert client_of(reviewer).get(urls(sent[0], stored_file)["download"]).status_code == 404


class TestAsking:
    def form(self, case, **changes):
        data = {
            "organisation": str(case.notification.gp_practice.pk),
            "ods_code": "",
            "send_to": "secure",
            "other_email": "",
            "period_from_day": "10",
            "period_from_month": "1",
            "period_from_year": "2023",
            "period_to_day": "10",
            "period_to_month": "1",
            "period_to_year": "2026",
        }
        data.update(changes)
        return data

    def test_the_form_starts_with_the_practice_and_three_years(
        self, allocated, client_of, reviewer
    ):
        page = (
            client_of(reviewer)
            .get(reverse("records:new", kwargs={"reference": allocated.reference}))
            .content.decode()
        )
        assert "registered GP practice" in page
        assert 'value="2023"' in page and 'value="2026"' in page

    def test_a_reviewer_asks_the_practice(self, allocated, client_of, reviewer):
        response = client_of(reviewer).post(
            reverse("records:new", kwargs={"reference": allocated.reference}), self.form(allocated)
        )
        assert response.status_code == 302
        request = RecordRequest.objects.get()
        assert request.recipient_email == "test.practice@nhs.net" and request.created_by == reviewer

    def test_another_organisation_by_ods_code_and_another_address_with_a_warning(
        self, allocated, client_of, lac, icb
    ):
        from leder.tests.factories import OrganisationFactory

        trust = OrganisationFactory(parent_icb=ICBFactory(), ods_code="RR8", secure_email="")
        address = reverse("records:new", kwargs={"reference": allocated.reference})
        client = client_of(lac)
        data = self.form(allocated, organisation="other", ods_code="rr8")

        page = client.post(address, data).content.decode()
        assert "has no secure email address recorded" in page

        data.update(send_to="other", other_email="records.team@nhs.net")
        page = client.post(address, data).content.decode()
        assert "Confirm you have checked this is a secure mailbox" in page
        assert "Check the address" in page

        response = client.post(address, {**data, "confirm_email": "on"})
        assert response.status_code == 302
        request = RecordRequest.objects.get()
        assert request.organisation == trust and request.recipient_email == "records.team@nhs.net"

    def test_it_shows_each_problem(self, allocated, client_of, reviewer):
        address = reverse("records:new", kwargs={"reference": allocated.reference})
        data = self.form(allocated, period_from_year="2027", ods_code="", organisation="other")
        page = client_of(reviewer).post(address, data).content.decode()
        assert "There is a problem" in page
        assert "Enter the ODS code of the organisation" in page
        assert "Records from must be before records to" in page
        assert not RecordRequest.objects.exists()

    def test_a_closed_case_takes_no_new_requests(self, allocated, client_of, lac):
        allocated.status = "completed"
        allocated.save()
        client = client_of(lac)
        address = reverse("records:new", kwargs={"reference": allocated.reference})
        response = client.post(address, self.form(allocated))
        assert response.status_code == 302 and not RecordRequest.objects.exists()
        page = client.get(response["Location"]).content.decode()
        assert "only be asked for while the review is open" in page
        assert "Ask for records" not in page

    def test_cancelling_through_the_page(self, sent, stored_file, client_of, reviewer):
        request, _ = sent
        client = client_of(reviewer)
        address = urls(request, stored_file)["cancel"]
        assert "Enter why" in client.post(address, {"reason": ""}).content.decode()
        response = client.post(address, {"reason": "Practice closed"})
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == RecordRequestStatus.CANCELLED


class TestPages:
    def test_the_request_page_shows_its_history(self, sent, stored_file, client_of, reviewer):
        page = client_of(reviewer).get(urls(sent[0], stored_file)["request"]).content.decode()
        for text in (
            "Records requested",
            "Link emailed",
            "To test.practice@nhs.net",
            "Ada &lt;letter&gt;.pdf",
        ):
            assert text in page, text
        assert AccessLog.objects.filter(user=reviewer, content_type__model="recordrequest").exists()

    def test_the_case_page_lists_requests_in_flat_queries(
        self, allocated, client_of, lac, reviewer
    ):
        client = client_of(lac)
        address = reverse("records:case", kwargs={"reference": allocated.reference})

        def grow(n):
            for _ in range(n):
                request = RecordRequestFactory(case=allocated, status="sent")
                RecordFile.objects.create(
                    request=request,
                    storage_name=f"records/{request.pk}",
                    original_name="x.pdf",
                    size=1,
                    sha256=str(request.pk),
                    file_type="pdf",
                    scan="not_scanned",
                )

        before, after = assert_queries_flat(lambda: client.get(address), grow, small=1, large=8)
        print(f"\nrecords case page queries: {before} with 1 request, {after} with 8")

    def test_the_review_page_summary_renders_for_the_people_on_the_case(
        self, sent, stored_file, reviewer, make_user, other_icb
    ):
        request, _ = sent
        http = RequestFactory().get("/")
        http.user = reviewer
        html = render_to_string(
            "records/_case_summary.jinja", {"case": request.case, "request": http}
        )
        assert "Test Medical Practice" in html and "Ada &lt;letter&gt;.pdf" in html
        assert "Ask for records" in html

        http.user = make_user(Role.LAC, icb=other_icb)
        html = render_to_string(
            "records/_case_summary.jinja", {"case": request.case, "request": http}
        )
        assert "Test Medical Practice" not in html and "Ask for records" not in html
