"""Every sign-in and account page a person can reach: 200, inside the NHS page template."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_through_pages
from leder.tests.factories import totp_code

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _assert_nhs_page(response, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "nhsuk-header" in html
    assert "nhsuk-footer" in html
    assert f"<h1>{heading}</h1>" in html, heading
    # Every form that posts carries the CSRF token.
    for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S):
        assert 'name="csrfmiddlewaretoken"' in form


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/account/login/", "Sign in"),
        ("/account/password/reset/", "Reset your password"),
        ("/account/password/reset/done/", "Check your email"),
        ("/account/password/reset/key/done/", "Your password has been saved"),
        (
            "/account/password/reset/key/1-bad-key/",
            "This link has expired or has already been used",
        ),
        ("/account/signup/", "Accounts are by invitation only"),
        ("/account/inactive/", "This account has been closed"),
    ],
)
def test_it_renders_the_anonymous_pages(client, db, url, heading):
    _assert_nhs_page(client.get(url), heading)


def test_it_renders_the_set_password_page(client, make_user):
    user = make_user(Role.LAC)
    client.post("/account/password/reset/", {"email": user.email})
    link = re.search(r"https?://\S+(/account/password/reset/key/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1))["Location"]
    _assert_nhs_page(client.get(form_url), "Set your password")


def test_it_renders_the_security_code_page(client, make_user):
    user = make_user(Role.LAC)
    client.post("/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    _assert_nhs_page(client.get("/account/2fa/authenticate/"), "Enter your security code")


def test_it_renders_the_set_up_page(client, make_user):
    user = make_user(Role.LAC, mfa=False)
    client.post("/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    _assert_nhs_page(client.get("/account/2fa/totp/activate/"), "Set up your authenticator app")


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/account/logout/", "Sign out"),
        ("/account/security/", "Account and security"),
        ("/account/reauthenticate/", "Confirm it is you"),
        ("/account/2fa/reauthenticate/", "Confirm it is you"),
        ("/account/2fa/totp/deactivate/", "You cannot turn off your authenticator app"),
        ("/account/2fa/recovery-codes/", "Recovery codes"),
    ],
)
def test_it_renders_the_signed_in_pages(lac_client, url, heading):
    _assert_nhs_page(lac_client.get(url), heading)


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/account/password/change/", "Change your password"),
        ("/account/2fa/recovery-codes/generate/", "Make new recovery codes"),
    ],
)
def test_it_renders_the_pages_behind_confirmation(client, make_user, url, heading):
    user = make_user(Role.LAC)
    sign_in_through_pages(client, user)
    with time_machine.travel(datetime.timedelta(seconds=31)):
        client.post("/account/2fa/reauthenticate/", {"code": totp_code(user)})
        _assert_nhs_page(client.get(url), heading)


def test_it_renders_the_fresh_recovery_codes_page(client, make_user):
    user = make_user(Role.LAC)
    sign_in_through_pages(client, user)
    with time_machine.travel(datetime.timedelta(seconds=31)):
        client.post("/account/2fa/reauthenticate/", {"code": totp_code(user)})
        client.post("/account/2fa/recovery-codes/generate/")
        _assert_nhs_page(client.get("/account/2fa/recovery-codes/"), "Your recovery codes")


def test_the_mfa_overview_and_account_root_go_to_our_security_page(lac_client):
    for url in ("/account/2fa/", "/account/"):
        response = lac_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_security")


@pytest.mark.parametrize(
    "url",
    [
        "/account/email/",
        "/account/confirm-email/",
        "/account/confirm-email/abc/",
        "/account/password/set/",
        "/account/login/code/confirm/",
    ],
)
def test_unused_allauth_pages_are_not_found(lac_client, url):
    assert lac_client.get(url).status_code == 404


def _auth_templates() -> list[Path]:
    dirs = [TEMPLATES / "account", TEMPLATES / "mfa"]
    return sorted(p for d in dirs for p in d.rglob("*.html"))


@pytest.mark.parametrize("path", _auth_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_auth_template_is_an_nhs_page_with_csrf_on_posts(path):
    text = path.read_text()
    assert "{% extends" in text
    assert '"base.jinja"' in text or "account/_reauthenticate.jinja" in text
    forms = re.findall(r"<form[^>]*>.*?</form>", text, flags=re.S)
    for form in forms:
        if 'method="post"' in form:
            assert "{{ csrf_input }}" in form, path


def test_every_page_allauth_may_render_is_overridden():
    """allauth's .html templates for features we use exist in templates/ (Jinja wins)."""
    wanted = [
        "account/login.html",
        "account/logout.html",
        "account/password_reset.html",
        "account/password_reset_done.html",
        "account/password_reset_from_key.html",
        "account/password_reset_from_key_done.html",
        "account/password_change.html",
        "account/reauthenticate.html",
        "account/signup_closed.html",
        "account/account_inactive.html",
        "mfa/authenticate.html",
        "mfa/reauthenticate.html",
        "mfa/index.html",
        "mfa/totp/activate_form.html",
        "mfa/totp/deactivate_form.html",
        "mfa/recovery_codes/index.html",
        "mfa/recovery_codes/generate.html",
        "mfa/recovery_codes/download.txt",
        "account/email/password_reset_key_subject.txt",
        "account/email/password_reset_key_message.txt",
    ]
    missing = [name for name in wanted if not (TEMPLATES / name).exists()]
    assert missing == []
