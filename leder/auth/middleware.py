"""Session lifetime and MFA enforcement for every staff request.

``MFARequiredMiddleware``: a signed-in session counts only once it has passed an
authenticator-app check (or, for a new account, once the app has been set up). Until then
every URL except the MFA set-up and sign-out pages redirects, so no route, the admin site
included, is reachable on a password alone.

``SessionTimeoutMiddleware``: ends the session on the server after 30 minutes idle or
12 hours in all (settings.SESSION_IDLE_TIMEOUT / SESSION_ABSOLUTE_TIMEOUT).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SESSION_STARTED = "leder_session_started"
SESSION_LAST_SEEN = "leder_session_last_seen"
MFA_ENROLLED_IN_SESSION = "leder_mfa_enrolled"

# Paths a signed-in person may reach before passing MFA (prefix match).
_MFA_EXEMPT_NAMES = ("account_logout", "mfa_activate_totp", "mfa_generate_recovery_codes")
_ALWAYS_EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")


def session_has_mfa(request: HttpRequest) -> bool:
    if request.session.get(MFA_ENROLLED_IN_SESSION):
        return True
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


def user_has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_ALWAYS_EXEMPT_PREFIXES):
            response = self._enforce(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> HttpResponse | None:
        if session_has_mfa(request):
            return None
        exempt = {reverse(name) for name in _MFA_EXEMPT_NAMES}
        if request.path in exempt:
            return None
        if user_has_totp(request.user):
            # Signed in with a password but never passed the MFA check: not a session.
            logout(request)
            return HttpResponseRedirect(reverse("account_login"))
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)  # flushes the session row on the server
                messages.info(
                    request,
                    "You were signed out because you had not used the service for 30 minutes."
                    if idle
                    else "You were signed out because your session reached its 12-hour limit.",
                )
                return HttpResponseRedirect(f"{reverse('account_login')}?timeout=1")
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
