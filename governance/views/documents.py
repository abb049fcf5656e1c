"""Documents kept for download (panel packs and reports): progress and download.

A panel pack is read by the members of its meeting (through the meeting's accessor); a
report by those who may read reports of its ICB. Every download is access-logged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from governance.access import get_document_for_user
from governance.models import DocumentState, GeneratedDocument
from leder.models import AccessLog
from leder.services.access_log import access_record


def _back(document: GeneratedDocument) -> str:
    if document.meeting_id:
        return reverse("governance:meeting", kwargs={"pk": document.meeting_id}) + "#pack"
    return reverse("governance:reports")


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk)
    return render(
        request,
        "governance/documents/detail.jinja",
        {
            "title": document.get_kind_display(),
            "document": document,
            "ready": document.state == DocumentState.DONE,
            "status_url": reverse("governance:document_status", kwargs={"pk": document.pk}),
            "back_url": _back(document),
        },
    )


@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk)
    return JsonResponse(
        {
            "state": document.state,
            "label": document.get_state_display(),
            "progress": document.progress,
            "ready": document.state == DocumentState.DONE,
        }
    )


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    user: Any = request.user
    document = get_document_for_user(user, pk)
    if document.state != DocumentState.DONE or not document.file:
        raise Http404
    access_record(
        user=user,
        obj=document.meeting if document.meeting is not None else document,
        action=AccessLog.Action.DOWNLOAD,
        detail=f"{document.get_kind_display()} (document {document.pk})",
    )
    response: HttpResponseBase = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
