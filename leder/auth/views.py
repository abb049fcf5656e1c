"""Account pages of our own, and the few allauth views we adjust.

allauth provides sign-in, sign-out, password reset and the MFA pages (our templates).
Here: the "Account and security" page; first-time authenticator set-up that marks the
session as MFA-passed; recovery codes shown once and downloadable only then; refusal to
switch MFA off; the page for too many requests; and 404 for allauth pages we do not use.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import views as account_views
from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.stagekit import clear_login
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.recovery_codes.internal import flows as recovery_code_flows
from allauth.mfa.totp import views as totp_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from leder.auth.middleware import mark_mfa_enrolled

# Recovery codes can be downloaded for this long after they were shown (seconds).
DOWNLOAD_WINDOW = 10 * 60
_DOWNLOAD_SESSION_KEY = "leder_recovery_codes_download"


@login_required
@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=request.user)}
    recovery_codes = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    return render(
        request,
        "account/security.jinja",
        {
            "title": "Account and security",
            "totp": authenticators.get(Authenticator.Type.TOTP),
            "unused_recovery_codes": (
                len(recovery_codes.wrap().get_unused_codes()) if recovery_codes else 0
            ),
        },
    )


@require_GET
def to_account_security(request: HttpRequest) -> HttpResponse:
    """allauth's MFA overview and the bare /account/ address: our security page instead."""
    return HttpResponseRedirect(reverse("account_security"))


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """allauth pages this service does not use (email management, codes by email...)."""
    raise Http404


class LoginView(account_views.LoginView):
    """allauth's sign-in page, always fresh: opening it drops a half-finished sign-in
    (password given, code not yet) instead of resuming it, so on a shared computer the
    next person does not land on someone else's security-code page."""

    def _redirect_to_pending_stage(self, request: HttpRequest, stage: Any) -> None:
        clear_login(request)


login = LoginView.as_view()


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's set-up page. Proving the new app with a code counts as the session's MFA."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        totp = Authenticator.objects.get(user=self.request.user, type=Authenticator.Type.TOTP)
        record_authentication(
            self.request,
            self.request.user,
            "mfa",
            id=totp.pk,
            type=totp.type,
            reauthenticated=True,
        )
        mark_mfa_enrolled(self.request)
        return response


activate_totp = ActivateTOTPView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def deactivate_totp(request: HttpRequest) -> HttpResponse:
    """Staff cannot switch MFA off: the page explains, and nothing changes on POST."""
    return render(
        request,
        "mfa/totp/deactivate_form.html",
        {"title": "You cannot turn off your authenticator app"},
    )


class ViewRecoveryCodesView(recovery_code_views.ViewRecoveryCodesView):
    """Codes are shown once (MFA_RECOVERY_CODES_SHOW_ONCE); then, for a few minutes, they
    can be downloaded as a text file."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super(recovery_code_views.ViewRecoveryCodesView, self).get_context_data(**kwargs)
        wrapper, can_view = recovery_code_flows.view_recovery_codes(self.request)
        unused = wrapper.get_unused_codes() if wrapper else []
        can_view = can_view and bool(unused)
        if wrapper and can_view:
            self.request.session[_DOWNLOAD_SESSION_KEY] = {
                "id": wrapper.instance.pk,
                "until": time.time() + DOWNLOAD_WINDOW,
            }
        context.update(
            {
                "title": "Your recovery codes" if can_view else "Recovery codes",
                "unused_codes": unused if can_view else [],
                "unused_count": len(unused),
                "can_view_codes": can_view,
            }
        )
        return context


view_recovery_codes = never_cache(ViewRecoveryCodesView.as_view())


@login_required
@never_cache
@require_GET
def download_recovery_codes(request: HttpRequest) -> HttpResponse:
    allowed = request.session.get(_DOWNLOAD_SESSION_KEY) or {}
    authenticator = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    if (
        authenticator is None
        or allowed.get("id") != authenticator.pk
        or allowed.get("until", 0) < time.time()
    ):
        raise Http404
    codes = authenticator.wrap().get_unused_codes()
    if not codes:
        raise Http404
    response = render(
        request,
        "mfa/recovery_codes/download.txt",
        {"unused_codes": codes},
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="leder-recovery-codes.txt"'
    return response


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler429: allauth's rate limits (sign-in attempts, password reset requests)."""
    return render(
        request,
        "account/too_many_requests.html",
        {"title": "You have tried too many times"},
        status=429,
    )
