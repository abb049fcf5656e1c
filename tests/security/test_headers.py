"""Security headers on every page, and the production profile's transport settings.

``test_every_page_sends_the_security_headers`` requests every GET-able URL pattern in the
access matrix (``tests/security/matrix.py``: the same world, each page as a role allowed to
see it; public pages anonymously; the admin site as the system administrator) and checks:

- every response: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
  ``Referrer-Policy`` that never sends a URL to another site;
- every HTML page: a CSP with a fresh nonce in ``script-src``, no ``'unsafe-inline'``
  or ``'unsafe-eval'``, ``frame-ancestors 'none'``, ``object-src 'none'``, and every inline
  ``<script>`` carrying that nonce;
- every response to a signed-in person, every record-link page and every file download:
  ``Cache-Control: no-store``; downloads are attachments;
- record-link pages (the token is in the path): ``Referrer-Policy: same-origin`` (not
  ``no-referrer``: see ``reviews/records/views/public.py`` and docs/SECURITY.md).

The production profile (a subprocess with ``leder.settings.production``) sends HSTS for a
year with subdomains, redirects plain HTTP, sets the session and CSRF cookies ``Secure``,
``HttpOnly`` and ``SameSite=Lax`` under ``__Host-`` names, refuses a Host it does not
serve, and keeps ``CONN_HEALTH_CHECKS`` on. Links in emails come from ``LEDER_SITE_URL``,
never from the request's ``Host``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.security.matrix import ADMIN_PREFIX, ROUTES, Actor, Kind
from tests.security.test_access_matrix import _admin_urls, _request, _reverse

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
LINK_PAGES = {"records:upload", "records:phone"}


def pages(world: Any) -> Iterator[tuple[str, str, Actor]]:
    """(key, url, actor) for every GET-able page, as someone allowed to see it."""
    for key, route in ROUTES.items():
        if "GET" not in route.methods or key.startswith(ADMIN_PREFIX):
            continue
        if route.kind in (Kind.PUBLIC, Kind.DISABLED):
            probes = route.probes or (None,)
            for probe in probes:
                kwargs = probe.target(world, "icb") if probe else {}
                if kwargs is not None:
                    yield key, _reverse(key, kwargs), Actor.ANONYMOUS
        elif route.kind is Kind.ACCOUNT:
            yield key, _reverse(key, {}), Actor.LAC
        else:
            for probe in route.probes:
                kwargs = probe.target(world, "icb")
                if kwargs is None or not probe.allowed:
                    continue
                query = probe.query_for(world)
                url = _reverse(key, kwargs) + (f"?{query}" if query else "")
                yield key, url, sorted(probe.allowed)[0]
    for url in _admin_urls():
        yield url, url, Actor.SYSADMIN


def _csp_problems(response: Any) -> list[str]:
    csp = response.get("Content-Security-Policy", "")
    if not csp:
        return ["no Content-Security-Policy"]
    directives = {
        part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()
    }
    script = directives.get("script-src", "")
    problems = []
    nonce = re.search(r"'nonce-([^']+)'", script)
    # django-csp puts the nonce in the header when a page uses it: every page of the
    # service does (its base template's script); redirects and the admin site (no inline
    # script at all, checked below) need none.
    request = getattr(response, "wsgi_request", None)
    ours = response.status_code == 200 and not (request and request.path.startswith("/admin/"))
    if not nonce and ours:
        problems.append("no nonce in script-src")
    if "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append(f"unsafe script-src: {script}")
    if directives.get("frame-ancestors") != "frame-ancestors 'none'":
        problems.append("frame-ancestors is not 'none'")
    if directives.get("object-src") != "object-src 'none'":
        problems.append("object-src is not 'none'")
    if not getattr(response, "streaming", False):
        expected = f'nonce="{nonce.group(1)}"' if nonce else None
        for attributes in SCRIPT_TAG.findall(response.content.decode(errors="replace")):
            if "src=" not in attributes and (not expected or expected not in attributes):
                problems.append(f"an inline script without the nonce: <script{attributes}>")
    return problems


def check(key: str, actor: Actor, response: Any) -> list[str]:
    problems: list[str] = []
    if response.status_code >= 500:
        return [f"server error {response.status_code}"]
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    referrer = {p.strip() for p in response.get("Referrer-Policy", "").split(",")}
    if not referrer or not referrer <= STRICT_REFERRER:
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    content_type = response.get("Content-Type", "")
    download = "attachment" in response.get("Content-Disposition", "")
    if content_type.startswith("text/html") and not download:
        problems += _csp_problems(response)
    cache = response.get("Cache-Control", "")
    if (actor is not Actor.ANONYMOUS or key in LINK_PAGES or download) and "no-store" not in cache:
        problems.append(f"Cache-Control {cache!r}, not no-store")
    if key in LINK_PAGES and response.get("Referrer-Policy") != "same-origin":
        problems.append("a link page's Referrer-Policy is not same-origin")
    page = content_type.startswith(("text/html", "text/plain", "application/json"))
    if not page and response.status_code == 200 and not download:
        problems.append(f"a file ({content_type}) not sent as an attachment")
    return problems


def test_every_page_sends_the_security_headers(world: Any, db: None, capsys: Any) -> None:
    from tests.security.conftest import fast_pdfs

    settings.LEDER_RECORDS_LINK_FAILURES_PER_HOUR = 10_000
    checked: dict[str, int] = {"pages": 0, "html": 0, "signed-in": 0, "downloads": 0}
    problems: list[str] = []
    with fast_pdfs():
        for key, url, actor in pages(world):
            response, _ = _request(world.clients[actor], "GET", url, None)
            checked["pages"] += 1
            checked["html"] += response.get("Content-Type", "").startswith("text/html")
            checked["signed-in"] += actor is not Actor.ANONYMOUS
            checked["downloads"] += "attachment" in response.get("Content-Disposition", "")
            problems += [
                f"{key} {url} as {actor} ({response.status_code}): {p}"
                for p in check(key, actor, response)
            ]
    with capsys.disabled():
        print(f"\nheaders: {checked}, {len(problems)} problems")
    assert not problems, "\n".join(problems)
    # The walk reached what it is meant to: pages of every kind, files among them.
    assert checked["pages"] >= len(ROUTES) // 2
    assert checked["downloads"] >= 3 and checked["html"] >= 50


def test_the_checks_can_fail(client: Any) -> None:
    from django.http import HttpResponse

    bare = HttpResponse("<script>alert(1)</script>", content_type="text/html")
    bare["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    found = check("records:upload", Actor.LAC, bare)
    for expected in (
        "no nosniff",
        "no nonce in script-src",
        "unsafe script-src",
        "frame-ancestors is not 'none'",
        "not no-store",
        "same-origin",
    ):
        assert any(expected in p for p in found), (expected, found)
    pdf = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    assert any("not sent as an attachment" in p for p in check("x", Actor.ANONYMOUS, pdf))
    page = client.get("/privacy")
    page.content = page.content.replace(b"</body>", b"<script>steal()</script></body>")
    assert any("an inline script without the nonce" in p for p in _csp_problems(page))


# --- The production profile -------------------------------------------------------------

PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

client = Client(HTTP_HOST="leder.example.nhs.uk")
https = client.get("/healthz", secure=True)
plain = client.get("/accessibility")
hostile = Client(HTTP_HOST="evil.example").get("/accessibility", secure=True)

def view(request):
    request.session["probe"] = 1
    get_token(request)
    return HttpResponse("ok")

from django.middleware.csrf import CsrfViewMiddleware
request = RequestFactory().get("/", secure=True, HTTP_HOST="leder.example.nhs.uk")
response = SessionMiddleware(lambda r: CsrfViewMiddleware(view)(r))(request)
cookies = {
    name: {k: str(morsel[k]) for k in ("secure", "httponly", "samesite", "path", "domain")}
    for name, morsel in response.cookies.items()
}
print(json.dumps({
    "hsts": https.get("Strict-Transport-Security"),
    "plain": [plain.status_code, plain.get("Location")],
    "hostile": hostile.status_code,
    "cookies": cookies,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
}))
"""


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    from django.db import connection

    db = connection.settings_dict
    own = ("DJANGO_", "LEDER_", "DATABASE_URL", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="leder.settings.production",
        DJANGO_SECRET_KEY="x7Kq2vN9pL4mR8tW1zY6bC3dF5gH0jA-example-only-not-a-real-key",
        DJANGO_ALLOWED_HOSTS="leder.example.nhs.uk",
        LEDER_SITE_URL="https://leder.example.nhs.uk",
        # The test database (the session is saved in it); Redis is never reached.
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_production_sends_hsts_for_a_year_with_subdomains(production):
    hsts = production["hsts"]
    assert production["hsts_seconds"] >= 365 * 24 * 3600
    assert hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31_536_000


@pytest.mark.django_db
def test_production_redirects_plain_http_and_refuses_a_foreign_host(production):
    status, location = production["plain"]
    assert status == 301 and location == "https://leder.example.nhs.uk/accessibility"
    assert production["hostile"] == 400


@pytest.mark.django_db
def test_production_cookies_are_secure_host_only_and_same_site(production):
    cookies = production["cookies"]
    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken"}
    for name, attributes in cookies.items():
        assert attributes["secure"] == "True", name
        assert attributes["httponly"] == "True", name
        assert attributes["samesite"] == "Lax", name
        assert attributes["path"] == "/" and attributes["domain"] == "", name  # __Host- rules


@pytest.mark.django_db
def test_production_checks_database_connections_before_reuse(production):
    assert production["health_checks"] is True and production["conn_max_age"] > 0


# --- Links from settings, never from the Host header ------------------------------------

HOSTILE = "evil.example"


def test_no_email_or_link_code_reads_the_request_host():
    """Every absolute URL is built from ``settings.SITE_URL``: nothing in the apps asks a
    request for its host (``build_absolute_uri``, ``get_host``)."""
    base = Path(settings.BASE_DIR)
    found = []
    for app in ("leder", "notifications", "reviews", "governance"):
        for path in (base / app).rglob("*.py"):
            if "tests" in path.parts or path.name == "testing.py":
                continue
            text = path.read_text()
            for needle in ("build_absolute_uri", "get_host(", "HTTP_HOST", "SERVER_NAME"):
                if needle in text:
                    found.append(f"{path.relative_to(base)}: {needle}")
    for path in (base / "templates").rglob("*"):
        if path.is_file() and "request.get_host" in path.read_text(errors="ignore"):
            found.append(str(path.relative_to(base)))
    assert not found, found


def test_a_link_emailed_after_a_request_with_a_hostile_host_comes_from_the_site_url(
    world: Any, db: None, settings: Any, mailoutbox: Any
) -> None:
    from django.db import transaction
    from django.urls import reverse

    from reviews.records.models import RecordEmail
    from reviews.records.services import record_email_deliver
    from reviews.records.tests import test_staff

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", HOSTILE]
    case = world.mine.case
    url = reverse("records:new", kwargs={"reference": case.reference})
    with transaction.atomic():
        response = world.clients[Actor.REVIEWER].post(
            url, test_staff.TestAsking().form(case), HTTP_HOST=HOSTILE
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        email = RecordEmail.objects.filter(request__case=case).latest("pk")
        assert record_email_deliver(email.pk).startswith("sent")
        transaction.set_rollback(True)
    [message] = mailoutbox
    bodies = [message.body, *(alternative[0] for alternative in message.alternatives)]
    for body in bodies:
        assert HOSTILE not in body
        assert f"{settings.SITE_URL}/records/upload/" in body
