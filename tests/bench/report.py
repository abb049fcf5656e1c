"""The bench's tables and its verdict against the targets of the performance issue."""

from __future__ import annotations

import math
from typing import Any

from tests.bench.measure import percentile

# Targets (2-core machine, 50,000 notifications, 20 users): docs/performance.md.
STAFF_P95_MS = 150
PUBLIC_P95_MS = 100
MAX_QUERIES = 15
WEB_RSS_MB = 250
WORKER_RSS_MB = 250
PUBLIC_ROLES = {"public", "monitor"}


def _ms(value: float) -> str:
    return (
        "-"
        if value is None or math.isnan(value)
        else f"{value:.0f}"
        if value >= 10
        else f"{value:.1f}"
    )


def _range(values: list[int]) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def measured(entry: dict[str, Any], since: float) -> dict[str, Any]:
    """One endpoint's record (locustfile.py) with only the requests that started at or
    after ``since`` (the end of the warm-up). Errors keep counting those of the warm-up:
    nothing that failed is hidden."""
    keep = [i for i, at in enumerate(entry["at"]) if at >= since]
    out = {k: [v[i] for i in keep] if isinstance(v, list) else v for k, v in entry.items()}
    out["errors"] = dict(entry["errors"])
    out["roles"] = sorted(entry["roles"])
    out["warmup_requests"] = len(entry["at"]) - len(keep)
    return out


def _nth(values: list[float], i: int) -> float:
    return values[i] if i < len(values) else math.nan


def _numbers(values: list[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def slowest(load: dict[str, Any], targets: dict[str, int], count: int = 15) -> list[dict[str, Any]]:
    """The requests over their endpoint's p95 target, slowest first (relative to the
    target): when each started (seconds into the run), the time the client saw, the time
    inside Django (X-Server-Ms) and its CPU and SQL, and what else was in flight on the
    server then (requests of any endpoint whose spans overlap it)."""
    spans = []
    for name, entry in load.items():
        for i, (at, ms) in enumerate(zip(entry.get("at", []), entry["times"], strict=False)):
            spans.append((at, at + ms / 1000, name, i))
    if not spans:
        return []
    start = min(s[0] for s in spans)
    over = []
    for begin, end, name, i in spans:
        entry = load[name]
        ms = entry["times"][i]
        if ms <= targets[name]:
            continue
        overlapping = sorted(
            {other for b, e, other, j in spans if b < end and e > begin and (other, j) != (name, i)}
        )
        over.append(
            {
                "endpoint": name,
                "at_s": round(begin - start, 2),
                "ms": ms,
                **{k: _nth(entry.get(k, []), i) for k in ("server_ms", "cpu_ms", "query_ms")},
                "in_flight": overlapping,
                "over": ms / targets[name],
            }
        )
    over.sort(key=lambda r: -r["over"])
    return over[:count]


def endpoints(load: dict[str, Any], duration: int) -> list[dict[str, Any]]:
    rows = []
    for name, entry in sorted(load.items()):
        times = entry["times"]
        roles = set(entry.get("roles", []))
        public = bool(roles) and roles <= PUBLIC_ROLES
        target = PUBLIC_P95_MS if public else STAFF_P95_MS
        p95 = percentile(times, 0.95)
        errors = sum(entry["errors"].values())
        queries = [q for q in entry["queries"] if q >= 0]
        server = _numbers(entry.get("server_ms", []))
        misses = []
        if errors:
            misses.append("errors")
        if not math.isnan(p95) and p95 > target:
            misses.append(f"p95 > {target} ms")
        if queries and max(queries) > MAX_QUERIES:
            misses.append(f"> {MAX_QUERIES} queries")
        rows.append(
            {
                "endpoint": name,
                "roles": sorted(roles),
                "requests": len(times),
                "per_second": round(len(times) / duration, 2),
                "p50": percentile(times, 0.50),
                "p95": p95,
                "p99": percentile(times, 0.99),
                "errors": errors,
                "error_kinds": entry["errors"],
                "queries": _range(queries),
                "query_ms_p50": percentile(_numbers(entry.get("query_ms", [])), 0.5),
                "cpu_ms_p50": percentile(_numbers(entry.get("cpu_ms", [])), 0.5),
                "server_p95": percentile(server, 0.95),
                "target_p95": target,
                "misses": misses,
            }
        )
    return rows


def build(result: dict[str, Any], main_size: int) -> dict[str, Any]:
    main = result["sizes"][str(main_size)]
    duration = result["config"]["duration"]
    rows = endpoints(main.get("load", {}), duration)
    floors = []
    for page in main.get("pages", []):
        ratio = None
        if page["floor"]["statements"] and page["floor"]["median"]:
            ratio = page["alone"]["p50"] / page["floor"]["median"]
        target = page.get("ratio_target")
        floors.append(
            {
                "page": page["name"],
                "alone_p50": page["alone"]["p50"],
                "alone_p95": page["alone"]["p95"],
                "cpu_ms": page["alone"].get("cpu_ms", float("nan")),
                "floor": page["floor"]["median"],
                "ratio": ratio,
                "statements": page["floor"]["statements"],
                "queries": page["alone"]["queries"],
                "statuses": page["alone"]["statuses"],
                "target": target,
                "miss": bool(target and ratio and ratio > target),
            }
        )
    growth: dict[str, dict[str, Any]] = {}
    for size, entry in sorted(result["sizes"].items(), key=lambda kv: int(kv[0])):
        for page in entry.get("pages", []):
            if page["growth"]:
                growth.setdefault(page["name"], {})[size] = {
                    "p50": page["alone"]["p50"],
                    "p95": page["alone"]["p95"],
                    "floor": page["floor"]["median"],
                    "queries": page["alone"]["queries"],
                }
    rss = {k: round(v / 2**20) for k, v in main.get("rss", {}).items()}
    misses = [f"{r['endpoint']}: {', '.join(r['misses'])}" for r in rows if r["misses"]]
    misses += [
        f"{f['page']}: page/floor {f['ratio']:.1f} > {f['target']:g}" for f in floors if f["miss"]
    ]
    if rss.get("web process", 0) > WEB_RSS_MB:
        misses.append(f"web worker RSS {rss['web process']} MB > {WEB_RSS_MB} MB")
    worker = max(rss.get("worker process", 0), rss.get("worker master", 0))
    if worker > WORKER_RSS_MB:
        misses.append(f"Celery worker RSS {worker} MB > {WORKER_RSS_MB} MB")
    pdf = main.get("pdf")
    if pdf and not pdf["ok"]:
        misses.append(
            f"annual report PDF {pdf['seconds_median']:.2f} s > {pdf['target_seconds']:g} s"
        )
    targets = {r["endpoint"]: r["target_p95"] for r in rows}
    return {
        "endpoints": rows,
        "slowest": slowest(main.get("load", {}), targets),
        "floors": floors,
        "growth": growth,
        "rss_mb": rss,
        "pdf": pdf,
        "misses": misses,
    }


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def render(result: dict[str, Any], main_size: int, duration: int) -> str:
    summary = result["summary"]
    main = result["sizes"][str(main_size)]
    config = result["config"]
    out = [
        "",
        f"LeDeR bench: {main_size:,} notifications, {config['users']} users for {duration} s "
        f"(think time x{config['think']}), {config['workers']} gunicorn "
        f"{'gthread' if config['threads'] > 1 else 'sync'} workers"
        + (f" x {config['threads']} threads" if config["threads"] > 1 else "")
        + f", {result['machine']['cpus']} CPUs",
        "Users per role: " + ", ".join(f"{k} {v}" for k, v in main.get("users", {}).items()),
        "",
        "Under load (milliseconds; queries per request from the server's X-Queries header)",
        _table(
            [
                "endpoint",
                "requests",
                "req/s",
                "p50",
                "p95",
                "p99",
                "errors",
                "queries",
                "SQL ms p50",
                "CPU ms p50",
                "in Django p95",
                "target p95",
                "ok",
            ],
            [
                [
                    r["endpoint"],
                    str(r["requests"]),
                    f"{r['per_second']:.1f}",
                    _ms(r["p50"]),
                    _ms(r["p95"]),
                    _ms(r["p99"]),
                    str(r["errors"]),
                    r["queries"],
                    _ms(r["query_ms_p50"]),
                    _ms(r["cpu_ms_p50"]),
                    _ms(r.get("server_p95", math.nan)),
                    str(r["target_p95"]),
                    "yes" if not r["misses"] else "NO",
                ]
                for r in summary["endpoints"]
            ],
        ),
    ]
    total = sum(r["requests"] for r in summary["endpoints"])
    errors = sum(r["errors"] for r in summary["endpoints"])
    out.append(f"{total:,} requests ({total / duration:.1f}/s), {errors} errors")
    cpu = main.get("cpu")
    if cpu:
        out.append(
            f"CPU during the load (% of all {result['machine']['cpus']} CPUs): gunicorn "
            f"{cpu['web %']:.0f}%, Celery {cpu['worker %']:.0f}%, whole machine "
            f"{cpu['machine %']:.0f}% (PostgreSQL, locust and anything else included)"
        )
    busy = main.get("machine_busy_before")
    if busy is not None:
        note = " BUSY: other work was running, figures are pessimistic" if busy > 15 else ""
        out.append(
            f"Machine before the load: {busy:.0f}% CPU busy, load average "
            f"{main.get('load_average_before', 0):.2f}{note}"
        )
    for r in summary["endpoints"]:
        for why, count in r["error_kinds"].items():
            out.append(f"  error: {r['endpoint']}: {why} x {count}")
    slow = summary.get("slowest", [])
    if slow:
        out += [
            "",
            "Requests over their p95 target, slowest first: the time the client saw, the "
            "time inside Django (the rest was waiting for a worker, the network or the "
            "client), and what else was in flight",
            _table(
                ["endpoint", "at s", "ms", "in Django", "CPU", "SQL", "in flight"],
                [
                    [
                        r["endpoint"],
                        f"{r['at_s']:.1f}",
                        _ms(r["ms"]),
                        _ms(r["server_ms"]),
                        _ms(r["cpu_ms"]),
                        _ms(r["query_ms"]),
                        f"{len(r['in_flight'])}: "
                        + ", ".join(r["in_flight"][:4])
                        + (" ..." if len(r["in_flight"]) > 4 else ""),
                    ]
                    for r in slow
                ],
                left=1,
            ),
        ]
    out += [
        "",
        "Pages alone, and their SQL floors (the same statements through a raw cursor)",
        _table(
            [
                "page",
                "p50",
                "p95",
                "CPU ms",
                "floor",
                "page/floor",
                "statements",
                "queries",
                "status",
            ],
            [
                [
                    f["page"],
                    _ms(f["alone_p50"]),
                    _ms(f["alone_p95"]),
                    _ms(f["cpu_ms"]),
                    _ms(f["floor"]),
                    f"{f['ratio']:.1f}" + (f" (target {f['target']:g})" if f["target"] else "")
                    if f["ratio"]
                    else "-",
                    str(f["statements"]),
                    f"{f['queries']:g}",
                    ",".join(map(str, f["statuses"])),
                ]
                for f in summary["floors"]
            ],
        ),
    ]
    sizes = sorted({int(s) for page in summary["growth"].values() for s in page})
    if summary["growth"]:
        headers = ["page"] + [f"{s:,}: p50/p95" for s in sizes] + ["growth p50"]
        rows = []
        for name, by_size in summary["growth"].items():
            cells = [name]
            for s in sizes:
                m = by_size.get(str(s))
                cells.append(f"{_ms(m['p50'])}/{_ms(m['p95'])}" if m else "-")
            first, last = by_size.get(str(sizes[0])), by_size.get(str(sizes[-1]))
            cells.append(
                f"x{last['p50'] / first['p50']:.2f}" if first and last and len(sizes) > 1 else "-"
            )
            rows.append(cells)
        out += ["", "Growth: the same pages alone at each data size (ms)", _table(headers, rows)]
    rss = summary["rss_mb"]
    if rss:
        out += [
            "",
            "Peak RSS (MB): "
            + ", ".join(f"{k} {v}" for k, v in sorted(rss.items()))
            + f" (targets: web worker {WEB_RSS_MB}, Celery worker {WORKER_RSS_MB})",
        ]
    if summary.get("pdf"):
        from tests.bench.pdf import render_line

        out += ["", render_line(summary["pdf"])]
    sweep = result.get("records_sweep")
    out += [
        "",
        sweep["output"]
        if sweep
        else "Link sweep over 10,000 due links (target 10 s): not run here; "
        "`make bench-records` (or BENCH_SWEEP=1 make bench) measures it",
    ]
    data = [
        f"{int(size):,}: {'reused' if e['data']['reused'] else 'loaded'} "
        f"in {e['data']['seconds']} s"
        for size, e in result["sizes"].items()
    ]
    out += ["", "Data: " + "; ".join(data)]
    skipped = main.get("skipped", [])
    if skipped:
        out.append("Left out (their URLs are not in the URLconf yet):")
        for item in skipped:
            what = item.get("journey") or f"page {item.get('page')}"
            out.append(f"  {what} ({item['role']}): needs {', '.join(item['missing'])}")
    out.append("")
    if summary["misses"]:
        out.append("Targets missed:")
        out += [f"  - {m}" for m in summary["misses"]]
    else:
        out.append("Every target met.")
    return "\n".join(out)
