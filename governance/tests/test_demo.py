"""The governance demo step of ``seed_demo``: idempotent, through the services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from governance.models import Action, ActionStatus, Decision, Meeting, MeetingKind, MeetingStatus
from reviews.demo import demo_case
from reviews.models import CaseStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_holds_a_panel_schedules_the_next_and_agrees_actions_once():
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    assert "Governance: 1 QA panel meeting held, 2 meetings scheduled" in out.getvalue()
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())

    held = Meeting.objects.get(kind=MeetingKind.QA_PANEL, status=MeetingStatus.CLOSED)
    assert held.members.filter(present=True).count() == 4
    assert set(Decision.objects.filter(item__meeting=held).values_list("outcome", flat=True)) == {
        "approved",
        "approved_with_amendments",
        "returned",
    }
    assert Decision.objects.filter(signed_off_at__isnull=True).count() == 0
    assert demo_case("demo-14").status == CaseStatus.RETURNED

    upcoming = Meeting.objects.get(kind=MeetingKind.QA_PANEL, status=MeetingStatus.SCHEDULED)
    assert upcoming.members.count() == 2
    assert upcoming.chair.email == "lac@leder.example"
    assert list(upcoming.items.values_list("case", flat=True)) == [demo_case("demo-13").pk]
    assert Meeting.objects.filter(kind=MeetingKind.GOVERNANCE_GROUP).count() == 1

    assert Action.objects.count() == 4
    assert Action.objects.overdue().count() == 1
    assert Action.objects.filter(status=ActionStatus.COMPLETED).exclude(evidence_summary="")
