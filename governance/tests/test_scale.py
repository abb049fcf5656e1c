"""The governance scale step: meetings, decisions and actions consistent with the cases."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from governance import kpis
from governance.models import Action, Decision, Meeting, MeetingStatus
from reviews.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

SMALL = {"notifications": 300, "practices": 420, "reviewers": 84, "years": 2, "seed": 3}


def test_every_completed_case_has_a_signed_off_decision_and_reset_removes_them(themes):
    out = io.StringIO()
    call_command("seed_scale", **SMALL, stdout=out)
    assert "panel meetings" in out.getvalue()
    completed = Case.objects.filter(status=CaseStatus.COMPLETED).count()
    approved = Decision.objects.filter(outcome="approved", signed_off_at__isnull=False)
    assert completed > 0 and approved.count() == completed
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED).count() == 42
    assert Action.objects.exists()
    meeting = Meeting.objects.filter(status=MeetingStatus.CLOSED).first()
    member = meeting.members.exclude(user=meeting.chair).first().user
    assert Meeting.objects.visible_to(member).filter(pk=meeting.pk).exists()
    data = kpis.compute(kpis.Scope(None, *kpis.last_months(24)))
    assert data.completed > 0 and data.themes.rows
    call_command("seed_scale", "--delete", stdout=io.StringIO())
    assert not Meeting.objects.exists() and not Decision.objects.exists()
