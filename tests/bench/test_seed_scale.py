"""seed_scale, small: the shape of the national data set, its markers and its options."""

from __future__ import annotations

import io
import re
from collections import Counter

import nhs_number
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from leder.models import Organisation, User
from leder.roles import Role
from leder.scale.context import SCALE_EMAIL_DOMAIN, SCALE_ICB_CODE_RE
from notifications.models import (
    REFERENCE_RE,
    Notification,
    NotificationStatus,
    NotificationStatusChange,
)
from reviews.models import Case, CaseStatusChange

pytestmark = pytest.mark.django_db

SMALL = {"notifications": 200, "practices": 420, "reviewers": 84, "years": 1, "seed": 7}


def seed(*flags: str, **options: object) -> str:
    out = io.StringIO()
    call_command("seed_scale", *flags, **{**SMALL, **options}, stdout=out)
    return out.getvalue()


def people() -> list[tuple[str, str, str, str]]:
    return list(
        Notification.objects.order_by("received_at").values_list(
            "given_name", "family_name", "status", "nhs_number"
        )
    )


def test_it_loads_every_icb_with_practices_and_staff():
    output = seed()
    icbs = Organisation.objects.icbs().filter(ods_code__regex=SCALE_ICB_CODE_RE)
    assert icbs.count() == 42
    assert len(set(icbs.values_list("name", flat=True))) == 42
    practices = Organisation.objects.gp_practices().filter(parent_icb__in=icbs)
    assert practices.count() == 420
    assert all(re.match(r"^Z\d{5}$", code) for code in practices.values_list("ods_code", flat=True))
    staff = User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}")
    reviewers = staff.filter(groups__name__in=[Role.REVIEWER.label, Role.SENIOR_REVIEWER.label])
    assert reviewers.count() == 84
    for role in (Role.LAC, Role.ADMINISTRATOR, Role.QA_PANEL_MEMBER, Role.GOVERNANCE_MEMBER):
        per_icb = Counter(staff.filter(groups__name=role.label).values_list("icb", flat=True))
        assert set(per_icb) == set(icbs.values_list("pk", flat=True)), role
    assert staff.filter(groups__name=Role.REGIONAL_COORDINATOR.label, icb=None).exists()
    assert not staff.filter(password__regex=r"^[^!]").exists()  # nobody signs in by password
    assert Organisation.history.filter(id__in=practices.values("pk")).count() == 420
    assert "notifications_and_cases" in output and "Scale data loaded in" in output


def test_it_loads_notifications_with_a_plausible_mix_and_their_rows():
    seed()
    notifications = Notification.objects.all()
    assert notifications.count() == 200
    statuses = Counter(notifications.values_list("status", flat=True))
    assert statuses[NotificationStatus.ELIGIBLE] > 150
    assert statuses[NotificationStatus.INELIGIBLE] > 0
    assert statuses[NotificationStatus.DUPLICATE] > 0
    references = list(notifications.values_list("reference", flat=True))
    assert len(set(references)) == 200
    assert all(REFERENCE_RE.match(r) for r in references)
    # The reference sequence carries on after the scale data.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM notifications_reference_seq")
        assert cursor.fetchone()[0] >= max(int(r[-6:]) for r in references)
    numbers = [n for n in notifications.values_list("nhs_number", flat=True) if n]
    assert numbers and all(nhs_number.is_valid(n) for n in numbers)
    assert all(n.startswith("9") for n in numbers)  # the synthetic range: never issued
    for duplicate in notifications.filter(status=NotificationStatus.DUPLICATE):
        original = duplicate.duplicate_of
        assert original.received_at < duplicate.received_at
        assert (original.family_name, original.date_of_death) == (
            duplicate.family_name,
            duplicate.date_of_death,
        )
    # Every notification: a "+" history row and a first status change, in order.
    assert Notification.history.filter(history_type="+").count() == 200
    assert (
        NotificationStatusChange.objects.filter(from_status="", to_status="received").count() == 200
    )
    for notification in notifications.filter(status=NotificationStatus.ELIGIBLE)[:20]:
        changes = list(notification.status_changes.values_list("to_status", flat=True))
        assert changes[0] == "received" and changes[-1] == "eligible"
        history = list(
            notification.history.order_by("history_date").values_list("status", flat=True)
        )
        assert history[0] == "received" and history[-1] == "eligible"
    # Cases: one per eligible notification, same reference, history and status changes.
    eligible = notifications.filter(status=NotificationStatus.ELIGIBLE)
    assert Case.objects.filter(notification__in=eligible).count() == eligible.count()
    assert not Case.objects.exclude(reference=models_reference()).exists()
    cases = Case.objects.all()
    assert Case.history.filter(history_type="+").count() == cases.count()
    first = CaseStatusChange.objects.filter(from_status="", to_status="awaiting_allocation")
    assert first.count() == cases.count()
    for case in cases[:20]:
        assert case.status_changes.order_by("at", "pk").last().to_status == case.status


def models_reference():  # the case's reference is its notification's
    from django.db.models import F

    return F("notification__reference")


def test_it_is_deterministic_reuses_and_resets():
    seed()
    first = people()
    with pytest.raises(CommandError, match="already there"):
        seed()
    assert "Reused the scale data" in seed("--reuse")
    assert "Not reusing" in seed("--reuse", notifications=150)
    assert Notification.objects.count() == 150
    seed("--reset")
    assert people() == first
    assert Notification.objects.count() == 200
    seed("--delete")
    assert not Notification.objects.exists()
    assert not Organisation.objects.filter(ods_code__regex=SCALE_ICB_CODE_RE).exists()
    assert not User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").exists()
    assert not Notification.history.exists() and not Case.history.exists()


def test_reset_also_removes_rows_added_to_the_scale_data():
    """A bench run's public submissions go to scale ICBs and its staff read notifications
    (append-only access log rows): --reuse and --delete take them away."""
    from leder.models import AccessLog
    from leder.services.access_log import access_record
    from notifications.tests.factories import NotificationFactory

    seed()
    practice = Organisation.objects.gp_practices().filter(ods_code__startswith="Z").first()
    NotificationFactory(icb=practice.parent_icb, gp_practice=practice)
    assert Notification.objects.count() == 201
    assert "Reused" in seed("--reuse")
    assert Notification.objects.count() == 200
    lac = User.objects.filter(groups__name=Role.LAC.label, icb=practice.parent_icb).first()
    access_record(user=lac, obj=Notification.objects.filter(icb=lac.icb).first())
    seed("--delete")
    assert not AccessLog.objects.filter(user=lac).exists()
