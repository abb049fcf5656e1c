"""The bench's arithmetic: the warm-up left out, the slow requests explained, the verdict.

Pure functions over recorded requests (no server): what ``make bench`` prints must follow
from what was measured.
"""

from __future__ import annotations

import math
from typing import Any

from tests.bench.report import endpoints, measured, slowest


def record(*requests: tuple[float, float, float], roles: tuple[str, ...] = ("lac",)) -> dict:
    """An endpoint's record as locustfile.py keeps it: (started at, client ms, Django ms)."""
    return {
        "method": "GET",
        "times": [ms for _, ms, _ in requests],
        "at": [at for at, _, _ in requests],
        "queries": [5] * len(requests),
        "query_ms": [1.0] * len(requests),
        "cpu_ms": [server / 2 for _, _, server in requests],
        "server_ms": [server for _, _, server in requests],
        "errors": {},
        "roles": set(roles),
    }


def test_the_warm_up_is_left_out_but_its_errors_still_count():
    entry = record((100.0, 300, 90), (109.9, 250, 80), (110.0, 20, 15), (130.0, 30, 25))
    entry["errors"] = {"HTTP 500 (expected 200)": 1}
    kept = measured(entry, since=110.0)
    assert kept["times"] == [20, 30]
    assert kept["at"] == [110.0, 130.0]
    assert kept["server_ms"] == [15, 25]
    assert kept["queries"] == [5, 5]
    assert kept["warmup_requests"] == 2
    assert kept["errors"] == {"HTTP 500 (expected 200)": 1}
    assert kept["roles"] == ["lac"]


def test_the_verdict_reads_the_p95_and_django_time_of_the_measured_requests():
    fast = record(*[(float(i), 20, 15) for i in range(19)], (19.0, 400, 20))
    rows = endpoints({"GET reviews:dashboard": fast}, duration=20)
    (row,) = rows
    assert row["requests"] == 20
    assert row["p95"] == 20  # one slow request in 20 is the p99, not the p95
    assert row["p99"] == 400
    assert row["server_p95"] == 15
    assert row["misses"] == []
    slow = record(*[(float(i), 20, 15) for i in range(18)], (18.0, 400, 20), (19.0, 300, 20))
    (row,) = endpoints({"GET reviews:dashboard": slow}, duration=20)
    assert row["p95"] == 300
    assert row["misses"] == ["p95 > 150 ms"]


def test_a_public_page_is_held_to_the_public_target():
    (row,) = endpoints({"GET notify:start": record((0.0, 120, 3), roles=("public",))}, duration=1)
    assert row["target_p95"] == 100
    assert row["misses"] == ["p95 > 100 ms"]


def test_requests_missing_the_server_headers_do_not_skew_the_figures():
    entry = record((0.0, 20, 15), (1.0, 30, 25))
    entry["queries"][1] = -1
    entry["server_ms"][1] = math.nan
    entry["cpu_ms"][1] = math.nan
    (row,) = endpoints({"GET home": entry}, duration=2)
    assert row["queries"] == "5"
    assert row["server_p95"] == 15
    assert row["cpu_ms_p50"] == 7.5


def test_the_slowest_requests_say_how_long_django_took_and_what_else_was_in_flight():
    load: dict[str, Any] = {
        "GET reviews:my_reviews": record((10.0, 40, 30), (12.0, 400, 60)),
        "GET notify:start": record((12.1, 150, 3)),
        "GET governance:kpis": record((12.2, 30, 25), (50.0, 30, 25)),
    }
    targets = {"GET reviews:my_reviews": 150, "GET notify:start": 100, "GET governance:kpis": 150}
    rows = slowest(load, targets)
    assert [(r["endpoint"], r["ms"]) for r in rows] == [
        ("GET reviews:my_reviews", 400),  # 2.7 x its target
        ("GET notify:start", 150),  # 1.5 x
    ]
    first = rows[0]
    assert first["at_s"] == 2.0  # seconds after the first request
    assert first["server_ms"] == 60
    # in flight during 12.0-12.4 s: the notify:start and the first governance:kpis request
    assert first["in_flight"] == ["GET governance:kpis", "GET notify:start"]
    assert slowest({"GET home": record((0.0, 20, 15))}, {"GET home": 150}) == []


def test_percentiles_are_nearest_rank():
    from tests.bench.measure import percentile

    twenty = list(range(1, 21))
    assert percentile(twenty, 0.95) == 19
    assert percentile(twenty, 0.50) == 10
    assert percentile(twenty, 0.99) == 20
    assert percentile(list(range(1, 41)), 0.95) == 38
    assert percentile(list(range(1, 45)), 0.95) == 42  # ceil(41.8)
    assert percentile([7.0], 0.95) == 7.0
    assert math.isnan(percentile([], 0.5))
