"""django-allauth adapters: invite-only accounts, NHS-style messages, links from SITE_URL."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

LOCKED_MESSAGE = (
    "Your account is locked because of too many failed sign-in attempts. "
    "Try again in {minutes} minutes, or reset your password."
)


def site_url(path: str) -> str:
    """An absolute link for an email: from LEDER_SITE_URL, never the request's Host header."""
    return f"{settings.SITE_URL}{path}"


def reset_link_expiry() -> str:
    """How long a set-your-password link works, in words ("3 days", "12 hours")."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 86400 == 0:
        n, unit = seconds // 86400, "day"
    else:
        n, unit = max(1, seconds // 3600), "hour"
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One message for a wrong email or password: no hint which was wrong.
        "email_password_mismatch": "Enter a correct email address and password",
        # {minutes} is filled in by validation_error() from LOGIN_LOCKOUT_MINUTES.
        "too_many_login_attempts": LOCKED_MESSAGE,
        "rate_limited": "You have tried too many times. Wait a few minutes and try again.",
        "enter_current_password": "Your current password is not correct",
        "incorrect_password": "Your password is not correct",
        "invalid_password_reset": "This link has expired or has already been used",
        "account_inactive": "This account has been closed",
    }

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        if code == "too_many_login_attempts":
            return ValidationError(locked_message(), code=code)
        return super().validation_error(code, *args)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """The password was right: a new session key before the code step, so a key planted
        in the browser beforehand (session fixation) never holds a half-signed-in login.
        Django's ``login()`` rotates it again after the code step."""
        response = super().pre_login(request, user, **kwargs)
        if response is None:
            request.session.cycle_key()
        return response

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # staff accounts are created by invitation only

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE: the person signs in again (password and code).
        return reverse("account_login")

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth builds this from the request's Host header: use SITE_URL instead.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        super().send_password_reset_mail(
            user, email, {**context, "link_expiry": reset_link_expiry()}
        )

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth prefixes the site's domain, which without django.contrib.sites is the
        # Host header (any port passes ALLOWED_HOSTS): a fresh port would mean a fresh
        # counter. Count failures per email address alone.
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"login:{login.lower()}"

    def get_reauthentication_methods(self, user: Any) -> list[dict]:
        """Confirm with a security code first when the person has an authenticator app."""
        descriptions = {
            "reauthenticate": "Use your password instead",
            "mfa_reauthenticate": "Use a security code instead",
        }
        methods = [
            {**m, "description": descriptions.get(m["id"], m["description"])}
            for m in super().get_reauthentication_methods(user)
        ]
        return sorted(methods, key=lambda m: m["id"] != "mfa_reauthenticate")

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """No second password prompt to set up the authenticator app straight after sign-in.

        Someone without an authenticator app who signed in within the reauthentication
        window has just proved their password; everyone else confirms as allauth asks.
        """
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            has_totp = Authenticator.objects.filter(
                user_id=request.user.pk, type=Authenticator.Type.TOTP
            ).exists()
            records = get_authentication_records(request, request.user)
            if not has_totp and records:
                age = time.time() - records[-1]["at"]
                if age < account_settings.REAUTHENTICATION_TIMEOUT:
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "Enter a correct security code",
        "cannot_delete_authenticator": (
            "You cannot turn off your authenticator app. Every staff account must use one."
        ),
        "cannot_generate_recovery_codes": (
            "Set up your authenticator app before you make recovery codes"
        ),
    }

    def get_totp_label(self, user: Any) -> str:
        return user.email

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # MFA is mandatory for staff: the app can be replaced by an administrator
        # (admin action "Reset authenticator app"), never switched off by its owner.
        return authenticator.type != Authenticator.Type.TOTP

    def build_totp_svg(self, url: str) -> str:
        """The QR code as inline SVG (white background, no XML prolog, labelled)."""
        from io import BytesIO

        import qrcode
        from qrcode.image.svg import SvgPathFillImage

        buffer = BytesIO()
        qrcode.make(url, image_factory=SvgPathFillImage).save(buffer)
        svg = buffer.getvalue().decode("utf8")
        svg = svg[svg.index("<svg") :]
        return svg.replace(
            "<svg ",
            '<svg role="img" aria-label="QR code to scan with your authenticator app" ',
            1,
        )
