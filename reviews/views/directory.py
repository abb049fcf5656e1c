"""The reviewer directory of the user's ICB: list, add, details, employment history and
declared conflicts. For the ICB's LAC and administrators; profiles are found only through
``get_profile_for_user`` (404 for another ICB's) and named in URLs by an opaque key.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews.access import get_profile_for_user, permission_required
from reviews.directory import directory_for_icb, reviewers_in_icb
from reviews.forms.directory import (
    AddReviewerForm,
    DeclaredConflictForm,
    EmploymentForm,
    ProfileForm,
)
from reviews.models import ReviewerProfile
from reviews.services import (
    declared_conflict_add,
    declared_conflict_update,
    employment_add,
    employment_update,
    reviewer_profile_create,
    reviewer_profile_update,
)

LIST = "reviews:reviewers"


def _icb_id(request: HttpRequest) -> int:
    icb_id = getattr(request.user, "icb_id", None)
    if icb_id is None:
        raise PermissionDenied
    return icb_id


def _without_profile(icb_id: int) -> list[Any]:
    return [u for u in reviewers_in_icb(icb_id) if getattr(u, "reviewer_profile", None) is None]


def profile_url(profile: ReviewerProfile) -> str:
    return reverse("reviews:reviewer", kwargs={"key": profile.key})


@permission_required("reviews.view_reviewerprofile")
@require_GET
def reviewer_list(request: HttpRequest) -> HttpResponse:
    icb_id = _icb_id(request)
    people = list(directory_for_icb(icb_id))
    listed = [u for u in people if getattr(u, "reviewer_profile", None) is not None]
    missing = [u for u in people if getattr(u, "reviewer_profile", None) is None]
    add_form = (
        AddReviewerForm(users=missing)
        if missing and request.user.has_perm("reviews.add_reviewerprofile")
        else None
    )
    return render(
        request,
        "reviews/directory/list.jinja",
        {
            "title": "Reviewers",
            "people": listed,
            "add_form": add_form,
            "today": timezone.localdate(),
        },
    )


@permission_required("reviews.add_reviewerprofile")
@require_POST
def reviewer_add(request: HttpRequest) -> HttpResponse:
    icb_id = _icb_id(request)
    form = AddReviewerForm(request.POST, users=_without_profile(icb_id))
    if form.is_valid():
        try:
            profile = reviewer_profile_create(
                user=form.users[form.cleaned_data["user"]],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Added to the directory. Record their training date")
            return HttpResponseRedirect(
                reverse("reviews:reviewer_edit", kwargs={"key": profile.key})
            )
    people = list(directory_for_icb(icb_id))
    return render(
        request,
        "reviews/directory/list.jinja",
        {
            "title": "Reviewers",
            "people": [u for u in people if getattr(u, "reviewer_profile", None) is not None],
            "add_form": form,
            "today": timezone.localdate(),
        },
        status=400,
    )


@permission_required("reviews.view_reviewerprofile")
@require_GET
def reviewer_detail(request: HttpRequest, key: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, key)
    person = directory_for_icb(profile.user.icb_id).filter(pk=profile.user_id).first()
    if person is None:  # no longer a reviewer: the profile stays, read-only
        raise Http404
    allocations = list(
        profile.user.allocations.filter(ended_at__isnull=True)
        .select_related("case")
        .order_by("allocated_at")
    )
    return render(
        request,
        "reviews/directory/detail.jinja",
        {
            "title": person.full_name,
            "person": person,
            "profile": person.reviewer_profile,
            "allocations": allocations,
            "all_conflicts": list(profile.declared_conflicts.all()),
            "can_change": request.user.has_perm("reviews.change_reviewerprofile"),
            "today": timezone.localdate(),
            "back_url": reverse(LIST),
        },
    )


def _form_page(
    request: HttpRequest,
    *,
    profile: ReviewerProfile,
    form: Form,
    title: str,
    fields: list[str],
    button: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reviews/directory/form.jinja",
        {
            "title": title,
            "caption": profile.user.full_name,
            "form": form,
            "fields": fields,
            "button_text": button,
            "back_url": profile_url(profile),
        },
        status=status,
    )


@permission_required("reviews.change_reviewerprofile")
@require_http_methods(["GET", "POST"])
def reviewer_edit(request: HttpRequest, key: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, key)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                reviewer_profile_update(profile=profile, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Reviewer details saved")
                return HttpResponseRedirect(profile_url(profile))
    else:
        form = ProfileForm(
            initial={
                "max_caseload": profile.max_caseload,
                "training_completed_on": profile.training_completed_on,
            }
        )
    return _form_page(
        request,
        profile=profile,
        form=form,
        title="Training and caseload",
        fields=["training_completed_on", "max_caseload"],
        button="Save",
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required("reviews.add_employment")
@require_http_methods(["GET", "POST"])
def employment_add_view(request: HttpRequest, key: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, key)
    form = EmploymentForm(
        request.POST if request.method == "POST" else None, icb_id=profile.user.icb_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            employment_add(profile=profile, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Employment recorded")
            return HttpResponseRedirect(profile_url(profile))
    return _form_page(
        request,
        profile=profile,
        form=form,
        title="Add an employer",
        fields=["organisation", "job_title", "started_on", "ended_on"],
        button="Save employer",
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required("reviews.change_employment")
@require_http_methods(["GET", "POST"])
def employment_edit_view(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    profile = get_profile_for_user(request.user, key)
    job = profile.employments.filter(pk=pk).first()
    if job is None:
        raise Http404
    if request.method == "POST":
        form = EmploymentForm(request.POST, icb_id=profile.user.icb_id)
        if form.is_valid():
            try:
                employment_update(employment=job, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Employment updated")
                return HttpResponseRedirect(profile_url(profile))
    else:
        form = EmploymentForm(
            initial={
                "organisation": job.organisation_id,
                "job_title": job.job_title,
                "started_on": job.started_on,
                "ended_on": job.ended_on,
            },
            icb_id=profile.user.icb_id,
        )
    return _form_page(
        request,
        profile=profile,
        form=form,
        title="Change an employer",
        fields=["organisation", "job_title", "started_on", "ended_on"],
        button="Save employer",
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required("reviews.add_declaredconflict")
@require_http_methods(["GET", "POST"])
def conflict_add_view(request: HttpRequest, key: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, key)
    form = DeclaredConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            declared_conflict_add(
                profile=profile,
                description=data["description"],
                names=data["names"],
                nhs_number=data["nhs_number"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Declared conflict recorded")
            return HttpResponseRedirect(profile_url(profile))
    return _form_page(
        request,
        profile=profile,
        form=form,
        title="Record a declared conflict of interest",
        fields=["description", "names", "nhs_number"],
        button="Save conflict",
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required("reviews.change_declaredconflict")
@require_http_methods(["GET", "POST"])
def conflict_edit_view(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    profile = get_profile_for_user(request.user, key)
    conflict = profile.declared_conflicts.filter(pk=pk).first()
    if conflict is None:
        raise Http404
    if request.method == "POST":
        form = DeclaredConflictForm(request.POST)
        if form.is_valid():
            try:
                declared_conflict_update(conflict=conflict, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Declared conflict updated")
                return HttpResponseRedirect(profile_url(profile))
    else:
        form = DeclaredConflictForm(
            initial={
                "description": conflict.description,
                "names": conflict.names,
                "nhs_number": conflict.nhs_number,
                "active": conflict.active,
            }
        )
    return _form_page(
        request,
        profile=profile,
        form=form,
        title="Change a declared conflict of interest",
        fields=["description", "names", "nhs_number", "active"],
        button="Save conflict",
        status=400 if form.is_bound and form.errors else 200,
    )
