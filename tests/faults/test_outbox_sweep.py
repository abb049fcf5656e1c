"""The outbox sweep (``leder.lib.outbox``): every outbox is swept, lost sends come back once.

The worker-level proofs are in ``test_faults.py``; these pin down the rules quickly.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django.utils.module_loading import import_string

from leder.lib.outbox import CLAIM_TIMEOUT, ENQUEUE_GRACE, OUTBOXES, outbox_sweep
from notifications.models import NotificationEmail
from notifications.services.emails import notification_email_queue
from notifications.tasks import send_notification_email
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


def test_every_outbox_model_is_swept():
    """A model with ``claimed_at`` and ``sent_at`` is an outbox: swept here, or (record
    requests) by its own sweep. A new outbox cannot be forgotten."""
    outboxes = {
        m._meta.label
        for m in apps.get_models()
        if {"claimed_at", "sent_at"} <= {f.name for f in m._meta.get_fields()}
    }
    swept = {box.model for box in OUTBOXES}
    assert outboxes - swept == {"records.RecordEmail"}
    assert swept <= outboxes
    for box in OUTBOXES:
        assert import_string(box.task).name == box.task


def test_beat_runs_the_sweep():
    from leder.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["schedule"] <= 15 * 60
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.fixture
def rows(icb):
    """Acknowledgements in every state, written without their send being enqueued."""
    now = timezone.now()
    with mock.patch.object(send_notification_email, "delay"):  # enqueued: never
        made = [
            notification_email_queue(
                notification=NotificationFactory(icb=icb, notifier_email=f"n{i}@example.nhs.uk"),
                kind=NotificationEmail.Kind.ACKNOWLEDGEMENT,
            )
            for i in range(5)
        ]
    states = {
        "lost": {"created_at": now - ENQUEUE_GRACE - MINUTE},
        "dead claim": {"created_at": now - 60 * MINUTE, "claimed_at": now - CLAIM_TIMEOUT - MINUTE},
        "recent": {"created_at": now - MINUTE},
        "being sent": {"created_at": now - 60 * MINUTE, "claimed_at": now - MINUTE},
        "sent": {"created_at": now - 60 * MINUTE, "claimed_at": now - 59 * MINUTE, "sent_at": now},
    }
    named = dict(zip(states, made, strict=True))
    for name, values in states.items():
        NotificationEmail.objects.filter(pk=named[name].pk).update(**values)
    return named


def test_it_requeues_lost_sends_and_releases_dead_claims_only(rows):
    with mock.patch.object(send_notification_email, "delay") as delay:
        result = outbox_sweep()
    assert result["notifications.NotificationEmail"] == 2
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(
        [rows["lost"].pk, rows["dead claim"].pk]
    )
    by_pk = {e.pk: e for e in NotificationEmail.objects.all()}
    assert by_pk[rows["dead claim"].pk].claimed_at is None
    assert by_pk[rows["being sent"].pk].claimed_at is not None  # a live claim stands


def test_a_send_lost_between_commit_and_enqueue_goes_exactly_once(rows):
    with mock.patch.object(send_notification_email, "delay", side_effect=send_notification_email):
        outbox_sweep()
        outbox_sweep()  # twice (two beats, or a repeat): the claim holds
    for name in ("lost", "dead claim", "being sent", "sent"):
        send_notification_email(rows[name].pk)  # stray re-deliveries change nothing
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted(rows[name].notification.notifier_email for name in ("lost", "dead claim"))
    assert not NotificationEmail.objects.filter(
        pk__in=[rows["lost"].pk, rows["dead claim"].pk], sent_at__isnull=True
    ).exists()


def test_a_broker_down_at_commit_does_not_fail_the_change(
    icb, caplog, django_capture_on_commit_callbacks
):
    """The enqueue fails after commit: the row is kept, the error logged, no exception."""
    with (
        mock.patch.object(send_notification_email, "delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        email = notification_email_queue(
            notification=NotificationFactory(icb=icb),
            kind=NotificationEmail.Kind.ACKNOWLEDGEMENT,
        )
    assert len(callbacks) == 1
    assert NotificationEmail.objects.filter(pk=email.pk, sent_at__isnull=True).exists()
    assert "enqueue notifications.tasks.send_notification_email" in caplog.text
    assert "broker down" in caplog.text
