"""Meetings: scheduling, members and their grants, attendance, and every status move."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from governance.models import Meeting, MeetingKind, MeetingMember, MeetingStatus
from governance.services.meetings import (
    meeting_attendance_record,
    meeting_member_invite,
    meeting_member_remove,
    meeting_schedule,
    meeting_transition,
    meeting_update,
)
from governance.tests.factories import make_meeting, panel_member, provider
from governance.workflow import MEETING_TRANSITIONS
from leder.lib.workflow import TransitionNotAllowed
from leder.roles import Role
from leder.services.grants import users_granted

pytestmark = pytest.mark.django_db


def schedule(icb, chair, trust, **kwargs):
    fields = {
        "icb": icb,
        "kind": MeetingKind.QA_PANEL,
        "scheduled_for": timezone.now() + datetime.timedelta(days=10),
        "chair": chair,
        "chair_organisation": trust,
        "chair_role": "Chair",
        "location": "Room 1",
        "by": chair,
    }
    fields.update(kwargs)
    return meeting_schedule(**fields)


class TestSchedule:
    def test_it_makes_the_chair_the_first_member_with_both_grants(self, icb, lac, trust):
        meeting = schedule(icb, lac, trust)
        assert meeting.status == MeetingStatus.SCHEDULED
        assert list(meeting.members.values_list("user_id", "role")) == [(lac.pk, "Chair")]
        assert lac.has_perm("governance.view_meeting", meeting)
        assert lac.has_perm("governance.chair_meeting", meeting)
        assert list(meeting.status_changes.values_list("from_status", "to_status")) == [
            ("", "scheduled")
        ]
        assert meeting.history.first().history_user == lac

    @override_settings(LEDER_PANEL_QUORUM=4)
    def test_the_meeting_keeps_the_quorum_it_was_scheduled_with(self, icb, lac, trust):
        meeting = schedule(icb, lac, trust)
        assert meeting.quorum == 4
        with override_settings(LEDER_PANEL_QUORUM=2):
            meeting.refresh_from_db()
            assert meeting.quorum == 4

    def test_the_default_quorum_is_three(self, icb, lac, trust):
        assert schedule(icb, lac, trust).quorum == 3

    def test_a_governance_group_is_chaired_by_a_governance_member(self, icb, lac, trust):
        dcno = panel_member(icb, "Samuel Reid", role=Role.GOVERNANCE_MEMBER)
        meeting = schedule(icb, dcno, trust, kind=MeetingKind.GOVERNANCE_GROUP, by=lac)
        assert meeting.chair == dcno
        qa_member = panel_member(icb)
        with pytest.raises(ValidationError) as error:
            schedule(icb, qa_member, trust, kind=MeetingKind.GOVERNANCE_GROUP, by=lac)
        assert "cannot sit on the LeDeR Governance Group" in str(error.value)

    @pytest.mark.parametrize("field", ["location", "chair", "organisation", "kind"])
    def test_it_refuses_bad_input(self, icb, other_icb, lac, trust, make_user, field):
        kwargs = {
            "location": {"location": "", "online_link": ""},
            "chair": {"chair": make_user(Role.REVIEWER)},
            "organisation": {"chair_organisation": provider(other_icb)},
            "kind": {"kind": "tea_party"},
        }[field]
        chair = kwargs.pop("chair", lac)
        with pytest.raises(ValidationError):
            schedule(icb, chair, trust, **kwargs)
        assert not Meeting.objects.exists()

    def test_an_online_link_alone_is_enough(self, icb, lac, trust):
        meeting = schedule(icb, lac, trust, location="", online_link="https://teams.example/x")
        assert meeting.online_link == "https://teams.example/x"


class TestMembers:
    def test_inviting_grants_the_meeting_and_removing_revokes_it(self, meeting, lac, icb, trust):
        helen = panel_member(icb, "Helen Price")
        member = meeting_member_invite(
            meeting=meeting, user=helen, organisation=trust, role="Safeguarding lead", by=lac
        )
        assert helen.has_perm("governance.view_meeting", meeting)
        assert not helen.has_perm("governance.chair_meeting", meeting)
        assert helen in users_granted(meeting)
        member_id = member.pk
        meeting_member_remove(member=member, by=lac)
        helen = type(helen).objects.get(pk=helen.pk)  # guardian caches per instance
        assert not helen.has_perm("governance.view_meeting", meeting)
        assert not MeetingMember.objects.filter(pk=member_id).exists()
        removed = MeetingMember.history.get(id=member_id, history_type="-")
        assert removed.history_user == lac

    def test_it_refuses_duplicates_other_icbs_and_wrong_roles(
        self, meeting, lac, icb, other_icb, trust, make_user
    ):
        helen = panel_member(icb)
        meeting_member_invite(meeting=meeting, user=helen, organisation=trust, role="GP", by=lac)
        with pytest.raises(ValidationError, match="already a member"):
            meeting_member_invite(
                meeting=meeting, user=helen, organisation=trust, role="GP", by=lac
            )
        for user in (panel_member(other_icb), make_user(Role.REVIEWER)):
            with pytest.raises(ValidationError, match="cannot sit on"):
                meeting_member_invite(
                    meeting=meeting, user=user, organisation=trust, role="GP", by=lac
                )
        with pytest.raises(ValidationError, match="organisation of this ICB"):
            meeting_member_invite(
                meeting=meeting,
                user=panel_member(icb),
                organisation=provider(other_icb),
                role="GP",
                by=lac,
            )
        with pytest.raises(ValidationError, match="role on the panel"):
            meeting_member_invite(
                meeting=meeting, user=panel_member(icb), organisation=trust, role=" ", by=lac
            )

    def test_the_chair_cannot_be_removed(self, meeting, lac):
        with pytest.raises(ValidationError, match="another chair"):
            meeting_member_remove(member=meeting.members.get(user=lac), by=lac)

    def test_members_change_only_before_the_meeting(self, meeting, lac, icb, trust):
        member = meeting.members.exclude(user=lac).first()
        meeting_transition(meeting=meeting, to=MeetingStatus.IN_PROGRESS, by=lac, reason="")
        with pytest.raises(ValidationError, match="only before the meeting"):
            meeting_member_invite(
                meeting=meeting, user=panel_member(icb), organisation=trust, role="GP", by=lac
            )
        with pytest.raises(ValidationError, match="only before the meeting"):
            meeting_member_remove(member=member, by=lac)

    def test_a_new_chair_must_be_a_member_and_takes_the_chair_grant(self, meeting, lac, icb):
        other = meeting.members.exclude(user=lac).first().user
        outsider = panel_member(icb)
        with pytest.raises(ValidationError, match="Invite the new chair"):
            meeting_update(
                meeting=meeting,
                scheduled_for=meeting.scheduled_for,
                location="Room 2",
                online_link="",
                chair=outsider,
                by=lac,
            )
        meeting_update(
            meeting=meeting,
            scheduled_for=meeting.scheduled_for,
            location="Room 2",
            online_link="",
            chair=other,
            by=lac,
        )
        meeting.refresh_from_db()
        assert (meeting.chair, meeting.location) == (other, "Room 2")
        assert other.has_perm("governance.chair_meeting", meeting)
        lac = type(lac).objects.get(pk=lac.pk)
        assert not lac.has_perm("governance.chair_meeting", meeting)


class TestAttendance:
    def test_it_records_who_is_present_while_in_progress(self, meeting, lac):
        with pytest.raises(ValidationError, match="in progress"):
            meeting_attendance_record(meeting=meeting, present_user_ids=[lac.pk], by=lac)
        meeting_transition(meeting=meeting, to=MeetingStatus.IN_PROGRESS, by=lac, reason="")
        members = meeting_attendance_record(meeting=meeting, present_user_ids=[lac.pk], by=lac)
        assert {m.user_id: m.present for m in members}[lac.pk] is True
        assert sum(m.present for m in members) == 1
        assert all(m.attendance_recorded_at for m in members)


class TestTransitions:
    ALL = list(MeetingStatus.values)

    @pytest.mark.parametrize("start", ALL)
    @pytest.mark.parametrize("to", ALL)
    def test_every_move_is_allowed_or_refused_by_the_table(self, meeting, lac, start, to):
        Meeting.objects.filter(pk=meeting.pk).update(status=start)
        meeting.refresh_from_db()
        if MEETING_TRANSITIONS.allows(start, to):
            moved = meeting_transition(meeting=meeting, to=to, by=lac, reason="test")
            assert moved.status == to
            change = meeting.status_changes.last()
            assert (change.from_status, change.to_status, change.by) == (start, to, lac)
        else:
            with pytest.raises(TransitionNotAllowed):
                meeting_transition(meeting=meeting, to=to, by=lac, reason="test")
            meeting.refresh_from_db()
            assert meeting.status == start

    def test_the_table_is_the_one_we_mean(self):
        assert MEETING_TRANSITIONS.pairs() == {
            ("scheduled", "in_progress"),
            ("scheduled", "cancelled"),
            ("in_progress", "closed"),
        }

    def test_starting_and_closing_stamp_the_times(self, meeting, lac):
        meeting_transition(meeting=meeting, to=MeetingStatus.IN_PROGRESS, by=lac, reason="")
        meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
        meeting.refresh_from_db()
        assert meeting.started_at and meeting.closed_at and meeting.is_locked


class TestVisibility:
    def test_the_lac_sees_their_icbs_meetings_and_members_their_own(
        self, meeting, lac, icb, other_icb, make_user
    ):
        member = meeting.members.exclude(user=lac).first().user
        other_meeting = make_meeting(icb=icb, chair=lac)
        assert set(Meeting.objects.visible_to(lac)) == {meeting, other_meeting}
        assert list(Meeting.objects.visible_to(member)) == [meeting]
        assert not Meeting.objects.visible_to(panel_member(icb)).exists()
        assert not Meeting.objects.visible_to(make_user(Role.LAC, icb=other_icb)).exists()
        assert not Meeting.objects.visible_to(make_user(Role.ADMINISTRATOR)).exists()
