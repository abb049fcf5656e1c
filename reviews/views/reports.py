"""The report of conflict-of-interest overrides: allocations made despite a conflict, and
reviewers kept after one was found later, with the LAC's written justification.

It names cases by reference only (no personal details of the person who died)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reviews.access import overrides_for_user, permission_required

PAGE_SIZE = 25


@permission_required("reviews.view_override_report")
@require_GET
def override_report(request: HttpRequest) -> HttpResponse:
    page = Paginator(overrides_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/override_report.jinja",
        {"title": "Conflict of interest overrides", "page": page, "query": ""},
    )
