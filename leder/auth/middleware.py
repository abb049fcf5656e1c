"""Session lifetime and MFA enforcement for every staff request.

``MFARequiredMiddleware``: a signed-in session counts only once it has passed an
authenticator-app check (allauth's "mfa" authentication record) or, for someone without an
authenticator app, once they have set one up in this session. Until then:

- someone who has an app but whose session never passed the code check is signed out;
- someone without an app can reach only the set-up page (and sign out, and confirm their
  password), so no route, the admin site included, is reachable on a password alone.

``SessionTimeoutMiddleware``: ends the session on the server after
settings.SESSION_IDLE_TIMEOUT idle or settings.SESSION_ABSOLUTE_TIMEOUT in all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SESSION_STARTED = "leder_session_started"
SESSION_LAST_SEEN = "leder_session_last_seen"
MFA_ENROLLED_IN_SESSION = "leder_mfa_enrolled"

# Last-seen is written at most this often (seconds), to spare a session write per request.
LAST_SEEN_WRITE_INTERVAL = 60

# Pages someone without an authenticator app may reach before setting one up.
_ENROLMENT_URL_NAMES = ("mfa_activate_totp", "account_reauthenticate", "account_logout")
_ALWAYS_EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")


def mark_mfa_enrolled(request: HttpRequest) -> None:
    """Record that this session's user has just set up their authenticator app."""
    request.session[MFA_ENROLLED_IN_SESSION] = str(request.user.pk)


def session_has_mfa(request: HttpRequest) -> bool:
    if request.session.get(MFA_ENROLLED_IN_SESSION) == str(request.user.pk):
        return True
    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "mfa" for r in records)


def user_has_totp(user: object) -> bool:
    return Authenticator.objects.filter(
        user_id=getattr(user, "pk", None), type=Authenticator.Type.TOTP
    ).exists()


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(_ALWAYS_EXEMPT_PREFIXES):
            response = self._enforce(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> HttpResponse | None:
        if session_has_mfa(request):
            return None
        if user_has_totp(request.user):
            # Signed in with a password but never passed the code check: not a session.
            logout(request)
            return HttpResponseRedirect(reverse("account_login"))
        if request.path in {reverse(name) for name in _ENROLMENT_URL_NAMES}:
            return None
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def idle_message() -> str:
    minutes = _plural(settings.SESSION_IDLE_TIMEOUT // 60, "minute")
    return f"You were signed out because you had not used the service for {minutes}."


def absolute_message() -> str:
    hours = _plural(settings.SESSION_ABSOLUTE_TIMEOUT // 3600, "hour")
    return f"You were signed out because you had been signed in for {hours}."


class SessionTimeoutMiddleware:
    """Idle and absolute limits. Signing out deletes the session row (``session.flush``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        started = session.get(SESSION_STARTED)
        if started is None:
            session[SESSION_STARTED] = started = now
        last_seen = session.get(SESSION_LAST_SEEN, now)
        idle = now - last_seen >= settings.SESSION_IDLE_TIMEOUT
        expired = now - started >= settings.SESSION_ABSOLUTE_TIMEOUT
        if idle or expired:
            logout(request)  # flushes: the session row is deleted on the server
            messages.info(request, idle_message() if idle else absolute_message())
            login_url = reverse("account_login")
            if request.method == "GET":
                login_url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return HttpResponseRedirect(login_url)
        if SESSION_LAST_SEEN not in session or now - last_seen >= LAST_SEEN_WRITE_INTERVAL:
            session[SESSION_LAST_SEEN] = now
        return None
