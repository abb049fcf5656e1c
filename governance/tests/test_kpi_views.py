"""The KPI dashboard and CSV exports: access per role, the regional view, flat queries."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.kpis import Scope, last_months
from governance.views.kpis import safe_cell
from leder.models import AccessLog
from leder.testing import assert_queries_flat
from reviews.models import CaseStatus, CaseStatusChange
from reviews.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"governance:{name}", kwargs=kwargs)


def test_who_may_read_the_dashboard(
    client,
    lac_client,
    governance_member_client,
    regional_coordinator_client,
    reviewer_client,
    qa_panel_member_client,
    administrator_client,
):
    assert client.get(url("kpis")).status_code == 302
    for c in (lac_client, governance_member_client, regional_coordinator_client):
        assert c.get(url("kpis")).status_code == 200
    for c in (reviewer_client, qa_panel_member_client, administrator_client):
        assert c.get(url("kpis")).status_code == 403
    assert lac_client.post(url("kpis")).status_code == 405


def test_an_icb_sees_its_own_figures_the_regional_coordinator_every_icbs(
    icb, other_icb, lac_client, regional_coordinator_client
):
    CaseFactory(icb_org=icb)
    CaseFactory(icb_org=other_icb)
    CaseFactory(icb_org=other_icb)
    page = lac_client.get(url("kpis"), {"icb": str(other_icb.pk)}).content.decode()
    assert "1 case waiting now" in page and icb.name in page  # the ICB filter is ignored for a LAC
    page = regional_coordinator_client.get(url("kpis")).content.decode()
    assert "3 cases waiting now" in page and "All ICBs" in page
    page = regional_coordinator_client.get(url("kpis"), {"icb": str(other_icb.pk)}).content.decode()
    assert "2 cases waiting now" in page


def test_charts_have_names_descriptions_and_tables(lac_client):
    page = lac_client.get(url("kpis")).content.decode()
    assert page.count('class="leder-chart" role="img"') == 5  # four SPC charts, the themes
    assert "Data for: Notifications per month" in page
    assert '<desc id="chart-notifications-desc">' in page


def test_csv_exports_every_table_and_logs_it(icb, lac_client):
    CaseFactory(icb_org=icb)
    tables = [
        "summary",
        "notifications",
        "allocation",
        "within-target",
        "within-target-unadjusted",
        "themes",
        "age",
        "sex",
        "ethnicity",
        "ld_level",
        "place",
        "cause",
    ]
    for table in tables:
        response = lac_client.get(url("kpi_export", table=table), {"period": "24m"})
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0].startswith(icb.name)
        assert len(rows) >= 3 or table == "themes"
    exports = AccessLog.objects.filter(action="export", user=lac_client.user)
    assert exports.count() == len(tables)
    summary = lac_client.get(url("kpi_export", table="summary")).content.decode()
    assert "Cases awaiting allocation (now),1" in summary
    assert lac_client.get(url("kpi_export", table="nothing")).status_code == 404


def test_spreadsheet_formulas_are_defused():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-2") == "'-2" and safe_cell(-2) == -2 and safe_cell(None) == ""


counter = itertools.count()


def test_the_dashboard_keeps_a_flat_query_count(icb, lac, lac_client, capsys):
    start, _ = last_months(12)
    assert Scope(icb, start, start)

    def grow(n):
        for _ in range(n):
            i = next(counter)
            case = CaseFactory(
                icb_org=icb,
                status=CaseStatus.COMPLETED,
                notification__received_at=timezone.now() - datetime.timedelta(days=200 + i),
            )
            CaseStatusChange.objects.create(
                subject=case,
                to_status=CaseStatus.ALLOCATED,
                at=timezone.now() - datetime.timedelta(days=150 + i % 90),
            )
            CaseStatusChange.objects.create(
                subject=case,
                to_status=CaseStatus.COMPLETED,
                at=timezone.now() - datetime.timedelta(days=i % 300),
            )

    small, large = assert_queries_flat(lambda: lac_client.get(url("kpis")), grow, small=2, large=25)
    with capsys.disabled():
        print(f"\nKPI dashboard queries: {small} with 2 cases, {large} with 25")
    assert large <= 15
