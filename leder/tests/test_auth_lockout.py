"""Lockout after repeated failures: per account, not fooled by X-Forwarded-For."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_through_pages
from leder.tests.factories import totp_code

LOGIN = "/account/login/"
LOCKED = "Your account is locked because of too many failed sign-in attempts."


def _login(client: Client, email: str, password: str = TEST_PASSWORD, **extra: object):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _fail(client: Client, email: str, times: int, **extra: object) -> None:
    for i in range(times):
        response = _login(client, email, f"wrong password {i}", **extra)
        assert "Enter a correct email address and password" in response.content.decode()


def test_it_locks_the_account_after_the_failure_limit(client, make_user):
    user = make_user(Role.LAC)
    _fail(client, user.email, settings.LOGIN_FAILURE_LIMIT)

    response = _login(client, user.email)  # the right password, too late
    html = response.content.decode()
    assert response.status_code == 200
    assert LOCKED in html
    assert f"Try again in {settings.LOGIN_LOCKOUT_MINUTES} minutes, or reset your password." in html
    assert "{minutes}" not in html
    assert "nhsuk-error-summary" in html
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_LOCKOUT_MINUTES=42)
def test_it_says_the_configured_lockout_time(client, make_user):
    user = make_user(Role.LAC)
    _fail(client, user.email, settings.LOGIN_FAILURE_LIMIT)
    assert "Try again in 42 minutes" in _login(client, user.email).content.decode()


def test_it_locks_an_unknown_address_the_same_way(client, db):
    _fail(client, "nobody@example.nhs.uk", settings.LOGIN_FAILURE_LIMIT)
    assert LOCKED in _login(client, "nobody@example.nhs.uk").content.decode()


def test_a_spoofed_forwarded_for_header_neither_resets_nor_bypasses_the_lock(make_user):
    user = make_user(Role.LAC)
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(Client(), user.email, 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    # Neither a new forwarded address, nor a new real address, nor a new Host port helps.
    for extra in (
        {"HTTP_X_FORWARDED_FOR": "198.51.100.7"},
        {"REMOTE_ADDR": "192.0.2.99"},
        {"HTTP_HOST": "localhost:8123"},
        {"REMOTE_ADDR": "192.0.2.98", "HTTP_X_FORWARDED_FOR": "198.51.100.8"},
    ):
        response = _login(Client(), user.email.upper(), **extra)
        assert LOCKED in response.content.decode(), extra


def test_a_locked_account_does_not_lock_out_another(make_user):
    locked, other = make_user(Role.LAC), make_user(Role.QA_PANEL_MEMBER)
    client = Client()
    _fail(client, locked.email, settings.LOGIN_FAILURE_LIMIT)
    for _ in range(3):  # someone keeps trying
        assert LOCKED in _login(client, locked.email, "guess").content.decode()
    response = sign_in_through_pages(client, other)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_unlocks_after_the_lockout_time(client, make_user):
    user = make_user(Role.LAC)
    _fail(client, user.email, settings.LOGIN_FAILURE_LIMIT)
    assert LOCKED in _login(client, user.email).content.decode()
    with time_machine.travel(datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=5)):
        response = sign_in_through_pages(client, user)
        assert response["Location"] == "/"


def test_a_successful_sign_in_does_not_wipe_earlier_failures(client, make_user):
    user = make_user(Role.LAC)
    _fail(client, user.email, settings.LOGIN_FAILURE_LIMIT - 1)
    sign_in_through_pages(client, user)
    client.post("/account/logout/")
    _fail(client, user.email, 1)
    assert LOCKED in _login(client, user.email).content.decode()


def test_it_locks_the_security_code_step_too(client, make_user):
    user = make_user(Role.LAC)
    _login(client, user.email)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Enter a correct security code" in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert LOCKED in response.content.decode()
    assert client.get("/")["Location"].startswith(LOGIN)


def test_it_shows_an_nhs_page_when_requests_come_too_fast(client, db):
    statuses = [client.post(LOGIN, {}).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    response = client.post(LOGIN, {})
    html = response.content.decode()
    assert response.status_code == 429
    assert "nhsuk-header" in html
    assert "You have tried too many times" in html
