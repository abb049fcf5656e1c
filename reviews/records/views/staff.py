"""Staff pages: a case's record requests, asking for records, a request's history,
cancelling, and downloading a file.

Cases come only through ``get_case_for_user`` and requests and files through the records
accessors (404 to anyone who may not see the case). Every page and download is
access-logged.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from leder.models import AccessLog
from leder.services.access_log import access_record
from reviews.access import get_case_for_user
from reviews.models import OPEN_STATUSES as CASE_OPEN_STATUSES
from reviews.records.access import (
    can_request_records,
    get_file_for_user,
    get_request_for_user,
    requests_for_case,
)
from reviews.records.forms import SECURE, CancelForm, RecordRequestForm
from reviews.records.models import RecordRequest
from reviews.records.services import default_period, record_request_cancel, record_request_create


def case_records_url(reference: str) -> str:
    return reverse("records:case", kwargs={"reference": reference})


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def case_records(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    case = get_case_for_user(user, reference)
    access_record(user=user, obj=case, detail="GP record requests")
    summary = requests_for_case(user, case)
    context = {
        "title": f"Records for case {case.reference}",
        "case": case,
        "records": summary,
        "back_url": reverse("reviews:case", kwargs={"reference": case.reference}),
    }
    return render(request, "records/case.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    case = get_case_for_user(user, reference)
    if not can_request_records(user, case):
        raise PermissionDenied
    if case.status not in CASE_OPEN_STATUSES:
        messages.error(request, "Records can only be asked for while the review is open")
        return HttpResponseRedirect(case_records_url(case.reference))
    if request.method == "POST":
        form = RecordRequestForm(request.POST, case=case)
        if form.is_valid():
            assert form.chosen is not None
            try:
                record_request_create(
                    case=case,
                    organisation=form.chosen,
                    recipient_email=form.recipient_email(),
                    period_from=form.cleaned_data["period_from"],
                    period_to=form.cleaned_data["period_to"],
                    by=user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, f"Records requested from {form.chosen.name}")
                return HttpResponseRedirect(case_records_url(case.reference))
    else:
        start, end = default_period(case)
        practice = case.notification.gp_practice
        form = RecordRequestForm(
            case=case,
            initial={
                "organisation": str(practice.pk) if practice and practice.is_active else None,
                "send_to": SECURE,
                "period_from": start,
                "period_to": end,
            },
        )
    context = {
        "title": "Ask for records",
        "case": case,
        "form": form,
        "back_url": case_records_url(case.reference),
    }
    return render(request, "records/new.jinja", context)


@login_required
@require_GET
def request_detail(request: HttpRequest, key: str) -> HttpResponse:
    user: Any = request.user
    record_request = get_request_for_user(user, key)
    case = record_request.case
    access_record(user=user, obj=record_request, detail="GP record request")
    context = {
        "title": f"Records request to {record_request.organisation.name}",
        "case": case,
        "r": record_request,
        "changes": list(record_request.status_changes.select_related("by")),
        "can_cancel": record_request.status in _CANCELLABLE and can_request_records(user, case),
        "back_url": case_records_url(case.reference),
    }
    return render(request, "records/detail.jinja", context)


_CANCELLABLE = {"queued", "sent", "opened", "escalated"}


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request: HttpRequest, key: str) -> HttpResponse:
    user: Any = request.user
    record_request: RecordRequest = get_request_for_user(user, key)
    if not can_request_records(user, record_request.case):
        raise PermissionDenied
    detail_url = reverse("records:request", kwargs={"key": record_request.key})
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_request_cancel(
                request=record_request, by=user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Request cancelled: its link no longer works")
            return HttpResponseRedirect(detail_url)
    context = {
        "title": "Cancel the request",
        "r": record_request,
        "form": form,
        "back_url": detail_url,
    }
    return render(request, "records/cancel.jinja", context)


@login_required
@require_GET
def file_download(request: HttpRequest, key: str) -> HttpResponseBase:
    user: Any = request.user
    record_file = get_file_for_user(user, key)
    access_record(user=user, obj=record_file, action=AccessLog.Action.DOWNLOAD)
    from reviews.records.filetypes import CONTENT_TYPES

    response = FileResponse(
        default_storage.open(record_file.storage_name, "rb"),
        as_attachment=True,
        filename=record_file.original_name,
        content_type=CONTENT_TYPES.get(record_file.file_type, "application/octet-stream"),  # type: ignore[call-overload]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
