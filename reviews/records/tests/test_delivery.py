"""Sending owed emails: claimed once, sent once, failures released for a retry, given up
and escalated after the last attempt; re-delivery and stale claims are safe."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from reviews.records.models import EventKind, RecordEmail, RecordRequestStatus
from reviews.records.services import record_email_deliver
from reviews.records.services.delivery import CLAIM_TIMEOUT, MAX_ATTEMPTS
from reviews.records.tasks import send_record_email, send_record_emails

pytestmark = pytest.mark.django_db
S = RecordRequestStatus


def link_email(request):
    return RecordEmail.objects.get(request=request, kind=RecordEmail.Kind.LINK)


def test_a_second_delivery_of_the_same_task_sends_nothing(make_request):
    request = make_request()
    email = link_email(request)

    assert send_record_email(email.pk).startswith("sent")
    assert send_record_email(email.pk) == "nothing to do"

    assert len(mail.outbox) == 1
    assert request.links.count() == 1
    email.refresh_from_db()
    assert email.attempts == 1 and email.sent_at and email.recipients_count == 1


def test_a_row_claimed_by_a_live_worker_is_left_alone(make_request):
    request = make_request()
    email = link_email(request)
    RecordEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now())

    assert record_email_deliver(email.pk) == "nothing to do"
    assert not mail.outbox


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_timeout(make_request):
    request = make_request()
    email = link_email(request)
    RecordEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - CLAIM_TIMEOUT - datetime.timedelta(seconds=1), attempts=1
    )

    assert record_email_deliver(email.pk).startswith("sent")

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 2


def test_a_failed_send_releases_the_claim_for_a_retry(make_request):
    request = make_request()
    email = link_email(request)

    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        pytest.raises(OSError),
    ):
        record_email_deliver(email.pk)

    email.refresh_from_db()
    assert email.claimed_at is None and email.sent_at is None and email.last_error == "OSError"
    request.refresh_from_db()
    assert request.status == S.QUEUED
    assert record_email_deliver(email.pk).startswith("sent")
    # The retry made a new link and revoked the one that was never delivered.
    assert request.links.filter(revoked_at__isnull=True).count() == 1
    assert request.links.get(revoked_at__isnull=False).revoked_reason == "superseded"


def test_after_the_last_attempt_it_gives_up_and_escalates_to_the_lacs(make_request, lac):
    request = make_request()
    email = link_email(request)
    RecordEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("bad")):
        assert record_email_deliver(email.pk) == "failed"

    email.refresh_from_db()
    assert email.failed_at is not None
    request.refresh_from_db()
    assert request.status == S.ESCALATED
    kinds = [e.kind for e in request.events.all()]
    assert kinds[-2:] == [EventKind.SEND_FAILED, EventKind.ESCALATED]
    escalation = RecordEmail.objects.get(request=request, kind=RecordEmail.Kind.ESCALATED)
    record_email_deliver(escalation.pk)
    [told] = mail.outbox
    assert told.to == [lac.email] and "needs your attention" in told.subject


def test_the_batch_task_sends_each_and_retries_a_failure_on_its_own(make_request):
    first, second = make_request(), make_request()
    ids = [link_email(first).pk, link_email(second).pk]
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 1:
            raise OSError("blip")
        return real_send(message, *args, **kwargs)

    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", flaky),
        mock.patch.object(send_record_email, "apply_async") as retry,
    ):
        assert send_record_emails(ids) == 1

    retry.assert_called_once_with((ids[0],), countdown=60)
    assert len(mail.outbox) == 1


def test_a_reminder_is_not_sent_for_links_about_to_expire(sent):
    request, _ = sent
    reminder = RecordEmail.objects.create(
        request=request, kind=RecordEmail.Kind.REMINDER, to_email=request.recipient_email
    )
    with time_machine.travel(request.expires_at - datetime.timedelta(minutes=30)):
        assert record_email_deliver(reminder.pk) == "no longer wanted"
    reminder.refresh_from_db()
    assert reminder.cancelled_at is not None
