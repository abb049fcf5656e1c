"""Decisions: quorum, conflicts, sign-off and what it does to the review, immutability,
locked minutes and addenda, amendments, and the Governance Group's sign-off."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django.test import override_settings

from governance.models import (
    Decision,
    DecisionSignature,
    GovernanceSignOff,
    MeetingKind,
    MeetingStatus,
    MinutesAddendum,
    Outcome,
)
from governance.services.agenda import panel_conflict_declare
from governance.services.decisions import (
    amendments_check,
    decision_record,
    decision_sign,
    decision_withdraw,
    minutes_addendum_add,
    quorum_for,
)
from governance.services.meetings import meeting_transition
from governance.tests.factories import make_meeting, panel_member, submitted_case
from governance.tests.helpers import members, on_agenda, start
from leder.roles import Role
from reviews.models import CaseStatus, QAReturn, ReviewSignOff, ReviewType

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(icb, lac):
    return submitted_case(icb, lac)


@pytest.fixture
def item(meeting, case, lac):
    return on_agenda(meeting, case, lac)


def record(item, by, outcome=Outcome.APPROVED, **kwargs):
    fields = {"discussion_summary": "Thorough review; family views well captured."}
    if outcome == Outcome.RETURNED:
        fields["comments"] = "Add the GP's account of the last appointment."
    if outcome == Outcome.ESCALATED:
        fields["comments"] = "Lapses of care in the discharge."
    if outcome == Outcome.APPROVED_WITH_AMENDMENTS:
        fields["amendments"] = "Correct the date of the second admission."
    fields.update(kwargs)
    return decision_record(item=item, outcome=outcome, by=by, **fields)


def sign_all(decision, meeting):
    for user in [meeting.chair, *members(meeting)]:
        decision_sign(decision=decision, by=user)
    decision.refresh_from_db()
    return decision


class TestQuorum:
    def test_three_present_with_the_chair_make_the_default_quorum(self, meeting, item, lac):
        start(meeting, lac, present=[lac, members(meeting)[0]])
        quorum = quorum_for(item)
        assert (quorum.needed, quorum.count, quorum.met) == (3, 2, False)
        assert "needs 3 members present" in quorum.problem
        with pytest.raises(ValidationError, match="needs 3 members"):
            record(item, lac)
        start_again = members(meeting)
        from governance.services.meetings import meeting_attendance_record

        meeting_attendance_record(
            meeting=meeting, present_user_ids=[lac.pk, *(u.pk for u in start_again)], by=lac
        )
        assert quorum_for(item).met
        assert record(item, lac).outcome == Outcome.APPROVED

    def test_the_chair_must_be_there(self, meeting, item, lac, icb, trust):
        from governance.services.meetings import meeting_member_invite

        extra = panel_member(icb)
        meeting_member_invite(meeting=meeting, user=extra, organisation=trust, role="GP", by=lac)
        start(meeting, lac, present=[extra, *members(meeting)[:2]])
        quorum = quorum_for(item)
        assert quorum.count == 3 and not quorum.met
        assert "chair must be present" in quorum.problem

    @override_settings(LEDER_PANEL_QUORUM=2)
    def test_the_quorum_is_configurable(self, icb, lac, case):
        meeting = make_meeting(icb=icb, chair=lac, members=1)
        item = on_agenda(meeting, case, lac)
        start(meeting, lac)
        assert quorum_for(item).met

    def test_a_conflicted_member_does_not_count(self, meeting, item, lac):
        helen = members(meeting)[0]
        panel_conflict_declare(
            item=item, member=meeting.members.get(user=helen), reason="Knew the family", by=helen
        )
        start(meeting, lac)
        quorum = quorum_for(item)
        assert quorum.count == 2 and not quorum.met
        assert helen.pk in quorum.conflicted_user_ids


class TestRecording:
    def test_only_the_chair_or_the_lac_records(self, icb, lac, case, make_user):
        chair = panel_member(icb, "Dr Chair")
        meeting = make_meeting(icb=icb, chair=chair, by=lac)
        from governance.services.meetings import meeting_member_invite

        meeting_member_invite(
            meeting=meeting,
            user=lac,
            organisation=meeting.members.first().organisation,
            role="LAC",
            by=lac,
        )
        item = on_agenda(meeting, case, lac)
        start(meeting, lac)
        with pytest.raises(ValidationError, match="Only the chair or the LAC"):
            record(item, members(meeting)[0])
        assert record(item, chair).recorded_by == chair
        assert record(item, lac, Outcome.RETURNED).recorded_by == lac  # changed before signing

    def test_a_conflicted_chair_cannot_record(self, meeting, item, lac):
        panel_conflict_declare(
            item=item, member=meeting.members.get(user=lac), reason="Line manager", by=lac
        )
        start(meeting, lac)
        with pytest.raises(ValidationError, match="conflict of interest"):
            record(item, lac)

    def test_absent_members_cannot_record(self, icb, lac, case, trust):
        from governance.services.meetings import meeting_member_invite

        meeting = make_meeting(icb=icb, chair=panel_member(icb), by=lac, members=3)
        meeting_member_invite(meeting=meeting, user=lac, organisation=trust, role="LAC", by=lac)
        item = on_agenda(meeting, case, lac)
        start(meeting, lac, present=[meeting.chair, *members(meeting)[:3]])
        with pytest.raises(ValidationError, match="Record your attendance"):
            record(item, lac)

    def test_decisions_are_made_only_during_the_meeting(self, meeting, item, lac):
        with pytest.raises(ValidationError, match="in progress"):
            record(item, lac)

    @pytest.mark.parametrize(
        ("outcome", "kwargs", "field"),
        [
            (Outcome.RETURNED, {"comments": ""}, "comments"),
            (Outcome.ESCALATED, {"comments": " "}, "comments"),
            (Outcome.APPROVED_WITH_AMENDMENTS, {"amendments": ""}, "amendments"),
            (Outcome.APPROVED, {"discussion_summary": ""}, "discussion_summary"),
            ("rubber_stamped", {}, "outcome"),
        ],
    )
    def test_each_outcome_needs_what_it_needs(self, meeting, item, lac, outcome, kwargs, field):
        start(meeting, lac)
        with pytest.raises(ValidationError) as error:
            record(item, lac, outcome, **kwargs)
        assert field in error.value.message_dict
        assert not Decision.objects.exists()

    def test_a_focused_review_cannot_be_escalated(self, meeting, lac, icb):
        focused = submitted_case(icb, lac, review_type=ReviewType.FOCUSED)
        item = on_agenda(meeting, focused, lac)
        start(meeting, lac)
        with pytest.raises(ValidationError) as error:
            record(item, lac, Outcome.ESCALATED)
        assert "outcome" in error.value.message_dict

    def test_themes_come_from_the_managed_list(self, meeting, item, lac, themes):
        start(meeting, lac)
        decision = record(item, lac, themes=themes[:2])
        assert set(decision.themes.all()) == set(themes[:2])
        with pytest.raises(ValidationError):
            record(item, lac, themes=[999999])


class TestSignOff:
    def test_the_chair_and_the_quorum_sign_then_the_review_is_completed(
        self, meeting, item, lac, case
    ):
        start(meeting, lac)
        decision = record(item, lac)
        helen, sam = members(meeting)
        decision_sign(decision=decision, by=helen)
        decision_sign(decision=decision, by=sam)
        decision.refresh_from_db()
        assert not decision.is_signed_off  # the chair has not signed
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_QA
        signature = decision_sign(decision=decision, by=lac)
        decision.refresh_from_db()
        assert decision.is_signed_off
        assert (signature.name, signature.role) == ("Priya Shah", "Chair")
        names = list(decision.signatures.values_list("name", "role", "organisation"))
        assert len(names) == 3 and all(org == "Leeds Community Healthcare" for *_, org in names)
        case.refresh_from_db()
        assert case.status == CaseStatus.COMPLETED
        sign_off = ReviewSignOff.objects.get()
        assert sign_off.version == item.version and sign_off.by == lac
        assert "Quality Assurance and Oversight Group" in sign_off.reason

    def test_nobody_signs_twice_absent_or_conflicted(self, meeting, item, lac, icb, trust):
        from governance.services.meetings import meeting_member_invite

        late = panel_member(icb)
        meeting_member_invite(meeting=meeting, user=late, organisation=trust, role="GP", by=lac)
        helen = members(meeting)[0]
        panel_conflict_declare(
            item=item, member=meeting.members.get(user=helen), reason="Knew her", by=helen
        )
        start(meeting, lac, present=[lac, *members(meeting)])
        start_members = members(meeting)
        decision = record(item, lac)
        decision_sign(decision=decision, by=lac)
        with pytest.raises(ValidationError, match="already signed"):
            decision_sign(decision=decision, by=lac)
        with pytest.raises(ValidationError, match="conflict of interest"):
            decision_sign(decision=decision, by=helen)
        outsider = panel_member(icb)
        with pytest.raises(ValidationError, match="present"):
            decision_sign(decision=decision, by=outsider)
        assert len(start_members) == 3

    def test_a_signed_decision_cannot_be_changed_or_withdrawn(self, meeting, item, lac):
        start(meeting, lac)
        decision = sign_all(record(item, lac), meeting)
        with pytest.raises(ValidationError, match="withdraw it to change it"):
            record(item, lac, Outcome.RETURNED)
        with pytest.raises(ValidationError, match="cannot be withdrawn"):
            decision_withdraw(decision=decision, by=lac)
        with pytest.raises(ValidationError, match="already signed off"):
            decision_sign(decision=decision, by=lac)

    def test_the_database_refuses_to_change_signed_off_decisions_and_signatures(
        self, meeting, item, lac
    ):
        start(meeting, lac)
        decision = sign_all(record(item, lac), meeting)
        for statement, params in (
            ("UPDATE governance_decision SET outcome = 'returned' WHERE id = %s", [decision.pk]),
            (
                "UPDATE governance_decisionsignature SET name = 'X' WHERE decision_id = %s",
                [decision.pk],
            ),
        ):
            with (
                pytest.raises((InternalError, IntegrityError)),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, params)
        decision.refresh_from_db()
        assert decision.outcome == Outcome.APPROVED

    def test_an_unsigned_decision_can_be_withdrawn_with_its_partial_signatures(
        self, meeting, item, lac
    ):
        start(meeting, lac)
        decision = record(item, lac)
        decision_sign(decision=decision, by=members(meeting)[0])
        with pytest.raises(ValidationError, match="withdraw it"):
            record(item, lac, Outcome.RETURNED)
        decision_withdraw(decision=decision, by=lac)
        assert not Decision.objects.exists() and not DecisionSignature.objects.exists()
        assert Decision.history.filter(history_type="-").exists()

    def test_returning_sends_the_review_back_with_the_comments(self, meeting, item, lac, case):
        start(meeting, lac)
        sign_all(record(item, lac, Outcome.RETURNED), meeting)
        case.refresh_from_db()
        assert case.status == CaseStatus.RETURNED
        assert QAReturn.objects.get().comments == "Add the GP's account of the last appointment."

    def test_escalating_makes_it_a_focused_review_in_progress(self, meeting, item, lac, case):
        start(meeting, lac)
        sign_all(record(item, lac, Outcome.ESCALATED), meeting)
        case.refresh_from_db()
        assert (case.status, case.review_type) == (CaseStatus.IN_PROGRESS, ReviewType.FOCUSED)

    def test_minor_amendments_complete_the_review_once_the_lac_checks_them(
        self, meeting, item, lac, case, make_user
    ):
        start(meeting, lac)
        decision = sign_all(record(item, lac, Outcome.APPROVED_WITH_AMENDMENTS), meeting)
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_QA
        with pytest.raises(ValidationError, match="Only the LAC"):
            amendments_check(decision=decision, note="", by=members(meeting)[0])
        meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
        amendments_check(decision=decision, note="Dates corrected", by=lac)
        case.refresh_from_db()
        assert case.status == CaseStatus.COMPLETED
        assert ReviewSignOff.objects.get().version == item.version
        with pytest.raises(ValidationError, match="already checked"):
            amendments_check(decision=decision, note="", by=lac)


class TestLockedMinutes:
    def test_closing_waits_for_signatures_then_locks_everything(self, meeting, item, lac):
        start(meeting, lac)
        decision = record(item, lac)
        with pytest.raises(ValidationError, match="waiting for signatures"):
            meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
        sign_all(decision, meeting)
        meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
        with pytest.raises(ValidationError, match="minutes are locked"):
            record(item, lac, Outcome.RETURNED)
        with pytest.raises(ValidationError, match="minutes are locked"):
            decision_withdraw(decision=decision, by=lac)

    def test_corrections_are_addenda_by_the_chair_or_the_lac(self, meeting, item, lac, icb):
        start(meeting, lac)
        with pytest.raises(ValidationError, match="closed meetings"):
            minutes_addendum_add(meeting=meeting, text="x", by=lac)
        meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
        with pytest.raises(ValidationError, match="Only the chair or the LAC"):
            minutes_addendum_add(meeting=meeting, text="x", by=members(meeting)[0])
        with pytest.raises(ValidationError):
            minutes_addendum_add(meeting=meeting, text="  ", by=lac)
        addendum = minutes_addendum_add(
            meeting=meeting, text="Item 1: the version was 1, not 2.", item=item, by=lac
        )
        assert MinutesAddendum.objects.get().item == item
        with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
            MinutesAddendum.objects.filter(pk=addendum.pk).update(text="Changed")


class TestFocusedReviews:
    def test_qa_approval_waits_for_the_governance_groups_sign_off(
        self, icb, lac, meeting, make_user, trust
    ):
        focused = submitted_case(icb, lac, review_type=ReviewType.FOCUSED)
        item = on_agenda(meeting, focused, lac)
        start(meeting, lac)
        sign_all(record(item, lac), meeting)
        focused.refresh_from_db()
        assert focused.status == CaseStatus.AWAITING_QA
        pending = GovernanceSignOff.objects.get()
        assert pending.resolved_at is None and pending.case == focused
        meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")

        # Not offered to the next QA panel; offered to the Governance Group.
        next_panel = make_meeting(icb=icb, chair=lac)
        with pytest.raises(ValidationError):
            on_agenda(next_panel, focused, lac)
        dcno = panel_member(icb, "Deputy CNO", role=Role.GOVERNANCE_MEMBER)
        group = make_meeting(icb=icb, chair=dcno, by=lac, kind=MeetingKind.GOVERNANCE_GROUP)
        g_item = on_agenda(group, focused, lac)
        assert g_item.governance_signoff == pending and g_item.version == item.version
        start(group, dcno)
        with pytest.raises(ValidationError):
            record(g_item, dcno, Outcome.ESCALATED)
        decision = sign_all(record(g_item, dcno), group)
        pending.refresh_from_db()
        assert pending.resolved_by == decision and pending.resolved_at
        focused.refresh_from_db()
        assert focused.status == CaseStatus.COMPLETED
        assert "LeDeR Governance Group" in ReviewSignOff.objects.get().reason

    def test_the_governance_group_can_return_it(self, icb, lac, meeting):
        focused = submitted_case(icb, lac, review_type=ReviewType.FOCUSED)
        item = on_agenda(meeting, focused, lac)
        start(meeting, lac)
        sign_all(record(item, lac), meeting)
        dcno = panel_member(icb, role=Role.GOVERNANCE_MEMBER)
        group = make_meeting(icb=icb, chair=dcno, by=lac, kind=MeetingKind.GOVERNANCE_GROUP)
        g_item = on_agenda(group, focused, lac)
        start(group, dcno)
        sign_all(record(g_item, dcno, Outcome.RETURNED), group)
        focused.refresh_from_db()
        assert focused.status == CaseStatus.RETURNED
        assert GovernanceSignOff.objects.get().resolved_at is not None


def test_a_review_escalated_meanwhile_cannot_be_decided(meeting, item, lac, case):
    from reviews.services import case_escalate_to_focused

    start(meeting, lac)
    decision = record(item, lac)
    case_escalate_to_focused(case=case, by=lac, reason="Lapses of care found")
    for user in members(meeting):
        decision_sign(decision=decision, by=user)
    with pytest.raises(ValidationError, match="no longer awaiting quality assurance"):
        decision_sign(decision=decision, by=lac)
    decision.refresh_from_db()
    assert not decision.is_signed_off
    assert decision.signatures.count() == 2  # the chair's signature was not kept
    decision_withdraw(decision=decision, by=lac)
    with pytest.raises(ValidationError, match="no longer awaiting quality assurance"):
        record(item, lac, Outcome.RETURNED)
