"""The access matrix: every URL of the project, every role, the objects they must not see.

The URL patterns come from the resolver, so a new view cannot escape: an unclassified one
fails ``test_every_url_pattern_is_classified`` until it has an entry in
``tests/security/matrix.py``. Then ``test_access_matrix`` requests, for every entry, GET and
POST as every role (signed in with MFA) and anonymously, on the ``icb`` world's object and
on the other ICB's (``tests/security/conftest.py``):

- anonymous on a staff page: redirected to sign in;
- a role on an object it must not see (another ICB's; its own ICB's when not allocated or
  not invited; an IDOR mix of its own object and another ICB's child): 403 or 404, and the
  database is not written to (PostgreSQL's per-transaction counts of inserted, updated and
  deleted rows, sessions aside);
- the roles allowed: 200, or a redirect that is not to sign-in (POSTs: anything but a
  refusal or an error); their GETs write nothing but access-log rows;
- no page shown to the ``icb`` people names the other ICB's patients;
- the admin site: only a system administrator whose session passed MFA;
- switched-off pages: 404; public pages: no error, no write on GET.

Each probe runs in a savepoint rolled back after it, so the world stays as built.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.matrix import (
    ADMIN_PREFIX,
    ROUTES,
    STAFF,
    Actor,
    Kind,
    Probe,
    Route,
)

STAFF_KINDS = (Kind.STAFF_LIST, Kind.STAFF_OBJECT)
DENIED = (403, 404)
TEXT_TYPES = ("text/", "application/json")

# Rows inserted, updated or deleted so far in this transaction (PostgreSQL's own counts,
# savepoints included), over the project's tables: sessions aside (signed-in requests touch
# them), by table oid so the query stays cheap.
_TABLES_SQL = """
    SELECT coalesce(array_agg(oid), '{}') FROM pg_class
    WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> 'django_session'
"""
_WRITES_SQL = """
    SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE t = 'leder_accesslog'::regclass), 0)
    FROM (
        SELECT t, pg_stat_get_xact_tuples_inserted(t) + pg_stat_get_xact_tuples_updated(t)
                  + pg_stat_get_xact_tuples_deleted(t) AS n
        FROM unnest(%s::oid[]) AS t
    ) AS counts
"""


def url_patterns() -> Iterator[tuple[str, str, str]]:
    """(key, route, view) for every pattern: key is "namespace:name", or the route."""

    def walk(
        patterns: list[Any], prefix: str, namespace: str | None
    ) -> Iterator[tuple[str, str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = pattern.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                yield name or route, route, pattern.lookup_str

    yield from walk(get_resolver().url_patterns, "", None)


def test_every_url_pattern_is_classified() -> None:
    missing = []
    seen = set()
    for key, route, view in url_patterns():
        seen.add(key)
        if route.startswith(ADMIN_PREFIX) or key in ROUTES:
            continue
        missing.append(f"  {key!r} ({route} → {view})")
    assert not missing, (
        "URL patterns missing from the access matrix. Add each to ROUTES in "
        "tests/security/matrix.py (public, disabled, account, staff-list, or staff-object "
        "with a Probe naming its object and the roles allowed):\n" + "\n".join(missing)
    )
    stale = sorted(set(ROUTES) - seen)
    assert not stale, f"ROUTES in tests/security/matrix.py names patterns that are gone: {stale}"


# --- probing ---------------------------------------------------------------------------


class Writes:
    """PostgreSQL counts attempted writes for the whole transaction, rolled-back
    savepoints included, so one reading after each request gives what it wrote: all rows,
    and the access log's alone (the one write a GET may make)."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_TABLES_SQL)
            self.tables = list(cursor.fetchone()[0])
        self.last = self.count()

    def count(self) -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(_WRITES_SQL, [self.tables])
            total, access_log = cursor.fetchone()
            return int(total), int(access_log)

    def since_last(self) -> tuple[int, int]:
        now = self.count()
        wrote = (now[0] - self.last[0], now[1] - self.last[1])
        self.last = now
        return wrote


def _request(
    client: Client,
    method: str,
    url: str,
    writes: Writes | None,
    data: dict[str, Any] | None = None,
) -> tuple[Any, tuple[int, int]]:
    """The response, and the rows the request wrote (all, access log) when ``writes`` is
    given, in a savepoint rolled back after it."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        wrote = writes.since_last() if writes else (0, 0)
        transaction.set_rollback(True)
    return response, wrote


def _path(url: str) -> str:
    return urlsplit(url).path


def _to_sign_in(response: Any) -> bool:
    if response.status_code != 302:
        return False
    return _path(response["Location"]) in {reverse("account_login"), reverse("admin:login")}


def _text(response: Any) -> str:
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return ""
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode(errors="replace")


class Tally:
    """The probes made, the leaks found, and the matrix's own mistakes (a role allowed
    in ``ROUTES`` but refused, a server error)."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.writes = Writes()
        self.probes = 0
        self.leaks: list[str] = []
        self.wrong: list[str] = []

    def request(
        self, actor: Actor, method: str, url: str, *, count_writes: bool = True, data: Any = None
    ) -> tuple[Any, int]:
        """The response and the rows it wrote: all of them when ``count_writes`` (a request
        that must be refused), else those of a GET other than the access log."""
        self.probes += 1
        client = self.world.clients[actor]
        response, (total, access_log) = _request(client, method, url, self.writes, data)
        if count_writes:
            return response, total
        return response, (total - access_log if method == "GET" else 0)


def _reverse(key: str, kwargs: dict[str, Any]) -> str:
    """Named patterns by name; unnamed ones (keyed by route) by their literal path, or the
    path their probe gives (``_path``) when the route is a regular expression."""
    if "/" not in key:
        return reverse(key, kwargs=kwargs)
    return str(kwargs.get("_path", "/" + key))


def _back_to_own_object(response: Any, url: str) -> bool:
    """A redirect to the page of the object named first in ``url`` (its own meeting)."""
    if response.status_code not in (302, 303):
        return False
    target = _path(response["Location"])
    return target != _path(url) and _path(url).startswith(target)


def _judge(
    actor: Actor, method: str, allowed: bool, route: Route, probe: Probe, url: str, response: Any
) -> tuple[list[str], list[str]]:
    """(leaks, mistakes of the matrix) for one response."""
    status = response.status_code
    answers = method in route.methods
    if status >= 500:
        return [], ["server error"]
    if actor is Actor.ANONYMOUS:
        return ([] if _to_sign_in(response) else ["not sent to sign in"]), []
    if allowed:
        if not answers:
            return [], ([] if status == 405 else ["expected 405"])
        if status in DENIED or status == 405 or _to_sign_in(response):
            return [], ["expected to be let in"]
        if method == "GET" and status not in (200, 302, 303):
            return [], ["expected 200 or a redirect"]
        return [], []
    refused = status in DENIED or (status == 405 and not answers)
    if probe.refuses_by_redirect and _back_to_own_object(response, url):
        refused = True
    if refused:
        return [], []
    return [f"expected 403/404 {response.get('Location', '')}".strip()], []


def _probe_staff(tally: Tally, key: str, route: Route, probe: Probe, foreign: list[str]) -> None:
    world = tally.world
    for side in ("icb", "other"):
        kwargs = probe.target(world, side)
        if kwargs is None:
            continue
        query = probe.query_for(world)
        url = _reverse(key, kwargs) + (f"?{query}" if query else "")
        data = {k: v[-1] for k, v in parse_qs(query).items()}
        where = f"{key}{f' [{probe.label}]' if probe.label else ''} ({side}) {url}"
        for actor in world.clients:
            if actor is Actor.ANONYMOUS and side != "icb":
                continue
            for method in ("GET", "POST"):
                allowed = actor is not Actor.ANONYMOUS and probe.may(actor, method, side)
                response, wrote = tally.request(
                    actor, method, url, count_writes=not allowed, data=data
                )
                leaks, wrong = _judge(actor, method, allowed, route, probe, url, response)
                if wrote:
                    leaks.append(f"wrote {wrote} rows" + ("" if allowed else " when refused"))
                shown = [m for m in foreign if m in _text(response)]
                if shown:
                    leaks.append(f"shows the other ICB's {shown}")
                said = f"{method} {where} as {actor}: {response.status_code}"
                if leaks:
                    tally.leaks.append(f"{said}: {'; '.join(leaks)}")
                if wrong:
                    tally.wrong.append(f"{said}: {'; '.join(wrong)}")


def _to_sign_in_eventually(tally: Tally, url: str) -> tuple[bool, int]:
    """Anonymous GET, following up to three redirects within the account pages."""
    status = 0
    for _ in range(3):
        response, wrote = tally.request(Actor.ANONYMOUS, "GET", url)
        status = response.status_code
        if _to_sign_in(response) or status in DENIED:
            return not wrote, status
        if status not in (301, 302, 303):
            return False, status
        url = response["Location"]
    return False, status


def _probe_other_kinds(tally: Tally, key: str, route: Route) -> None:
    world = tally.world
    probes = route.probes or (Probe(target=lambda w, s: {} if s == "icb" else None, allowed=STAFF),)
    for probe in probes:
        kwargs = probe.target(world, "icb")
        if kwargs is None:
            continue
        url = _reverse(key, kwargs)
        if route.kind is Kind.PUBLIC:
            response, wrote = tally.request(Actor.ANONYMOUS, "GET", url)
            said = f"GET {key} {url} anonymously: {response.status_code}"
            if response.status_code >= 500:
                tally.wrong.append(f"{said} (server error)")
            elif "GET" in route.methods and response.status_code in (401, 403):
                tally.wrong.append(f"{said}, a public page refused")
            if wrote:
                tally.leaks.append(f"{said}, a GET wrote {wrote} rows")
        elif route.kind is Kind.DISABLED:
            for actor in (Actor.ANONYMOUS, Actor.LAC):
                response, _ = tally.request(actor, "GET", url)
                if response.status_code != 404:
                    tally.leaks.append(f"GET {key} as {actor}: {response.status_code}, not 404")
        elif route.kind is Kind.ACCOUNT:
            signs_in, status = _to_sign_in_eventually(tally, url)
            if not signs_in:
                tally.leaks.append(f"GET {key} anonymously: {status}, not sent to sign in")
            for actor in STAFF:
                response, _ = tally.request(actor, "GET", url, count_writes=False)
                if response.status_code >= 500 or _to_sign_in(response):
                    tally.wrong.append(f"GET {key} as {actor}: {response.status_code}")


def _admin_urls() -> list[str]:
    names = [key for key, _, _ in url_patterns() if key.endswith("_changelist")]
    return [reverse("admin:index"), *(reverse(name) for name in names)]


def _probe_admin(tally: Tally) -> None:
    world = tally.world
    urls = _admin_urls()
    for url in urls:
        for actor in world.clients:
            for method in ("GET", "POST"):
                sysadmin = actor is Actor.SYSADMIN
                response, wrote = tally.request(actor, method, url, count_writes=not sysadmin)
                status = response.status_code
                said = f"{method} {url} as {actor}: {status}"
                if status >= 500:
                    tally.wrong.append(f"{said} (server error)")
                elif sysadmin:
                    if url == urls[0] and method == "GET" and status != 200:
                        tally.wrong.append(f"{said}, the system administrator kept out")
                elif not (_to_sign_in(response) or status in DENIED):
                    tally.leaks.append(f"{said}, expected sign-in or 403/404")
                if wrote:
                    tally.leaks.append(f"{said}, wrote {wrote} rows")
    # A system administrator whose session never passed the code check gets nowhere.
    for url in urls:
        tally.probes += 1
        client = Client(raise_request_exception=False)
        client.force_login(world.sysadmin)
        response, _ = _request(client, "GET", url, None)
        if not _to_sign_in(response):
            tally.leaks.append(f"GET {url} as sysadmin without MFA: {response.status_code}")


@contextlib.contextmanager
def quick_refusals() -> Iterator[None]:
    """Error pages as bare text and Django's request log quiet while probing: thousands of
    refusals would otherwise spend most of the run rendering the same NHS error page and
    formatting tracebacks. Statuses are unchanged (the handlers in leder/urls.py still
    answer); ``tests/security/test_logs.py`` checks what refusals log (leder.security)."""
    from unittest import mock

    from django.http import HttpResponse

    import leder.errors

    def bare(request: Any, status: int, title: str, body: str) -> HttpResponse:
        return HttpResponse(title, status=status, content_type="text/plain")

    quiet = [logging.getLogger(name) for name in ("django.request", "leder.security")]
    levels = [log.level for log in quiet]
    for log in quiet:
        log.setLevel(logging.CRITICAL)
    try:
        with mock.patch.object(leder.errors, "_render", bare):
            yield
    finally:
        for log, level in zip(quiet, levels, strict=True):
            log.setLevel(level)


def _the_detectors_work(tally: Tally) -> None:
    """The checks can fail: a write is counted, and a page shows its own ICB's markers."""
    world = tally.world
    url = reverse("governance:action_progress", kwargs={"pk": world.mine.action.pk})
    response, (wrote, _) = _request(
        world.clients[Actor.LAC], "POST", url, tally.writes, {"note": "Called the practice"}
    )
    assert response.status_code == 302 and wrote > 0, (response.status_code, wrote)
    url = reverse("reviews:case", args=[world.mine.case.reference])
    page, _ = _request(world.clients[Actor.LAC], "GET", url, tally.writes)
    text = _text(page)
    assert world.mine.case.reference in text
    assert world.mine.case.notification.family_name in text


@pytest.fixture
def no_rate_limits(settings: Any) -> None:
    settings.LEDER_RECORDS_LINK_FAILURES_PER_HOUR = 10_000


def test_access_matrix(
    world: Any, db: None, no_rate_limits: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.security.conftest import fast_pdfs

    tally = Tally(world)
    foreign = world.theirs.markers()
    _the_detectors_work(tally)
    with fast_pdfs(), quick_refusals():
        for key, route in ROUTES.items():
            if route.kind in STAFF_KINDS:
                for probe in route.probes:
                    _probe_staff(tally, key, route, probe, foreign)
            else:
                _probe_other_kinds(tally, key, route)
        _probe_admin(tally)
    with capsys.disabled():
        print(f"\naccess matrix: {tally.probes} probes, {len(tally.leaks)} leaks")
    problems = [f"LEAK {x}" for x in tally.leaks] + [f"WRONG {x}" for x in tally.wrong]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
