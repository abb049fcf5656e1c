"""Reads of meetings and actions: chainable, scoped by the user's ICB and object grants."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from leder.roles import Role

# Roles that see every meeting of their ICB. Others see the meetings they were invited to
# (the ``view_meeting`` object grant).
MEETING_ICB_ROLES = (Role.LAC,)
# Roles that see every action of their ICB. Anyone sees the actions they own.
ACTION_ICB_ROLES = (Role.LAC, Role.GOVERNANCE_MEMBER)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from governance.models import MeetingUserObjectPermission

        condition = Q(pk__in=[])
        if user.icb_id is not None and user.has_role(*MEETING_ICB_ROLES):
            condition |= Q(icb_id=user.icb_id)
        granted = MeetingUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename="view_meeting"
        ).values("content_object_id")
        condition |= Q(pk__in=granted)
        return self.filter(condition)

    def upcoming(self) -> MeetingQuerySet:
        from governance.models import MeetingStatus

        return self.filter(status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS])

    def past(self) -> MeetingQuerySet:
        from governance.models import MeetingStatus

        return self.filter(status__in=[MeetingStatus.CLOSED, MeetingStatus.CANCELLED])

    def for_list(self) -> MeetingQuerySet:
        from governance.models import AgendaItem, MeetingMember

        def count(model: Any) -> Subquery:
            rows = model.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
            return Subquery(rows.annotate(n=Count("pk")).values("n"))

        return self.select_related("icb", "chair").annotate(
            item_count=Coalesce(count(AgendaItem), 0),
            member_count=Coalesce(count(MeetingMember), 0),
        )


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ActionQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(owner_user_id=user.pk)
        if user.icb_id is not None and user.has_role(*ACTION_ICB_ROLES):
            condition |= Q(icb_id=user.icb_id)
        return self.filter(condition)

    def in_scope(self, icb_id: int | None) -> ActionQuerySet:
        """One ICB's actions, or every ICB's (``None``: the regional view)."""
        return self if icb_id is None else self.filter(icb_id=icb_id)

    def still_open(self) -> ActionQuerySet:
        from governance.models import OPEN_ACTION_STATUSES

        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> ActionQuerySet:
        return self.still_open().filter(due_on__lt=today or timezone.localdate())

    def with_status(self, status: str) -> ActionQuerySet:
        if status == "overdue":
            return self.overdue()
        if status == "still_open":
            return self.still_open()
        return self.filter(status=status) if status else self

    def for_list(self) -> ActionQuerySet:
        return self.select_related("icb", "owner_organisation", "owner_user")


def cases_available_for_agenda(meeting: Any) -> Any:
    """Cases of the meeting's ICB that may go on its agenda now.

    QA panel: awaiting QA, not on another open agenda, not waiting for the Governance
    Group, not approved with amendments still to check. Governance Group: focused reviews
    waiting for its sign-off, not on another open agenda.
    """
    from governance.models import (
        AgendaItem,
        GovernanceSignOff,
        MeetingKind,
        MeetingStatus,
        Outcome,
    )
    from reviews.models import Case

    on_open_agenda = AgendaItem.objects.filter(
        meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS],
        meeting__kind=meeting.kind,
    ).values("case_id")
    pending_governance = GovernanceSignOff.objects.filter(resolved_at__isnull=True)
    if meeting.kind == MeetingKind.GOVERNANCE_GROUP:
        return (
            Case.objects.filter(icb_id=meeting.icb_id)
            .filter(pk__in=pending_governance.values("case_id"))
            .exclude(pk__in=on_open_agenda)
        )
    amendments_to_check = AgendaItem.objects.filter(
        decision__outcome=Outcome.APPROVED_WITH_AMENDMENTS,
        decision__signed_off_at__isnull=False,
        decision__amendment_check__isnull=True,
    ).values("case_id")
    return (
        Case.objects.awaiting_qa()
        .filter(icb_id=meeting.icb_id)
        .exclude(pk__in=on_open_agenda)
        .exclude(pk__in=pending_governance.values("case_id"))
        .exclude(pk__in=amendments_to_check)
    )
