"""Asking for records: the service, the automatic request, every status move allowed and
refused, cancelling, and what the link email says (and does not)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from leder.lib.workflow import TransitionNotAllowed
from leder.tests.factories import OrganisationFactory
from reviews.records.models import (
    EventKind,
    RecordEmail,
    RecordRequest,
    RecordRequestStatus,
    UploadLink,
)
from reviews.records.services import (
    record_request_auto,
    record_request_cancel,
    record_request_transition,
)
from reviews.records.tests.factories import RecordRequestFactory, deliver_owed
from reviews.records.workflow import RECORD_REQUEST_TRANSITIONS
from reviews.services import case_allocate

pytestmark = pytest.mark.django_db
S = RecordRequestStatus


class TestCreate:
    def test_it_queues_a_request_and_its_link_email(self, make_request, reviewer):
        request = make_request()

        assert request.status == S.QUEUED
        assert request.created_by == reviewer
        assert [e.kind for e in request.events.all()] == [EventKind.REQUESTED]
        [email] = RecordEmail.objects.filter(request=request)
        assert email.kind == RecordEmail.Kind.LINK
        assert email.to_email == "test.practice@nhs.net"
        assert request.history.count() == 1
        [change] = request.status_changes.all()
        assert (change.from_status, change.to_status) == ("", S.QUEUED)
        assert not UploadLink.objects.exists()  # the link is made when it is sent

    def test_it_enqueues_the_send_after_commit(
        self, make_request, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            make_request()
        assert len(callbacks) == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"recipient_email": "not an address"}, "recipient_email"),
            ({"period_from": datetime.date(2026, 2, 1)}, "period_from"),
            ({"period_to": datetime.date(2099, 1, 1)}, "period_to"),
        ],
    )
    def test_it_refuses_bad_details(self, make_request, changes, field):
        with pytest.raises(ValidationError) as error:
            make_request(**changes)
        assert field in error.value.message_dict
        assert not RecordRequest.objects.exists()

    def test_it_refuses_a_closed_organisation(self, make_request, icb):
        closed = OrganisationFactory(parent_icb=icb, is_active=False)
        with pytest.raises(ValidationError):
            make_request(organisation=closed, recipient_email="x@nhs.net")

    def test_it_refuses_a_case_that_is_no_longer_open(self, make_request, allocated):
        allocated.status = "completed"
        allocated.save()
        with pytest.raises(ValidationError):
            make_request()


class TestLinkEmail:
    def test_it_sends_a_reference_and_a_link_and_nothing_personal(self, sent, settings):
        request, token = sent
        [message] = [m for m in mail.outbox if m.to == ["test.practice@nhs.net"]]
        n = request.case.notification
        link = f"{settings.SITE_URL}/records/upload/{token}/"
        bodies = [message.subject, message.body, message.alternatives[0][0]]
        assert request.case.reference in message.subject
        assert link in message.body and link in message.alternatives[0][0]
        for body in bodies:
            for value in (
                n.given_name,
                n.family_name,
                n.nhs_number,
                n.date_of_birth.strftime("%-d %B %Y"),
                n.date_of_birth.isoformat(),
                n.postcode,
            ):
                assert value not in body, value
        assert message.extra_headers["Message-ID"].startswith("<records-")

    def test_it_stores_only_the_hash_of_a_256_bit_token(self, sent):
        request, token = sent
        import hashlib

        [link] = request.links.all()
        assert len(token) == 43  # 32 random bytes, URL-safe base64
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(list(UploadLink.objects.values()))
        assert token not in str(list(UploadLink.history.values()))
        assert link.expires_at - link.created_at == datetime.timedelta(days=14)

    def test_the_request_shows_it_was_sent(self, sent):
        request, _ = sent
        assert request.status == S.SENT
        assert [e.kind for e in request.events.all()] == [EventKind.REQUESTED, EventKind.SENT]
        assert request.expires_at == request.links.get().expires_at


class TestAutomatic:
    def test_by_default_the_practice_is_asked_when_the_case_opens(self, icb, lac, settings):
        from notifications.services import notification_decide
        from notifications.tests.factories import NotificationFactory

        notification = NotificationFactory(icb=icb, gp_practice__secure_email="gp@nhs.net")
        notification_decide(notification=notification, to="eligible", by=lac)

        [request] = RecordRequest.objects.all()
        assert request.automatic and request.organisation == notification.gp_practice
        assert request.recipient_email == "gp@nhs.net"
        assert request.period_to == notification.date_of_death
        assert request.period_from == datetime.date(2023, 1, 10)

    def test_it_can_wait_for_allocation_instead(self, case, reviewer, lac, settings):
        settings.LEDER_RECORDS_AUTO_REQUEST_ON = "allocation"
        assert record_request_auto(case=case, by=lac, trigger="screening") is None

        case_allocate(
            case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
        )

        [request] = RecordRequest.objects.all()
        assert request.automatic

    def test_it_asks_only_once(self, case, lac):
        assert record_request_auto(case=case, by=lac, trigger="screening") is not None
        assert record_request_auto(case=case, by=lac, trigger="screening") is None
        assert RecordRequest.objects.count() == 1

    def test_it_can_be_switched_off(self, case, lac, settings):
        settings.LEDER_RECORDS_AUTO_REQUEST_ON = "off"
        assert record_request_auto(case=case, by=lac, trigger="screening") is None

    def test_it_needs_a_practice_with_a_secure_email(self, case, lac):
        practice = case.notification.gp_practice
        practice.secure_email = ""
        practice.save()
        assert record_request_auto(case=case, by=lac, trigger="screening") is None


class TestTransitions:
    ALL = list(S.values)

    @pytest.mark.parametrize(
        ("start", "to"),
        sorted(RECORD_REQUEST_TRANSITIONS.pairs()),
    )
    def test_every_allowed_move(self, start, to, case):
        request = RecordRequestFactory(case=case, status=start)
        moved = record_request_transition(request=request, to=to, by=None, reason="test")
        assert moved.status == to
        assert request.status_changes.filter(from_status=start, to_status=to).exists()

    @pytest.mark.parametrize(
        ("start", "to"),
        sorted(
            (a, b)
            for a in S.values
            for b in S.values
            if not RECORD_REQUEST_TRANSITIONS.allows(a, b)
        ),
    )
    def test_every_refused_move(self, start, to, case):
        request = RecordRequestFactory(case=case, status=start)
        with pytest.raises(TransitionNotAllowed):
            record_request_transition(request=request, to=to, by=None, reason="test")
        request.refresh_from_db()
        assert request.status == start
        assert not request.status_changes.exists()

    def test_closing_revokes_the_links_and_cancels_emails_owed_to_the_organisation(
        self, sent, reviewer
    ):
        request, _ = sent
        pending = RecordEmail.objects.create(request=request, kind=RecordEmail.Kind.REMINDER)

        record_request_cancel(request=request, by=reviewer, reason="Asked by mistake")

        assert request.links.filter(revoked_at__isnull=True).count() == 0
        assert request.links.get().revoked_reason == "cancelled"
        pending.refresh_from_db()
        assert pending.cancelled_at is not None
        request.refresh_from_db()
        assert request.status == S.CANCELLED and request.closed_at and not request.expires_at
        assert request.events.last().kind == EventKind.CANCELLED

    def test_cancelling_needs_a_reason_and_an_open_request(self, sent, reviewer):
        request, _ = sent
        with pytest.raises(ValidationError):
            record_request_cancel(request=request, by=reviewer, reason=" ")
        record_request_cancel(request=request, by=reviewer, reason="Not needed")
        with pytest.raises(ValidationError):
            record_request_cancel(request=request, by=reviewer, reason="Again")

    def test_a_cancelled_request_never_sends_its_link(self, make_request, reviewer):
        request = make_request()
        record_request_cancel(request=request, by=reviewer, reason="Wrong practice")
        assert deliver_owed() == []
        assert not mail.outbox
