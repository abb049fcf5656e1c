"""Pages timed alone, and their SQL floors. Runs with Django (bench settings); writes JSON.

    python -m tests.bench.measure --plan plan.json --base-url http://127.0.0.1:PORT \
        --out pages.json [--growth-only] [--repeat 30]

For each page of the plan:
- **alone**: ``--repeat`` GETs through the running server (after 3 to warm up), one at a
  time, with the virtual user's session: p50, p95 and the server's query count;
- **floor**: the page's SQL, captured once through Django's test client
  (``CaptureQueriesContext``) as that user, then replayed ``--repeat`` times through a raw
  cursor (``connection.cursor()``, rows fetched), in a transaction that is rolled back:
  the median is the least time the page could take with that SQL. page p50 / floor is
  the page/floor ratio.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SKIP = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1): the smallest value with at least
    ``share`` of the values at or below it (the 19th of 20 for the p95)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(round(share * len(ordered), 9))))
    return ordered[rank - 1]


def alone(base_url: str, cookie: tuple[str, str] | None, path: str, repeat: int) -> dict[str, Any]:
    import requests

    session = requests.Session()
    if cookie and cookie[1]:
        session.cookies.set(*cookie)
    path = _landing(session, base_url, path)
    times: list[float] = []
    queries: list[int] = []
    cpu: list[float] = []
    statuses: set[int] = set()
    for index in range(repeat + 3):
        started = time.perf_counter()
        response = session.get(base_url + path, allow_redirects=False, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        statuses.add(response.status_code)
        if index >= 3:
            times.append(elapsed)
            queries.append(int(response.headers.get("X-Queries", -1)))
            cpu.append(float(response.headers.get("X-CPU-Ms", "nan")))
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": statistics.median(queries),
        "cpu_ms": statistics.median(cpu),
        "statuses": sorted(statuses),
    }


def landing(path: str, status: int, location: str) -> str | None:
    """Where a GET of ``path`` that answered ``status`` and ``location`` lands when it
    redirects to itself in another form (a search kept out of the URL, ``?q=`` ->
    ``?s=<token>``); None for any other answer."""
    if status == 302 and location.startswith(path.split("?")[0]):
        return location
    return None


def _landing(session: Any, base_url: str, path: str) -> str:
    """The page a GET of ``path`` lands on (:func:`landing`), or ``path``."""
    response = session.get(base_url + path, allow_redirects=False, timeout=60)
    return landing(path, response.status_code, response.headers.get("Location", "")) or path


def capture(user_id: int | None, path: str) -> tuple[int, list[str]]:
    """The page's status and the SQL it sends, through the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from leder.models import User
    from leder.testing import sign_in_with_mfa

    client = Client(HTTP_HOST="localhost")
    if user_id is not None:
        sign_in_with_mfa(client, User.objects.get(pk=user_id))
    first = client.get(path)  # once to warm caches (content types, templates), as the server is
    landed = landing(path, first.status_code, first.get("Location", ""))
    if landed:
        path = landed  # a search kept out of the URL: the page it lands on
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, [q["sql"] for q in captured.captured_queries]


def floor(statements: list[str], repeat: int) -> dict[str, Any]:
    """Replay ``statements`` through a raw cursor; the median time of one replay (ms)."""
    from django.db import connection, transaction

    runnable = [s for s in statements if not s.upper().startswith(SKIP)]
    times = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            for index in range(repeat + 3):
                started = time.perf_counter()
                for sql in runnable:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                if index >= 3:
                    times.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    return {"median": statistics.median(times), "statements": len(runnable)}


def measure(
    plan: dict[str, Any], base_url: str, *, growth_only: bool, repeat: int
) -> list[dict[str, Any]]:
    results = []
    for item in plan["pages"]:
        if growth_only and not item["growth"]:
            continue
        cookie = (plan["cookie_name"], item["session"])
        timed = alone(base_url, cookie, item["path"], repeat)
        status, statements = capture(item["user_id"], item["path"])
        results.append(
            {
                "name": item["name"],
                "role": item["role"],
                "path": item["path"],
                "growth": item["growth"],
                "ratio_target": item.get("ratio_target"),
                "alone": timed,
                "captured_status": status,
                "floor": floor(statements, repeat),
            }
        )
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--growth-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.settings.bench")
    import django

    django.setup()
    plan = json.loads(args.plan.read_text())
    results = measure(plan, args.base_url, growth_only=args.growth_only, repeat=args.repeat)
    args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
