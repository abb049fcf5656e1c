"""The security log: sign-ins, failed sign-ins, sign-outs and refused requests.

One line each on the ``leder.security`` logger, saying who (the user's id, never their
email address or name), where (the path without its query string, and the client address
allauth's rate limits use) and what; the log record's time says when. No personal data:
failed sign-ins name the account by id when the email address belongs to one, else
``user=-``.

- ``login succeeded`` / ``logout``: Django's ``user_logged_in`` / ``user_logged_out`` (with
  allauth's MFA, ``user_logged_in`` comes once the security code has been accepted);
- ``login failed step=password``: Django's ``user_login_failed``;
- ``login failed step=code``: allauth's ``mfa.signals.authentication_failed`` (also for
  re-authentication, ``step=reauthenticate-code``);
- ``access denied``: ``DeniedAccessLogMiddleware``, for every 403 or 404 answered to a
  signed-in person (the scoped accessors answer 404 to people outside an object's ICB).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("leder.security")

DENIED_STATUSES = frozenset({403, 404})


def client_ip(request: HttpRequest | None) -> str:
    """The client's address as allauth sees it (REMOTE_ADDR, or X-Forwarded-For only when
    ALLAUTH_TRUSTED_PROXY_COUNT says how many proxies to trust)."""
    if request is None:
        return "-"
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:  # noqa: BLE001 - a log line must never fail the request
        return "-"


def where(request: HttpRequest | None) -> str:
    """``path=... ip=...``: the path without its query string (``request.path``)."""
    if request is None:
        return "path=- ip=-"
    return f"path={request.path or '-'} ip={client_ip(request)}"


def _user_id(user: Any) -> str:
    pk = getattr(user, "pk", None)
    return str(pk) if pk is not None else "-"


def _account_for(credentials: dict[str, Any]) -> str:
    """The id of the account an attempted email address belongs to, if any."""
    from leder.models import User

    login = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not isinstance(login, str) or not login.strip():
        return "-"
    pk = User.objects.filter(email__iexact=login.strip()).values_list("pk", flat=True).first()
    return str(pk) if pk is not None else "-"


def log_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("login succeeded user=%s %s", _user_id(user), where(request))


def log_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("logout user=%s %s", _user_id(user), where(request))


def log_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    logger.warning(
        "login failed step=password user=%s %s", _account_for(credentials), where(request)
    )


def log_code_failed(
    sender: Any, request: HttpRequest | None, user: Any, reauthentication: bool = False, **kw: Any
) -> None:
    step = "reauthenticate-code" if reauthentication else "code"
    logger.warning("login failed step=%s user=%s %s", step, _user_id(user), where(request))


def connect() -> None:
    """Called once from LederConfig.ready()."""
    from allauth.mfa.signals import authentication_failed
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(log_logged_in, dispatch_uid="leder.security.logged_in")
    user_logged_out.connect(log_logged_out, dispatch_uid="leder.security.logged_out")
    user_login_failed.connect(log_login_failed, dispatch_uid="leder.security.login_failed")
    authentication_failed.connect(log_code_failed, dispatch_uid="leder.security.code_failed")


class DeniedAccessLogMiddleware:
    """``access denied`` for a 403 or 404 answered to a signed-in person.

    Runs after the view (and after the record-link pages have replaced their token in
    ``request.path``), so the path logged is the one Django's own request log shows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in DENIED_STATUSES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                logger.warning(
                    "access denied status=%s user=%s method=%s %s",
                    response.status_code,
                    _user_id(user),
                    request.method,
                    where(request),
                )
        return response
