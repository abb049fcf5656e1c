"""The admin site behind the same sign-in (password and code); users managed by services."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from leder.models import User
from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_with_mfa


@pytest.fixture
def admin_client(client_for):
    return client_for(Role.SYSTEM_ADMINISTRATOR, is_staff=True)


def test_the_admin_login_page_redirects_to_the_service_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/leder/user/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Fadmin%2Fleder%2Fuser%2F"


def test_the_admin_index_sends_anonymous_people_to_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/login/?next=")
    assert "%2Fadmin%2F" in response.redirect_chain[-1][0]


def test_the_admin_needs_the_code_not_just_the_password(client, make_user):
    make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True, email="sysadmin@example.nhs.uk")
    client.post("/account/login/", {"login": "sysadmin@example.nhs.uk", "password": TEST_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_admin_opens_for_a_system_administrator_with_mfa(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    # An already signed-in administrator going to the admin login page is sent on.
    assert admin_client.get("/admin/login/").status_code == 302


def test_the_admin_is_closed_to_other_roles(lac_client):
    assert lac_client.get("/admin/login/").status_code == 403
    response = lac_client.get("/admin/")
    assert response.status_code == 302


def test_adding_a_user_in_the_admin_invites_them(admin_client, icb):
    response = admin_client.post(
        "/admin/leder/user/add/",
        {
            "email": "New.Reviewer@Example.NHS.uk",
            "full_name": "Sam Patel",
            "job_title": "Reviewer",
            "icb": icb.pk,
            "roles": [Role.REVIEWER.value, Role.LAC.value],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="new.reviewer@example.nhs.uk")
    assert user.roles == {Role.REVIEWER, Role.LAC}
    assert not user.has_usable_password()
    assert user.is_staff is False
    assert user.history.first().history_user == admin_client.user
    assert response["Location"] == "/admin/leder/user/"


def test_adding_a_user_sends_the_invitation_after_commit(
    admin_client, icb, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/leder/user/add/",
            {
                "email": "sam@example.nhs.uk",
                "full_name": "Sam Patel",
                "icb": icb.pk,
                "roles": [Role.REVIEWER.value],
            },
        )
    assert [m.to for m in mail.outbox] == [["sam@example.nhs.uk"]]


def test_the_admin_add_form_checks_roles_against_the_icb(admin_client):
    response = admin_client.post(
        "/admin/leder/user/add/",
        {"email": "x@example.nhs.uk", "full_name": "X", "roles": [Role.LAC.value]},
    )
    assert response.status_code == 200
    assert "Choose the ICB this person works for" in response.content.decode()
    assert not User.objects.filter(email="x@example.nhs.uk").exists()


def test_a_system_administrator_made_in_the_admin_can_use_it(admin_client):
    admin_client.post(
        "/admin/leder/user/add/",
        {
            "email": "ops@example.nhs.uk",
            "full_name": "Ops",
            "roles": [Role.SYSTEM_ADMINISTRATOR.value],
        },
    )
    assert User.objects.get(email="ops@example.nhs.uk").is_staff is True


def test_changing_a_user_in_the_admin_goes_through_the_service(admin_client, make_user, icb):
    user = make_user(Role.REVIEWER, email="old@example.nhs.uk")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email="old@example.nhs.uk", primary=True)
    response = admin_client.post(
        f"/admin/leder/user/{user.pk}/change/",
        {
            "email": "new@example.nhs.uk",
            "full_name": "Renamed",
            "job_title": "",
            "icb": icb.pk,
            "roles": [Role.SENIOR_REVIEWER.value],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.email, user.full_name, user.roles) == (
        "new@example.nhs.uk",
        "Renamed",
        {Role.SENIOR_REVIEWER},
    )
    # The old address no longer signs in.
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@example.nhs.uk"
    ]
    login = Client().post(
        "/account/login/", {"login": "old@example.nhs.uk", "password": TEST_PASSWORD}
    )
    assert "Enter a correct email address and password" in login.content.decode()


def test_the_deactivate_action_ends_the_persons_sessions(admin_client, make_user):
    user = make_user(Role.REVIEWER)
    their_client = sign_in_with_mfa(Client(), user)
    response = admin_client.post(
        "/admin/leder/user/",
        {"action": "deactivate", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert their_client.get("/")["Location"].startswith("/account/login/")
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def test_an_administrator_cannot_deactivate_themselves(admin_client):
    me = admin_client.user
    admin_client.post("/admin/leder/user/", {"action": "deactivate", "_selected_action": [me.pk]})
    me.refresh_from_db()
    assert me.is_active is True


def test_the_reset_mfa_action_makes_the_person_set_up_again(admin_client, make_user):
    user = make_user(Role.REVIEWER)
    their_client = sign_in_with_mfa(Client(), user)
    admin_client.post("/admin/leder/user/", {"action": "reset_mfa", "_selected_action": [user.pk]})
    assert not Authenticator.objects.filter(user=user).exists()
    assert their_client.get("/")["Location"].startswith("/account/login/")
    client = Client()
    client.post("/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert client.get("/")["Location"] == "/account/2fa/totp/activate/"
