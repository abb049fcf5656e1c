"""The annual report PDF for one ICB-year, timed as the Celery worker renders it.

    python -m tests.bench.pdf --repeat 3 --out var/bench/.../pdf.json

Runs with Django (bench settings) against the load run's database. The ICB is the one with
the most cases (the largest report), the year the last full financial year. Each render
is the worker's own code (``governance.services.documents.render_report``) on an unsaved
document, so nothing is written; timed in its stages (the figures and their SQL, the
template, WeasyPrint's layout, the PDF bytes). Prints and writes the median time, the
pages, and pages per second. Target: 5 s (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 5.0


def _largest_icb() -> Any:
    from django.db.models import Count

    from leder.models import Organisation
    from leder.scale.context import SCALE_ICB_CODE_RE

    return (
        Organisation.objects.icbs()
        .filter(ods_code__regex=SCALE_ICB_CODE_RE)
        .annotate(n=Count("cases"))
        .order_by("-n", "pk")
        .first()
    )


def render_once(document: Any, *, by_stage: bool) -> dict[str, Any]:
    """One render; ``by_stage``: first the same calls as ``render_report`` one by one."""
    from django.db import connection, reset_queries
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from governance.reports import ReportSpec, report_context
    from governance.services.documents import render_report

    stages: dict[str, float] = {}
    reset_queries()
    if not by_stage:
        tick = time.perf_counter()
        pdf, pages = render_report(document)
        total = time.perf_counter() - tick
        return {"seconds": total, "pages": pages, "bytes": len(pdf), "queries": None}
    started = time.perf_counter()
    spec = ReportSpec(document.kind, document.icb, document.period_start, document.period_end)
    context = report_context(spec)
    stages["figures"] = time.perf_counter() - started
    queries = len(connection.queries)
    tick = time.perf_counter()
    html = render_to_string("governance/pdf/report.jinja", context)
    stages["template"] = time.perf_counter() - tick
    tick = time.perf_counter()
    HTML(string=html).render()
    stages["layout"] = time.perf_counter() - tick
    # The whole of the worker's render, end to end: the figure compared with the target.
    tick = time.perf_counter()
    pdf, pages = render_report(document)
    total = time.perf_counter() - tick
    return {
        "seconds": total,
        "pages": pages,
        "bytes": len(pdf),
        "queries": queries,
        "stages": stages,
    }


def measure(repeat: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from governance.models import DocumentKind, GeneratedDocument
    from governance.reports import current_financial_year, period_for

    settings.DEBUG = True  # count the queries (connection.queries)
    connection.force_debug_cursor = True
    icb = _largest_icb()
    if icb is None:
        raise SystemExit("No scale ICB: run manage.py seed_scale")
    year = current_financial_year() - 1
    start, end = period_for(DocumentKind.ANNUAL, year, 1)
    document = GeneratedDocument(
        kind=DocumentKind.ANNUAL, icb=icb, period_start=start, period_end=end
    )
    runs = [render_once(document, by_stage=n == 0) for n in range(repeat)]
    seconds = statistics.median(r["seconds"] for r in runs)
    pages = runs[0]["pages"]
    cases = icb.cases.count()
    return {
        "icb_cases": cases,
        "financial_year": f"{year}-{(year + 1) % 100:02d}",
        "repeat": repeat,
        "seconds_median": round(seconds, 2),
        "seconds_all": [round(r["seconds"], 2) for r in runs],
        "pages": pages,
        "pages_per_second": round(pages / seconds, 1) if seconds else None,
        "bytes": runs[0]["bytes"],
        "queries": runs[0]["queries"],
        "stages_first": {stage: round(v, 2) for stage, v in runs[0]["stages"].items()},
        "target_seconds": TARGET_SECONDS,
        "ok": seconds <= TARGET_SECONDS,
    }


def render_line(result: dict[str, Any]) -> str:
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in result["stages_first"].items())
    verdict = "ok" if result["ok"] else "NO"
    return (
        f"Annual report PDF (one ICB-year: {result['icb_cases']:,} cases in the ICB, "
        f"{result['financial_year']}): {result['seconds_median']:.2f} s median of "
        f"{result['repeat']}, {result['pages']} pages, {result['pages_per_second']} pages/s, "
        f"{result['bytes'] / 1024:.0f} KB, {result['queries']} queries for the figures "
        f"(first render: {stages}); target {result['target_seconds']:.0f} s: {verdict}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.settings.bench")
    import django

    django.setup()
    result = measure(max(1, args.repeat))
    args.out.write_text(json.dumps(result, indent=1))
    print(render_line(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
