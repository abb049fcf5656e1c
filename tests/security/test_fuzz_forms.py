"""Property-based fuzzing (hypothesis) of every form: never a 500, never a partial save.

The targets are every URL in the access matrix (``tests/security/matrix.py`` ROUTES) that
answers POST, built from the security world (``tests/security/conftest.py``) as the role
allowed to post there, plus every step of the public notification form. Each target's
field names and the values its pages offer (options, radios, hidden inputs) are read from
the project's own pages: a crawl of every page in the matrix, as its allowed role, maps
each form's ``action`` to its fields. A target with no form found (a POST-only button
shown only in some state) is fed names from every form seen.

Hypothesis then posts arbitrary data: any field missing or extra, each value a value the
page offers or text with any Unicode (NUL included), very long strings, huge or negative
numbers, impossible dates (31/02), floats, injection strings, or a list of values. For
each post, in a savepoint rolled back after it:

- the status is below 500;
- when the page answers with errors (an NHS error summary or error message) or a 4xx
  refusal, no table changed (PostgreSQL's per-transaction counts of rows inserted,
  updated and deleted; sessions and the access log aside, which record the visit, not a
  change): either the whole change is made or nothing is.

Settings: ``HYPOTHESIS_PROFILE=ci`` (the default: 25 examples per target, derandomized so
CI is reproducible, no deadline) or ``thorough`` (200 examples, random).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from leder.testing import sign_in_with_mfa
from notifications.forms.public import STEPS
from tests.security.matrix import ROUTES, Actor, Kind, Probe
from tests.security.test_access_matrix import _reverse, quick_refusals

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "quick",
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

# Rows a refused or re-rendered post may write: the record of the visit, not a change.
ALLOWED_TABLES = ("django_session", "leder_accesslog")
_WRITES_SQL = """
    SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(c.oid)
                        + pg_stat_get_xact_tuples_updated(c.oid)
                        + pg_stat_get_xact_tuples_deleted(c.oid)), 0)
    FROM pg_class c
    WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
      AND c.relname <> ALL(%s)
"""
ERROR_MARKS = ('class="nhsuk-error-summary"', "nhsuk-error-message")
ACCOUNT_ACTOR = Actor.LAC
MAX_NUL_EXAMPLES = 12  # fields per target tried alone as NUL


# --- the forms on the project's pages ------------------------------------------------------


class _Forms(HTMLParser):
    """POST forms on a page: action → field name → values offered."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._action: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._action = urlsplit(a.get("action") or self.page_path).path
                self.forms[self._action]  # a form with no fields still counts
            return
        if self._action is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea", "button") and name:
            values = self.forms[self._action][name]
            if "value" in a:
                values.add(a["value"])
        elif tag == "select" and name:
            self._select = name
            self.forms[self._action][name]  # a select with no options still counts
        elif tag == "option" and self._select and "value" in a:
            self.forms[self._action][self._select].add(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None


def page_forms(path: str, html: str) -> dict[str, dict[str, set[str]]]:
    parser = _Forms(path)
    parser.feed(html)
    fields = {}
    for action, names in parser.forms.items():
        fields[action] = {n: v for n, v in names.items() if n != "csrfmiddlewaretoken"}
    return fields


# --- targets ---------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    url: str
    client: Client
    fields: dict[str, set[str]] = field(default_factory=dict)
    found_form: bool = False
    from_pool: bool = False
    seconds: float = 0.0


def _poster(probe: Probe) -> Actor | None:
    allowed = probe.post if probe.post is not None else probe.allowed
    if not allowed:
        return None
    return ACCOUNT_ACTOR if ACCOUNT_ACTOR in allowed else sorted(allowed)[0]


def _staff_targets(world: Any) -> Iterator[tuple[str, str, Actor]]:
    for key, route in ROUTES.items():
        if "POST" not in route.methods:
            continue
        if route.kind in (Kind.STAFF_LIST, Kind.STAFF_OBJECT):
            for probe in route.probes:
                kwargs = probe.target(world, "icb")
                actor = _poster(probe)
                if kwargs is None or actor is None:
                    continue
                query = probe.query_for(world)
                url = _reverse(key, kwargs) + (f"?{query}" if query else "")
                yield f"{key}{f' [{probe.label}]' if probe.label else ''}", url, actor
        elif route.kind is Kind.PUBLIC:
            if key == "notify:step":
                continue  # every step, below
            for probe in route.probes or (Probe(target=lambda w, s: {}, allowed=frozenset()),):
                kwargs = probe.target(world, "icb")
                if kwargs is not None:
                    yield key, _reverse(key, kwargs), Actor.ANONYMOUS
        elif route.kind is Kind.ACCOUNT:
            yield key, _reverse(key, {}), ACCOUNT_ACTOR
    for step in STEPS:
        yield (
            f"notify:step [{step.slug}]",
            reverse("notify:step", args=[step.slug]),
            (Actor.ANONYMOUS),
        )


def _client(world: Any, actor: Actor, fresh: bool) -> Client:
    """The world's signed-in client, or a new one (account pages may sign out or change
    the session; the public form keeps its answers in the session)."""
    if not fresh:
        return world.clients[actor]
    client = Client(raise_request_exception=False)
    if actor is not Actor.ANONYMOUS:
        user = world.mine.people.get(actor) or world.regional
        sign_in_with_mfa(client, user)
    return client


def build_targets(world: Any) -> list[Target]:
    targets = []
    for label, url, actor in _staff_targets(world):
        fresh = label.startswith(("account", "mfa", "notify")) or "/" in label.split(" ")[0]
        targets.append(Target(label, url, _client(world, actor, fresh)))
    return targets


def crawl(world: Any, targets: list[Target]) -> dict[str, dict[str, set[str]]]:
    """Every form on every page in the matrix the world's people can open (and the
    targets' own pages): action path → fields."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    pages: list[tuple[str, Client]] = [(t.url, t.client) for t in targets]
    for key, route in ROUTES.items():
        if "GET" not in route.methods or route.kind not in (Kind.STAFF_LIST, Kind.STAFF_OBJECT):
            continue
        for probe in route.probes:
            kwargs = probe.target(world, "icb")
            actor = _poster(probe) or (sorted(probe.allowed)[0] if probe.allowed else None)
            if kwargs is None or actor is None:
                continue
            pages.append((_reverse(key, kwargs), world.clients[actor]))
    for url, client in pages:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for action, fields in page_forms(urlsplit(url).path, response.content.decode()).items():
            for name, values in fields.items():
                seen[action][name] |= values
    return seen


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _fields_of(cls: type) -> dict[str, set[str]]:
    from django import forms

    fields: dict[str, set[str]] = {}
    for name, f in getattr(cls, "base_fields", {}).items():
        if isinstance(f.widget, forms.MultiWidget):
            for suffix in f.widget.widgets_names:
                fields[f"{name}{suffix}"] = set()
        else:
            fields[name] = {str(v) for v, _ in getattr(f, "choices", ()) or () if v != ""}
    return fields


def form_fields(url: str) -> dict[str, set[str]] | None:
    """For a target whose form no page showed: the fields of the form classes its view
    names in its code (or its ``form_class``), and the names it reads from
    ``request.POST`` itself. None when the view's code cannot be read."""
    import inspect
    import re

    from django import forms
    from django.urls import resolve

    func = resolve(urlsplit(url).path).func
    view_class = getattr(func, "view_class", None)
    fields: dict[str, set[str]] = {}
    if view_class is not None and getattr(view_class, "form_class", None):
        fields.update(_fields_of(view_class.form_class))
    try:
        source = inspect.getsource(view_class or inspect.unwrap(func))
    except (OSError, TypeError):
        return fields or None
    for cls in _subclasses(forms.BaseForm):
        if ".tests" not in cls.__module__ and re.search(rf"\b{cls.__name__}\(", source):
            fields.update(_fields_of(cls))
    for name in re.findall(r"request\.POST(?:\.get(?:list)?\(|\[)\s*[\"']([^\"']+)", source):
        fields.setdefault(name, set())
    return fields


# --- data ----------------------------------------------------------------------------------

ODD = [
    "",
    " ",
    "0",
    "-1",
    "31",
    "02",
    "2024",
    "31/02/2024",
    "2024-02-31",
    "29/02/2023",
    "00/00/0000",
    "9" * 40,
    "-" + "9" * 40,
    "1e309",
    "NaN",
    "Infinity",
    "on",
    "true",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "'; DROP TABLE leder_user; --",
    "../../etc/passwd",
    "%00",
    "\u202egpj.exe",
    "\U0001d543\U0001d556\U0001d53b\U0001d556\u211d",  # LeDeR in double-struck letters
    "9999-12-31",
    "0001-01-01",
]


def values_for(offered: set[str]) -> st.SearchStrategy[Any]:
    garbage = st.one_of(
        st.sampled_from(ODD),
        st.text(max_size=40),
        st.text(min_size=1, max_size=8).map(lambda s: s * 1200),  # very long
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    )
    one = st.one_of(st.sampled_from(sorted(offered)), garbage) if offered else garbage
    return st.one_of(one, one, one, st.lists(one, min_size=2, max_size=3))


def data_for(fields: dict[str, set[str]]) -> st.SearchStrategy[dict[str, Any]]:
    known = st.fixed_dictionaries(
        {}, optional={name: values_for(offered) for name, offered in sorted(fields.items())}
    )
    extra = st.dictionaries(st.text(min_size=1, max_size=12), values_for(set()), max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, extra)


# --- the run -----------------------------------------------------------------------------


def _writes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_WRITES_SQL, [list(ALLOWED_TABLES)])
        return int(cursor.fetchone()[0])


def _shows_errors(response: Any) -> bool:
    if "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return False
    text = response.content.decode(errors="replace")
    return any(mark in text for mark in ERROR_MARKS)


@dataclass
class Tally:
    targets: int = 0
    examples: int = 0
    errors: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def _shown(data: dict[str, Any]) -> str:
    return repr({k: (v[:60] if isinstance(v, str) else v) for k, v in data.items()})[:600]


def fuzz(target: Target, tally: Tally) -> None:
    last = {"n": _writes()}

    # Every run also tries each field alone as NUL (PostgreSQL refuses it in text: a form
    # that sends it to a query unchecked fails) and every field as a very long string.
    @settings(settings.get_profile(PROFILE))
    @given(data=data_for(target.fields))
    def post(data: dict[str, Any]) -> None:
        tally.examples += 1
        with transaction.atomic():
            response = target.client.post(target.url, data)
            now = _writes()
            wrote, last["n"] = now - last["n"], now
            transaction.set_rollback(True)
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.errors += 1
            exc = getattr(response, "exc_info", None)
            raise AssertionError(
                f"{response.status_code} ({exc[1]!r} )" if exc else "500", _shown(data)
            )
        refused = 400 <= response.status_code < 500
        if wrote and (refused or _shows_errors(response)):
            raise AssertionError(
                f"{response.status_code} with errors, yet {wrote} rows written (partial save)",
                _shown(data),
            )

    post = example(data=dict.fromkeys(target.fields, "9" * 20_000))(post)
    for name in sorted(target.fields)[:MAX_NUL_EXAMPLES]:
        post = example(data={name: "\x00"})(post)
    try:
        post()
    except Exception as failure:  # noqa: BLE001 - every failure reported, then the next
        tally.failures.append(f"{target.label} {target.url}: {failure}")


def _the_detectors_work(world: Any) -> None:
    """The checks can fail: a valid post writes rows the counter sees, an invalid one
    shows the error summary."""
    client = world.clients[Actor.LAC]
    url = reverse("governance:action_progress", kwargs={"pk": world.mine.action.pk})
    for data, writes, errors in (({"note": "Called the practice"}, True, False), ({}, False, True)):
        before = _writes()
        with transaction.atomic():
            response = client.post(url, data)
            wrote = _writes() - before
            transaction.set_rollback(True)
        assert (wrote > 0) is writes and _shows_errors(response) is errors, (data, wrote)


@pytest.fixture
def no_limits(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = False
    settings.NOTIFY_RATE_LIMITS = {"submit": (10**9, 3600), "step": (10**9, 3600)}
    settings.LEDER_RECORDS_LINK_FAILURES_PER_HOUR = 10**9


def test_fuzz_every_form(
    world: Any, db: None, no_limits: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.security.conftest import fast_pdfs

    tally = Tally()
    with fast_pdfs(), quick_refusals():
        _the_detectors_work(world)
        targets = build_targets(world)
        forms = crawl(world, targets)
        pool: dict[str, set[str]] = defaultdict(set)
        for fields in forms.values():
            for name, values in fields.items():
                pool[name] |= values
        for target in targets:
            path = urlsplit(target.url).path
            target.found_form = path in forms
            if target.found_form:
                target.fields = dict(forms[path])
            else:
                from_code = form_fields(target.url)
                target.fields = dict(pool) if from_code is None else from_code
                target.from_pool = from_code is None
            tally.targets += 1
            started = time.perf_counter()
            fuzz(target, tally)
            target.seconds = time.perf_counter() - started
    with capsys.disabled():
        pooled = [t.label for t in targets if t.from_pool]
        from_code = sum(1 for t in targets if not t.found_form and not t.from_pool)
        slowest = sorted(targets, key=lambda t: -t.seconds)[:3]
        print(
            f"\nform fuzzing ({PROFILE}): {tally.targets} endpoints, {tally.examples} examples, "
            f"{tally.errors} server errors, {len(tally.failures)} failing endpoints; "
            f"statuses {dict(sorted(tally.statuses.items()))}; "
            f"fields from a page's form for {tally.targets - from_code - len(pooled)}, from the "
            f"view's form classes for {from_code}, every name seen for {len(pooled)} {pooled}; "
            "slowest: " + ", ".join(f"{t.label} {t.seconds:.1f} s" for t in slowest)
        )
    assert tally.examples >= tally.targets * settings.get_profile(PROFILE).max_examples // 2
    assert not tally.failures, f"{len(tally.failures)} endpoints failed:\n" + "\n\n".join(
        tally.failures
    )


@pytest.mark.parametrize("q", ["\x00", "a\x00b", "\u202e", "9" * 5000, "%", "_", "'", "\\"])
def test_the_public_practice_search_takes_any_text(db: None, q: str) -> None:
    """The one search read from a GET (the public form's GP practice step; staff searches
    are POSTed, fuzzed above)."""
    client = Client(raise_request_exception=False)
    response = client.get(reverse("notify:step", args=["gp-practice"]), {"q": q})
    assert response.status_code == 200
