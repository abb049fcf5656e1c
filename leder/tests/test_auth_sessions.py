"""Sessions end on the server: sign-out, idle and absolute timeouts, deactivation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from leder.roles import Role
from leder.services.users import user_deactivate, user_sessions_end
from leder.testing import sign_in_through_pages, sign_in_with_mfa

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _session_exists(key: str) -> bool:
    return Session.objects.filter(session_key=key).exists()


def _messages(response) -> str:
    return response.content.decode()


def test_it_shows_a_sign_out_button_and_signs_out_on_post_only(client, make_user):
    user = make_user(Role.LAC)
    sign_in_through_pages(client, user)
    key = _session_key(client)

    page = client.get("/account/logout/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "nhsuk-header" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert ">\n  Sign out\n</button>" in html or "Sign out</button>" in html.replace("\n", "")
    assert _session_exists(key), "GET does not sign out"

    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    assert not _session_exists(key)
    assert client.get("/")["Location"].startswith("/account/login/")


def test_it_refuses_a_sign_out_without_the_csrf_token(make_user):
    client = sign_in_with_mfa(Client(enforce_csrf_checks=True), make_user(Role.LAC))
    key = _session_key(client)
    assert client.post("/account/logout/").status_code == 403
    assert _session_exists(key)


def test_it_signs_out_after_30_idle_minutes(make_user):
    with time_machine.travel(START, tick=False) as traveller:
        client = sign_in_with_mfa(Client(), make_user(Role.QA_PANEL_MEMBER))
        assert client.get("/").status_code == 200
        key = _session_key(client)

        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200

        traveller.shift(datetime.timedelta(minutes=30))
        response = client.get("/account/security/")
        assert response.status_code == 302
        assert response["Location"] == "/account/login/?next=%2Faccount%2Fsecurity%2F"
        assert not _session_exists(key)
        page = client.get(response["Location"])
        assert "You were signed out because you had not used the service for 30 minutes." in (
            page.content.decode()
        )
        assert client.get("/")["Location"].startswith("/account/login/")


@override_settings(SESSION_IDLE_TIMEOUT=5 * 60)
def test_it_says_the_configured_idle_time(make_user):
    with time_machine.travel(START, tick=False) as traveller:
        client = sign_in_with_mfa(Client(), make_user(Role.LAC))
        client.get("/")
        traveller.shift(datetime.timedelta(minutes=6))
        page = client.get("/", follow=True)
        assert "had not used the service for 5 minutes." in page.content.decode()


def test_it_signs_out_after_12_hours_however_busy(make_user):
    with time_machine.travel(START, tick=False) as traveller:
        client = sign_in_with_mfa(Client(), make_user(Role.QA_PANEL_MEMBER))
        client.get("/")
        key = _session_key(client)
        for _ in range(11 * 4 + 3):  # every 15 minutes for 11 hours 45
            traveller.shift(datetime.timedelta(minutes=15))
            assert client.get("/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=15))
        response = client.get("/")
        assert response.status_code == 302
        assert not _session_exists(key)
        page = client.get(response["Location"])
        assert "You were signed out because you had been signed in for 12 hours." in (
            page.content.decode()
        )


@pytest.mark.parametrize("method", ["post"])
def test_it_times_out_a_post_without_keeping_it(make_user, method):
    with time_machine.travel(START, tick=False) as traveller:
        client = sign_in_with_mfa(Client(), make_user(Role.LAC))
        client.get("/")
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.post("/account/logout/")
        assert response["Location"] == "/account/login/"


def test_deactivation_ends_every_session(make_user):
    user = make_user(Role.QA_PANEL_MEMBER)
    admin = make_user(Role.SYSTEM_ADMINISTRATOR)
    phone, laptop = sign_in_with_mfa(Client(), user), sign_in_with_mfa(Client(), user)
    other = sign_in_with_mfa(Client(), make_user(Role.QA_PANEL_MEMBER))
    keys = [_session_key(phone), _session_key(laptop)]
    assert phone.get("/").status_code == 200

    user_deactivate(user=user, by=admin, reason="Left the organisation")

    assert not any(_session_exists(k) for k in keys)
    assert phone.get("/")["Location"].startswith("/account/login/")
    assert laptop.get("/")["Location"].startswith("/account/login/")
    assert other.get("/").status_code == 200
    user.refresh_from_db()
    assert user.is_active is False
    assert user.history.first().history_change_reason == "Deactivated: Left the organisation"


def test_ending_sessions_leaves_other_peoples_alone(make_user):
    user, other = make_user(Role.LAC), make_user(Role.LAC)
    sign_in_with_mfa(Client(), user)
    other_client = sign_in_with_mfa(Client(), other)
    Client().get("/account/login/")  # an anonymous session too
    assert user_sessions_end(user=user) == 1
    assert _session_exists(_session_key(other_client))
