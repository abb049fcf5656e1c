"""The rows of the review's timelines: key episodes of care and multi-agency meetings
(add, change, delete with a confirmation). The allocated reviewer only, while the review
is open; each change carries the row's revision so two tabs cannot overwrite each other."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from leder.services.access_log import access_record
from reviews.access import ReviewAccess
from reviews.forms.sections import EpisodeForm, MeetingForm
from reviews.services import (
    key_episode_add,
    key_episode_delete,
    key_episode_update,
    multi_agency_meeting_add,
    multi_agency_meeting_delete,
    multi_agency_meeting_update,
)
from reviews.services.review import STALE_ROW
from reviews.views.review import refused, review_url, review_view

KINDS: dict[str, dict[str, Any]] = {
    "episodes": {
        "section": "key-episodes",
        "form": EpisodeForm,
        "noun": "key episode",
        "related": "episodes",
        "fields": [
            "occurred_on",
            "setting",
            "organisation",
            "what_happened",
            "good_practice",
            "concerns",
        ],
    },
    "meetings": {
        "section": "multi-agency-meetings",
        "form": MeetingForm,
        "noun": "meeting",
        "related": "meetings",
        "fields": ["held_on", "attendees", "minutes_summary"],
    },
}


def _editor(access: ReviewAccess, kind: str) -> None:
    if kind not in KINDS:
        raise Http404
    if not access.is_reviewer:
        raise PermissionDenied
    if kind == "meetings" and access.case.review_type != "focused":
        raise Http404


def _form(kind: str, access: ReviewAccess, *args: Any, **kwargs: Any) -> forms.Form:
    if kind == "episodes":
        kwargs["date_of_death"] = access.case.notification.date_of_death
    return KINDS[kind]["form"](*args, **kwargs)  # type: ignore[operator]


def _section_url(access: ReviewAccess, kind: str) -> str:
    return review_url(access.case, "review_section", key=KINDS[kind]["section"])


def _render(
    request: HttpRequest, access: ReviewAccess, kind: str, form: Any, *, row: Any, status: int = 200
) -> HttpResponse:
    noun = KINDS[kind]["noun"]
    return render(
        request,
        f"reviews/review/{'episode' if kind == 'episodes' else 'meeting'}_form.jinja",
        {
            "title": f"{'Change the' if row else 'Add a'} {noun}",
            "case": access.case,
            "form": form,
            "row": row,
            "back_url": _section_url(access, kind),
        },
        status=status,
    )


def _row(access: ReviewAccess, kind: str, pk: int) -> Any:
    row = getattr(access.case, KINDS[kind]["related"]).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _values(kind: str, form: forms.Form) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in KINDS[kind]["fields"]}  # type: ignore[attr-defined]


@review_view(["GET", "POST"])
def row_add(request: HttpRequest, access: ReviewAccess, kind: str) -> HttpResponse:
    user: Any = request.user
    _editor(access, kind)
    if request.method == "GET":
        if not access.can_edit:
            return refused(request, access, ValidationError("This review cannot be changed now"))
        access_record(user=user, obj=access.case, detail=f"Add {kind[:-1]} page")
        return _render(request, access, kind, _form(kind, access), row=None)
    form = _form(kind, access, request.POST)
    if not form.is_valid():
        return _render(request, access, kind, form, row=None, status=400)
    add = key_episode_add if kind == "episodes" else multi_agency_meeting_add
    try:
        add(case=access.case, by=user, **_values(kind, form))  # type: ignore[operator]
    except ValidationError as exc:
        return refused(request, access, exc)
    messages.success(request, f"{KINDS[kind]['noun'].capitalize()} added")
    return HttpResponseRedirect(_section_url(access, kind))


@review_view(["GET", "POST"])
def row_edit(request: HttpRequest, access: ReviewAccess, kind: str, pk: int) -> HttpResponse:
    user: Any = request.user
    _editor(access, kind)
    row = _row(access, kind, pk)
    if request.method == "GET":
        if not access.can_edit:
            return refused(request, access, ValidationError("This review cannot be changed now"))
        access_record(user=user, obj=access.case, detail=f"Change {kind[:-1]} page")
        initial = {name: getattr(row, name) for name in KINDS[kind]["fields"]}  # type: ignore[attr-defined]
        initial["revision"] = row.revision
        return _render(request, access, kind, _form(kind, access, initial=initial), row=row)
    form = _form(kind, access, request.POST)
    if not form.is_valid():
        return _render(request, access, kind, form, row=row, status=400)
    update = key_episode_update if kind == "episodes" else multi_agency_meeting_update
    target = {"episode": row} if kind == "episodes" else {"meeting": row}
    try:
        update(  # type: ignore[operator]
            **target,
            revision=form.cleaned_data.get("revision"),
            by=user,
            **_values(kind, form),
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            row.refresh_from_db()
            data = request.POST.copy()
            data["revision"] = str(row.revision)
            form = _form(kind, access, data)
            form.is_valid()
            form.add_error(None, STALE_ROW)
            return _render(request, access, kind, form, row=row, status=409)
        return refused(request, access, exc)
    messages.success(request, f"{KINDS[kind]['noun'].capitalize()} changed")
    return HttpResponseRedirect(_section_url(access, kind))


@review_view(["GET", "POST"])
def row_delete(request: HttpRequest, access: ReviewAccess, kind: str, pk: int) -> HttpResponse:
    user: Any = request.user
    _editor(access, kind)
    row = _row(access, kind, pk)
    if request.method == "POST":
        delete = key_episode_delete if kind == "episodes" else multi_agency_meeting_delete
        target = {"episode": row} if kind == "episodes" else {"meeting": row}
        try:
            delete(**target, by=user)  # type: ignore[operator]
        except ValidationError as exc:
            return refused(request, access, exc)
        messages.success(request, f"{KINDS[kind]['noun'].capitalize()} deleted")
        return HttpResponseRedirect(_section_url(access, kind))
    if not access.can_edit:
        return refused(request, access, ValidationError("This review cannot be changed now"))
    access_record(user=user, obj=access.case, detail=f"Delete {kind[:-1]} page")
    return render(
        request,
        "reviews/review/confirm_delete.jinja",
        {
            "title": f"Are you sure you want to delete this {KINDS[kind]['noun']}?",
            "case": access.case,
            "row": row,
            "kind": kind,
            "back_url": _section_url(access, kind),
        },
    )
