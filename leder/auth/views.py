"""Account pages of our own (allauth provides sign-in, MFA and password reset)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=request.user)}
    return render(
        request,
        "account/security.jinja",
        {
            "title": "Account and security",
            "totp": authenticators.get(Authenticator.Type.TOTP),
            "recovery_codes": authenticators.get(Authenticator.Type.RECOVERY_CODES),
        },
    )
