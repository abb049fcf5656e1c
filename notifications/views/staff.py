"""Staff screens: the list of notifications, a notification, and the screening decision,
opt-out and routing forms. Every read goes through ``visible_to`` or the accessor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leder.auth.decorators import roles_required
from leder.lib.search import private_search
from leder.lib.workflow import TransitionNotAllowed
from leder.services.access_log import access_record
from notifications.access import (
    SCREENING_ROLES,
    VIEWING_ROLES,
    can_route,
    can_screen,
    get_notification_for_user,
    notifications_for_user,
)
from notifications.forms.staff import DecisionForm, ListFilterForm, OptOutForm, RouteForm
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_decide, notification_opt_out, notification_route

PAGE_SIZE = 50


@roles_required(VIEWING_ROLES)
@private_search
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    filters = ListFilterForm(request.GET)
    notifications = notifications_for_user(request.user).for_list()
    if filters.is_valid():
        notifications = notifications.with_status(filters.cleaned_data["status"]).search(
            filters.cleaned_data["q"]
        )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/staff/list.jinja",
        {
            "title": "Notifications",
            "filters": filters,
            "page": page,
            "query": request.search_query,  # type: ignore[attr-defined]
        },
    )


def _detail_url(notification: Notification) -> str:
    return reverse("notifications:detail", kwargs={"reference": notification.reference})


def _candidates(request: HttpRequest, notification: Notification) -> list[Notification]:
    return list(notifications_for_user(request.user).duplicate_candidates(notification)[:20])


def _render_detail(
    request: HttpRequest,
    notification: Notification,
    *,
    decision_form: DecisionForm | None = None,
    route_form: RouteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if decision_form is None and can_screen(user, notification):
        decision_form = DecisionForm(
            notification=notification, candidates=_candidates(request, notification)
        )
    if route_form is None and can_route(user, notification):
        route_form = RouteForm()
    case = getattr(notification, "case", None)  # None when no case has been opened
    context: dict[str, Any] = {
        "title": f"Notification {notification.reference}",
        "n": notification,
        "case": case,
        "changes": notification.status_changes.select_related("by").order_by("at", "pk"),
        "duplicates": notification.duplicates.order_by("received_at", "pk"),
        "decision_form": decision_form if decision_form and decision_form.has_choices else None,
        "route_form": route_form,
        "can_opt_out": can_screen(user, notification)
        and notification.status != NotificationStatus.OPTED_OUT,
        "back_url": reverse("notifications:list"),
    }
    return render(request, "notifications/staff/detail.jinja", context, status=status)


@roles_required(VIEWING_ROLES)
@require_GET
def notification_detail(request: HttpRequest, reference: str) -> HttpResponse:
    notification = get_notification_for_user(request.user, reference)
    access_record(user=request.user, obj=notification)  # type: ignore[arg-type]
    return _render_detail(request, notification)


@roles_required(SCREENING_ROLES)
@require_POST
def notification_decision(request: HttpRequest, reference: str) -> HttpResponse:
    notification = get_notification_for_user(request.user, reference)
    if not can_screen(request.user, notification):
        raise PermissionDenied
    form = DecisionForm(
        request.POST, notification=notification, candidates=_candidates(request, notification)
    )
    if form.is_valid():
        try:
            notification_decide(
                notification=notification,
                to=form.cleaned_data["decision"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                duplicate_of=form.cleaned_data.get("duplicate_of_notification"),
            )
        except TransitionNotAllowed:
            messages.error(
                request, "Someone else changed this notification: check it and try again"
            )
            return HttpResponseRedirect(_detail_url(notification))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Screening decision recorded")
            return HttpResponseRedirect(_detail_url(notification))
    return _render_detail(request, notification, decision_form=form, status=400)


@roles_required(SCREENING_ROLES)
@require_http_methods(["GET", "POST"])
def notification_opt_out_view(request: HttpRequest, reference: str) -> HttpResponse:
    notification = get_notification_for_user(request.user, reference)
    if not can_screen(request.user, notification):
        raise PermissionDenied
    if notification.status == NotificationStatus.OPTED_OUT:
        return HttpResponseRedirect(_detail_url(notification))
    form = OptOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            notification_opt_out(notification=notification, by=request.user)
        except TransitionNotAllowed:
            messages.error(
                request, "This case cannot be stopped now: contact the national LeDeR team"
            )
        else:
            messages.success(request, "National Data Opt-Out recorded. The review has stopped")
        return HttpResponseRedirect(_detail_url(notification))
    if request.method == "GET":
        access_record(user=request.user, obj=notification, detail="Opt-out confirmation page")  # type: ignore[arg-type]
    return render(
        request,
        "notifications/staff/opt_out.jinja",
        {
            "title": "Record a National Data Opt-Out",
            "n": notification,
            "form": form,
            "back_url": _detail_url(notification),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@roles_required(VIEWING_ROLES)
@require_POST
def notification_route_view(request: HttpRequest, reference: str) -> HttpResponse:
    notification = get_notification_for_user(request.user, reference)
    if not can_route(request.user, notification):
        raise PermissionDenied
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            notification_route(
                notification=notification, icb=form.cleaned_data["icb"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("icb", " ".join(exc.messages))
        else:
            messages.success(request, f"Notification routed to {form.cleaned_data['icb'].name}")
            return HttpResponseRedirect(reverse("notifications:list"))
    return _render_detail(request, notification, route_form=form, status=400)
