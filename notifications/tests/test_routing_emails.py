"""Routing to the ICB of the GP practice (or the regional coordinator's queue), and the
emails: acknowledgement to the notifier, alert to the ICB's LAC. No patient identifiers."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from leder.celery import app
from leder.roles import Role
from leder.tests.factories import GPPracticeFactory, ICBFactory
from notifications.models import NotificationEmail
from notifications.services import notification_route, notification_submit
from notifications.tasks import send_notification_email
from notifications.tests.factories import NotificationFactory, answers

pytestmark = pytest.mark.django_db


def submit(**overrides):
    data = answers(**overrides)
    return notification_submit(answers=data, idempotency_key=uuid.uuid4())[0], data


def send_all():
    for email in NotificationEmail.objects.filter(sent_at__isnull=True):
        send_notification_email(email.pk)


def assert_no_identifiers(message, data):
    bodies = [message.subject, message.body] + [alt[0] for alt in message.alternatives]
    for body in bodies:
        for value in (
            data["given_name"],
            data["family_name"],
            data["nhs_number"],
            data["nhs_number"][:3] + " " + data["nhs_number"][3:6],
            data["address"],
            data["postcode"],
            data["contact_name"],
            data["date_of_birth"].strftime("%d/%m/%Y"),
        ):
            assert str(value) not in body, value


def test_it_acknowledges_the_notifier_with_the_reference_only(icb, settings):
    practice = GPPracticeFactory(parent_icb=icb)
    notification, data = submit(gp_practice=practice)
    send_all()
    ack = next(m for m in mail.outbox if m.to == ["notifier@example.com"])
    assert notification.reference in ack.subject
    assert notification.reference in ack.body
    assert ack.alternatives and notification.reference in ack.alternatives[0][0]
    assert_no_identifiers(ack, data)


def test_it_sends_no_acknowledgement_without_an_email(icb):
    submit(notifier_email="", notifier_phone="0113 496 0000")
    assert not NotificationEmail.objects.filter(kind="acknowledgement").exists()


def test_it_emails_the_lacs_of_the_icb_a_link(icb, make_user, settings):
    settings.SITE_URL = "https://leder.example.nhs.uk"
    lacs = {make_user(Role.LAC).email, make_user(Role.LAC).email}
    make_user(Role.ADMINISTRATOR)
    make_user(Role.LAC, icb=ICBFactory())  # another ICB's LAC
    notification, data = submit(gp_practice=GPPracticeFactory(parent_icb=icb))
    send_all()
    alert = next(m for m in mail.outbox if m.to != ["notifier@example.com"])
    assert set(alert.to) == lacs
    link = f"https://leder.example.nhs.uk/notifications/{notification.reference}/"
    assert link in alert.body
    assert_no_identifiers(alert, data)


def test_it_falls_back_to_the_icb_mailbox_without_a_lac(icb):
    submit(gp_practice=GPPracticeFactory(parent_icb=icb))
    send_all()
    assert [icb.secure_email] in [m.to for m in mail.outbox]


def test_it_tells_the_regional_coordinators_about_an_unrouted_notification(make_user):
    coordinator = make_user(Role.REGIONAL_COORDINATOR)
    notification, data = submit(gp_practice=None)
    send_all()
    alert = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert "route" in alert.subject.lower()
    assert notification.reference in alert.body
    assert_no_identifiers(alert, data)


def test_it_sends_each_email_once(icb):
    submit(gp_practice=GPPracticeFactory(parent_icb=icb))
    emails = list(NotificationEmail.objects.all())
    for email in emails:
        send_notification_email(email.pk)
        assert send_notification_email(email.pk) == "already sent or being sent"
    assert len(mail.outbox) == len(emails) == 2


def test_it_sends_after_commit_through_celery(icb, django_capture_on_commit_callbacks):
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            submit(gp_practice=GPPracticeFactory(parent_icb=icb))
    finally:
        app.conf.task_always_eager = False
    assert len(callbacks) == 2
    assert len(mail.outbox) == 2
    assert not NotificationEmail.objects.filter(sent_at__isnull=True).exists()


def test_it_queues_nothing_before_commit(icb, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(gp_practice=GPPracticeFactory(parent_icb=icb))
    assert len(callbacks) == 2
    assert mail.outbox == []


class TestRoute:
    def test_it_routes_an_unrouted_notification_and_alerts_the_lac(self, make_user, icb):
        coordinator = make_user(Role.REGIONAL_COORDINATOR)
        lac = make_user(Role.LAC)
        notification = NotificationFactory(unrouted=True)
        notification_route(notification=notification, icb=icb, by=coordinator)
        notification.refresh_from_db()
        assert notification.icb == icb
        latest = notification.history.first()
        assert latest.history_user == coordinator and icb.name in latest.history_change_reason
        send_all()
        assert [m.to for m in mail.outbox] == [[lac.email]]

    def test_it_refuses_a_notification_already_routed(self, make_user, icb, other_icb):
        notification = NotificationFactory(icb=icb)
        with pytest.raises(ValidationError):
            notification_route(notification=notification, icb=other_icb, by=None)

    def test_it_refuses_an_organisation_that_is_not_an_icb(self, icb):
        notification = NotificationFactory(unrouted=True)
        with pytest.raises(ValidationError):
            notification_route(
                notification=notification, icb=GPPracticeFactory(parent_icb=icb), by=None
            )
