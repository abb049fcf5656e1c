"""The KPI dashboard, CSV exports of its tables, and the reports (on screen and as PDF).

For the LAC and governance members (their ICB) and the regional coordinator (every ICB,
read-only). Every export and report download is access-logged.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from governance import kpis
from governance.access import (
    REPORT_ROLES,
    is_regional,
    report_documents_for_user,
    report_scope_icbs,
)
from governance.forms.reports import KPIFilterForm, ReportForm, period_dates
from governance.models import REPORT_KINDS, DocumentKind
from governance.reports import (
    ReportSpec,
    dashboard_charts,
    period_for,
    report_context,
    themes_chart,
)
from governance.services.documents import document_request
from leder.auth.decorators import roles_required
from leder.models import AccessLog, Organisation
from leder.services.access_log import access_record


def _scope(request: HttpRequest, data: Any = None) -> tuple[kpis.Scope, KPIFilterForm]:
    user: Any = request.user
    icbs = report_scope_icbs(user)
    regional = is_regional(user)
    form = KPIFilterForm(
        data if data is not None else (request.GET or None),
        icbs=list(icbs.values_list("pk", "name")) if regional else None,
    )
    if regional:
        chosen = form.value("icb")
        icb = icbs.filter(pk=chosen).first() if chosen else None
    else:
        icb = icbs.first()
        if icb is None:
            raise PermissionDenied
    start, end = period_dates(form.value("period", "12m"))
    return kpis.Scope(icb, start, end), form


@roles_required(REPORT_ROLES)
@require_GET
def kpi_dashboard(request: HttpRequest) -> HttpResponse:
    scope, form = _scope(request)
    data = kpis.compute_for_display(scope)
    query = request.GET.urlencode()
    return render(
        request,
        "governance/kpis/dashboard.jinja",
        {
            "title": "Reports and key performance indicators",
            "scope": scope,
            "filters": form,
            "kpis": data,
            "charts": dashboard_charts(data),
            "themes_chart": themes_chart(data.themes),
            "query": query,
            "target_days": kpis.settings.LEDER_TARGET_DAYS,
            "cache_minutes": kpis.REGIONAL_CACHE_SECONDS // 60 if scope.icb is None else 0,
        },
    )


def _csv_rows(data: kpis.KPIs, table: str) -> tuple[list[str], list[list[Any]]]:
    series = {
        "notifications": ("Notifications", data.notifications),
        "allocation": ("Median days to allocation", data.days_to_allocation),
        "within-target": ("% completed within 6 months (hold time excluded)", data.within_target),
        "within-target-unadjusted": (
            "% completed within 6 months (not adjusted)",
            data.within_target_unadjusted,
        ),
    }
    if table in series:
        heading, values = series[table]
        return (
            ["Month", heading, "Cases"],
            [
                [m.month.strftime("%Y-%m"), "" if m.value is None else m.value, m.total]
                for m in values
            ],
        )
    if table == "summary":
        return (
            ["Measure", "Value"],
            [
                ["Notifications", data.notifications_total],
                ["Cases awaiting allocation (now)", data.awaiting_allocation],
                ["Median days from notification to allocation", data.median_days_to_allocation],
                ["Cases first allocated", data.allocated],
                ["Reviews completed", data.completed],
                ["% completed within 6 months (hold time excluded)", data.pct_within_target],
                ["% completed within 6 months (not adjusted)", data.pct_within_target_unadjusted],
                ["Open actions (now)", data.open_actions],
                ["Overdue actions (now)", data.overdue_actions],
                ["Actions completed", data.completed_actions],
            ],
        )
    breakdowns = {b.key: b for b in [data.themes, *data.demographics]}
    if table in breakdowns:
        breakdown = breakdowns[table]
        return [breakdown.title, "Count"], [[r.label, r.count] for r in breakdown.rows]
    raise Http404


def safe_cell(value: Any) -> Any:
    """Cells a spreadsheet would run as a formula are prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value


@roles_required(REPORT_ROLES)
@require_GET
def kpi_export(request: HttpRequest, table: str) -> HttpResponse:
    scope, _ = _scope(request)
    data = kpis.compute_for_display(
        scope, with_demographics=table not in {"summary", "notifications"}
    )
    header, rows = _csv_rows(data, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"{scope.place}, {scope.start:%B %Y} to {scope.end:%B %Y}"])
    writer.writerow(header)
    writer.writerows([[safe_cell(c) for c in row] for row in rows])
    target = scope.icb if scope.icb is not None else request.user
    access_record(
        user=request.user,  # type: ignore[arg-type]
        obj=target,  # type: ignore[arg-type]
        action=AccessLog.Action.EXPORT,
        detail=f"KPI table {table}, {scope.start:%Y-%m} to {scope.end:%Y-%m}",
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"leder-kpi-{table}-{scope.start:%Y-%m}-to-{scope.end:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report_spec(request: HttpRequest, form: ReportForm) -> ReportSpec:
    user: Any = request.user
    icbs = report_scope_icbs(user)
    data = form.cleaned_data
    if is_regional(user):
        chosen = str(data.get("icb") or "")
        icb: Organisation | None = icbs.filter(pk=chosen).first() if chosen else None
    else:
        icb = icbs.first()
        if icb is None:
            raise PermissionDenied
    start, end = period_for(data["kind"], int(data["year"]), data["part_number"])
    return ReportSpec(data["kind"], icb, start, end)


@roles_required(REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    """Choose a report: read it on screen (GET ``view``) or prepare the PDF (POST)."""
    user: Any = request.user
    icbs = report_scope_icbs(user)
    regional = is_regional(user)
    choices = list(icbs.values_list("pk", "name")) if regional else None
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "kind" in request.GET else None)
    )
    form = ReportForm(data, icbs=choices)
    if form.is_bound and form.is_valid():
        spec = _report_spec(request, form)
        if request.method == "POST" and request.POST.get("do") == "view":
            query = {k: form.cleaned_data.get(k) or "" for k in ("kind", "year", "part", "icb")}
            from urllib.parse import urlencode

            return HttpResponseRedirect(f"{reverse('governance:reports')}?{urlencode(query)}")
        if request.method == "POST":
            document = document_request(
                kind=spec.kind, icb=spec.icb, period_start=spec.start, period_end=spec.end, by=user
            )
            messages.success(request, f"{spec.title} is being prepared")
            return HttpResponseRedirect(reverse("governance:document", kwargs={"pk": document.pk}))
        context = report_context(spec)
        context.update({"back_url": reverse("governance:reports"), "screen": True})
        if spec.icb is not None:
            access_record(user=user, obj=spec.icb, detail=f"{spec.title} on screen")
        return render(request, "governance/reports/screen.jinja", context)
    documents = report_documents_for_user(user).select_related("icb", "requested_by")
    return render(
        request,
        "governance/reports/index.jinja",
        {
            "title": "Reports",
            "form": form,
            "documents": list(documents.order_by("-requested_at", "-pk")[:20]),
            "kinds": [DocumentKind(k) for k in REPORT_KINDS],
            "back_url": reverse("governance:kpis"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
