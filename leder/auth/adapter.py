"""django-allauth adapters: invite-only accounts, NHS-style messages."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One message for a wrong email or password: no hint which was wrong.
        "email_password_mismatch": "Enter a correct email address and password",
        "too_many_login_attempts": (
            "Your account has been locked because of too many failed sign-in attempts. "
            "Try again in {minutes} minutes, or reset your password."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # staff accounts are created by invitation only

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return "/"

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"

    def build_absolute_uri(self, request: HttpRequest, location: str, protocol: Any = None) -> str:
        # Links in emails come from LEDER_SITE_URL, never from the request's Host header.
        return f"{settings.SITE_URL}{location}"


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        return user.email
