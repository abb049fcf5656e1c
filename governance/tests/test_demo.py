"""The governance demo step of ``seed_demo``: idempotent, through the services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from governance.models import Action, Meeting

pytestmark = pytest.mark.django_db


def test_seed_demo_schedules_a_meeting_and_agrees_two_actions_once():
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    assert "Governance: 1 QA panel meeting scheduled" in out.getvalue()
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    meeting = Meeting.objects.get()
    assert meeting.members.count() == 2
    assert meeting.chair.email == "lac@leder.example"
    assert Action.objects.count() == 2
    assert Action.objects.overdue().count() == 1
