"""Action pages: who sees and changes what, SMART form errors, status, progress."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Action, ActionStatus
from governance.tests.factories import make_action, panel_member
from leder.roles import Role
from leder.testing import assert_queries_flat

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"governance:{name}", kwargs=kwargs)


@pytest.fixture
def action(icb, lac):
    return make_action(icb=icb, by=lac)


def test_anonymous_outsiders_and_wrong_roles(client, action, outsider_client, reviewer_client):
    assert client.get(url("actions")).status_code == 302
    assert client.get(url("action", pk=action.pk)).status_code == 302
    assert outsider_client.get(url("action", pk=action.pk)).status_code == 404
    assert (
        outsider_client.post(url("action_progress", pk=action.pk), {"note": "x"}).status_code == 404
    )
    assert reviewer_client.get(url("actions")).status_code == 403
    assert reviewer_client.get(url("action", pk=action.pk)).status_code == 404
    assert reviewer_client.get(url("action_new")).status_code == 403


def test_wrong_methods(lac_client, action):
    assert lac_client.get(url("action_status", pk=action.pk)).status_code == 405
    assert lac_client.get(url("action_progress", pk=action.pk)).status_code == 405
    assert lac_client.post(url("action", pk=action.pk)).status_code == 405


def test_agreeing_an_action_through_the_form(lac_client, icb, trust):
    due = timezone.localdate() + datetime.timedelta(days=60)
    response = lac_client.post(
        url("action_new"),
        {
            "title": "Share swallowing plans at discharge",
            "description": "",
            "success_measure": "Audit of 20 discharges shows plans shared",
            "owner_organisation": str(trust.pk),
            "owner_user": "",
            "owner_name": "Jo Lead",
            "owner_email": "jo.lead@example.nhs.uk",
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner_name, action.due_on) == ("Jo Lead", due)


def test_form_errors_keep_what_was_typed(lac_client, trust):
    response = lac_client.post(
        url("action_new"),
        {
            "title": "Half an idea",
            "success_measure": "",
            "owner_organisation": str(trust.pk),
            "owner_name": "Jo",
            "owner_email": "not-an-email",
            "due_on_day": "1",
            "due_on_month": "13",
            "due_on_year": "2027",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter how you will know it is done" in page
    assert "must be a real date" in page
    assert "Half an idea" in page
    assert not Action.objects.exists()


def test_the_owner_records_progress_and_completes_with_evidence(icb, lac, signed_in):
    owner = panel_member(icb)
    action = make_action(icb=icb, by=lac, owner=owner)
    c = signed_in(owner)
    assert c.get(url("actions")).status_code == 200
    assert c.post(url("action_progress", pk=action.pk), {"note": ""}).status_code == 400
    assert c.post(url("action_progress", pk=action.pk), {"note": "Half done"}).status_code == 302
    response = c.post(url("action_status", pk=action.pk), {"status": "completed"})
    assert response.status_code == 400
    assert "Describe the evidence of completion" in response.content.decode()
    c.post(url("action_status", pk=action.pk), {"status": "completed", "evidence_summary": "Audit"})
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    assert c.get(url("action_edit", pk=action.pk)).status_code == 403


def test_overdue_actions_stand_out(icb, lac, lac_client):
    import time_machine

    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        late = make_action(icb=icb, by=lac, due_in_days=5)
    page = lac_client.get(url("actions")).content.decode()
    assert "1 overdue" in page and "Overdue" in page
    page = lac_client.get(url("actions"), {"status": "overdue"}).content.decode()
    assert late.reference in page
    assert "This action was due on" in lac_client.get(url("action", pk=late.pk)).content.decode()


def test_governance_members_see_and_manage_actions(icb, action, client_for):
    member = client_for(Role.GOVERNANCE_MEMBER)
    assert action.reference in member.get(url("actions")).content.decode()
    response = member.post(
        url("action_status", pk=action.pk), {"status": "cancelled", "reason": "Merged"}
    )
    assert response.status_code == 302


counter = itertools.count()


def test_the_list_keeps_a_flat_query_count(icb, lac, lac_client, capsys, trust):
    from governance.models import ActionStatusChange

    def grow(n):
        rows = [
            Action(
                icb=icb,
                title=f"Action {next(counter)}",
                success_measure="x",
                owner_organisation=trust,
                owner_name="Jo",
                owner_email="jo@example.nhs.uk",
                due_on=timezone.localdate() + datetime.timedelta(days=n % 20 - 10),
                created_by=lac,
            )
            for _ in range(n)
        ]
        made = Action.objects.bulk_create(rows)
        ActionStatusChange.objects.bulk_create(
            ActionStatusChange(subject=a, to_status="open") for a in made
        )

    small, large = assert_queries_flat(
        lambda: lac_client.get(url("actions"), {"status": "all"}), grow, small=2, large=30
    )
    with capsys.disabled():
        print(f"\naction list queries: {small} with 2 actions, {large} with 30")
