"""The reports: what each contains, for which period, and how it is drawn.

- Bi-monthly activity report for the Governance Group: two months of the financial year.
- Quarterly report for the ICB committee: a quarter of the financial year.
- Annual report: a financial year (April to March).

Each is built by :func:`report_context` from the KPIs (``governance.kpis``) plus the
meetings, decisions and actions of the period, with SPC charts. The same template renders
on screen and as PDF (WeasyPrint).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from governance import kpis
from governance.charts import bar_svg, xmr_svg
from governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    Decision,
    DocumentKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Outcome,
)
from governance.spc import xmr
from leder.models import Organisation

PARTS = {DocumentKind.ACTIVITY: 6, DocumentKind.QUARTERLY: 4, DocumentKind.ANNUAL: 1}
MONTHS_PER_PART = {DocumentKind.ACTIVITY: 2, DocumentKind.QUARTERLY: 3, DocumentKind.ANNUAL: 12}
# SPC charts need history: every report's charts show at least this many months.
CHART_MONTHS = 24


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    icb: Organisation | None
    start: datetime.date
    end: datetime.date

    @property
    def title(self) -> str:
        label = DocumentKind(self.kind).label
        return f"{label}: {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.kind == DocumentKind.ANNUAL:
            return kpis.financial_year_label(self.start.year)
        first = self.start.strftime("%B %Y")
        last = self.end.strftime("%B %Y")
        return first if first == last else f"{first} to {last}"


def current_financial_year(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def period_for(kind: str, year: int, part: int) -> tuple[datetime.date, datetime.date]:
    """Part ``part`` (1-based) of financial year ``year`` for a report of ``kind``."""
    months = MONTHS_PER_PART[DocumentKind(kind)]
    part = max(1, min(part, PARTS[DocumentKind(kind)]))
    start = kpis.add_months(datetime.date(year, 4, 1), (part - 1) * months)
    end = kpis.month_end(kpis.add_months(start, months - 1))
    return start, end


def part_choices(kind: str) -> list[tuple[int, str]]:
    """The parts of a financial year, named by their months ("April to June")."""
    choices = []
    for part in range(1, PARTS[DocumentKind(kind)] + 1):
        start, end = period_for(kind, 2000, part)
        choices.append((part, f"{start:%B} to {end:%B}"))
    return choices


def _labels(series: list[kpis.MonthValue]) -> list[str]:
    return [m.month.strftime("%b %Y") for m in series]


def chart_block(
    key: str, title: str, series: list[kpis.MonthValue], *, unit: str = "", decimals: int = 0
) -> dict[str, Any]:
    """An SPC chart and the rows of the table beneath it."""
    chart = xmr([m.value for m in series])
    svg = xmr_svg(
        chart_id=f"chart-{key}",
        title=title,
        labels=_labels(series),
        chart=chart,
        unit=unit,
        decimals=decimals,
    )
    suffix = "%" if unit == "%" else ""
    rows = [
        {
            "month": m.month,
            "label": m.month.strftime("%B %Y"),
            "value": m.value,
            "display": "No data" if m.value is None else f"{m.value:.{decimals}f}{suffix}",
            "total": m.total,
            "signals": "; ".join(point.signals) or "None",
        }
        for m, point in zip(series, chart.points, strict=True)
    ]
    return {
        "key": key,
        "title": title,
        "svg": svg,
        "chart": chart,
        "rows": rows,
        "unit": unit,
        "decimals": decimals,
    }


def dashboard_charts(data: kpis.KPIs) -> list[dict[str, Any]]:
    return [
        chart_block("notifications", "Notifications per month", data.notifications),
        chart_block(
            "allocation",
            "Median days from notification to allocation, by month of allocation",
            data.days_to_allocation,
            unit="days",
            decimals=1,
        ),
        chart_block(
            "within-target",
            "Reviews completed within 6 months (hold time excluded), by month of completion",
            data.within_target,
            unit="%",
            decimals=1,
        ),
        chart_block(
            "within-target-unadjusted",
            "Reviews completed within 6 months (not adjusted for holds), by month of completion",
            data.within_target_unadjusted,
            unit="%",
            decimals=1,
        ),
    ]


def themes_chart(breakdown: kpis.Breakdown) -> Any:
    return bar_svg(
        chart_id="chart-themes",
        title="Learning themes confirmed by the QA panel",
        rows=[(r.label, r.count) for r in breakdown.rows],
    )


def _meetings(spec: ReportSpec) -> dict[str, Any]:
    scope = kpis.Scope(spec.icb, spec.start, spec.end)
    meetings = Meeting.objects.filter(
        scheduled_for__gte=scope.start_at, scheduled_for__lt=scope.end_at
    ).exclude(status=MeetingStatus.CANCELLED)
    if spec.icb is not None:
        meetings = meetings.filter(icb=spec.icb)
    held = meetings.aggregate(
        qa=Count("pk", filter=Q(kind=MeetingKind.QA_PANEL)),
        governance=Count("pk", filter=Q(kind=MeetingKind.GOVERNANCE_GROUP)),
    )
    decisions = Decision.objects.filter(
        signed_off_at__gte=scope.start_at, signed_off_at__lt=scope.end_at
    )
    if spec.icb is not None:
        decisions = decisions.filter(item__meeting__icb=spec.icb)
    outcomes = decisions.aggregate(
        **{
            f"{kind}__{o.value}": Count("pk", filter=Q(outcome=o.value, item__meeting__kind=kind))
            for kind in MeetingKind.values
            for o in Outcome
        }
    )
    good_practice = list(
        decisions.exclude(good_practice="")
        .select_related("item__meeting")
        .order_by("signed_off_at")
        .values_list("good_practice", "item__meeting__scheduled_for")[:12]
    )
    return {
        "qa_meetings": held["qa"] or 0,
        "governance_meetings": held["governance"] or 0,
        "outcomes": [
            {
                "kind": MeetingKind(kind).label,
                "rows": [(o.label, outcomes[f"{kind}__{o.value}"] or 0) for o in Outcome],
            }
            for kind in MeetingKind.values
        ],
        "good_practice": good_practice,
    }


def _actions(spec: ReportSpec) -> dict[str, Any]:
    scope = kpis.Scope(spec.icb, spec.start, spec.end)
    actions = Action.objects.in_scope(scope.icb_id)
    agreed = actions.filter(created_at__gte=scope.start_at, created_at__lt=scope.end_at).count()
    listed = list(
        actions.filter(
            Q(status__in=OPEN_ACTION_STATUSES)
            | Q(completed_at__gte=scope.start_at, completed_at__lt=scope.end_at)
        )
        .select_related("owner_organisation", "owner_user")
        .order_by("due_on", "pk")[:200]
    )
    return {"agreed": agreed, "listed": listed}


def report_context(spec: ReportSpec) -> dict[str, Any]:
    scope = kpis.Scope(spec.icb, spec.start, spec.end)
    data = kpis.compute(scope)
    chart_start = min(spec.start, kpis.add_months(spec.end.replace(day=1), 1 - CHART_MONTHS))
    history = kpis.compute(kpis.Scope(spec.icb, chart_start, spec.end), with_demographics=False)
    return {
        "spec": spec,
        "title": spec.title,
        "kpis": data,
        "charts": dashboard_charts(history),
        "themes_chart": themes_chart(data.themes),
        "annual": spec.kind == DocumentKind.ANNUAL,
        "quarterly": spec.kind == DocumentKind.QUARTERLY,
        "meetings": _meetings(spec),
        "actions": _actions(spec),
        "generated_at": timezone.now(),
        "target_days": kpis.settings.LEDER_TARGET_DAYS,
    }
