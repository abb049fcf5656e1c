"""Submission for QA, frozen versions, return, sign-off, escalation (the governance
contract), through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction

from leder.lib.workflow import TransitionNotAllowed
from leder.roles import Role
from reviews.models import (
    Case,
    CaseEmail,
    CaseStatus,
    QAReturn,
    ReviewSignOff,
    ReviewVersion,
)
from reviews.services import (
    case_complete,
    case_escalate_to_focused,
    case_return_to_reviewer,
    case_submit_for_qa,
    version_diff,
)
from reviews.tests.review_data import PEN_PORTRAIT, add_episode, complete_review, save_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(make_user):
    return make_user(Role.QA_PANEL_MEMBER)


def submitted(case, reviewer):
    complete_review(case, reviewer)
    return case_submit_for_qa(case=case, by=reviewer)


class TestSubmit:
    def test_it_lists_every_section_still_missing(self, review_case, reviewer):
        save_section(review_case, "about-the-person", reviewer)
        save_section(review_case, "evidence", reviewer, completed="no")
        with pytest.raises(ValidationError) as caught:
            case_submit_for_qa(case=review_case, by=reviewer)
        assert caught.value.messages == [
            "Family and carers is not complete",
            "Evidence gathered is not complete",
            "Key episodes of care is not complete",
            "Cause and circumstances of death is not complete",
            "Care questions is not complete",
            "Findings is not complete",
        ]
        review_case.refresh_from_db()
        assert review_case.status == CaseStatus.IN_PROGRESS
        assert not ReviewVersion.objects.exists()

    def test_a_completed_timeline_without_episodes_is_missing(self, review_case, reviewer):
        complete_review(review_case, reviewer)
        review_case.episodes.get().delete()
        with pytest.raises(ValidationError) as caught:
            case_submit_for_qa(case=review_case, by=reviewer)
        assert caught.value.messages == ["Key episodes of care is not complete"]

    def test_it_freezes_a_version_and_moves_to_awaiting_qa(self, review_case, reviewer):
        version = submitted(review_case, reviewer)
        assert (version.number, version.review_type, version.submitted_by) == (
            1,
            "initial",
            reviewer,
        )
        about = next(s for s in version.content["sections"] if s["key"] == "about-the-person")
        assert {"name": "pen_portrait", "label": "Pen portrait", "value": PEN_PORTRAIT} in about[
            "rows"
        ]
        assert version.content["person"]["name"] == "Ada Testperson"
        assert len(version.content["episodes"]) == 1
        review_case.refresh_from_db()
        assert review_case.status == CaseStatus.AWAITING_QA
        assert review_case.status_changes.last().reason == (
            "Submitted for quality assurance (version 1)"
        )
        assert list(Case.objects.awaiting_qa()) == [review_case]

    def test_only_the_allocated_reviewer_submits(self, review_case, reviewer, senior, lac):
        complete_review(review_case, reviewer)
        for person in (senior, lac):
            with pytest.raises(ValidationError) as caught:
                case_submit_for_qa(case=review_case, by=person)
            assert caught.value.code == "not_yours"

    def test_a_submitted_review_cannot_be_submitted_or_changed_again(self, review_case, reviewer):
        submitted(review_case, reviewer)
        with pytest.raises(ValidationError) as caught:
            case_submit_for_qa(case=review_case, by=reviewer)
        assert caught.value.code == "read_only"
        with pytest.raises(ValidationError) as caught:
            save_section(review_case, "about-the-person", reviewer)
        assert caught.value.code == "read_only"
        with pytest.raises(ValidationError):
            add_episode(review_case, reviewer)


class TestImmutability:
    def test_the_database_refuses_to_change_or_delete_a_version(self, review_case, reviewer):
        version = submitted(review_case, reviewer)
        for sql in (
            "UPDATE reviews_reviewversion SET content = '{}' WHERE id = %s",
            "DELETE FROM reviews_reviewversion WHERE id = %s",
        ):
            with (
                pytest.raises(InternalError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [version.pk])
        with pytest.raises(InternalError), transaction.atomic():
            ReviewVersion.objects.filter(pk=version.pk).update(number=5)
        with pytest.raises(InternalError), transaction.atomic():
            version.content = {}
            version.save()
        version.refresh_from_db()
        assert version.content["reference"] == review_case.reference

    def test_a_sign_off_is_append_only_and_once(self, review_case, reviewer, panel):
        version = submitted(review_case, reviewer)
        case_complete(case=review_case, version=version, by=panel, reason="Agreed by the panel")
        sign_off = ReviewSignOff.objects.get()
        with pytest.raises(InternalError), transaction.atomic():
            ReviewSignOff.objects.filter(pk=sign_off.pk).update(reason="changed")
        with pytest.raises(InternalError), transaction.atomic():
            ReviewSignOff.objects.filter(pk=sign_off.pk).delete()
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewSignOff.objects.create(version=version, by=panel)

    def test_the_admin_cannot_change_or_delete_versions(self, review_case, reviewer):
        from django.contrib import admin

        version = submitted(review_case, reviewer)
        model_admin = admin.site._registry[ReviewVersion]
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_change_permission(None, version)
        assert not model_admin.has_delete_permission(None, version)
        assert not admin.site._registry[ReviewSignOff].has_delete_permission(None)


class TestReturnAndComplete:
    def test_the_panel_returns_with_comments_and_the_reviewer_resubmits(
        self, review_case, reviewer, panel
    ):
        first = submitted(review_case, reviewer)
        with pytest.raises(ValidationError):
            case_return_to_reviewer(case=review_case, by=panel, comments="  ")
        case_return_to_reviewer(case=review_case, by=panel, comments="Say more about the GP.")
        review_case.refresh_from_db()
        assert review_case.status == CaseStatus.RETURNED
        back = QAReturn.objects.get()
        assert (back.version, back.comments, back.by) == (first, "Say more about the GP.", panel)
        assert CaseEmail.objects.filter(kind="returned", recipient=reviewer).exists()

        save_section(
            review_case,
            "about-the-person",
            reviewer,
            pen_portrait="Ada loved gardening, music and her sister's visits.",
        )
        second = case_submit_for_qa(case=review_case, by=reviewer)
        assert second.number == 2
        first.refresh_from_db()
        assert first.content["sections"][0]["rows"][0]["value"] == PEN_PORTRAIT

        changes = version_diff(old=first, new=second)
        assert [(d.section, d.question, d.before, d.after) for d in changes] == [
            (
                "About the person",
                "Pen portrait",
                PEN_PORTRAIT,
                "Ada loved gardening, music and her sister's visits.",
            )
        ]

    def test_only_the_latest_version_is_signed_off_once(self, review_case, reviewer, panel):
        first = submitted(review_case, reviewer)
        case_return_to_reviewer(case=review_case, by=panel, comments="More detail")
        second = case_submit_for_qa(case=review_case, by=reviewer)
        with pytest.raises(ValidationError) as caught:
            case_complete(case=review_case, version=first, by=panel, reason="ok")
        assert caught.value.code == "not_latest"
        case_complete(case=review_case, version=second, by=panel, reason="Signed off")
        review_case.refresh_from_db()
        assert review_case.status == CaseStatus.COMPLETED
        assert ReviewVersion.objects.signed_off().get() == second
        with pytest.raises((ValidationError, TransitionNotAllowed)):
            case_complete(case=review_case, version=second, by=panel, reason="again")
        assert ReviewSignOff.objects.count() == 1

    def test_return_and_complete_need_a_submitted_review(self, review_case, panel):
        with pytest.raises(TransitionNotAllowed):
            case_return_to_reviewer(case=review_case, by=panel, comments="x")


class TestEscalation:
    def test_it_keeps_all_work_adds_sections_and_tells_the_lacs(self, review_case, reviewer):
        from reviews.review.state import ReviewState

        save_section(review_case, "about-the-person", reviewer)
        add_episode(review_case, reviewer)
        case_escalate_to_focused(case=review_case, by=reviewer, reason="Lapses in discharge care")
        review_case.refresh_from_db()
        assert review_case.review_type == "focused"
        assert review_case.status == CaseStatus.IN_PROGRESS
        assert "Lapses in discharge care" in review_case.review_type_reason
        state = ReviewState.load(review_case)
        assert state.rows["about-the-person"].completed
        assert state.counts["episodes"] == 1
        keys = [s.key for s in state.missing()]
        assert {"multi-agency-meetings", "further-agencies", "analysis"} <= set(keys)
        assert "about-the-person" not in keys
        email = CaseEmail.objects.get(kind="escalated")
        assert email.recipient is None and email.icb_id == review_case.icb_id
        change = review_case.status_changes.last()
        assert (change.from_status, change.to_status) == ("in_progress", "in_progress")

    def test_the_panel_escalates_a_submitted_review(self, review_case, reviewer, panel):
        version = submitted(review_case, reviewer)
        case_escalate_to_focused(case=review_case, by=panel, reason="Concerns about care")
        review_case.refresh_from_db()
        assert (review_case.status, review_case.review_type) == ("in_progress", "focused")
        assert ReviewVersion.objects.get() == version  # kept as it was
        complete_review(review_case, reviewer)
        second = case_submit_for_qa(case=review_case, by=reviewer)
        assert second.review_type == "focused"
        changes = version_diff(old=version, new=second)
        assert ("The review", "Type of review") in [(d.section, d.question) for d in changes]
        assert any(d.section == "Multi-agency meetings" for d in changes)

    def test_it_needs_a_reason_and_an_initial_review(self, review_case, reviewer):
        with pytest.raises(ValidationError):
            case_escalate_to_focused(case=review_case, by=reviewer, reason="")
        case_escalate_to_focused(case=review_case, by=reviewer, reason="Lapses")
        with pytest.raises(ValidationError) as caught:
            case_escalate_to_focused(case=review_case, by=reviewer, reason="Again")
        assert caught.value.code == "already_focused"


def test_a_held_review_is_not_escalated_or_resumed_by_escalation(review_case, reviewer):
    import datetime

    from reviews.services import case_hold

    case_hold(
        case=review_case,
        reason="police",
        expected_review_on=datetime.date(2099, 1, 1),
        by=reviewer,
    )
    with pytest.raises(TransitionNotAllowed):
        case_escalate_to_focused(case=review_case, by=reviewer, reason="Lapses")
    review_case.refresh_from_db()
    assert (review_case.status, review_case.review_type) == ("on_hold", "initial")
