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
    seed()
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Organisation.history.count(),
        User.history.count(),
        Authenticator.objects.count(),
    )
    authenticator_ids = set(Authenticator.objects.values_list("pk", flat=True))

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
