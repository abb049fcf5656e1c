"""Overdue-action reminders: one per period per action, claimed and sent once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from governance.models import ActionReminder, ActionStatus
from governance.services.actions import action_transition
from governance.services.reminders import action_reminders_queue
from governance.tasks import remind_overdue_actions, send_action_reminder
from governance.tests.factories import make_action, panel_member
from leder.services.users import user_deactivate

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def day(n: int) -> datetime.datetime:
    return START + datetime.timedelta(days=n)


@pytest.fixture
def overdue_in_one_day(icb, lac):
    with time_machine.travel(START, tick=False):
        owner = panel_member(icb, "Olu Owner")
        return make_action(icb=icb, by=lac, owner=owner, due_in_days=0)


@override_settings(LEDER_ACTION_REMINDER_DAYS=7)
def test_one_reminder_when_overdue_then_one_every_period(overdue_in_one_day):
    action = overdue_in_one_day
    with time_machine.travel(day(0), tick=False):
        assert action_reminders_queue() == 0  # due today: not overdue yet
    with time_machine.travel(day(1), tick=False):
        assert action_reminders_queue() == 1
        assert action_reminders_queue() == 0  # the sweep again: no duplicate
    for n in range(2, 8):
        with time_machine.travel(day(n), tick=False):
            assert action_reminders_queue() == 0
    with time_machine.travel(day(8), tick=False):
        assert action_reminders_queue() == 1
    assert list(ActionReminder.objects.values_list("round", "recipient_email")) == [
        (0, action.owner_user.email),
        (1, action.owner_user.email),
    ]


def test_completed_and_cancelled_actions_are_not_reminded(icb, lac):
    with time_machine.travel(START, tick=False):
        done = make_action(icb=icb, by=lac, due_in_days=0)
        gone = make_action(icb=icb, by=lac, due_in_days=0)
        action_transition(action=done, to=ActionStatus.COMPLETED, by=lac, evidence_summary="x")
        action_transition(action=gone, to=ActionStatus.CANCELLED, by=lac, reason="Merged")
    with time_machine.travel(day(3), tick=False):
        assert action_reminders_queue() == 0


def test_an_owner_without_an_account_is_reminded_by_email(icb, lac):
    with time_machine.travel(START, tick=False):
        action = make_action(icb=icb, by=lac, due_in_days=0)
    with time_machine.travel(day(1), tick=False):
        remind_overdue_actions()
        reminder = ActionReminder.objects.get()
        assert reminder.recipient_email == "sam.owner@example.nhs.uk"
        assert send_action_reminder(reminder.pk) == "sent"
    message = mail.outbox[0]
    assert message.to == ["sam.owner@example.nhs.uk"]
    assert action.reference in message.subject
    assert "Local Area Contact" in message.body
    assert "/governance/actions/" not in message.body


def test_a_deactivated_owner_is_not_emailed(icb, lac, overdue_in_one_day):
    user_deactivate(user=overdue_in_one_day.owner_user, by=lac, reason="Left")
    with time_machine.travel(day(1), tick=False):
        assert action_reminders_queue() == 0


def test_sending_claims_the_row_so_a_redelivery_sends_nothing(
    overdue_in_one_day, django_capture_on_commit_callbacks
):
    action = overdue_in_one_day
    with time_machine.travel(day(1), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            action_reminders_queue()
        assert len(callbacks) == 1
        reminder = ActionReminder.objects.get()
        assert send_action_reminder(reminder.pk) == "sent"
        assert send_action_reminder(reminder.pk) == "already sent or being sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [action.owner_user.email]
    assert action.title in message.body and "Due: 2 March 2026" in message.body
    assert f"/governance/actions/{action.pk}/" in message.body
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    # Sent rows are not enqueued again by the next sweep.
    with time_machine.travel(day(2), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            action_reminders_queue()
        assert callbacks == []


def test_a_failed_send_releases_the_claim_for_a_retry(overdue_in_one_day, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    with time_machine.travel(day(1), tick=False):
        action_reminders_queue()
    reminder = ActionReminder.objects.get()

    def broken(self, fail_silently=False):
        raise OSError("relay down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(OSError):
        send_action_reminder.run(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.claimed_at is None and reminder.sent_at is None
    assert timezone.now()  # the row waits for the retry
