"""Authenticator-app (TOTP) helpers shared by the demo data and the tests."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.db import transaction

from leder.models import User


@transaction.atomic
def totp_enrol(*, user: User, secret: str) -> None:
    """Give ``user`` an authenticator app with ``secret`` (base32), replacing any other."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)


def totp_secret(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def totp_code_for_secret(secret: str, at: float | None = None) -> str:
    from allauth.mfa import app_settings

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
