"""The minutes of a meeting (locked once the chair closes it), addenda, and the panel pack."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import (
    MEETING_ROLES,
    chairs_meeting,
    get_meeting_for_user,
    item_conflicts_prefetch,
    manages_meeting,
    meeting_addenda,
    meeting_items,
)
from governance.forms.meetings import AddendumForm
from governance.models import (
    DocumentKind,
    MeetingStatus,
)
from governance.services.decisions import minutes_addendum_add
from governance.services.documents import document_request
from governance.views.common import back_to_meeting, flash_error, meeting_url, service_errors
from leder.auth.decorators import roles_required


def _minutes_context(
    request: HttpRequest, meeting: Any, form: AddendumForm | None
) -> dict[str, Any]:
    user: Any = request.user
    items = list(
        meeting_items(meeting)
        .select_related(
            "case", "version", "decision__recorded_by", "decision__amendment_check__checked_by"
        )
        .prefetch_related(
            "decision__themes",
            "decision__signatures",
            "decision__actions__owner_organisation",
            "decision__actions__owner_user",
            item_conflicts_prefetch(),
        )
        .order_by("position")
    )
    can_add = meeting.status == MeetingStatus.CLOSED and (
        manages_meeting(user, meeting) or chairs_meeting(user, meeting)
    )
    return {
        "title": f"Minutes: {meeting}",
        "meeting": meeting,
        "members": list(
            meeting.members.select_related("user", "organisation").order_by("user__full_name")
        ),
        "items": items,
        "addenda": list(meeting_addenda(meeting)),
        "can_add": can_add,
        "form": form
        or AddendumForm(items=[(i.pk, f"Item {i.position}: {i.case.reference}") for i in items]),
        "back_url": meeting_url(meeting),
    }


@roles_required(MEETING_ROLES)
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    return render(
        request, "governance/meetings/minutes.jinja", _minutes_context(request, meeting, None)
    )


@roles_required(MEETING_ROLES)
@require_POST
def addendum_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if not (manages_meeting(user, meeting) or chairs_meeting(user, meeting)):
        raise PermissionDenied
    items = {i.pk: i for i in meeting.items.select_related("case")}
    form = AddendumForm(
        request.POST,
        items=[(i.pk, f"Item {i.position}: {i.case.reference}") for i in items.values()],
    )
    if form.is_valid():
        item = items.get(int(form.cleaned_data["item"])) if form.cleaned_data["item"] else None
        try:
            minutes_addendum_add(
                meeting=meeting, text=form.cleaned_data["text"], item=item, by=user
            )
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, "Addendum added to the minutes")
            return HttpResponseRedirect(
                reverse("governance:minutes", kwargs={"pk": meeting.pk}) + "#addenda"
            )
    return render(
        request,
        "governance/meetings/minutes.jinja",
        _minutes_context(request, meeting, form),
        status=400,
    )


@roles_required(MEETING_ROLES)
@require_http_methods(["POST"])
def pack_request(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if not manages_meeting(user, meeting):
        raise PermissionDenied
    try:
        document = document_request(kind=DocumentKind.PANEL_PACK, meeting=meeting, by=user)
    except ValidationError as error:
        flash_error(request, error)
        return back_to_meeting(meeting, "pack")
    messages.success(request, "The panel pack is being prepared")
    return HttpResponseRedirect(reverse("governance:document", kwargs={"pk": document.pk}))
