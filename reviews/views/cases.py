"""A case: its page (for the LAC, or a minimal summary for its reviewers), allocation, the
reviewer's answer, linking organisations, and keeping a reviewer after a late conflict.

Every read goes through ``get_case_for_user`` (404 to outsiders) and is access-logged.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from leder.lib.workflow import TransitionNotAllowed
from leder.services.access_log import access_record
from reviews.access import active_allocation, get_case_for_user, manages_case
from reviews.directory import candidates_for
from reviews.forms.allocation import AcceptForm, AllocationForm, DeclineForm, KeepReviewerForm
from reviews.forms.directory import ProviderForm
from reviews.models import Case, CaseStatus
from reviews.services import (
    case_accept,
    case_allocate,
    case_decline_conflict,
    case_provider_add,
    conflict_flags_resolve,
)
from reviews.services.allocation import STALE

ALLOCATABLE = {CaseStatus.AWAITING_ALLOCATION, CaseStatus.ALLOCATED, CaseStatus.IN_PROGRESS}


def case_url(case: Case) -> str:
    return reverse("reviews:case", kwargs={"reference": case.reference})


def _summary_context(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "n": case.notification,
        "providers": list(case.providers.select_related("organisation", "added_by")),
        "back_url": reverse("reviews:dashboard"),
    }


def _review_context(user: Any, case: Case, allocation: Any) -> dict[str, Any]:
    """The review block of the case page: a link to it, holds and the hold actions."""
    from leder.roles import Role
    from reviews.review.state import REVIEW_STATUSES

    holds = list(case.holds.order_by("started_on", "pk"))
    is_reviewer = allocation is not None and allocation.reviewer_id == user.pk
    acts = is_reviewer or (manages_case(user, case) and user.has_role(Role.LAC))
    for hold in holds:
        hold.days = ((hold.ended_on or timezone.localdate()) - hold.started_on).days  # type: ignore[attr-defined]
    return {
        "review_open": case.status in REVIEW_STATUSES,
        "holds": holds,
        "current_hold": next((h for h in holds if h.ended_on is None), None),
        "can_hold": acts and case.status == CaseStatus.IN_PROGRESS,
        "can_resume": acts and case.status == CaseStatus.ON_HOLD,
    }


def _flags(allocation: Any) -> list[Any]:
    if allocation is None:
        return []
    return list(
        allocation.flags.filter(resolved_at__isnull=True).select_related("provider__organisation")
    )


def _render_lac_detail(
    request: HttpRequest,
    case: Case,
    allocation: Any,
    *,
    keep_form: KeepReviewerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    can_allocate = user.has_perm("reviews.add_allocation")
    context = _summary_context(case)
    context.update(
        {
            "title": f"Case {case.reference}",
            "allocation": allocation,
            "can_allocate": can_allocate and case.status in ALLOCATABLE,
            "can_add_provider": user.has_perm("reviews.add_caseprovider"),
            "flags": _flags(allocation),
            "keep_form": (keep_form or KeepReviewerForm()) if can_allocate else None,
            "past_allocations": list(
                case.allocations.filter(ended_at__isnull=False).select_related(
                    "reviewer", "senior_reviewer", "allocated_by", "ended_by"
                )
            ),
            "changes": list(case.status_changes.select_related("by").order_by("at", "pk")),
            **_review_context(user, case, allocation),
        }
    )
    return render(request, "reviews/case_detail.jinja", context, status=status)


def _render_summary(
    request: HttpRequest,
    case: Case,
    allocation: Any,
    *,
    accept_form: AcceptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """What an allocated reviewer or senior reviewer sees (the review forms come later)."""
    user: Any = request.user
    is_reviewer = allocation is not None and allocation.reviewer_id == user.pk
    context = _summary_context(case)
    context.update(
        {
            "title": f"Case {case.reference}",
            "allocation": allocation,
            "back_url": reverse("reviews:my_reviews"),
            "is_reviewer": is_reviewer,
            "can_answer": is_reviewer and case.status == CaseStatus.ALLOCATED,
            "accept_form": accept_form or AcceptForm(),
            **_review_context(user, case, allocation),
        }
    )
    return render(request, "reviews/case_summary.jinja", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    case = get_case_for_user(user, reference)
    access_record(user=user, obj=case)
    allocation = active_allocation(case)
    if manages_case(user, case):
        return _render_lac_detail(request, case, allocation)
    return _render_summary(request, case, allocation)


def _render_allocate(
    request: HttpRequest, case: Case, form: AllocationForm, allocation: Any, status: int = 200
) -> HttpResponse:
    context = _summary_context(case)
    context.update(
        {
            "title": f"Allocate case {case.reference}",
            "form": form,
            "allocation": allocation,
            "back_url": case_url(case),
        }
    )
    return render(request, "reviews/allocate.jinja", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_allocate_view(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    case = get_case_for_user(user, reference)
    if not (manages_case(user, case) and user.has_perm("reviews.add_allocation")):
        raise PermissionDenied
    allocation = active_allocation(case)
    if case.status not in ALLOCATABLE:
        messages.error(
            request, f"This case cannot be allocated: it is {case.get_status_display().lower()}"
        )
        return HttpResponseRedirect(case_url(case))
    candidates = candidates_for(case)
    if request.method == "GET":
        access_record(user=user, obj=case, detail="Allocation page")
        initial = {
            "current_allocation": str(allocation.pk) if allocation else "",
            "review_type": case.review_type,
            "review_type_reason": case.review_type_reason,
        }
        form = AllocationForm(initial=initial, candidates=candidates)
        return _render_allocate(request, case, form, allocation)

    form = AllocationForm(request.POST, candidates=candidates)
    if form.is_valid():
        posted = form.cleaned_data["current_allocation"]
        replacing = allocation if allocation and posted == str(allocation.pk) else None
        if (allocation is not None and replacing is None) or (allocation is None and posted):
            # The page was out of date: somebody allocated (or released) the case since.
            return _stale(request, case, allocation, candidates)
        try:
            case_allocate(
                case=case,
                reviewer=form.chosen("reviewer"),
                senior_reviewer=form.chosen("senior_reviewer"),
                review_type=form.cleaned_data["review_type"],
                review_type_reason=form.cleaned_data["review_type_reason"],
                override_justification=form.cleaned_data["override_justification"],
                replacing=replacing,
                by=user,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                return _stale(request, case, active_allocation(case), candidates)
            form.add_error(None, exc)
        except TransitionNotAllowed:
            messages.error(request, "This case changed while you were allocating it: check it")
            return HttpResponseRedirect(case_url(case))
        else:
            name = form.chosen("reviewer").full_name
            messages.success(request, f"Case {case.reference} allocated to {name}")
            return HttpResponseRedirect(case_url(case))
    return _render_allocate(request, case, form, allocation, status=400)


def _stale(
    request: HttpRequest, case: Case, allocation: Any, candidates: list[Any]
) -> HttpResponse:
    """Show the page again with what the LAC entered, the allocation as it is now, and
    the message; submitting again is a deliberate reallocation."""
    data = request.POST.copy()
    data["current_allocation"] = str(allocation.pk) if allocation else ""
    form = AllocationForm(data, candidates=candidates)
    form.is_valid()
    form.add_error(None, STALE)
    fresh = get_case_for_user(request.user, case.reference)
    return _render_allocate(request, fresh, form, allocation, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def case_accept_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The allocated reviewer accepts, confirming no conflict (the form is on the case
    page; a GET shows the case page)."""
    user: Any = request.user
    case = get_case_for_user(user, reference)
    if request.method == "GET":
        return HttpResponseRedirect(case_url(case))
    allocation = active_allocation(case)
    if allocation is None or allocation.reviewer_id != user.pk:
        raise PermissionDenied
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            case_accept(case=case, by=user)
        except (ValidationError, TransitionNotAllowed):
            messages.error(request, "This review cannot be accepted now: it has changed")
        else:
            messages.success(request, "Review accepted. It is now in progress")
        return HttpResponseRedirect(case_url(case))
    access_record(user=user, obj=case, detail="Accept with errors")
    return _render_summary(request, case, allocation, accept_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_decline_view(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    case = get_case_for_user(user, reference)
    allocation = active_allocation(case)
    if allocation is None or allocation.reviewer_id != user.pk:
        raise PermissionDenied
    if case.status != CaseStatus.ALLOCATED:
        return HttpResponseRedirect(case_url(case))
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_decline_conflict(case=case, by=user, reason=form.cleaned_data["reason"])
        except (ValidationError, TransitionNotAllowed):
            messages.error(request, "This review has changed: check it")
            return HttpResponseRedirect(case_url(case))
        messages.success(
            request,
            f"Conflict of interest recorded. Case {case.reference} has gone back to the LAC",
        )
        return HttpResponseRedirect(reverse("reviews:my_reviews"))
    if request.method == "GET":
        access_record(user=user, obj=case, detail="Declare a conflict page")
    return render(
        request,
        "reviews/decline.jinja",
        {
            "title": "Tell us about a conflict of interest",
            "case": case,
            "form": form,
            "back_url": case_url(case),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_provider_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    case = get_case_for_user(user, reference)
    if not (manages_case(user, case) and user.has_perm("reviews.add_caseprovider")):
        raise PermissionDenied
    form = ProviderForm(request.POST if request.method == "POST" else None, icb_id=case.icb_id)
    if request.method == "POST" and form.is_valid():
        try:
            _, flag = case_provider_add(
                case=case,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if flag is not None:
                messages.warning(
                    request,
                    "Organisation linked. The allocated reviewer now has a conflict of "
                    "interest with this case: reallocate it, or record why they should keep it",
                )
            else:
                messages.success(request, "Organisation linked to the case")
            return HttpResponseRedirect(case_url(case))
    if request.method == "GET":
        access_record(user=user, obj=case, detail="Link an organisation page")
    return render(
        request,
        "reviews/provider_add.jinja",
        {
            "title": "Link an organisation involved in care",
            "case": case,
            "form": form,
            "back_url": case_url(case),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def conflict_keep_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The LAC keeps the reviewer despite conflicts found after allocation, saying why."""
    user: Any = request.user
    case = get_case_for_user(user, reference)
    if not (manages_case(user, case) and user.has_perm("reviews.add_allocation")):
        raise PermissionDenied
    allocation = active_allocation(case)
    if allocation is None or not _flags(allocation):
        messages.error(request, "This conflict has already been dealt with")
        return HttpResponseRedirect(case_url(case))
    form = KeepReviewerForm(request.POST)
    if form.is_valid():
        try:
            conflict_flags_resolve(
                allocation=allocation, justification=form.cleaned_data["justification"], by=user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your reasons for keeping the reviewer are recorded")
        return HttpResponseRedirect(case_url(case))
    access_record(user=user, obj=case, detail="Keep reviewer with errors")
    return _render_lac_detail(request, case, allocation, keep_form=form, status=400)
