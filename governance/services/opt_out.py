"""A National Data Opt-Out reaches governance: the case leaves any agenda not yet decided,
stops waiting for the Governance Group, and the free text staff wrote about it (decision
summaries, comments, amendments, good practice, conflict reasons, addenda about its item)
is replaced, in the rows and their history, as ADR 0005 does for the notification.

Outcomes, dates, signatures (who signed, when) and linked actions stay: they say what the
panel did, not who the person was.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from governance.models import (
    AgendaItem,
    Decision,
    GovernanceSignOff,
    MeetingStatus,
    MinutesAddendum,
    PanelConflict,
)
from leder.lib.history import history_save

REMOVED = "Removed after a National Data Opt-Out"


@transaction.atomic
def governance_case_stop(*, case: Any, by: Any, removed: str = REMOVED) -> None:
    """Also the retention purge's way to remove a case's text from governance
    (``leder.retention``), with its own ``removed`` wording."""
    undecided = AgendaItem.objects.filter(
        case=case,
        meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS],
        decision__isnull=True,
    )
    for item in undecided.select_related("meeting"):
        meeting = item.meeting
        position = item.position
        item._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
        item._change_reason = "Removed: National Data Opt-Out"  # type: ignore[attr-defined]
        item.delete()
        for later in meeting.items.filter(position__gt=position).order_by("position"):
            later.position -= 1
            history_save(later, by=by, reason="Agenda reordered", update_fields=["position"])
    for signoff in GovernanceSignOff.objects.filter(case=case, resolved_at__isnull=True):
        signoff.resolved_at = timezone.now()
        history_save(signoff, by=by, reason="National Data Opt-Out", update_fields=["resolved_at"])

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL leder.allow_minutes_redaction = 'on'")
    items = AgendaItem.objects.filter(case=case).values("pk")
    text = {"discussion_summary": removed, "good_practice": ""}
    for model in (Decision, Decision.history.model):
        rows = model._default_manager.filter(item_id__in=items)
        rows.update(**text)
        rows.exclude(comments="").update(comments=removed)
        rows.exclude(amendments="").update(amendments=removed)
    for model in (PanelConflict, PanelConflict.history.model):
        model._default_manager.filter(item_id__in=items).update(reason=removed)
    MinutesAddendum.objects.filter(item_id__in=items).update(text=removed)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL leder.allow_minutes_redaction = 'off'")
