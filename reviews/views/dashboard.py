"""The LAC's dashboard (queues, counts, the case list) and the reviewer's "My reviews".

Every read goes through ``cases_for_user`` (as ``icb_cases``/``icb_grantee`` and
``cases_granted_to``); counts and the page of cases together cost a fixed number of
queries however many cases the ICB has. The dashboard's statements are compiled once per
process for each scope, day and set of filters (``leder.lib.prepared``): building and
compiling them took most of the page's time.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from leder.auth.decorators import roles_required
from leder.lib import prepared
from leder.lib.search import private_search
from notifications.access import notification_scope, notifications_in_scope
from notifications.models import NotificationQuerySet
from reviews.access import (
    REVIEWER_ROLES,
    cases_granted_to,
    icb_cases,
    icb_grantee,
    permission_required,
)
from reviews.directory import reviewers_in_icb
from reviews.forms.dashboard import QUEUE_LABELS, DashboardFilterForm
from reviews.querysets import DUE_SOON_DAYS, CaseQuerySet

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


# The dashboard's statements, built from plain values and kept compiled per process
# (leder.lib.prepared, ADR 0015): the scope (ICB, and whose grants narrow it) and today.


def queue_counts_query(
    icb_id: int, grantee_id: int | None, today: datetime.date
) -> tuple[CaseQuerySet, dict[str, Count]]:
    cases = icb_cases(icb_id, grantee_id)
    return cases.order_by(), cases.queue_count_expressions(today)


def to_screen_query(icb_id: int | None, unrouted: bool) -> NotificationQuerySet:
    return notifications_in_scope(icb_id, unrouted).to_screen()


def reviewer_choices_query(icb_id: int) -> QuerySet[Any]:
    return reviewers_in_icb(icb_id).values_list("pk", "full_name")


def cases_query(
    icb_id: int,
    grantee_id: int | None,
    today: datetime.date,
    queue: str,
    review_type: str,
    reviewer: int | None,
    sort: str,
    *found: Any,
) -> CaseQuerySet:
    """The dashboard's list: one queue of the scope's cases, filtered and sorted; with
    ``found``, narrowed to the cases a typed search found (their ids bound at each call,
    ``prepared.Bound``)."""
    listed = icb_cases(icb_id, grantee_id).for_list(today).in_queue(queue, today)
    if review_type == "none":
        listed = listed.filter(review_type="")
    elif review_type:
        listed = listed.filter(review_type=review_type)
    for ids in found:
        # A constant statement; the ids go as its one parameter.
        listed = listed.filter(pk__in=RawSQL(FOUND_IDS, (ids,)))  # noqa: S611
    return listed.with_reviewer(reviewer).sorted_by(sort)


FOUND_IDS = "SELECT unnest(%s::bigint[])"


def cases_page_query(
    icb_id: int,
    grantee_id: int | None,
    today: datetime.date,
    queue: str,
    review_type: str,
    reviewer: int | None,
    sort: str,
    offset: int,
    limit: int,
    *found: Any,
) -> CaseQuerySet:
    """A page of :func:`cases_query`: its arguments, the first row and the count, then
    any ids found."""
    listed = cases_query(icb_id, grantee_id, today, queue, review_type, reviewer, sort, *found)
    return listed[offset : offset + limit]


@permission_required("reviews.view_case")
@private_search
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb_id = getattr(user, "icb_id", None)
    if icb_id is None:
        raise PermissionDenied
    today = timezone.localdate()
    grantee = icb_grantee(user, icb_id)
    reviewers = prepared.objects(reviewer_choices_query, icb_id)
    filters = DashboardFilterForm(request.GET or None, reviewers=reviewers)
    counts = prepared.aggregate(queue_counts_query, icb_id, grantee, today)
    to_screen = prepared.count(to_screen_query, *notification_scope(user))

    queue = filters.value("queue", "open")
    review_type = filters.value("review_type")
    reviewer = filters.value("reviewer", None)
    query = (filters.value("q") or "").strip()
    list_args = (
        icb_id,
        grantee,
        today,
        queue,
        review_type,
        reviewer,
        filters.value("sort", "target"),
    )
    found: list[int] = []
    bind: tuple[Any, ...] = ()
    if query:
        # A typed search finds its cases with a statement compiled each time (its text is
        # not kept beyond the request); the list and its count take the ids found as a
        # bound value.
        found = list(
            icb_cases(icb_id, grantee)
            .in_queue_statuses(queue)
            .search(query)
            .order_by()
            .values_list("pk", flat=True)
        )
        bind = (found,)
    if query and not found:
        total = 0
    elif not query and queue in counts and not (review_type or reviewer):
        # A whole queue: its size is already counted (the same condition), so the page
        # does not count it again.
        total = counts[queue]
    else:
        total = prepared.count(cases_query, *list_args, bind=bind)
    # Paged by the count alone; the page's cases are then read by their own statement.
    page = Paginator(range(total), PAGE_SIZE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    page.object_list = (
        prepared.objects(cases_page_query, *list_args, offset, PAGE_SIZE, bind=bind)
        if total
        else []
    )
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
