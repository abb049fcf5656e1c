"""The agenda: reviews awaiting QA added, removed and reordered (with buttons, no dragging)
before the meeting; conflicts each member declares per item.

A QA panel's agenda takes cases awaiting QA in the meeting's ICB that are not already on
another open agenda and are not waiting for the Governance Group. A Governance Group's
agenda takes the focused reviews waiting for its sign-off.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from governance.models import (
    AgendaItem,
    Decision,
    GovernanceSignOff,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingStatus,
    PanelConflict,
)
from governance.querysets import cases_available_for_agenda
from governance.services.meetings import lock
from leder.lib.history import history_save
from leder.models import User

NOT_SCHEDULED = "The agenda can be changed only before the meeting starts"


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(NOT_SCHEDULED, code="meeting_status")


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, case_id: int, by: User) -> AgendaItem:
    """Add the review of case ``case_id`` at the end of the agenda, with the version under
    review (the latest submitted)."""
    from reviews.models import Case

    locked = lock(meeting)
    _require_scheduled(locked)
    available = cases_available_for_agenda(locked).filter(pk=case_id)
    case = Case.objects.select_for_update().filter(pk__in=available.values("pk")).first()
    if case is None:
        raise ValidationError(
            {"case": ["Select a review that is waiting for this meeting"]}, code="unavailable"
        )
    signoff = None
    if locked.kind == MeetingKind.GOVERNANCE_GROUP:
        signoff = GovernanceSignOff.objects.get(case=case, resolved_at__isnull=True)
    last = locked.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=locked,
        case=case,
        position=last + 1,
        governance_signoff=signoff,
        added_by=by,
        **_version_fields(case, signoff),
    )
    history_save(item, by=by, reason="Added to the agenda")
    return item


def _version_fields(case: Any, signoff: GovernanceSignOff | None) -> dict[str, object]:
    """The review version the meeting considers: the one the QA panel signed off for a
    Governance Group item, else the latest submitted version."""
    from reviews.models import ReviewVersion

    if signoff is not None:
        return {"version": signoff.qa_decision.item.version}
    return {"version": ReviewVersion.objects.filter(case=case).order_by("-number").first()}


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Take a review off the agenda; the items after it move up."""
    locked = lock(item.meeting)
    _require_scheduled(locked)
    position = item.position
    item._history_user = by  # type: ignore[attr-defined]
    item._change_reason = "Removed from the agenda"  # type: ignore[attr-defined]
    item.delete()
    for later in locked.items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        history_save(later, by=by, reason="Agenda reordered", update_fields=["position"])


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str, by: User) -> AgendaItem:
    """Swap the item with the one above (``up``) or below (``down``)."""
    if direction not in {"up", "down"}:
        raise ValidationError("Choose up or down")
    locked = lock(item.meeting)
    _require_scheduled(locked)
    items = list(locked.items.order_by("position"))
    index = next((i for i, it in enumerate(items) if it.pk == item.pk), None)
    if index is None:
        raise ValidationError("That item is not on this agenda")
    other_index = index - 1 if direction == "up" else index + 1
    if other_index < 0 or other_index >= len(items):
        return items[index]
    mine, other = items[index], items[other_index]
    mine.position, other.position = other.position, mine.position
    history_save(mine, by=by, reason="Agenda reordered", update_fields=["position"])
    history_save(other, by=by, reason="Agenda reordered", update_fields=["position"])
    return mine


@transaction.atomic
def panel_conflict_declare(
    *, item: AgendaItem, member: MeetingMember, reason: str, by: User
) -> PanelConflict:
    """``member`` declares a conflict of interest on ``item`` (before a decision on it): they
    will not record or sign the decision, nor count towards its quorum."""
    locked = lock(item.meeting)
    if locked.is_locked:
        raise ValidationError("This meeting is closed", code="meeting_status")
    if member.meeting_id != locked.pk or member.user_id != by.pk:
        raise ValidationError("Only members declare their own conflicts", code="not_member")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Describe your conflict of interest"]})
    if Decision.objects.filter(item=item).exists():
        raise ValidationError("A decision on this item is already recorded", code="decided")
    existing = PanelConflict.objects.filter(item=item, member=member).first()
    if existing is not None:
        existing.reason = reason
        history_save(existing, by=by, reason="Conflict updated", update_fields=["reason"])
        return existing
    conflict = PanelConflict(item=item, member=member, reason=reason)
    history_save(conflict, by=by, reason="Conflict declared")
    return conflict
