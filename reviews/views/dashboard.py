"""The LAC's dashboard (queues, counts, the case list) and the reviewer's "My reviews".

Every read goes through ``cases_for_user`` (as ``icb_cases_for_user`` and
``cases_granted_to``); counts and the page of cases together cost a
fixed number of queries however many cases the ICB has.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leder.auth.decorators import roles_required
from leder.lib.search import private_search
from notifications.access import notifications_for_user
from reviews.access import (
    REVIEWER_ROLES,
    cases_granted_to,
    icb_cases_for_user,
    permission_required,
)
from reviews.directory import reviewers_in_icb
from reviews.forms.dashboard import QUEUE_LABELS, DashboardFilterForm
from reviews.querysets import DUE_SOON_DAYS

PAGE_SIZE = 25
# The queues shown as cards at the top, in order.
CARD_QUEUES = (
    "awaiting_allocation",
    "allocated",
    "on_hold",
    "awaiting_qa",
    "returned",
    "completed",
    "opted_out",
    "due",
    "flagged",
)


@permission_required("reviews.view_case")
@private_search
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb_id = getattr(user, "icb_id", None)
    if icb_id is None:
        raise PermissionDenied
    reviewers = list(reviewers_in_icb(icb_id).values_list("pk", "full_name"))
    filters = DashboardFilterForm(request.GET or None, reviewers=reviewers)
    cases = icb_cases_for_user(user, icb_id)
    counts = cases.queue_counts()
    to_screen = notifications_for_user(user).to_screen().count()

    queue = filters.value("queue", "open")
    listed = cases.for_list().in_queue(queue)
    review_type = filters.value("review_type")
    if review_type == "none":
        listed = listed.filter(review_type="")
    elif review_type:
        listed = listed.filter(review_type=review_type)
    reviewer = filters.value("reviewer", None)
    listed = listed.with_reviewer(reviewer).search(filters.value("q"))
    listed = listed.sorted_by(filters.value("sort", "target"))
    paginator = Paginator(listed, PAGE_SIZE)
    if queue in counts and not (review_type or reviewer or (filters.value("q") or "").strip()):
        # A whole queue: its size is already counted (the same condition), so the page
        # does not count it again.
        paginator.count = counts[queue]  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/dashboard.jinja",
        {
            "title": "Cases",
            "filters": filters,
            "queue": queue,
            "queue_label": QUEUE_LABELS.get(queue, QUEUE_LABELS["open"]),
            "cards": [(name, QUEUE_LABELS[name], counts[name]) for name in CARD_QUEUES],
            "counts": counts,
            "to_screen": to_screen,
            "page": page,
            "query": request.search_query,  # type: ignore[attr-defined]
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


@roles_required(REVIEWER_ROLES)
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    user = request.user
    cases = cases_granted_to(user).for_list().sorted_by("target")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/my_reviews.jinja",
        {"title": "My reviews", "page": page, "query": "", "due_soon_days": DUE_SOON_DAYS},
    )
