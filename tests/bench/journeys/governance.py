"""Governance: the KPI dashboard (one ICB, and every ICB for the regional coordinator) and
its CSV export, panel meetings and actions, and the annual report PDF, which the Celery
worker renders while the browser polls its progress.

Left out, and reported so, while the governance URLs are not in the URLconf.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.urls import reverse

from leder.roles import Role
from tests.bench.journeys import Visit, journey, page, sample, users

KPIS = "governance:kpis"
REPORTS = "governance:reports"
MEETINGS = "governance:meetings"
ACTIONS = "governance:actions"
# How long a virtual user waits for the annual report before counting it failed.
REPORT_WAIT_SECONDS = 60

users(Role.GOVERNANCE_MEMBER, 2)
users(Role.QA_PANEL_MEMBER, 1)


def _last_financial_year() -> str:
    from governance.reports import current_financial_year

    return str(current_financial_year() - 1)


@sample("financial_year", role=Role.GOVERNANCE_MEMBER)
def financial_year(user: Any) -> list[str]:
    return [_last_financial_year()]


@sample("panel_meetings", role=Role.QA_PANEL_MEMBER)
def panel_meetings(user: Any) -> list[int]:
    """Meetings the member was invited to, most recent first."""
    from governance.access import meetings_for_user

    return list(meetings_for_user(user).values_list("pk", flat=True)[:20])


def _kpis(visit: Visit) -> None:
    url = reverse(KPIS)
    visit.get(KPIS, url)
    visit.pause()
    visit.get(f"{KPIS}?period=24m", url, period="24m")
    visit.pause()
    visit.get("governance:kpi_export", reverse("governance:kpi_export", args=["summary"]))


for _role, _weight in (
    (Role.LAC, 2),
    (Role.GOVERNANCE_MEMBER, 3),
    (Role.REGIONAL_COORDINATOR, 2),
):
    journey(
        "governance: KPI dashboard and a CSV export", role=_role, weight=_weight, requires=(KPIS,)
    )(_kpis)


@journey("governance: actions", role=Role.GOVERNANCE_MEMBER, weight=1, requires=(ACTIONS,))
def actions(visit: Visit) -> None:
    url = reverse(ACTIONS)
    visit.get(ACTIONS, url)
    visit.pause()
    visit.get(f"{ACTIONS}?status=overdue", url, status="overdue")


@journey("governance: panel meetings", role=Role.QA_PANEL_MEMBER, requires=(MEETINGS,))
def meetings(visit: Visit) -> None:
    visit.get(MEETINGS, reverse(MEETINGS))
    if visit.samples.get("panel_meetings"):
        visit.pause()
        pk = visit.pick("panel_meetings")
        visit.get("governance:meeting", reverse("governance:meeting", args=[pk]))


@journey(
    "governance: annual report PDF", role=Role.GOVERNANCE_MEMBER, weight=1, requires=(REPORTS,)
)
def annual_report(visit: Visit) -> None:
    """Open the reports page, ask for the ICB's annual report as PDF, poll its progress,
    download it."""
    visit.get(REPORTS, reverse(REPORTS))  # the form (and the CSRF cookie)
    visit.pause()
    response = visit.post(
        f"{REPORTS} (annual PDF)",
        reverse(REPORTS),
        data={"kind": "annual", "year": visit.pick("financial_year"), "part": "", "do": "pdf"},
    )
    document = response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
    if not document.isdigit():
        return
    status_url = reverse("governance:document_status", args=[int(document)])
    waited = 0.0
    while waited < REPORT_WAIT_SECONDS:
        status = json.loads(visit.get("governance:document_status", status_url).text or "{}")
        if status.get("ready") or status.get("state") == "failed":
            break
        time.sleep(1)  # gevent-patched under locust: other users run meanwhile
        waited += 1
    visit.get(
        "governance:document_download",
        reverse("governance:document_download", args=[int(document)]),
    )


page(KPIS, role=Role.LAC, path=lambda s: reverse(KPIS), growth=True, ratio_target=3)
# Every ICB's figures are kept for 5 minutes (governance.kpis.REGIONAL_CACHE_SECONDS): the
# page alone is timed from the cache, so there is no SQL floor to compare it with.
page(
    f"{KPIS} (every ICB)",
    role=Role.REGIONAL_COORDINATOR,
    path=lambda s: reverse(KPIS),
    requires=(KPIS,),
    growth=True,
)
page(MEETINGS, role=Role.LAC, path=lambda s: reverse(MEETINGS))
page(ACTIONS, role=Role.LAC, path=lambda s: reverse(ACTIONS) + "?status=all")
