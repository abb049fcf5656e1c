"""Test helpers used across the apps (imported by conftest.py and tests, never by views)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from leder.models import User


def sign_in_with_mfa(client: Client, user: User) -> Client:
    """Sign ``user`` in as if they had passed password and authenticator-app checks."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


TEST_PASSWORD = "correct horse battery staple"  # the factories' password


def sign_in_through_pages(
    client: Client, user: User, *, password: str = TEST_PASSWORD, code: str | None = None
) -> Any:
    """Sign in through the real allauth views: password, then a security code.

    ``code`` defaults to the current authenticator-app code. Returns the last response.
    """
    from django.urls import reverse

    from leder.tests.factories import totp_code

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    if response.status_code != 302 or response["Location"] != reverse("mfa_authenticate"):
        return response
    return client.post(reverse("mfa_authenticate"), {"code": code or totp_code(user)})


def count_queries(func: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def assert_queries_flat(
    request: Callable[[], Any], grow: Callable[[int], Any], *, small: int = 1, large: int = 12
) -> tuple[int, int]:
    """Assert ``request()`` makes as many queries with ``large`` rows as with ``small``.

    ``grow(n)`` adds ``n`` more rows. Returns the two counts for the test to report.
    """
    grow(small)
    request()  # warm caches (content types, sessions) so both measurements are alike
    before = count_queries(request)
    grow(large - small)
    after = count_queries(request)
    assert after == before, f"query count grew with rows: {before} for {small}, {after} for {large}"
    return before, after


def search_url(client: Client, url: str, params: dict[str, Any]) -> str:
    """Search as staff do (POST, see leder.lib.search) and return the page to GET."""
    response = client.post(url, params)
    assert response.status_code == 302, response.status_code
    location: str = response["Location"]
    from urllib.parse import parse_qs, urlsplit

    from leder.lib.search import SENSITIVE

    leaked = SENSITIVE & parse_qs(urlsplit(location).query).keys()
    assert not leaked, f"typed search text is in the URL: {location}"
    return location


def squeeze_html(html: str) -> str:
    """Markup with the whitespace between and inside tags squeezed out, which does not
    matter to the browser here: for comparing our plain-markup components with the NHS.UK
    frontend's macros (ADR 0014)."""
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+>", ">", html).strip()
