"""Meetings: scheduling, members (and their object grants), attendance, starting, closing.

Every service locks the meeting row first, so two people changing one meeting at once are
served one after the other and the second sees what the first did.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import (
    Decision,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingStatus,
    MeetingStatusChange,
)
from governance.workflow import MEETING_TRANSITIONS
from leder.lib.history import history_save
from leder.lib.workflow import transition
from leder.models import Organisation, User
from leder.roles import Role
from leder.services.grants import object_grant, object_revoke

VIEW_PERM = "governance.view_meeting"
CHAIR_PERM = "governance.chair_meeting"

# Who may sit on each kind of meeting (besides the LAC, who may sit on both).
MEMBER_ROLES = {
    MeetingKind.QA_PANEL: (Role.QA_PANEL_MEMBER, Role.LAC),
    MeetingKind.GOVERNANCE_GROUP: (Role.GOVERNANCE_MEMBER, Role.LAC),
}


def lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _require_status(meeting: Meeting, *statuses: str, message: str) -> None:
    if meeting.status not in statuses:
        raise ValidationError(message, code="meeting_status")


def _check_person(user: User, meeting: Meeting, field: str) -> None:
    roles = MEMBER_ROLES[MeetingKind(meeting.kind)]
    if not user.is_active or user.icb_id != meeting.icb_id or not user.has_role(*roles):
        kind = MeetingKind(meeting.kind).label
        raise ValidationError(
            {field: [f"{user.full_name or user.email} cannot sit on the {kind} of this ICB"]}
        )


def _check_organisation(organisation: Organisation, meeting: Meeting) -> None:
    icb = organisation.icb
    if icb is None or icb.pk != meeting.icb_id or not organisation.is_active:
        raise ValidationError({"organisation": ["Select an organisation of this ICB"]})


def _check_when(scheduled_for: datetime.datetime | None) -> None:
    if scheduled_for is None:
        raise ValidationError({"scheduled_for": ["Enter the date of the meeting"]})


@transaction.atomic
def meeting_schedule(
    *,
    icb: Organisation,
    kind: str,
    scheduled_for: datetime.datetime,
    chair: User,
    chair_organisation: Organisation,
    chair_role: str,
    location: str = "",
    online_link: str = "",
    by: User,
) -> Meeting:
    """Schedule a meeting of ``icb``; the chair is its first member (with both grants)."""
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": ["Select the type of meeting"]})
    _check_when(scheduled_for)
    if not (location or "").strip() and not (online_link or "").strip():
        raise ValidationError({"location": ["Enter where the meeting is, or an online link"]})
    meeting = Meeting(
        icb=icb,
        kind=kind,
        scheduled_for=scheduled_for,
        chair=chair,
        location=(location or "").strip(),
        online_link=(online_link or "").strip(),
        created_by=by,
    )
    _check_person(chair, meeting, "chair")
    _check_organisation(chair_organisation, meeting)
    history_save(meeting, by=by, reason="Meeting scheduled")
    MeetingStatusChange.objects.create(
        subject=meeting,
        by=by,
        from_status="",
        to_status=MeetingStatus.SCHEDULED,
        reason="Meeting scheduled",
    )
    _add_member(meeting, chair, chair_organisation, chair_role or "Chair", by)
    object_grant(user=chair, perm=CHAIR_PERM, obj=meeting, by=by)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    scheduled_for: datetime.datetime,
    location: str,
    online_link: str,
    chair: User,
    by: User,
) -> Meeting:
    """Change when and where a scheduled meeting is, or its chair (an invited member)."""
    locked = lock(meeting)
    _require_status(
        locked, MeetingStatus.SCHEDULED, message="Only a scheduled meeting can be changed"
    )
    _check_when(scheduled_for)
    if not (location or "").strip() and not (online_link or "").strip():
        raise ValidationError({"location": ["Enter where the meeting is, or an online link"]})
    if chair.pk != locked.chair_id:
        if not locked.members.filter(user=chair).exists():
            raise ValidationError({"chair": ["Invite the new chair as a member first"]})
        _check_person(chair, locked, "chair")
        object_revoke(user=locked.chair, perm=CHAIR_PERM, obj=locked, by=by)
        object_grant(user=chair, perm=CHAIR_PERM, obj=locked, by=by)
    locked.scheduled_for = scheduled_for
    locked.location = (location or "").strip()
    locked.online_link = (online_link or "").strip()
    locked.chair = chair
    history_save(locked, by=by, reason="Meeting details changed")
    return locked


def _add_member(
    meeting: Meeting, user: User, organisation: Organisation, role: str, by: User
) -> MeetingMember:
    member = MeetingMember(
        meeting=meeting, user=user, organisation=organisation, role=role.strip(), invited_by=by
    )
    history_save(member, by=by, reason="Invited to the meeting")
    object_grant(user=user, perm=VIEW_PERM, obj=meeting, by=by)
    return member


@transaction.atomic
def meeting_member_invite(
    *, meeting: Meeting, user: User, organisation: Organisation, role: str, by: User
) -> MeetingMember:
    """Invite ``user`` (panel or governance member, or the LAC) to a scheduled meeting: they
    can then see the meeting and the redacted reports on its agenda."""
    locked = lock(meeting)
    _require_status(
        locked, MeetingStatus.SCHEDULED, message="Members can be invited only before the meeting"
    )
    _check_person(user, locked, "user")
    _check_organisation(organisation, locked)
    if not (role or "").strip():
        raise ValidationError({"role": ["Enter their role on the panel"]})
    if locked.members.filter(user=user).exists():
        raise ValidationError({"user": [f"{user.full_name} is already a member"]})
    return _add_member(locked, user, organisation, role, by)


@transaction.atomic
def meeting_member_remove(*, member: MeetingMember, by: User) -> None:
    """Withdraw an invitation before the meeting; their access to it goes with it."""
    locked = lock(member.meeting)
    _require_status(
        locked, MeetingStatus.SCHEDULED, message="Members can be removed only before the meeting"
    )
    if member.user_id == locked.chair_id:
        raise ValidationError("Choose another chair before removing this member")
    member._history_user = by  # type: ignore[attr-defined]
    member._change_reason = "Invitation withdrawn"  # type: ignore[attr-defined]
    member.delete()
    object_revoke(user=member.user, perm=VIEW_PERM, obj=locked, by=by)


@transaction.atomic
def meeting_attendance_record(
    *, meeting: Meeting, present_user_ids: Iterable[int], by: User
) -> list[MeetingMember]:
    """Record who is at the meeting (while it is in progress). A member who has signed a
    decision cannot be recorded as absent."""
    locked = lock(meeting)
    _require_status(
        locked,
        MeetingStatus.IN_PROGRESS,
        message="Attendance is recorded while the meeting is in progress",
    )
    present = {int(pk) for pk in present_user_ids}
    from governance.models import DecisionSignature

    signed = set(
        DecisionSignature.objects.filter(decision__item__meeting=locked).values_list(
            "user_id", flat=True
        )
    )
    members = list(locked.members.select_related("user").order_by("pk"))
    leaving = [
        m.user.full_name for m in members if m.user_id in signed and m.user_id not in present
    ]
    if leaving:
        raise ValidationError(
            {"present": [f"{', '.join(leaving)} signed a decision: they were present"]}
        )
    now = timezone.now()
    for member in members:
        wanted = member.user_id in present
        if member.present != wanted or member.attendance_recorded_at is None:
            member.present = wanted
            member.attendance_recorded_at = now
            history_save(
                member,
                by=by,
                reason="Present" if wanted else "Absent",
                update_fields=["present", "attendance_recorded_at"],
            )
    return members


@transaction.atomic
def meeting_transition(*, meeting: Meeting, to: str, by: User, reason: str) -> Meeting:
    """Move a meeting along MEETING_TRANSITIONS (locks the row, records the change).

    Closing locks the minutes; it is refused while a recorded decision still waits for
    its signatures (sign it off or withdraw it first).
    """
    also: dict[str, Any] = {}
    if to == MeetingStatus.IN_PROGRESS:
        also["started_at"] = timezone.now()
    if to == MeetingStatus.CLOSED:
        waiting = Decision.objects.filter(item__meeting=meeting, signed_off_at__isnull=True)
        if waiting.exists():
            raise ValidationError(
                "A decision is waiting for signatures: sign it off or withdraw it before "
                "closing the meeting",
                code="unsigned",
            )
        also["closed_at"] = timezone.now()
    return transition(
        obj=meeting,
        to=to,
        by=by,
        reason=reason,
        table=MEETING_TRANSITIONS,
        change_model=MeetingStatusChange,
        also_set=also,
    )
