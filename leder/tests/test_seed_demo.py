"""``manage.py seed_demo``: the demo ICB, practices and a user per role, idempotently."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import override_settings

from leder.auth.totp import totp_code_for_secret, totp_secret
from leder.management.commands.seed_demo import (
    DEMO_ICB_CODE,
    DEMO_ICB_NAME,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    STEPS,
    demo_totp_secret,
    logins_table,
)
from leder.models import Organisation, User
from leder.roles import Role

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_icb_and_its_practices() -> None:
    seed()

    icb = Organisation.objects.icbs().get(ods_code=DEMO_ICB_CODE)
    assert icb.name == DEMO_ICB_NAME
    practices = Organisation.objects.gp_practices().filter(parent_icb=icb)
    assert practices.count() == 25
    assert practices.filter(is_active=False).count() == 1


def test_it_creates_a_user_per_role_with_mfa() -> None:
    seed()

    assert set(Role) == {p.role for p in DEMO_PEOPLE}
    icb = Organisation.objects.get(ods_code=DEMO_ICB_CODE)
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.roles == {person.role}
        assert user.check_password(DEMO_PASSWORD)
        assert totp_secret(user) == person.totp_secret
        assert user.icb == (None if person.role.is_national else icb)
        assert user.is_staff == (person.role == Role.SYSTEM_ADMINISTRATOR)


def test_it_is_idempotent() -> None:
    from governance.models import Action, AgendaItem, Meeting
    from notifications.models import Notification
    from reviews.models import Case, CaseStatusChange, ReviewSection
    from reviews.records.models import RecordEmail, RecordFile, RecordRequest

    story = (
        Notification,
        Case,
        CaseStatusChange,
        ReviewSection,
        RecordRequest,
        RecordEmail,
        RecordFile,
        Meeting,
        AgendaItem,
        Action,
    )
    seed()
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Organisation.history.count(),
        User.history.count(),
        Authenticator.objects.count(),
    )
    authenticator_ids = set(Authenticator.objects.values_list("pk", flat=True))
    story_counts = [m.objects.count() for m in story]
    story_history = [Case.history.count(), Notification.history.count()]

    output = seed()

    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Organisation.history.count(),
        User.history.count(),
        Authenticator.objects.count(),
    ) == counts
    assert set(Authenticator.objects.values_list("pk", flat=True)) == authenticator_ids
    assert "Users: 0 created, 8 already there." in output
    assert [m.objects.count() for m in story] == story_counts
    assert [Case.history.count(), Notification.history.count()] == story_history
    assert "0 demo notifications created" in output


def test_it_repairs_a_changed_demo_user() -> None:
    seed()
    user = User.objects.get(email="reviewer@leder.example")
    user.set_password("something else entirely")
    user.full_name = "Changed"
    user.save()
    Authenticator.objects.filter(user=user).delete()

    seed()

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)
    assert user.full_name == "Grace Okafor"
    assert totp_secret(user) == demo_totp_secret(user.email)


def test_it_prints_the_logins_with_secrets_and_current_codes() -> None:
    output = seed()

    assert f"Password for every user: {DEMO_PASSWORD}" in output
    for person in DEMO_PEOPLE:
        assert person.email in output
        assert person.totp_secret in output


def test_logins_table_shows_the_code_for_the_time() -> None:
    at = 1_700_000_000.0
    table = logins_table(at)

    lac = next(p for p in DEMO_PEOPLE if p.role == Role.LAC)
    assert totp_code_for_secret(lac.totp_secret, at) in table


def test_secrets_are_fixed_per_email_and_valid_base32() -> None:
    secret = demo_totp_secret("lac@leder.example")

    assert secret == demo_totp_secret("lac@leder.example")
    assert secret != demo_totp_secret("reviewer@leder.example")
    assert len(secret) == 32
    assert totp_code_for_secret(secret).isdigit()


def test_it_refuses_production_settings_without_force() -> None:
    with override_settings(SETTINGS_MODULE="leder.settings.production"):
        with pytest.raises(CommandError, match="Refusing"):
            call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", "--force", "--quiet-logins", stdout=io.StringIO())

    assert User.objects.filter(email="lac@leder.example").exists()


def test_steps_start_with_organisations_then_users() -> None:
    assert [s.__name__ for s in STEPS[:2]] == ["seed_organisations", "seed_users"]


# --- The demo story: every state, told through the services -------------------------------


def _status_chain_ok(changes: list[tuple[str, str]], table: object, final: str) -> bool:
    """Each change starts where the last ended, is allowed by the table, and the last one
    is the current status (the first is the opening row, from "")."""
    previous = ""
    for from_status, to_status in changes:
        if from_status != previous:
            return False
        if previous and not table.allows(from_status, to_status):  # type: ignore[attr-defined]
            return False
        previous = to_status
    return previous == final


def test_the_demo_story_covers_every_state_through_the_services() -> None:
    import datetime

    import nhs_number
    from django.utils import timezone

    from governance.models import Action, ActionStatus, AmendmentCheck, Meeting, MeetingStatus
    from governance.workflow import ACTION_TRANSITIONS, MEETING_TRANSITIONS
    from notifications.models import Notification, NotificationStatus
    from notifications.workflow import NOTIFICATION_TRANSITIONS
    from reviews.demo import DEATHS_BY_KEY, DEMO_DEATHS, EXPECTED, demo_case, demo_key
    from reviews.models import (
        Allocation,
        Case,
        CaseHold,
        CaseStatus,
        QAReturn,
        ReviewSignOff,
        ReviewType,
    )
    from reviews.records.models import RecordRequest, RecordRequestStatus
    from reviews.records.workflow import RECORD_REQUEST_TRANSITIONS
    from reviews.workflow import CASE_TRANSITIONS

    seed()

    # Each death ends where the story says.
    for death in DEMO_DEATHS:
        notification = Notification.objects.get(idempotency_key=demo_key(death.key))
        case = Case.objects.filter(notification=notification).first()
        request = RecordRequest.objects.filter(case=case).first() if case else None
        got = (
            notification.status,
            case.status if case else None,
            request.status if request else None,
        )
        assert got == EXPECTED[death.key], death.key
        if notification.nhs_number:
            assert nhs_number.is_valid(notification.nhs_number)
            assert notification.nhs_number.startswith("999")  # the synthetic range

    # Every status of every table, except a request's "queued" (the worker sends it at once).
    assert set(Notification.objects.values_list("status", flat=True)) == set(
        NotificationStatus.values
    )
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(RecordRequest.objects.values_list("status", flat=True)) == set(
        RecordRequestStatus.values
    ) - {RecordRequestStatus.QUEUED}
    assert set(Meeting.objects.values_list("status", flat=True)) >= {
        MeetingStatus.SCHEDULED,
        MeetingStatus.CLOSED,
    }
    assert set(Action.objects.values_list("status", flat=True)) >= {
        ActionStatus.OPEN,
        ActionStatus.IN_PROGRESS,
        ActionStatus.COMPLETED,
    }
    # And the moments worth showing: the regional coordinator's queue, a declared conflict,
    # a hold, an escalation, a return, sign-offs, amendments checked.
    assert Notification.objects.filter(icb__isnull=True).exists()
    assert Allocation.objects.exclude(declined_reason="").exists()
    assert CaseHold.objects.filter(ended_on__isnull=True).exists()
    assert Case.objects.filter(
        review_type=ReviewType.FOCUSED, review_type_reason__startswith="Escalated"
    ).exists()
    assert QAReturn.objects.exists()
    assert ReviewSignOff.objects.count() == 2
    assert AmendmentCheck.objects.exists()

    # Every status came through the services: a status-change row per move, each allowed.
    pairs = [
        (Notification.objects.all(), NOTIFICATION_TRANSITIONS),
        (Case.objects.all(), CASE_TRANSITIONS),
        (RecordRequest.objects.all(), RECORD_REQUEST_TRANSITIONS),
        (Meeting.objects.all(), MEETING_TRANSITIONS),
        (Action.objects.all(), ACTION_TRANSITIONS),
    ]
    for objects, table in pairs:
        for obj in objects:
            changes = list(
                obj.status_changes.order_by("at", "pk").values_list("from_status", "to_status")
            )
            assert _status_chain_ok(changes, table, obj.status), (obj, changes)

    # Dated as it happened (the demo clock): received, moved and recorded in the past.
    today = timezone.localdate()
    completed = demo_case("demo-15")
    days = (today - timezone.localdate(completed.notification.received_at)).days
    assert days == DEATHS_BY_KEY["demo-15"].notified_days_ago
    signed_off = completed.status_changes.get(to_status=CaseStatus.COMPLETED).at
    assert today - timezone.localdate(signed_off) == datetime.timedelta(days=30)
    opened = completed.history.earliest("history_date").history_date
    assert today - timezone.localdate(opened) > datetime.timedelta(days=150)


def test_every_demo_login_can_explore_the_story_without_an_error() -> None:
    """Each role's pages over the demo story answer without a server error; the LAC sees
    every page of the demo ICB's cases, meetings and actions."""
    from django.test import Client

    from governance.models import Action, AgendaItem, Meeting
    from leder.testing import sign_in_with_mfa
    from notifications.models import Notification
    from reviews.models import Case

    seed()
    references = list(
        Notification.objects.exclude(icb__isnull=True).values_list("reference", flat=True)
    )
    cases = list(Case.objects.values_list("reference", flat=True))
    urls = ["/", "/notifications/", "/reviews/", "/reviews/mine/", "/reviews/reviewers/"]
    urls += ["/governance/meetings/", "/governance/actions/", "/governance/kpis/"]
    urls += ["/governance/reports/"]
    urls += [f"/notifications/{r}/" for r in references]
    for reference in cases:
        urls += [
            f"/reviews/cases/{reference}/",
            f"/reviews/cases/{reference}/review/",
            f"/reviews/cases/{reference}/review/versions/",
            f"/records/cases/{reference}/",
        ]
    for meeting in Meeting.objects.all():
        urls += [
            f"/governance/meetings/{meeting.pk}/",
            f"/governance/meetings/{meeting.pk}/minutes/",
        ]
    urls += [f"/governance/meetings/{i.meeting_id}/items/{i.pk}/" for i in AgendaItem.objects.all()]
    urls += [f"/governance/actions/{pk}/" for pk in Action.objects.values_list("pk", flat=True)]
    unrouted = Notification.objects.get(icb__isnull=True).reference

    # Each role over the part of the service it works in (the access matrix in
    # tests/security covers who may see what; this is about the demo's variety).
    areas = {
        Role.REVIEWER: ("/reviews/", "/records/"),
        Role.SENIOR_REVIEWER: ("/reviews/", "/records/"),
        Role.QA_PANEL_MEMBER: ("/governance/",),
        Role.GOVERNANCE_MEMBER: ("/governance/",),
        Role.REGIONAL_COORDINATOR: ("/notifications/",),
        Role.SYSTEM_ADMINISTRATOR: ("/notifications/", "/reviews/", "/governance/"),
    }
    for person in DEMO_PEOPLE:
        client = sign_in_with_mfa(Client(), User.objects.get(email=person.email))
        area = areas.get(person.role, ("/",))
        mine = [u for u in urls if u.startswith(area) or u == "/"]
        if person.role == Role.SYSTEM_ADMINISTRATOR:
            mine = [u for u in mine if u.count("/") <= 3]  # the lists
        for url in mine:
            response = client.get(url)  # a server error raises here
            status = response.status_code
            assert status < 500, (person.role, url, status)
            if person.role == Role.LAC and url != "/reviews/mine/":
                # Every page, or a redirect to another page of the service (a review not
                # started yet shows the case), never to sign in or a refusal.
                assert status in {200, 302}, (url, status)
                assert not response.get("Location", "").startswith("/account/"), url
        if person.role == Role.REGIONAL_COORDINATOR:
            assert client.get(f"/notifications/{unrouted}/").status_code == 200
