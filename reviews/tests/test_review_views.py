"""The review pages: who may see and do what, saving sections (errors, two tabs, a
reviewer no longer allocated), the timeline, submission, versions and downloads."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leder.models import AccessLog
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from reviews.models import CaseStatus, KeyEpisode, ReviewSection, ReviewVersion
from reviews.services import case_allocate, case_submit_for_qa, supervision_comment_add
from reviews.tests.review_data import (
    PEN_PORTRAIT,
    add_episode,
    complete_review,
    post_data,
    save_section,
)

pytestmark = pytest.mark.django_db


def url(name, case, **kw):
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, **kw})


def section_url(case, key):
    return url("review_section", case, key=key)


def client_of(user):
    return sign_in_with_mfa(Client(), user)


@pytest.fixture
def reviewer_client(reviewer):
    return client_of(reviewer)


@pytest.fixture
def senior_client(senior):
    return client_of(senior)


def page_urls(case):
    return [
        url("review", case),
        section_url(case, "about-the-person"),
        section_url(case, "key-episodes"),
        url("review_submit", case),
        url("review_versions", case),
        url("review_escalate", case),
        url("hold", case),
        url("review_row_add", case, kind="episodes"),
        url("condolence_letter", case),
    ]


class TestAccess:
    def test_anonymous_people_are_sent_to_sign_in(self, client, review_case):
        for address in page_urls(review_case):
            response = client.get(address)
            assert response.status_code == 302, address
            assert "/account/login/" in response["Location"]
        client.post(section_url(review_case, "about-the-person"), post_data("about-the-person"))
        assert not ReviewSection.objects.exists()

    def test_outsiders_get_404(self, outsider_client, client_for, review_case, make_reviewer):
        other_reviewer = client_of(make_reviewer().user)
        for client in (outsider_client, other_reviewer, client_for(Role.QA_PANEL_MEMBER)):
            for address in page_urls(review_case):
                assert client.get(address).status_code == 404, address
            response = client.post(
                section_url(review_case, "about-the-person"), post_data("about-the-person")
            )
            assert response.status_code == 404
        assert not ReviewSection.objects.exists()

    def test_the_reviewer_sees_the_task_list(self, reviewer_client, review_case):
        response = reviewer_client.get(url("review", review_case))
        page = response.content.decode()
        assert response.status_code == 200
        assert "You have completed 0 of 7 sections" in page
        assert "About the person" in page and "Not yet started" in page
        assert "Cannot start yet" in page  # findings
        assert AccessLog.objects.filter(detail="Review task list").exists()

    def test_the_senior_and_the_lac_read_but_do_not_edit(
        self, senior_client, lac, review_case, reviewer
    ):
        save_section(review_case, "about-the-person", reviewer)
        lac_client = client_of(lac)
        for client in (senior_client, lac_client):
            page = client.get(section_url(review_case, "about-the-person")).content.decode()
            assert PEN_PORTRAIT in page and 'name="completed"' not in page
            response = client.post(
                section_url(review_case, "about-the-person"),
                {**post_data("about-the-person"), "pen_portrait": "Changed", "revision": "1"},
            )
            assert response.status_code == 403
            assert client.get(url("review_submit", review_case)).status_code == 403
        row = ReviewSection.objects.get()
        assert row.data["pen_portrait"] == PEN_PORTRAIT

    def test_the_administrator_reads_but_does_not_hold(self, administrator_client, review_case):
        assert administrator_client.get(url("review", review_case)).status_code == 200
        assert administrator_client.get(url("hold", review_case)).status_code == 403

    def test_the_review_waits_for_acceptance(self, case, reviewer, lac):
        case_allocate(
            case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
        )
        response = client_of(reviewer).get(url("review", case))
        assert response.status_code == 302 and response["Location"] == url("case", case)

    def test_wrong_methods(self, reviewer_client, review_case):
        assert reviewer_client.post(url("review", review_case)).status_code == 405
        assert reviewer_client.get(url("resume", review_case)).status_code == 405
        assert reviewer_client.put(section_url(review_case, "evidence")).status_code == 405

    def test_unknown_sections_and_focused_sections_of_an_initial_review_404(
        self, reviewer_client, review_case
    ):
        assert reviewer_client.get(section_url(review_case, "nope")).status_code == 404
        assert reviewer_client.get(section_url(review_case, "analysis")).status_code == 404
        add = url("review_row_add", review_case, kind="meetings")
        assert reviewer_client.get(add).status_code == 404
        assert reviewer_client.get(url("review_row_add", review_case, kind="x")).status_code == 404


class TestSaving:
    def test_it_saves_as_you_go_and_completes(self, reviewer_client, review_case):
        address = section_url(review_case, "about-the-person")
        page = reviewer_client.get(address).content.decode()
        assert 'value="moderate" checked' in page  # pre-filled from the notification
        response = reviewer_client.post(
            address, {"pen_portrait": "Half written", "completed": "no", "revision": "0"}
        )
        assert response.status_code == 302
        row = ReviewSection.objects.get()
        assert (row.data["pen_portrait"], row.completed, row.revision) == ("Half written", False, 1)
        assert row.history.first().history_user_id == review_case.allocations.get().reviewer_id
        task_list = reviewer_client.get(url("review", review_case)).content.decode()
        assert "In progress" in task_list
        response = reviewer_client.post(address, {**post_data("about-the-person"), "revision": "1"})
        assert response.status_code == 302
        row.refresh_from_db()
        assert row.completed and row.revision == 2

    def test_errors_are_specific_and_keep_what_was_typed(self, reviewer_client, review_case):
        response = reviewer_client.post(
            section_url(review_case, "family-and-carers"),
            {
                "family_contacted": "yes",
                "contact_on_day": "31",
                "contact_on_month": "2",
                "contact_on_year": "2026",
                "family_views": "They were upset about the discharge.",
                "completed": "yes",
                "revision": "0",
            },
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "Error: Family and carers" in page
        assert "Date you spoke to them must be a real date" in page
        assert "Enter their relationship to the person" in page
        assert "Select whether a condolence letter has been sent" in page
        assert "They were upset about the discharge." in page
        assert not ReviewSection.objects.exists()

    def test_an_error_in_one_section_keeps_the_others(self, reviewer_client, review_case):
        save_section(review_case, "about-the-person", review_case.allocations.get().reviewer)
        response = reviewer_client.post(
            section_url(review_case, "cause-of-death"),
            {**post_data("cause-of-death"), "icd10_code": "X99.99", "revision": "0"},
        )
        assert response.status_code == 400
        assert (
            "Enter a real ICD-10 code, like J69.0, or leave it blank" in response.content.decode()
        )
        assert list(ReviewSection.objects.values_list("key", flat=True)) == ["about-the-person"]

    def test_a_second_tab_cannot_overwrite_the_first(self, reviewer_client, review_case):
        address = section_url(review_case, "about-the-person")
        first = {**post_data("about-the-person"), "completed": "no", "revision": "0"}
        assert reviewer_client.post(address, first).status_code == 302
        stale = {**first, "pen_portrait": "Typed in the second tab", "revision": "0"}
        response = reviewer_client.post(address, stale)
        page = response.content.decode()
        assert response.status_code == 409
        assert "changed in another tab or by someone else" in page
        assert "Typed in the second tab" in page  # shown back, not lost
        assert 'name="revision" value="1"' in page
        assert ReviewSection.objects.get().data["pen_portrait"] == PEN_PORTRAIT
        # Saving again from that page replaces it deliberately.
        assert reviewer_client.post(address, {**stale, "revision": "1"}).status_code == 302
        assert ReviewSection.objects.get().data["pen_portrait"] == "Typed in the second tab"

    def test_a_reviewer_no_longer_allocated_cannot_save(
        self, reviewer_client, review_case, make_reviewer, lac
    ):
        new_reviewer = make_reviewer().user
        save_section(review_case, "evidence", review_case.allocations.get().reviewer)
        case_allocate(
            case=review_case,
            reviewer=new_reviewer,
            review_type="initial",
            review_type_reason="Reallocated",
            replacing=review_case.allocations.get(),
            by=lac,
        )
        response = reviewer_client.post(
            section_url(review_case, "evidence"),
            {**post_data("evidence"), "other_evidence": "Overwrite", "revision": "1"},
        )
        assert response.status_code == 403
        page = response.content.decode()
        assert "This review is no longer allocated to you" in page
        assert "Your changes have not been saved" in page
        assert ReviewSection.objects.get().data["other_evidence"] == ""
        assert reviewer_client.get(url("review", review_case)).status_code == 403


class TestTimeline:
    def test_add_change_and_delete_an_episode(self, reviewer_client, review_case):
        add = url("review_row_add", review_case, kind="episodes")
        response = reviewer_client.post(add, {"occurred_on_day": "1"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Date of the episode must include a month and a year" in page
        assert "Enter what happened" in page and "Select the setting" in page
        data = {
            "occurred_on_day": "4",
            "occurred_on_month": "3",
            "occurred_on_year": "2027",
            "setting": "gp",
            "organisation": "Test Surgery",
            "what_happened": "Seen for a cough",
        }
        response = reviewer_client.post(add, data)
        assert "Date of the episode must be today or in the past" in response.content.decode()
        response = reviewer_client.post(add, {**data, "occurred_on_year": "2025"})
        assert response.status_code == 302
        episode = KeyEpisode.objects.get()
        edit = url("review_row_edit", review_case, kind="episodes", pk=episode.pk)
        response = reviewer_client.post(
            edit, {**data, "occurred_on_year": "2025", "concerns": "Late", "revision": "0"}
        )
        assert response.status_code == 302
        episode.refresh_from_db()
        assert (episode.concerns, episode.revision) == ("Late", 1)
        stale = reviewer_client.post(edit, {**data, "occurred_on_year": "2025", "revision": "0"})
        assert stale.status_code == 409
        delete = url("review_row_delete", review_case, kind="episodes", pk=episode.pk)
        assert "Are you sure" in reviewer_client.get(delete).content.decode()
        assert reviewer_client.post(delete).status_code == 302
        assert not KeyEpisode.objects.exists()
        assert KeyEpisode.history.filter(history_type="-").exists()

    def test_an_episode_after_the_death_is_refused(self, reviewer_client, review_case):
        response = reviewer_client.post(
            url("review_row_add", review_case, kind="episodes"),
            {
                "occurred_on_day": "11",
                "occurred_on_month": "1",
                "occurred_on_year": "2026",
                "setting": "gp",
                "organisation": "Test Surgery",
                "what_happened": "x",
            },
        )
        assert "on or before the date of death" in response.content.decode()

    def test_another_cases_episode_is_404(self, reviewer_client, review_case, icb, lac):
        from reviews.tests.factories import CaseFactory

        other = CaseFactory(icb_org=icb, in_progress=True)
        episode = KeyEpisode.objects.create(
            case=other,
            occurred_on="2025-01-01",
            setting="gp",
            organisation="x",
            what_happened="x",
        )
        address = url("review_row_edit", review_case, kind="episodes", pk=episode.pk)
        assert reviewer_client.get(address).status_code == 404

    def test_the_timeline_page_lists_episodes_in_date_order(self, reviewer_client, review_case):
        reviewer = review_case.allocations.get().reviewer
        add_episode(review_case, reviewer, day=20, organisation="Later Hospital")
        add_episode(review_case, reviewer, day=2, organisation="Earlier Surgery")
        page = reviewer_client.get(section_url(review_case, "key-episodes")).content.decode()
        assert page.index("Earlier Surgery") < page.index("Later Hospital")


class TestSubmitPage:
    def test_it_lists_what_is_missing(self, reviewer_client, review_case):
        page = reviewer_client.get(url("review_submit", review_case)).content.decode()
        assert "You cannot submit the review yet" in page
        assert "Findings is not complete" in page
        response = reviewer_client.post(url("review_submit", review_case), {"confirm": "on"})
        assert response.status_code == 400
        assert not ReviewVersion.objects.exists()

    def test_it_submits_and_the_review_becomes_read_only(self, reviewer_client, review_case):
        complete_review(review_case, review_case.allocations.get().reviewer)
        page = reviewer_client.get(url("review_submit", review_case)).content.decode()
        assert PEN_PORTRAIT in page and "Submit for quality assurance" in page
        response = reviewer_client.post(url("review_submit", review_case), {})
        assert "Confirm the review is ready" in response.content.decode()
        response = reviewer_client.post(url("review_submit", review_case), {"confirm": "on"})
        assert response.status_code == 302
        review_case.refresh_from_db()
        assert review_case.status == CaseStatus.AWAITING_QA
        page = reviewer_client.get(section_url(review_case, "about-the-person")).content.decode()
        assert 'name="completed"' not in page
        response = reviewer_client.post(
            section_url(review_case, "about-the-person"),
            {**post_data("about-the-person"), "revision": "1"},
        )
        assert response.status_code == 302
        assert ReviewSection.objects.get(key="about-the-person").revision == 1


class TestVersionsAndDownloads:
    def test_versions_changes_and_pdfs(self, reviewer_client, senior_client, lac, review_case):
        from reviews.services import case_return_to_reviewer

        reviewer = review_case.allocations.get().reviewer
        complete_review(review_case, reviewer)
        case_submit_for_qa(case=review_case, by=reviewer)
        case_return_to_reviewer(case=review_case, by=lac, comments="Add the GP's view")
        page = reviewer_client.get(url("review", review_case)).content.decode()
        assert "Returned by the panel" in page and "Add the GP&#39;s view" in page
        save_section(review_case, "findings", reviewer, learning="New learning")
        case_submit_for_qa(case=review_case, by=reviewer)

        for client in (reviewer_client, senior_client, client_of(lac)):
            listing = client.get(url("review_versions", review_case)).content.decode()
            assert "Changes since version 1" in listing
            changes = client.get(url("review_version_changes", review_case, number=2))
            assert "New learning" in changes.content.decode()
            response = client.get(url("review_version_pdf", review_case, number=2))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "no-store" in response["Cache-Control"]
            assert response.content.startswith(b"%PDF")
        assert AccessLog.objects.filter(action="download").count() == 3
        # Versions are read-only pages: nothing posts to them.
        for name in ("review_versions", "review_version", "review_version_pdf"):
            kwargs = {} if name == "review_versions" else {"number": 1}
            assert reviewer_client.post(url(name, review_case, **kwargs)).status_code == 405
        assert reviewer_client.get(url("review_version", review_case, number=9)).status_code == 404


class TestComments:
    def test_the_senior_comments_and_the_reviewer_answers(
        self, senior_client, reviewer_client, review_case
    ):
        address = url("review_comment", review_case, key="about-the-person")
        page = senior_client.get(section_url(review_case, "about-the-person")).content.decode()
        assert page.count('name="csrfmiddlewaretoken"') == page.count("<form")  # macros too
        response = senior_client.post(address, {"text": ""})
        assert response.status_code == 400 and "Enter your comment" in response.content.decode()
        assert senior_client.post(address, {"text": "Say more about her music"}).status_code == 302
        assert reviewer_client.post(address, {"text": "Not mine to make"}).status_code == 403
        comment = review_case.supervision_comments.get()
        page = reviewer_client.get(url("review", review_case)).content.decode()
        assert "1 peer support comment, 1 not answered" in page
        reply = url("review_comment_reply", review_case, key="about-the-person", pk=comment.pk)
        assert senior_client.post(reply, {f"c{comment.pk}-reply": "x"}).status_code == 403
        response = reviewer_client.post(reply, {f"c{comment.pk}-reply": ""})
        assert response.status_code == 400 and "Enter your answer" in response.content.decode()
        assert reviewer_client.post(reply, {f"c{comment.pk}-reply": "Added"}).status_code == 302
        comment.refresh_from_db()
        assert (
            comment.reply == "Added"
            and comment.replied_by == review_case.allocations.get().reviewer
        )

    def test_comments_are_kept_with_the_version(self, review_case, senior):
        reviewer = review_case.allocations.get().reviewer
        supervision_comment_add(
            case=review_case, section_key="findings", text="Check the grade", by=senior
        )
        complete_review(review_case, reviewer)
        version = case_submit_for_qa(case=review_case, by=reviewer)
        assert version.content["comments"][0]["text"] == "Check the grade"


def test_the_review_views_read_only_through_the_accessors():
    from pathlib import Path

    import reviews.views

    for name in ("review", "timeline", "supervision", "holds", "versions"):
        source = (Path(reviews.views.__file__).parent / f"{name}.py").read_text()
        assert ".objects" not in source, name


def test_findings_that_ask_for_a_focused_review_suggest_escalation(reviewer_client, review_case):
    reviewer = review_case.allocations.get().reviewer
    save_section(review_case, "findings", reviewer, focused_needed="yes", focused_reason="Lapses")
    page = reviewer_client.get(url("review", review_case)).content.decode()
    assert "Your findings say a focused review is needed" in page
