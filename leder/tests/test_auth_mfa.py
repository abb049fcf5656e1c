"""Authenticator app: first-time set-up, recovery codes, confirmation, no switching off."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from leder.auth.totp import totp_code_for_secret
from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_through_pages
from leder.tests.factories import totp_code

ACTIVATE = "/account/2fa/totp/activate/"
RECOVERY_CODES = "/account/2fa/recovery-codes/"
DOWNLOAD = "/account/2fa/recovery-codes/download/"


def _secret_on_page(response) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7]+)<', response.content.decode())
    assert match, "the set-up page shows the key"
    return match.group(1)


@pytest.fixture
def new_user(make_user):
    return make_user(Role.QA_PANEL_MEMBER, mfa=False)  # "/" is their home page


@pytest.fixture
def enrolling_client(client, new_user):
    """Signed in with a password; no authenticator app yet."""
    response = client.post(
        reverse("account_login"), {"login": new_user.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/"
    return client


@pytest.mark.parametrize(
    "url",
    ["/", "/admin/", "/account/security/", RECOVERY_CODES, "/account/password/change/"],
)
def test_it_sends_someone_without_an_app_to_set_one_up(enrolling_client, url):
    response = enrolling_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_it_lets_someone_without_an_app_sign_out(enrolling_client):
    assert enrolling_client.get("/account/logout/").status_code == 200
    enrolling_client.post("/account/logout/")
    assert "_auth_user_id" not in enrolling_client.session


def test_it_sets_up_the_app_then_shows_the_recovery_codes_once(enrolling_client, new_user):
    page = enrolling_client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "<?xml" not in html
    secret = _secret_on_page(page)

    wrong = enrolling_client.post(ACTIVATE, {"code": "000000"})
    assert "Enter a correct security code" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=new_user).exists()

    response = enrolling_client.post(ACTIVATE, {"code": totp_code_for_secret(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=new_user, type="totp").exists()

    codes_page = enrolling_client.get(response["Location"])
    codes = Authenticator.objects.get(user=new_user, type="recovery_codes").wrap()
    unused = codes.get_unused_codes()
    assert codes_page.status_code == 200
    assert all(code in codes_page.content.decode() for code in unused)

    download = enrolling_client.get(DOWNLOAD)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(code in download.content.decode() for code in unused)

    # Shown once: a second visit does not show them.
    again = enrolling_client.get(RECOVERY_CODES)
    assert again.status_code == 200
    assert not any(code in again.content.decode() for code in unused)
    assert "Make new recovery codes" in again.content.decode()

    # The rest of the service is open now.
    assert enrolling_client.get("/").status_code == 200
    assert enrolling_client.get("/account/security/").status_code == 200


def test_it_stops_the_download_after_a_while(enrolling_client, new_user):
    secret = _secret_on_page(enrolling_client.get(ACTIVATE))
    enrolling_client.post(ACTIVATE, {"code": totp_code_for_secret(secret)})
    enrolling_client.get(RECOVERY_CODES)
    with time_machine.travel(datetime.timedelta(minutes=11)):
        # (the idle timeout is 30 minutes, so the session itself is still alive)
        assert enrolling_client.get(DOWNLOAD).status_code == 404


def test_it_asks_for_the_code_at_the_next_sign_in(enrolling_client, new_user, client):
    secret = _secret_on_page(enrolling_client.get(ACTIVATE))
    enrolling_client.post(ACTIVATE, {"code": totp_code_for_secret(secret)})
    enrolling_client.post("/account/logout/")

    with time_machine.travel(datetime.timedelta(seconds=31)):
        response = client.post(
            reverse("account_login"), {"login": new_user.email, "password": TEST_PASSWORD}
        )
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(new_user)})
        assert response["Location"] == "/"


def test_it_asks_for_the_password_again_to_set_up_later(enrolling_client):
    with time_machine.travel(datetime.timedelta(minutes=6)):
        response = enrolling_client.get(ACTIVATE)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/reauthenticate/")
        page = enrolling_client.get(response["Location"])
        assert "Confirm it is you" in page.content.decode()
        response = enrolling_client.post(
            response["Location"], {"password": TEST_PASSWORD, "next": ACTIVATE}
        )
        assert response["Location"] == ACTIVATE
        assert enrolling_client.get(ACTIVATE).status_code == 200


def test_it_does_not_let_staff_turn_off_the_app(lac_client):
    user = lac_client.user
    for response in (
        lac_client.get("/account/2fa/totp/deactivate/"),
        lac_client.post("/account/2fa/totp/deactivate/"),
    ):
        assert response.status_code == 200
        assert "You cannot turn off your authenticator app" in response.content.decode()
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_the_adapter_refuses_to_delete_the_app(make_user):
    from allauth.mfa.adapter import get_adapter

    user = make_user(Role.LAC)
    totp = Authenticator.objects.get(user=user, type="totp")
    assert get_adapter().can_delete_authenticator(totp) is False


def test_it_asks_for_a_security_code_before_making_new_recovery_codes(client, make_user):
    user = make_user(Role.REVIEWER)
    sign_in_through_pages(client, user)
    response = client.get("/account/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/reauthenticate/")
    page = client.get(response["Location"])
    assert "Security code" in page.content.decode()
    assert "Use your password instead" in page.content.decode()

    with time_machine.travel(datetime.timedelta(seconds=31)):
        response = client.post(
            "/account/2fa/reauthenticate/",
            {"code": totp_code(user), "next": "/account/2fa/recovery-codes/generate/"},
        )
        assert response["Location"] == "/account/2fa/recovery-codes/generate/"
        page = client.get("/account/2fa/recovery-codes/generate/")
        assert page.status_code == 200
        response = client.post("/account/2fa/recovery-codes/generate/")
        assert response["Location"] == RECOVERY_CODES
        codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap()
        shown = client.get(RECOVERY_CODES).content.decode()
        assert all(code in shown for code in codes.get_unused_codes())


def test_it_asks_for_confirmation_before_changing_the_password(client, make_user):
    user = make_user(Role.REVIEWER)
    sign_in_through_pages(client, user)
    response = client.get("/account/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/reauthenticate/")

    with time_machine.travel(datetime.timedelta(seconds=31)):
        client.post(
            "/account/2fa/reauthenticate/",
            {"code": totp_code(user), "next": "/account/password/change/"},
        )
        page = client.get("/account/password/change/")
        assert page.status_code == 200
        assert "Current password" in page.content.decode()
        response = client.post(
            "/account/password/change/",
            {
                "oldpassword": TEST_PASSWORD,
                "password1": "a much longer new passphrase",
                "password2": "a much longer new passphrase",
            },
        )
        # Changing the password signs the person out: next time, password and code.
        assert response.status_code == 302
        assert response["Location"] == "/account/login/"
        assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.check_password("a much longer new passphrase")


def test_it_explains_mismatched_new_passwords(client, make_user):
    user = make_user(Role.REVIEWER)
    sign_in_through_pages(client, user)
    with time_machine.travel(datetime.timedelta(seconds=31)):
        client.post(
            "/account/2fa/reauthenticate/",
            {"code": totp_code(user), "next": "/account/password/change/"},
        )
        response = client.post(
            "/account/password/change/",
            {
                "oldpassword": TEST_PASSWORD,
                "password1": "a much longer new passphrase",
                "password2": "a different longer passphrase",
            },
        )
    assert "The passwords do not match" in response.content.decode()
