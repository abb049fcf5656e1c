"""National Data Opt-Out: the case stops, only the stub is kept, and it is auditable."""

from __future__ import annotations

import uuid

import pytest

from leder.lib.workflow import TransitionNotAllowed
from leder.models import AccessLog
from leder.roles import Role
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_decide, notification_opt_out, notification_submit
from notifications.services.opt_out import OPT_OUT_REASON, REMOVED, SCRUBBED
from notifications.tests.factories import NotificationFactory, answers
from reviews.models import CaseStatus
from reviews.services import case_transition

pytestmark = pytest.mark.django_db

PERSONAL = {
    "given_name": "Ada",
    "family_name": "Testperson",
    "address": "1 Test Street, Leeds",
    "contact_name": "Bea Testperson",
    "notifier_name": "Cal Receptionist",
    "cause_of_death": "Pneumonia",
}


def submitted(icb, **overrides):
    from leder.tests.factories import GPPracticeFactory

    practice = GPPracticeFactory(parent_icb=icb)
    return notification_submit(
        answers=answers(gp_practice=practice, **overrides), idempotency_key=uuid.uuid4()
    )[0]


def test_it_stops_the_notification_and_keeps_only_the_stub(make_user, icb):
    lac = make_user(Role.LAC)
    notification = submitted(icb)
    reference, received, died = (
        notification.reference,
        notification.received_at,
        notification.date_of_death,
    )
    notification_opt_out(notification=notification, by=lac)
    stub = Notification.objects.get(pk=notification.pk)
    assert stub.status == NotificationStatus.OPTED_OUT
    assert (stub.reference, stub.icb, stub.received_at, stub.date_of_death) == (
        reference,
        icb,
        received,
        died,
    )
    assert stub.opted_out_by == lac and stub.opted_out_at is not None
    for name, value in SCRUBBED.items():
        assert getattr(stub, name) == value, name


def test_it_scrubs_the_history_rows_too(make_user, icb):
    lac = make_user(Role.LAC)
    notification = submitted(icb)
    nhs = notification.nhs_number
    notification_decide(
        notification=notification,
        to=NotificationStatus.INELIGIBLE,
        by=lac,
        reason="Ada Testperson had no learning disability",
    )
    notification_opt_out(notification=notification, by=lac)
    rows = Notification.history.filter(id=notification.pk)
    assert rows.count() >= 3
    for row in rows:
        assert row.nhs_number == "" and row.date_of_birth is None, row.history_type
        for name in PERSONAL:
            assert getattr(row, name) in ("", None), name
        assert "Testperson" not in (row.history_change_reason or "")
    assert not Notification.history.filter(nhs_number=nhs).exists()
    reasons = list(notification.status_changes.values_list("reason", flat=True))
    assert all("Testperson" not in r for r in reasons)
    assert REMOVED in reasons and reasons[-1] == OPT_OUT_REASON


def test_it_is_auditable(make_user, icb):
    lac = make_user(Role.LAC)
    notification = submitted(icb)
    notification_opt_out(notification=notification, by=lac)
    change = notification.status_changes.last()
    assert (change.to_status, change.by, change.reason) == (
        NotificationStatus.OPTED_OUT,
        lac,
        OPT_OUT_REASON,
    )
    assert Notification.history.filter(id=notification.pk).first().history_user == lac
    log = AccessLog.objects.for_object(notification).get()
    assert log.user == lac and "Opt-Out" in log.detail


def test_it_stops_the_case(make_user, icb):
    lac = make_user(Role.LAC)
    notification = submitted(icb)
    notification_decide(notification=notification, to=NotificationStatus.ELIGIBLE, by=lac)
    notification_opt_out(notification=notification, by=lac)
    case = notification.case
    case.refresh_from_db()
    assert case.status == CaseStatus.OPTED_OUT
    assert case.status_changes.last().by == lac


def test_it_changes_nothing_when_the_case_cannot_stop(make_user, icb):
    lac = make_user(Role.LAC)
    notification = submitted(icb)
    notification_decide(notification=notification, to=NotificationStatus.ELIGIBLE, by=lac)
    case = notification.case
    case.status = CaseStatus.COMPLETED  # completed reviews are not stopped
    case.save()
    with pytest.raises(TransitionNotAllowed):
        notification_opt_out(notification=notification, by=lac)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.ELIGIBLE
    assert notification.given_name == "Ada"


def test_it_cannot_opt_out_twice(make_user):
    notification = NotificationFactory(opted_out=True)
    with pytest.raises(TransitionNotAllowed):
        notification_opt_out(notification=notification, by=make_user(Role.LAC))


def test_it_keeps_the_duplicate_link(make_user):
    duplicate = NotificationFactory(duplicate=True)
    notification_opt_out(notification=duplicate, by=make_user(Role.LAC))
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is not None


def test_it_stops_a_case_at_any_stage_before_completion(make_user, icb):
    lac = make_user(Role.LAC)
    notification = submitted(icb)
    notification_decide(notification=notification, to=NotificationStatus.ELIGIBLE, by=lac)
    case_transition(case=notification.case, to=CaseStatus.OPTED_OUT, by=lac, reason="x")
    # The notification can still be stopped once its case already is.
    notification_opt_out(notification=notification, by=lac)
    assert notification.status == NotificationStatus.OPTED_OUT
