"""Panel packs and reports as PDF: rendered in the background, kept, downloaded by the
right people only; the pack carries no identifiers; the reports carry the figures."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from governance.models import DocumentKind, DocumentState, GeneratedDocument
from governance.reports import ReportSpec, period_for
from governance.services.documents import document_render, document_request
from governance.tests.factories import submitted_case
from governance.tests.helpers import members, on_agenda
from governance.tests.pdf import pdf_pages, pdf_text
from governance.tests.test_kpis import world  # noqa: F401 - the hand-worked fixture
from governance.tests.test_meeting_views import IDENTIFIERS, PERSON
from leder.models import AccessLog
from leder.roles import Role

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"governance:{name}", kwargs=kwargs)


def render(document):
    assert document_render(document_id=document.pk).endswith("s")
    document.refresh_from_db()
    assert document.state == DocumentState.DONE
    return document


class TestPanelPack:
    @pytest.fixture
    def meeting_with_agenda(self, meeting, icb, lac):
        on_agenda(meeting, submitted_case(icb, lac, **PERSON), lac)
        on_agenda(meeting, submitted_case(icb, lac), lac)
        return meeting

    def test_the_lac_prepares_it_and_members_download_it_without_identifiers(
        self, meeting_with_agenda, lac, signed_in, django_capture_on_commit_callbacks
    ):
        meeting = meeting_with_agenda
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = signed_in(lac).post(url("pack_request", pk=meeting.pk))
        assert response.status_code == 302 and len(callbacks) == 1
        document = render(GeneratedDocument.objects.get())
        assert document.kind == DocumentKind.PANEL_PACK and document.pages >= 3
        member = signed_in(members(meeting)[0])
        page = member.get(url("meeting", pk=meeting.pk)).content.decode()
        assert f"{document.pages} pages" in page
        response = member.get(url("document_download", pk=document.pk))
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        text = pdf_text(data)
        assert "Panel pack" in text and "Agenda" in text
        for item in meeting.items.select_related("case"):
            assert text.count(item.case.reference) >= 2  # the agenda and its report
        assert not [i for i in IDENTIFIERS if i in text]
        assert pdf_pages(data) == document.pages
        assert AccessLog.objects.filter(action="download", user=members(meeting)[0]).exists()
        assert document_render(document_id=document.pk) == "already done or being rendered"

    def test_outsiders_cannot_read_it(
        self, meeting_with_agenda, lac, client_for, outsider_client, client
    ):
        document = render(
            document_request(kind=DocumentKind.PANEL_PACK, meeting=meeting_with_agenda, by=lac)
        )
        for c in (
            outsider_client,
            client_for(Role.QA_PANEL_MEMBER),
            client_for(Role.GOVERNANCE_MEMBER),
        ):
            assert c.get(url("document_download", pk=document.pk)).status_code == 404
            assert c.get(url("document", pk=document.pk)).status_code == 404
        assert client.get(url("document", pk=document.pk)).status_code == 302


class TestReports:
    def test_the_annual_report_has_the_figures_worked_by_hand(self, world, icb, lac, capsys):  # noqa: F811
        start, end = period_for(DocumentKind.ANNUAL, 2025, 1)
        document = document_request(
            kind=DocumentKind.ANNUAL, icb=icb, period_start=start, period_end=end, by=lac
        )
        started = time.perf_counter()
        render(document)
        seconds = time.perf_counter() - started
        with capsys.disabled():
            print(f"\nannual report: {document.pages} pages in {seconds:.2f} s (small fixture)")
        response = self._download(lac, document)
        text = " ".join(pdf_text(response).split())
        assert "Annual report: 2025/26" in text
        assert "Deaths notified 10" in text
        assert "Cases allocated for the first time 4" in text
        assert "Median days from notification to allocation 10.5" in text
        assert "Reviews completed 3" in text
        assert "hold time excluded 66.7%" in text
        assert "not adjusted for holds 33.3%" in text
        assert f"{world['t1'].name} 2" in text
        assert "Respiratory system, including aspiration pneumonia (J00 to J99) 1" in text
        assert "OFFICIAL-SENSITIVE" in text
        assert seconds < 5

    def _download(self, user, document):
        from django.test import Client

        from leder.testing import sign_in_with_mfa

        c = sign_in_with_mfa(Client(), user)
        response = c.get(url("document_download", pk=document.pk))
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    def test_reports_are_requested_read_on_screen_and_polled(self, lac_client, icb):
        response = lac_client.post(
            url("reports"),
            {"kind": "quarterly", "year": "2025", "part": "quarterly:2", "do": "pdf"},
        )
        assert response.status_code == 302
        document = GeneratedDocument.objects.get()
        assert (document.period_start.isoformat(), document.period_end.isoformat()) == (
            "2025-07-01",
            "2025-09-30",
        )
        status = lac_client.get(url("document_status", pk=document.pk)).json()
        assert status == {
            "state": "queued",
            "label": "Waiting to start",
            "progress": 0,
            "ready": False,
        }
        page = lac_client.get(url("document", pk=document.pk)).content.decode()
        assert "<progress" in page and "This page updates by itself" in page
        response = lac_client.post(
            url("reports"), {"kind": "activity", "year": "2025", "part": "", "do": "view"}
        )
        assert response.status_code == 400
        assert "Select the months the report covers" in response.content.decode()
        response = lac_client.post(
            url("reports"), {"kind": "annual", "year": "2025", "part": "", "do": "view"}
        )
        assert response.status_code == 302
        page = lac_client.get(response["Location"]).content.decode()
        assert "Annual report: 2025/26" in page and "Deaths notified" in page

    def test_a_report_of_another_icb_is_not_shown(
        self, lac_client, icb, other_icb, make_user, regional_coordinator_client
    ):
        theirs = document_request(
            kind=DocumentKind.ANNUAL,
            icb=other_icb,
            period_start=period_for("annual", 2025, 1)[0],
            period_end=period_for("annual", 2025, 1)[1],
            by=make_user(Role.LAC, icb=other_icb),
        )
        render(theirs)
        assert lac_client.get(url("document_download", pk=theirs.pk)).status_code == 404
        assert (
            regional_coordinator_client.get(url("document_download", pk=theirs.pk)).status_code
            == 200
        )

    def test_report_periods(self):
        assert period_for("activity", 2025, 6) == (
            __import__("datetime").date(2026, 2, 1),
            __import__("datetime").date(2026, 3, 31),
        )
        spec = ReportSpec("quarterly", None, *period_for("quarterly", 2025, 1))
        assert spec.title == "Quarterly report to the ICB committee: April 2025 to June 2025"
