"""The beat sweep, with time-machine: a reminder before expiry, a new link after it,
escalation after the last re-issue, and emails lost on the way to a worker."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from reviews.records.models import EventKind, RecordEmail, RecordRequestStatus
from reviews.records.services import records_sweep
from reviews.records.tests.factories import deliver_owed
from reviews.records.tests.helpers import upload_url

pytestmark = pytest.mark.django_db
S = RecordRequestStatus
DAY = datetime.timedelta(days=1)


def test_nothing_is_due_while_the_link_is_fresh(sent):
    result = records_sweep()
    assert (result.reissued, result.reminded, result.escalated) == (0, 0, 0)


def test_a_reminder_goes_three_days_before_expiry_with_a_link_of_its_own(sent, client):
    request, first_token = sent
    with time_machine.travel(request.expires_at - 3 * DAY + datetime.timedelta(minutes=1)):
        assert records_sweep().reminded == 1
        assert records_sweep().reminded == 0  # once per link
        mail.outbox.clear()
        [reminder_token] = deliver_owed()
        [message] = mail.outbox
        assert message.subject.startswith("Reminder:")
        # Both links work, until the same moment.
        assert client.get(upload_url(first_token)).status_code == 200
        assert client.get(upload_url(reminder_token)).status_code == 200
    request.refresh_from_db()
    assert request.events.last().kind == EventKind.REMINDED
    assert {link.expires_at for link in request.links.all()} == {request.expires_at}


def test_an_expired_link_is_revoked_and_a_new_one_sent(sent, client):
    request, old_token = sent
    with time_machine.travel(request.expires_at + datetime.timedelta(minutes=1)):
        result = records_sweep()
        assert result.reissued == 1
        request.refresh_from_db()
        assert request.reissue_count == 1 and request.expires_at is None
        assert records_sweep().reissued == 0  # not again while the new link is on its way
        mail.outbox.clear()
        [new_token] = deliver_owed()
        assert "new link" in mail.outbox[0].subject
        assert client.get(upload_url(old_token)).status_code == 404
        assert client.get(upload_url(new_token)).status_code == 200
        request.refresh_from_db()
        expected = timezone.now() + datetime.timedelta(days=14)
        assert abs(request.expires_at - expected) < datetime.timedelta(seconds=5)
    assert request.links.get(revoked_at__isnull=False).revoked_reason == "expired"
    assert request.events.last().kind == EventKind.REISSUED
    assert request.history.filter(history_change_reason="Link expired: new link").exists()


def test_after_three_new_links_the_request_escalates_to_the_lacs(sent, lac):
    request, _ = sent
    now = timezone.now()
    for round_ in range(1, 4):
        now = request.expires_at + datetime.timedelta(minutes=1)
        with time_machine.travel(now):
            assert records_sweep().reissued == 1
            deliver_owed()
        request.refresh_from_db()
        assert request.reissue_count == round_ and request.status == S.SENT

    with time_machine.travel(request.expires_at + datetime.timedelta(minutes=1)):
        result = records_sweep()
        assert (result.reissued, result.escalated) == (0, 1)
        mail.outbox.clear()
        assert deliver_owed() == []  # no new link
    request.refresh_from_db()
    assert request.status == S.ESCALATED and request.closed_at is not None
    assert request.events.last().kind == EventKind.ESCALATED
    assert request.status_changes.last().to_status == S.ESCALATED
    [told] = mail.outbox
    assert told.to == [lac.email]
    assert not request.links.filter(revoked_at__isnull=True).exists()


def test_the_number_of_re_issues_is_configurable(sent, settings):
    settings.LEDER_RECORDS_MAX_REISSUES = 0
    request, _ = sent
    with time_machine.travel(request.expires_at + DAY):
        assert records_sweep().escalated == 1


def test_completed_and_cancelled_requests_are_left_alone(sent, reviewer):
    from reviews.records.services import record_request_cancel

    request, _ = sent
    record_request_cancel(request=request, by=reviewer, reason="No longer needed")
    with time_machine.travel(timezone.now() + 30 * DAY):
        result = records_sweep()
    assert (result.reissued, result.escalated, result.reminded) == (0, 0, 0)


def test_an_email_never_enqueued_is_enqueued_again(
    make_request, django_capture_on_commit_callbacks
):
    from unittest import mock

    request = make_request()  # its on-commit enqueue never ran: a crash after commit
    email = RecordEmail.objects.get(request=request)
    with mock.patch("reviews.records.services.sweep.enqueue") as enqueue:
        assert records_sweep().requeued == 0  # too recent to be presumed lost
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
            assert records_sweep().requeued == 1
    enqueue.assert_called_once_with([email.pk])
    email.refresh_from_db()
    assert email.enqueued_at is not None


def test_an_email_claimed_by_a_dead_worker_is_enqueued_again(make_request):
    from unittest import mock

    request = make_request()
    email = RecordEmail.objects.get(request=request)
    RecordEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now(), attempts=1)
    with mock.patch("reviews.records.services.sweep.enqueue") as enqueue:
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
            assert records_sweep().requeued == 0  # the worker may still be sending
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
            assert records_sweep().requeued == 1
    enqueue.assert_called_once_with([email.pk])
