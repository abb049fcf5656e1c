"""Password reset by emailed link: it never signs anyone in, and never skips the code."""

from __future__ import annotations

import datetime
import re

import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_through_pages
from leder.tests.factories import totp_code

RESET = "/account/password/reset/"
NEW_PASSWORD = "a long and unusual passphrase"


def _link_in(message) -> str:
    match = re.search(r"(https?://\S+/account/password/reset/key/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def _path(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL) :]


def test_it_emails_a_link_built_from_the_site_url(client, make_user):
    user = make_user(Role.LAC, full_name="Ada Okafor")
    response = client.post(RESET, {"email": user.email.upper()}, HTTP_HOST="evil.example")
    # (an unknown Host is refused outright; the same request with a known host follows)
    assert response.status_code == 400
    response = client.post(RESET, {"email": user.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == "/account/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "LeDeR: Reset your LeDeR password"
    assert "Dear Ada Okafor," in message.body
    assert _link_in(message).startswith(f"{settings.SITE_URL}/account/password/reset/key/")
    assert "expires in 3 days" in message.body
    assert "&#" not in message.body


@override_settings(ALLOWED_HOSTS=["localhost", "testserver", "other.example"])
def test_it_ignores_the_host_header_in_the_link(client, make_user):
    user = make_user(Role.LAC)
    client.post(RESET, {"email": user.email}, HTTP_HOST="other.example")
    assert _link_in(mail.outbox[0]).startswith(settings.SITE_URL)


def test_it_sends_nothing_for_an_unknown_address_and_looks_the_same(client, make_user):
    response = client.post(RESET, {"email": "nobody@example.nhs.uk"})
    assert response["Location"] == "/account/password/reset/done/"
    assert mail.outbox == []
    page = client.get(response["Location"])
    assert "Check your email" in page.content.decode()


def test_it_sets_a_new_password_without_signing_in_and_still_asks_for_the_code(make_user):
    user = make_user(Role.REVIEWER)
    client = Client()
    client.post(RESET, {"email": user.email})
    link = _path(_link_in(mail.outbox[0]))

    response = client.get(link)
    assert response.status_code == 302  # to the same page without the key in the URL
    form_url = response["Location"]
    assert "set-password" in form_url
    page = client.get(form_url)
    assert page.status_code == 200
    assert "Set your password" in page.content.decode()

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/account/login/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The old password no longer works; the new one leads to the code step, not in.
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert "Enter a correct email address and password" in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response["Location"] == "/"


def test_a_link_works_once(client, make_user):
    user = make_user(Role.LAC)
    client.post(RESET, {"email": user.email})
    link = _path(_link_in(mail.outbox[0]))
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client().get(link)
    assert again.status_code == 200
    assert "This link has expired or has already been used" in again.content.decode()


def test_a_link_expires(client, make_user):
    user = make_user(Role.LAC)
    client.post(RESET, {"email": user.email})
    link = _path(_link_in(mail.outbox[0]))
    with time_machine.travel(datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)):
        page = Client().get(link)
    assert "This link has expired or has already been used" in page.content.decode()


def test_a_reset_unlocks_a_locked_account(make_user):
    user = make_user(Role.LAC)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    client.post(RESET, {"email": user.email})
    form_url = client.get(_path(_link_in(mail.outbox[0])))["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = sign_in_through_pages(client, user, password=NEW_PASSWORD)
    assert response["Location"] == "/"


def test_it_explains_a_weak_new_password(client, make_user):
    user = make_user(Role.LAC)
    client.post(RESET, {"email": user.email})
    form_url = client.get(_path(_link_in(mail.outbox[0])))["Location"]
    response = client.post(form_url, {"password1": "short", "password2": "short"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "at least 12 characters" in html
