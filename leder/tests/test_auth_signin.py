"""Signing in through the real allauth views: password, then a security code."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_through_pages
from leder.tests.factories import totp_code

LOGIN = "/account/login/"


def _login(client: Client, email: str, password: str = TEST_PASSWORD, **extra: object):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _recovery_code(user) -> str:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    return RecoveryCodes.activate(user).get_unused_codes()[0]


def test_it_shows_the_sign_in_page(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-header" in html
    assert "<h1>Sign in</h1>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Email address" in html
    assert "placeholder" not in html


def test_it_signs_in_with_password_and_code(client, make_user):
    user = make_user(Role.LAC)
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Between the two steps nobody is signed in.
    assert "_auth_user_id" not in client.session

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert "Security code" in page.content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/", follow=True)  # the LAC's home is the case dashboard
    assert home.status_code == 200 and home.redirect_chain == [("/reviews/", 302)]
    assert user.full_name in home.content.decode()


def test_it_returns_to_the_page_asked_for(client, make_user):
    user = make_user(Role.LAC)
    response = client.get("/account/security/")
    assert response["Location"] == "/account/login/?next=/account/security/"
    client.post(
        LOGIN, {"login": user.email, "password": TEST_PASSWORD, "next": "/account/security/"}
    )
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response["Location"] == "/account/security/"


def test_it_signs_in_with_a_recovery_code_once(client, make_user):
    user = make_user(Role.QA_PANEL_MEMBER)
    code = _recovery_code(user)
    response = sign_in_through_pages(client, user, code=code)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200

    client.post(reverse("account_logout"))
    response = sign_in_through_pages(client, user, code=code)
    assert response.status_code == 200
    assert "Enter a correct security code" in response.content.decode()


def test_it_rejects_a_wrong_code_without_mentioning_the_password(client, make_user):
    user = make_user(Role.LAC)
    response = sign_in_through_pages(client, user, code="000000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct security code" in html
    assert "password" not in html.lower().split("<main")[1].split("</main>")[0]
    assert "nhsuk-error-summary" in html
    assert "<title>Error:" in html
    assert client.get("/")["Location"].startswith(LOGIN)


def test_it_gives_one_message_for_a_wrong_password_or_an_unknown_email(client, make_user):
    user = make_user(Role.LAC)
    wrong_password = _login(client, user.email, "not the password")
    unknown_email = _login(Client(), "nobody@example.nhs.uk", TEST_PASSWORD)

    def main(response) -> str:
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html[html.index("<main") : html.index("</main>")]

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert "Enter a correct email address and password" in main(wrong_password)
    # Apart from the typed email address, the two pages are the same.
    assert main(wrong_password).replace(user.email, "X") == main(unknown_email).replace(
        "nobody@example.nhs.uk", "X"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/admin/",
        "/admin/leder/user/",
        "/account/security/",
        "/account/password/change/",
        "/account/2fa/recovery-codes/",
        "/account/2fa/recovery-codes/generate/",
        "/account/2fa/totp/activate/",
        "/account/2fa/totp/deactivate/",
    ],
)
def test_it_gives_nothing_for_a_password_alone(client, make_user, url):
    user = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True)
    _login(client, user.email)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith((LOGIN, "/admin/login/"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/", "/admin/", "/account/security/", "/account/2fa/"])
def test_it_signs_out_a_session_that_skipped_the_code(client, make_user, url):
    """Defence in depth: a signed-in session with only a password record is refused."""
    user = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_it_rotates_the_session_key_on_sign_in(client, make_user):
    user = make_user(Role.LAC)
    _login(client, user.email)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after


def test_it_does_not_sign_in_a_deactivated_account(client, make_user):
    user = make_user(Role.LAC, is_active=False)
    response = _login(client, user.email)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "This account has been closed" in page.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_has_no_sign_up(client, db, method):
    response = getattr(client, method)(
        "/account/signup/",
        {"email": "new@example.nhs.uk", "password1": "x" * 20, "password2": "x" * 20},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Accounts are by invitation only" in html
    assert "<form" not in html.split("<main")[1]
    from leder.models import User

    assert not User.objects.filter(email="new@example.nhs.uk").exists()


def test_it_does_not_link_to_sign_up(client):
    assert "signup" not in client.get(LOGIN).content.decode()


def test_factories_users_have_an_app(make_user):
    user = make_user(Role.LAC)
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_the_sign_in_page_drops_a_half_finished_sign_in(client, make_user):
    user = make_user(Role.LAC)
    _login(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    # Going back to the sign-in page starts again: no resuming at the code step.
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0].startswith(LOGIN)
    assert "<h1>Sign in</h1>" in page.content.decode()
    assert client.get(reverse("mfa_authenticate"))["Location"].startswith(LOGIN)
