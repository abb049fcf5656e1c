"""The agenda (reviews awaiting QA, added, removed, reordered) and per-item conflicts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from governance.models import AgendaItem, MeetingKind, MeetingStatus, PanelConflict
from governance.querysets import cases_available_for_agenda
from governance.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    panel_conflict_declare,
)
from governance.services.meetings import meeting_transition
from governance.tests.factories import make_meeting, submitted_case
from governance.tests.helpers import members, on_agenda, start
from leder.roles import Role
from reviews.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(icb, lac):
    return [submitted_case(icb, lac) for _ in range(3)]


def positions(meeting):
    return list(meeting.items.order_by("position").values_list("case__reference", "position"))


class TestAvailable:
    def test_only_reviews_awaiting_qa_of_the_icb_not_already_on_an_open_agenda(
        self, meeting, icb, other_icb, lac, cases
    ):
        CaseFactory(icb_org=icb, in_progress=True)
        CaseFactory(icb_org=other_icb, awaiting_qa=True)
        assert set(cases_available_for_agenda(meeting)) == set(cases)
        other = make_meeting(icb=icb, chair=lac)
        on_agenda(other, cases[0], lac)
        assert set(cases_available_for_agenda(meeting)) == set(cases[1:])
        meeting_transition(meeting=other, to=MeetingStatus.CANCELLED, by=lac, reason="")
        assert set(cases_available_for_agenda(meeting)) == set(cases)

    def test_another_icbs_review_cannot_be_added(self, meeting, other_icb, make_user, lac):
        theirs = submitted_case(other_icb, make_user(Role.LAC, icb=other_icb))
        with pytest.raises(ValidationError, match="waiting for this meeting"):
            agenda_item_add(meeting=meeting, case_id=theirs.pk, by=lac)
        assert not AgendaItem.objects.exists()


class TestBuilding:
    def test_adding_takes_the_latest_version_at_the_end(self, meeting, lac, cases):
        items = [on_agenda(meeting, c, lac) for c in cases]
        assert [i.position for i in items] == [1, 2, 3]
        assert items[0].version == cases[0].versions.get(number=1)
        assert items[0].history.first().history_user == lac

    def test_the_same_review_twice_is_refused(self, meeting, lac, cases):
        on_agenda(meeting, cases[0], lac)
        with pytest.raises(ValidationError):
            on_agenda(meeting, cases[0], lac)

    def test_reorder_with_buttons_and_remove_closes_the_gap(self, meeting, lac, cases):
        a, _b, c = (on_agenda(meeting, x, lac) for x in cases)
        agenda_item_move(item=c, direction="up", by=lac)
        assert positions(meeting) == [
            (cases[0].reference, 1),
            (cases[2].reference, 2),
            (cases[1].reference, 3),
        ]
        agenda_item_move(item=a, direction="up", by=lac)  # already first: nothing moves
        agenda_item_move(item=a, direction="down", by=lac)
        assert [r for r, _ in positions(meeting)] == [
            cases[2].reference,
            cases[0].reference,
            cases[1].reference,
        ]
        agenda_item_remove(item=AgendaItem.objects.get(pk=c.pk), by=lac)
        assert positions(meeting) == [(cases[0].reference, 1), (cases[1].reference, 2)]
        with pytest.raises(ValidationError):
            agenda_item_move(item=a, direction="sideways", by=lac)

    def test_the_agenda_is_fixed_once_the_meeting_starts(self, meeting, lac, cases):
        item = on_agenda(meeting, cases[0], lac)
        start(meeting, lac)
        for call in (
            lambda: on_agenda(meeting, cases[1], lac),
            lambda: agenda_item_remove(item=item, by=lac),
            lambda: agenda_item_move(item=item, direction="down", by=lac),
        ):
            with pytest.raises(ValidationError, match="before the meeting starts"):
                call()


class TestConflicts:
    def test_a_member_declares_and_updates_their_own_conflict(self, meeting, lac, cases):
        item = on_agenda(meeting, cases[0], lac)
        helen = members(meeting)[0]
        member = meeting.members.get(user=helen)
        panel_conflict_declare(item=item, member=member, reason="I manage the care home", by=helen)
        panel_conflict_declare(item=item, member=member, reason="I managed the care home", by=helen)
        conflict = PanelConflict.objects.get()
        assert conflict.reason == "I managed the care home"
        assert conflict.history.count() == 2

    def test_nobody_declares_for_someone_else_and_a_reason_is_needed(self, meeting, lac, cases):
        item = on_agenda(meeting, cases[0], lac)
        helen, other = members(meeting)
        member = meeting.members.get(user=helen)
        with pytest.raises(ValidationError, match="their own"):
            panel_conflict_declare(item=item, member=member, reason="x", by=other)
        with pytest.raises(ValidationError):
            panel_conflict_declare(item=item, member=member, reason="  ", by=helen)

    def test_no_conflicts_on_a_closed_meeting(self, meeting, lac, cases):
        item = on_agenda(meeting, cases[0], lac)
        start(meeting, lac)
        meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
        helen = members(meeting)[0]
        with pytest.raises(ValidationError, match="closed"):
            panel_conflict_declare(
                item=item, member=meeting.members.get(user=helen), reason="x", by=helen
            )


def test_a_governance_group_agenda_takes_focused_reviews_awaiting_its_sign_off(
    icb, lac, cases, make_user
):
    from governance.models import GovernanceSignOff

    dcno = make_user(Role.GOVERNANCE_MEMBER)
    group = make_meeting(icb=icb, chair=dcno, by=lac, kind=MeetingKind.GOVERNANCE_GROUP)
    assert not cases_available_for_agenda(group).exists()
    with pytest.raises(ValidationError):
        on_agenda(group, cases[0], lac)
    assert GovernanceSignOff.objects.count() == 0
