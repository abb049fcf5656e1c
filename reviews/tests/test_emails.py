"""The emails a case owes: who gets them, a link only (no personal data), sent once."""

from __future__ import annotations

import pytest
from django.core import mail

from leder.roles import Role
from leder.tests.factories import ICBFactory, OrganisationFactory
from reviews.models import CaseEmail
from reviews.services import case_allocate, case_decline_conflict, case_provider_add
from reviews.tasks import send_case_email
from reviews.tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def send_all():
    for email in CaseEmail.objects.filter(sent_at__isnull=True):
        send_case_email(email.pk)


def assert_nothing_personal(message, case):
    n = case.notification
    bodies = [message.subject, message.body] + [alt[0] for alt in message.alternatives]
    for body in bodies:
        for value in (n.given_name, n.family_name, n.nhs_number, n.contact_name, n.postcode):
            assert value and value not in body, value


def test_it_emails_the_reviewer_and_senior_a_link(case, reviewer, senior, lac, settings):
    settings.SITE_URL = "https://leder.example.nhs.uk"
    case_allocate(
        case=case,
        reviewer=reviewer,
        senior_reviewer=senior,
        review_type="initial",
        review_type_reason="x",
        by=lac,
    )
    send_all()
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {(reviewer.email,), (senior.email,)}
    link = f"https://leder.example.nhs.uk/reviews/cases/{case.reference}/"
    for message in by_to.values():
        assert link in message.body and link in message.alternatives[0][0]
        assert_nothing_personal(message, case)
    assert "allocated to you" in by_to[(reviewer.email,)].subject
    assert "peer support" in by_to[(senior.email,)].subject


def test_it_tells_the_icbs_lacs_of_a_declared_conflict(case, reviewer, lac, make_user):
    other_lac = make_user(Role.LAC)
    make_user(Role.LAC, icb=ICBFactory())
    make_user(Role.ADMINISTRATOR)
    case_allocate(
        case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
    )
    case_decline_conflict(case=case, by=reviewer, reason="I know the family well")
    CaseEmail.objects.exclude(kind="declined").update(sent_at="2026-01-01T00:00Z")
    send_all()
    [message] = mail.outbox
    assert set(message.to) == {lac.email, other_lac.email}
    assert "declared a conflict" in message.subject
    assert "know the family" not in message.body
    assert_nothing_personal(message, case)


def test_it_tells_the_lacs_of_a_late_conflict(case, reviewer, lac, icb):
    care = OrganisationFactory(parent_icb=icb)
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=care)
    case_allocate(
        case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
    )
    case_provider_add(case=case, organisation=care, role="care_provider", by=lac)
    email = CaseEmail.objects.get(kind="conflict_flagged")
    send_case_email(email.pk)
    [message] = mail.outbox
    assert message.to == [lac.email] and case.reference in message.body


def test_it_sends_each_email_once(case, reviewer, lac):
    case_allocate(
        case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
    )
    email = CaseEmail.objects.get()
    assert send_case_email(email.pk) == "sent to 1"
    assert send_case_email(email.pk) == "already sent or being sent"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.recipients_count == 1


def test_it_queues_the_send_after_commit(case, reviewer, lac, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        case_allocate(
            case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
        )
    assert len(callbacks) == 1
