"""The review report PDF (text extracted from the PDF itself), its redacted variant, the
condolence letter, and what a National Data Opt-Out leaves of a review."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from notifications.models import Notification
from reviews.models import (
    KeyEpisode,
    ReviewSection,
    ReviewVersion,
    SupervisionComment,
)
from reviews.review.letters import condolence_letter_pdf
from reviews.review.report import redact, review_report_html
from reviews.services import (
    case_submit_for_qa,
    case_transition,
    review_report_pdf,
    supervision_comment_add,
)
from reviews.tests.review_data import add_episode, complete_review, save_section

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def version(review_case, reviewer, senior):
    Notification.objects.filter(pk=review_case.notification_id).update(
        address="12 Example Road, Leeds", postcode="LS1 4AP"
    )
    review_case.notification.refresh_from_db()
    supervision_comment_add(
        case=review_case, section_key="findings", text="Check the grading", by=senior
    )
    complete_review(review_case, reviewer)
    n = review_case.notification
    save_section(
        review_case,
        "about-the-person",
        reviewer,
        pen_portrait=(
            f"Ada Testperson (NHS number {n.nhs_number}) was born on 17 May 1970 and lived at "
            "12 Example Road. She loved gardening. Her sister Bea visited every Sunday."
        ),
    )
    add_episode(review_case, reviewer, day=9, what_happened="Seen at home on 10/01/2026.")
    return case_submit_for_qa(case=review_case, by=reviewer)


class TestReport:
    def test_the_pdf_has_the_whole_review(self, version, review_case):
        text, pages = pdf_text(review_report_pdf(version=version, redacted=False))
        flat = " ".join(text.split())
        assert pages >= 2
        assert text.count("OFFICIAL-SENSITIVE") >= pages  # every page's footer
        for expected in (
            review_case.reference,
            "version 1",
            "Initial review",
            "Ada Testperson",
            review_case.notification.nhs_number,
            "17 May 1970",
            "10 January 2026",
            "12 Example Road",
            "She loved gardening",
            "Aspiration pneumonia",
            "J69.0: Pneumonitis due to food and vomit",
            "3: Satisfactory care",
            "Check the grading",
            "Leeds Teaching Hospitals",
            f"Page 1 of {pages}",
        ):
            assert expected in flat, expected

    def test_the_redacted_pdf_has_no_direct_identifiers(self, version, review_case):
        n = review_case.notification
        text, _ = pdf_text(review_report_pdf(version=version, redacted=True))
        flat = " ".join(text.split())
        for identifier in (
            "Ada",
            "Testperson",
            "Bea",
            n.nhs_number,
            f"{n.nhs_number[:3]} {n.nhs_number[3:6]} {n.nhs_number[6:]}",
            "12 Example Road",
            "LS1 4AP",
            "17 May 1970",
            "10 January 2026",
            "10/01/2026",
        ):
            assert identifier not in flat, identifier
        assert "Redacted for panel packs" in flat
        assert "Age at death 55" in flat and "January 2026" in flat
        assert "She loved gardening" in flat and "[removed]" in flat
        assert "[date of birth]" in flat and "[date of death]" in flat
        assert "OFFICIAL-SENSITIVE" in flat

    def test_redaction_leaves_the_version_alone(self, version):
        redact(version.content)
        version.refresh_from_db()
        assert "Ada Testperson" in version.content["sections"][0]["rows"][0]["value"]

    def test_the_html_is_the_same_document(self, version):
        html = review_report_html(version=version, redacted=False)
        assert "<h1>Initial review: " in html and "OFFICIAL-SENSITIVE" in html

    def test_the_condolence_letter(self, review_case, reviewer):
        text, pages = pdf_text(condolence_letter_pdf(case=review_case, by=reviewer))
        flat = " ".join(text.split())
        assert pages == 1
        assert "Dear Bea Testperson" in flat
        assert "the death of Ada Testperson" in flat
        assert "Grace Okafor" in flat and review_case.reference in flat


class TestOptOut:
    def test_an_opt_out_removes_the_review_but_keeps_who_and_when(
        self, review_case, reviewer, senior, lac
    ):
        supervision_comment_add(
            case=review_case, section_key="evidence", text="About Ada", by=senior
        )
        complete_review(review_case, reviewer)
        version = case_submit_for_qa(case=review_case, by=reviewer)
        case_transition(case=review_case, to="opted_out", by=lac, reason="Opt-out")
        for model in (ReviewSection, KeyEpisode, SupervisionComment):
            assert not model.objects.exists()
            assert not model.history.exists()
        kept = ReviewVersion.objects.get()
        assert kept.content == {"erased": "Removed after a National Data Opt-Out"}
        assert (kept.pk, kept.number, kept.submitted_by) == (version.pk, 1, reviewer)
