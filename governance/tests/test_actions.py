"""Actions: SMART fields, who may agree and change them, every status move, progress."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import Action, ActionStatus
from governance.services.actions import (
    action_create,
    action_progress_add,
    action_transition,
    action_update,
)
from governance.tests.factories import make_action, panel_member, provider
from governance.workflow import ACTION_TRANSITIONS
from leder.lib.workflow import TransitionNotAllowed
from leder.roles import Role

pytestmark = pytest.mark.django_db


class TestCreate:
    def test_it_records_who_agreed_it_and_starts_open(self, icb, lac):
        action = make_action(icb=icb, by=lac)
        assert action.status == ActionStatus.OPEN
        assert action.reference == f"ACT-{action.pk:05d}"
        assert action.history.first().history_user == lac
        assert list(action.status_changes.values_list("from_status", "to_status", "by")) == [
            ("", "open", lac.pk)
        ]

    def test_a_governance_member_may_agree_actions_a_reviewer_may_not(self, icb, make_user):
        member = make_user(Role.GOVERNANCE_MEMBER)
        assert make_action(icb=icb, by=member).created_by == member
        with pytest.raises(ValidationError, match="Only the LAC or a governance member"):
            make_action(icb=icb, by=make_user(Role.REVIEWER))

    def test_each_smart_field_is_checked(self, icb, other_icb, lac):
        with pytest.raises(ValidationError) as error:
            action_create(
                icb=icb,
                title=" ",
                success_measure="",
                owner_organisation=provider(other_icb),
                owner_name="",
                due_on=timezone.localdate() - datetime.timedelta(days=1),
                by=lac,
            )
        assert set(error.value.message_dict) == {
            "title",
            "success_measure",
            "owner_organisation",
            "owner_name",
            "due_on",
        }
        assert error.value.message_dict["due_on"] == ["Due date must be today or in the future"]
        assert not Action.objects.exists()

    def test_an_owner_without_an_account_needs_an_email_for_reminders(self, icb, lac):
        with pytest.raises(ValidationError) as error:
            make_action(icb=icb, by=lac, owner_name="Sam Owner", owner_email="")
        assert "owner_email" in error.value.message_dict

    def test_an_owner_from_another_icb_is_refused(self, icb, other_icb, lac):
        with pytest.raises(ValidationError) as error:
            make_action(icb=icb, by=lac, owner=panel_member(other_icb))
        assert "owner_user" in error.value.message_dict

    def test_it_links_reviews_of_its_icb_only(self, icb, other_icb, lac):
        from reviews.tests.factories import CaseFactory

        mine, theirs = CaseFactory(icb_org=icb), CaseFactory(icb_org=other_icb)
        action = make_action(icb=icb, by=lac, cases=[mine])
        assert list(action.cases.all()) == [mine]
        with pytest.raises(ValidationError):
            make_action(icb=icb, by=lac, cases=[theirs])


class TestUpdate:
    def test_it_changes_open_actions_only(self, icb, lac):
        action = make_action(icb=icb, by=lac)
        fields = {
            "title": "New title",
            "description": "",
            "success_measure": "Measured",
            "owner_organisation": action.owner_organisation,
            "owner_user": None,
            "owner_name": "Kim",
            "owner_email": "kim@example.nhs.uk",
            "due_on": timezone.localdate() - datetime.timedelta(days=3),  # may now be past
        }
        updated = action_update(action=action, by=lac, **fields)
        assert (updated.title, updated.owner_name) == ("New title", "Kim")
        action_transition(action=action, to=ActionStatus.CANCELLED, by=lac, reason="Duplicate")
        with pytest.raises(ValidationError, match="cannot be changed"):
            action_update(action=action, by=lac, **fields)


class TestTransitions:
    ALL = list(ActionStatus.values)

    @pytest.mark.parametrize("start", ALL)
    @pytest.mark.parametrize("to", ALL)
    def test_every_move_is_allowed_or_refused_by_the_table(self, icb, lac, start, to):
        action = make_action(icb=icb, by=lac)
        Action.objects.filter(pk=action.pk).update(
            status=start, cancelled_reason="x", evidence_summary="x"
        )
        action.refresh_from_db()
        kwargs = {"reason": "Because", "evidence_summary": "Audit report"}
        if ACTION_TRANSITIONS.allows(start, to):
            moved = action_transition(action=action, to=to, by=lac, **kwargs)
            assert moved.status == to
            last = action.status_changes.last()
            assert (last.from_status, last.to_status) == (start, to)
        else:
            with pytest.raises(TransitionNotAllowed):
                action_transition(action=action, to=to, by=lac, **kwargs)

    def test_the_table_is_the_one_we_mean(self):
        assert ACTION_TRANSITIONS.pairs() == {
            ("open", "in_progress"),
            ("open", "completed"),
            ("open", "cancelled"),
            ("in_progress", "completed"),
            ("in_progress", "cancelled"),
        }

    def test_cancelling_needs_a_reason_and_completing_needs_evidence(self, icb, lac):
        action = make_action(icb=icb, by=lac)
        with pytest.raises(ValidationError) as error:
            action_transition(action=action, to=ActionStatus.CANCELLED, by=lac, reason=" ")
        assert "reason" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            action_transition(action=action, to=ActionStatus.COMPLETED, by=lac)
        assert "evidence_summary" in error.value.message_dict
        done = action_transition(
            action=action,
            to=ActionStatus.COMPLETED,
            by=lac,
            evidence_summary="Audit: 97% offered",
        )
        assert done.completed_at and done.evidence_summary == "Audit: 97% offered"

    def test_the_owner_may_move_their_action_others_may_not(self, icb, lac, make_user):
        owner = panel_member(icb)
        action = make_action(icb=icb, by=lac, owner=owner)
        action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=owner)
        with pytest.raises(ValidationError, match="cannot change"):
            action_transition(
                action=action, to=ActionStatus.CANCELLED, by=make_user(Role.REVIEWER), reason="x"
            )


class TestProgress:
    def test_notes_are_kept_in_order_with_who_wrote_them(self, icb, lac):
        owner = panel_member(icb)
        action = make_action(icb=icb, by=lac, owner=owner)
        action_progress_add(action=action, note="Letters sent to practices", by=owner)
        action_progress_add(action=action, note="Half offered", by=lac)
        assert list(action.progress_notes.values_list("note", "by")) == [
            ("Letters sent to practices", owner.pk),
            ("Half offered", lac.pk),
        ]
        with pytest.raises(ValidationError):
            action_progress_add(action=action, note="", by=lac)
        action_transition(action=action, to=ActionStatus.CANCELLED, by=lac, reason="Merged")
        with pytest.raises(ValidationError, match="only on open actions"):
            action_progress_add(action=action, note="Late", by=lac)


class TestReads:
    def test_who_sees_which_actions(self, icb, other_icb, lac, make_user):
        owner = panel_member(icb)
        owned = make_action(icb=icb, by=lac, owner=owner)
        other = make_action(icb=icb, by=lac)
        assert set(Action.objects.visible_to(lac)) == {owned, other}
        assert set(Action.objects.visible_to(make_user(Role.GOVERNANCE_MEMBER))) == {owned, other}
        assert list(Action.objects.visible_to(owner)) == [owned]
        assert not Action.objects.visible_to(make_user(Role.LAC, icb=other_icb)).exists()
        assert not Action.objects.visible_to(make_user(Role.REVIEWER)).exists()

    def test_overdue_means_open_and_past_its_due_date(self, icb, lac):
        late = make_action(icb=icb, by=lac, due_in_days=1)
        make_action(icb=icb, by=lac, due_in_days=10)
        done = make_action(icb=icb, by=lac, due_in_days=1)
        action_transition(action=done, to=ActionStatus.COMPLETED, by=lac, evidence_summary="x")
        later = timezone.localdate() + datetime.timedelta(days=2)
        assert list(Action.objects.overdue(later)) == [late]
        assert Action.objects.overdue().count() == 0
