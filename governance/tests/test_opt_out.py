"""A National Data Opt-Out reaches the panel's records: off the agenda, free text removed
(even from signed-off decisions and addenda, which nothing else may change)."""

from __future__ import annotations

import pytest

from governance.models import (
    AgendaItem,
    Decision,
    DecisionSignature,
    MeetingStatus,
    MinutesAddendum,
    PanelConflict,
)
from governance.services.agenda import panel_conflict_declare
from governance.services.decisions import decision_record, decision_sign, minutes_addendum_add
from governance.services.meetings import meeting_transition
from governance.services.opt_out import REMOVED
from governance.tests.factories import make_meeting, submitted_case
from governance.tests.helpers import members, on_agenda, start
from notifications.services import notification_opt_out
from reviews.models import CaseStatus

pytestmark = pytest.mark.django_db


def test_opting_out_takes_the_case_off_agendas_and_removes_its_free_text(icb, lac):
    returned = submitted_case(icb, lac)
    waiting = submitted_case(icb, lac)
    meeting = make_meeting(icb=icb, chair=lac, members=3)
    item = on_agenda(meeting, returned, lac)
    helen, sam, kim = members(meeting)
    panel_conflict_declare(
        item=item,
        member=meeting.members.get(user=helen),
        reason="Neighbour of the Smiths",
        by=helen,
    )
    start(meeting, lac)
    decision = decision_record(
        item=item,
        outcome="returned",
        discussion_summary="Mrs Smith's daughter raised concerns",
        comments="Speak to Mrs Smith again",
        by=lac,
    )
    for user in (lac, sam, kim):
        decision_sign(decision=decision, by=user)
    returned.refresh_from_db()
    assert returned.status == CaseStatus.RETURNED
    meeting_transition(meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="")
    minutes_addendum_add(meeting=meeting, item=item, text="Mrs Smith called the LAC", by=lac)
    next_meeting = make_meeting(icb=icb, chair=lac)
    on_agenda(next_meeting, waiting, lac)

    notification_opt_out(notification=returned.notification, by=lac)
    notification_opt_out(notification=waiting.notification, by=lac)

    assert not AgendaItem.objects.filter(case=waiting).exists()
    decision.refresh_from_db()
    assert (decision.discussion_summary, decision.comments) == (REMOVED, REMOVED)
    assert decision.outcome == "returned" and decision.is_signed_off
    assert DecisionSignature.objects.filter(decision=decision).count() == 3
    assert not Decision.history.filter(discussion_summary__contains="Smith").exists()
    assert not Decision.history.filter(comments__contains="Smith").exists()
    assert PanelConflict.objects.get().reason == REMOVED
    assert not PanelConflict.history.filter(reason__contains="Smith").exists()
    assert MinutesAddendum.objects.get().text == REMOVED
