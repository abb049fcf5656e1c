"""The load: locust users built from the journey registry and the plan (prepare.py).

Run by tests/bench/run.py as ``locust -f tests/bench/locustfile.py --headless ...`` with
``BENCH_PLAN`` (the plan JSON) and ``BENCH_RESULTS`` (where to write what was measured).
One locust user class per role, with that role's journeys as weighted tasks and exactly
the planned number of users (``fixed_count``). Each request is recorded with its exact
response time, status and the server's ``X-Queries`` header.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import django
from locust import HttpUser, between, events

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.settings.bench")
django.setup()

from tests.bench.journeys import JOURNEYS, load  # noqa: E402 - after Django is set up
from tests.bench.measure import landing  # noqa: E402
from tests.bench.report import measured  # noqa: E402

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text())
RESULTS = Path(os.environ["BENCH_RESULTS"])
# The first WARMUP seconds are not measured: the users start together on cold worker
# processes; the measured window is the steady state after it (run.py: run_locust).
WARMUP = float(os.environ.get("BENCH_WARMUP", "0"))
WARM_MARKER = os.environ.get("BENCH_WARM_MARKER", "")
MEASURED_FROM = [float("inf")]  # set when the test starts
THINK = float(os.environ.get("BENCH_THINK", "1"))  # 0: no pauses at all (a stress test)
PAUSE = (0.3 * THINK, 1.2 * THINK)  # between the pages of a journey, seconds
WAIT = (1.0 * THINK, 3.0 * THINK)  # between journeys
CSRF_COOKIE = "csrftoken"
LOGIN_PATH = re.compile(r"/account/login")

# "GET name" -> times (ms, to the last byte) and when each request started (seconds
# since the epoch), the server's X-Queries, X-Query-Ms, X-CPU-Ms and X-Server-Ms per
# request (NaN where a response lacked them), errors by kind, and the roles that made
# the requests. Lists are in request order, so index i is one request throughout.
RECORDED: dict[str, dict[str, Any]] = defaultdict(
    lambda: {
        "times": [],
        "at": [],
        "queries": [],
        "query_ms": [],
        "cpu_ms": [],
        "server_ms": [],
        "errors": defaultdict(int),
        "roles": set(),
    }
)


class Failed(Exception):
    pass


class LocustVisit:
    """The ``Visit`` a journey drives (tests/bench/journeys/__init__.py)."""

    def __init__(self, user: HttpUser, role: str, person: dict[str, Any]) -> None:
        self.user = user
        self.role = role
        self.person = person
        self.samples: dict[str, Any] = person["samples"]

    def _record(self, method: str, name: str, response: Any, expect: int, started: float) -> Any:
        """Keep the time (to the last byte), status and queries; raise on a wrong status."""
        elapsed = (time.perf_counter() - started) * 1000
        key = f"{method} {name}"
        entry = RECORDED[key]
        entry["method"] = method
        entry["roles"].add(self.role)
        why = ""
        if response is None:
            why = "no response"
        elif response.status_code != expect:
            why = f"HTTP {response.status_code} (expected {expect})"
        elif expect == 302 and LOGIN_PATH.search(response.headers.get("Location", "")):
            why = "redirected to sign-in"
        if why:
            entry["errors"][why] += 1
        entry["times"].append(elapsed)
        entry["at"].append(round(time.time() - elapsed / 1000, 3))
        headers = response.headers if response is not None else {}
        entry["queries"].append(int(headers.get("X-Queries", -1)))
        for key, header in (("query_ms", "X-Query-Ms"), ("cpu_ms", "X-CPU-Ms")):
            entry[key].append(float(headers.get(header, "nan")))
        entry["server_ms"].append(float(headers.get("X-Server-Ms", "nan")))
        if why:
            raise Failed(f"{key}: {why}")
        return response

    def get(self, name: str, path: str, *, expect: int = 200, **params: Any) -> Any:
        """GET ``path``. A page that redirects to itself in another form (a search kept
        out of the URL: ``?q=`` -> ``?s=<token>``) is followed: the redirect is recorded as
        ``<name> (redirect)``, the page under ``name``."""
        started = time.perf_counter()
        response = self.user.client.get(
            path, params=params or None, name=name, allow_redirects=False
        )
        landed = (
            landing(path, response.status_code, response.headers.get("Location", ""))
            if expect == 200 and response is not None
            else None
        )
        if landed:
            self._record("GET", f"{name} (redirect)", response, 302, started)
            started = time.perf_counter()
            response = self.user.client.get(landed, name=name, allow_redirects=False)
        return self._record("GET", name, response, expect, started)

    def post(self, name: str, path: str, data: dict[str, Any], *, expect: int = 302) -> Any:
        token = self.user.client.cookies.get(CSRF_COOKIE, "")
        started = time.perf_counter()
        response = self.user.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token},
            name=name,
            allow_redirects=False,
        )
        return self._record("POST", name, response, expect, started)

    def upload(
        self, name: str, path: str, data: dict[str, Any], files: dict[str, Any], *, expect: int
    ) -> Any:
        token = self.user.client.cookies.get(CSRF_COOKIE, "")
        started = time.perf_counter()
        response = self.user.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            name=name,
            allow_redirects=False,
        )
        return self._record("POST", name, response, expect, started)

    def pick(self, sample: str) -> Any:
        return random.choice(self.samples[sample])

    def pause(self) -> None:
        if THINK > 0:
            time.sleep(random.uniform(*PAUSE))  # gevent-patched: other users run meanwhile

    def new_session(self) -> None:
        self.user.client.cookies.clear()


def _task(run: Any) -> Any:
    def task(user: Any) -> None:
        # A failure is recorded; the person starts again with their next journey.
        with contextlib.suppress(Failed):
            run(user.visit)

    task.__name__ = run.__name__
    return task


def _user_class(role_key: str, spec: dict[str, Any]) -> type[HttpUser]:
    runs = {j.name: j.run for j in JOURNEYS if (j.role or "public") == role_key}
    tasks = {_task(runs[j["name"]]): j["weight"] for j in spec["journeys"]}
    people = iter(spec["people"])

    def on_start(self: Any) -> None:
        person = next(people)
        self.visit = LocustVisit(self, role_key, person)
        if person["session"]:
            self.client.cookies.set(PLAN["cookie_name"], person["session"])

    return type(
        f"Bench_{role_key}",
        (HttpUser,),
        {
            "fixed_count": spec["count"],
            "tasks": tasks,
            "wait_time": between(*WAIT) if THINK > 0 else (lambda self: 0),
            "on_start": on_start,
        },
    )


load()
for _key, _spec in PLAN["roles"].items():
    if _spec["count"] and _spec["journeys"]:
        globals()[f"Bench_{_key}"] = _user_class(_key, _spec)


@events.test_start.add_listener
def _start_clock(**kwargs: Any) -> None:
    import gevent

    MEASURED_FROM[0] = time.time() + WARMUP

    def warm() -> None:
        if WARM_MARKER:
            Path(WARM_MARKER).touch()

    gevent.spawn_later(WARMUP, warm)


@events.test_stop.add_listener
def _write_results(**kwargs: Any) -> None:
    RESULTS.write_text(json.dumps({k: measured(v, MEASURED_FROM[0]) for k, v in RECORDED.items()}))
