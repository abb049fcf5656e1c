"""Staff account services and the invite_user command."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from leder.models import User
from leder.roles import Role
from leder.services.users import user_deactivate, user_invite, user_reactivate

PASSWORD = "a long and unusual passphrase"


def _invitation_link(message) -> str:
    match = re.search(r"(https?://\S+/account/password/reset/key/\S+/)", message.body)
    assert match, message.body
    assert match.group(1).startswith(settings.SITE_URL)
    return match.group(1)[len(settings.SITE_URL) :]


@pytest.fixture
def invite(icb, make_user, django_capture_on_commit_callbacks):
    def run(**kwargs: object) -> User:
        defaults = {
            "email": "Invitee@Example.NHS.uk",
            "full_name": "Jo Bloggs",
            "icb": icb,
            "roles": {Role.REVIEWER},
            "invited_by": make_user(Role.SYSTEM_ADMINISTRATOR),
        }
        with django_capture_on_commit_callbacks(execute=True):
            return user_invite(**{**defaults, **kwargs})

    return run


def test_it_invites_a_person_with_one_email_and_no_password(invite):
    user = invite()
    assert user.email == "invitee@example.nhs.uk"
    assert not user.has_usable_password()
    assert user.roles == {Role.REVIEWER}
    assert user.is_staff is False
    assert user.history.first().history_change_reason == "Invited"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["invitee@example.nhs.uk"]
    assert message.subject == "LeDeR: You have been invited to use LeDeR"
    assert "Dear Jo Bloggs," in message.body
    assert "expires in 3 days" in message.body
    html = message.alternatives[0][0]
    assert _invitation_link(message) in html


def test_the_invitation_link_sets_the_password_then_sign_in_needs_an_app(invite):
    user = invite()
    client = Client()
    form_url = client.get(_invitation_link(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/account/2fa/totp/activate/"
    assert client.get("/account/2fa/totp/activate/").status_code == 200


def test_a_system_administrator_gets_the_admin_site(invite):
    user = invite(email="ops@example.nhs.uk", icb=None, roles={Role.SYSTEM_ADMINISTRATOR})
    assert user.is_staff is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"roles": set()}, "Choose at least one role"),
        ({"icb": None}, "Choose the ICB this person works for"),
        ({"roles": {Role.REGIONAL_COORDINATOR}}, "National roles are not tied to an ICB"),
        ({"email": "  "}, "Enter an email address"),
    ],
)
def test_it_refuses_an_invalid_invitation(invite, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        invite(**kwargs)
    assert mail.outbox == []


def test_it_refuses_a_second_account_for_the_same_address(invite, make_user):
    make_user(Role.LAC, email="taken@example.nhs.uk")
    with pytest.raises(ValidationError, match="already an account"):
        invite(email="TAKEN@example.nhs.uk")


def test_a_deactivated_person_can_be_reactivated(make_user):
    user, admin = make_user(Role.LAC), make_user(Role.SYSTEM_ADMINISTRATOR)
    user_deactivate(user=user, by=admin, reason="Left")
    user_reactivate(user=user, by=admin, reason="Came back")
    user.refresh_from_db()
    assert user.is_active is True


def test_nobody_deactivates_themselves(make_user):
    admin = make_user(Role.SYSTEM_ADMINISTRATOR)
    with pytest.raises(ValidationError):
        user_deactivate(user=admin, by=admin, reason="oops")


def test_the_command_invites_a_person(icb):
    out = StringIO()
    call_command(
        "invite_user",
        "--email=cmd@example.nhs.uk",
        "--name=Cam Doe",
        f"--icb={icb.ods_code.lower()}",
        "--role=lac",
        "--role=reviewer",
        stdout=out,
    )
    user = User.objects.get(email="cmd@example.nhs.uk")
    assert user.roles == {Role.LAC, Role.REVIEWER}
    assert user.icb == icb
    assert "Invited cmd@example.nhs.uk" in out.getvalue()


def test_the_command_sends_the_email(icb, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite_user",
            "--email=cmd@example.nhs.uk",
            "--name=Cam Doe",
            f"--icb={icb.ods_code}",
            "--role=lac",
            stdout=StringIO(),
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cmd@example.nhs.uk"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--icb=NOPE", "--role=lac"], "No ICB with ODS code"),
        (["--role=lac"], "Choose the ICB"),
    ],
)
def test_the_command_explains_mistakes(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("invite_user", "--email=x@example.nhs.uk", "--name=X", *args)
