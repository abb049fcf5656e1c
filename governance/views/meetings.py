"""Meetings: the list, scheduling, the meeting page, members, attendance, start and close.

Every meeting is read through ``get_meeting_for_user`` (404 to anyone outside its ICB who
was not invited). Managing (schedule, invite, agenda) is the LAC's; starting is the
chair's or the LAC's; closing (which locks the minutes) is the chair's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import (
    MEETING_ROLES,
    chairs_meeting,
    conflicts_of,
    get_meeting_for_user,
    get_member_for_meeting,
    manages_meeting,
    meeting_items,
    meeting_pack,
    meetings_for_user,
    member_for,
    sees_full_reports,
)
from governance.forms.meetings import AttendanceForm, InviteForm, MeetingForm, NewMeetingForm
from governance.models import (
    MeetingKind,
    MeetingStatus,
)
from governance.querysets import cases_available_for_agenda
from governance.services.meetings import (
    meeting_attendance_record,
    meeting_member_invite,
    meeting_member_remove,
    meeting_schedule,
    meeting_transition,
    meeting_update,
)
from governance.views.common import (
    back_to_meeting,
    flash_error,
    meeting_url,
    organisations_of,
    people_for,
    service_errors,
)
from leder.auth.decorators import roles_required
from leder.lib.workflow import TransitionNotAllowed
from leder.models import Organisation, User
from leder.roles import Role

ALIASES = {"scheduled_for": "date", "user": "user"}


@roles_required(MEETING_ROLES)
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    meetings = meetings_for_user(user).for_list()
    return render(
        request,
        "governance/meetings/list.jinja",
        {
            "title": "Panel meetings",
            "upcoming": list(meetings.upcoming().order_by("scheduled_for", "pk")),
            "past": list(meetings.past()[:24]),
            "can_schedule": user.has_role(Role.LAC) and user.icb_id is not None,
        },
    )


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or MeetingKind.QA_PANEL
    return kind if kind in MeetingKind.values else MeetingKind.QA_PANEL


@roles_required(frozenset({Role.LAC}))
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.icb_id is None:
        raise PermissionDenied
    kind = _kind(request)
    people = people_for(kind, user.icb_id)
    organisations = organisations_of(user.icb_id)
    form = NewMeetingForm(
        request.POST if request.method == "POST" else None,
        people=people,
        organisations=organisations,
        initial={"chair": str(user.pk) if kind == MeetingKind.QA_PANEL else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_schedule(
                icb=user.icb,
                kind=kind,
                scheduled_for=data["scheduled_for"],
                chair=User.objects.get(pk=data["chair"]),
                chair_organisation=Organisation.objects.get(pk=data["chair_organisation"]),
                chair_role=data["chair_role"],
                location=data["location"],
                online_link=data["online_link"],
                by=user,
            )
        except ValidationError as error:
            service_errors(form, error, {**ALIASES, "organisation": "chair_organisation"})
        else:
            messages.success(request, f"{meeting} scheduled. Now invite members and add the agenda")
            return back_to_meeting(meeting)
    return render(
        request,
        "governance/meetings/form.jinja",
        {
            "title": f"Schedule a meeting of the {MeetingKind(kind).label}",
            "form": form,
            "kind": kind,
            "action": reverse("governance:meeting_new"),
            "back_url": reverse("governance:meetings"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@roles_required(MEETING_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if not manages_meeting(user, meeting):
        raise PermissionDenied
    if meeting.status != MeetingStatus.SCHEDULED:
        messages.error(request, "Only a scheduled meeting can be changed")
        return back_to_meeting(meeting)
    members = list(
        meeting.members.select_related("user")
        .order_by("user__full_name")
        .values_list("user_id", "user__full_name")
    )
    local = timezone.localtime(meeting.scheduled_for)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        people=members,
        initial={
            "date": local.date(),
            "time": local.strftime("%H:%M"),
            "location": meeting.location,
            "online_link": meeting.online_link,
            "chair": str(meeting.chair_id),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting_update(
                meeting=meeting,
                scheduled_for=data["scheduled_for"],
                location=data["location"],
                online_link=data["online_link"],
                chair=User.objects.get(pk=data["chair"]),
                by=user,
            )
        except ValidationError as error:
            service_errors(form, error, ALIASES)
        else:
            messages.success(request, "Meeting details saved")
            return back_to_meeting(meeting)
    return render(
        request,
        "governance/meetings/form.jinja",
        {
            "title": "Change the meeting details",
            "form": form,
            "kind": meeting.kind,
            "meeting": meeting,
            "action": reverse("governance:meeting_edit", kwargs={"pk": meeting.pk}),
            "back_url": meeting_url(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def meeting_context(request: HttpRequest, meeting: Any) -> dict[str, Any]:
    """Everything the meeting page shows, in a fixed number of queries."""
    user: Any = request.user
    me = member_for(user, meeting)
    manages = manages_meeting(user, meeting)
    members = list(
        meeting.members.select_related("user", "organisation").order_by("user__full_name")
    )
    my_conflicts = conflicts_of(me)
    items = list(
        meeting_items(meeting)
        .select_related("case", "version", "decision")
        .annotate(
            conflict_count=Count("conflicts", distinct=True),
            signature_count=Count("decision__signatures", distinct=True),
        )
        .prefetch_related(Prefetch("conflicts", queryset=my_conflicts, to_attr="mine"))
        .order_by("position")
    )
    available = []
    if manages and meeting.status == MeetingStatus.SCHEDULED:
        available = list(
            cases_available_for_agenda(meeting)
            .select_related("notification")
            .annotate(version_count=Count("versions"))
            .order_by("opened_at", "pk")[:100]
        )
    pack = meeting_pack(meeting)
    return {
        "title": str(meeting),
        "meeting": meeting,
        "me": me,
        "manages": manages,
        "chairs": chairs_meeting(user, meeting),
        "full_reports": sees_full_reports(user, meeting),
        "members": members,
        "present_count": sum(1 for m in members if m.present),
        "items": items,
        "available": available,
        "pack": pack,
        "back_url": reverse("governance:meetings"),
    }


@roles_required(MEETING_ROLES)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    return render(request, "governance/meetings/detail.jinja", meeting_context(request, meeting))


@roles_required(MEETING_ROLES)
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if not manages_meeting(user, meeting):
        raise PermissionDenied
    if meeting.status != MeetingStatus.SCHEDULED:
        messages.error(request, "Members can be invited only before the meeting")
        return back_to_meeting(meeting)
    already = set(meeting.members.values_list("user_id", flat=True))
    people = [
        (pk_, name) for pk_, name in people_for(meeting.kind, meeting.icb_id) if pk_ not in already
    ]
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        people=people,
        organisations=organisations_of(meeting.icb_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = meeting_member_invite(
                meeting=meeting,
                user=User.objects.get(pk=data["user"]),
                organisation=Organisation.objects.get(pk=data["organisation"]),
                role=data["role"],
                by=user,
            )
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, f"{member.user.full_name} invited")
            return back_to_meeting(meeting, "members")
    return render(
        request,
        "governance/meetings/invite.jinja",
        {
            "title": "Invite a member",
            "meeting": meeting,
            "form": form,
            "back_url": meeting_url(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@roles_required(MEETING_ROLES)
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if not manages_meeting(user, meeting):
        raise PermissionDenied
    member = get_member_for_meeting(meeting, member_pk)
    try:
        meeting_member_remove(member=member, by=user)
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, f"{member.user.full_name} is no longer invited")
    return back_to_meeting(meeting, "members")


@roles_required(MEETING_ROLES)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if not (manages_meeting(user, meeting) or chairs_meeting(user, meeting)):
        raise PermissionDenied
    if meeting.status != MeetingStatus.IN_PROGRESS:
        messages.error(request, "Attendance is recorded while the meeting is in progress")
        return back_to_meeting(meeting)
    members = list(
        meeting.members.select_related("user", "organisation").order_by("user__full_name")
    )
    choices = [
        (m.user_id, f"{m.user.full_name}, {m.role} ({m.organisation.name})") for m in members
    ]
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        members=choices,
        initial={"present": [str(m.user_id) for m in members if m.present]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_attendance_record(
                meeting=meeting, present_user_ids=form.cleaned_data["present"], by=user
            )
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, "Attendance recorded")
            return back_to_meeting(meeting, "members")
    return render(
        request,
        "governance/meetings/attendance.jinja",
        {
            "title": "Who is at the meeting?",
            "meeting": meeting,
            "form": form,
            "back_url": meeting_url(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


MOVES = {
    "start": (MeetingStatus.IN_PROGRESS, "Meeting started. Record who is here", "Meeting started"),
    "close": (
        MeetingStatus.CLOSED,
        "Meeting closed. The minutes are locked",
        "Meeting closed: minutes locked",
    ),
    "cancel": (MeetingStatus.CANCELLED, "Meeting cancelled", "Meeting cancelled"),
}


@roles_required(MEETING_ROLES)
@require_POST
def meeting_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    if move not in MOVES:
        raise PermissionDenied
    allowed = {
        "start": manages_meeting(user, meeting) or chairs_meeting(user, meeting),
        "close": chairs_meeting(user, meeting),
        "cancel": manages_meeting(user, meeting),
    }[move]
    if not allowed:
        raise PermissionDenied
    to, done, reason = MOVES[move]
    try:
        meeting_transition(meeting=meeting, to=to, by=user, reason=reason)
    except ValidationError as error:
        flash_error(request, error)
    except TransitionNotAllowed:
        messages.error(
            request,
            f"This meeting is {meeting.get_status_display().lower()}: "
            "it cannot be changed that way",
        )
    else:
        messages.success(request, done)
        if move == "start":
            return HttpResponseRedirect(reverse("governance:attendance", kwargs={"pk": meeting.pk}))
    return back_to_meeting(meeting)
