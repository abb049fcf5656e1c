"""Who may see and act on meetings, actions, KPIs and reports: the accessors and checks.

Views get a meeting only through :func:`get_meeting_for_user` (404 for anyone outside its
ICB who was not invited), an agenda item only through :func:`get_item_for_user`, and an
action only through :func:`get_action_for_user`. Reports and KPIs are scoped by
:func:`report_scope_icbs`.

- The LAC sees and manages every meeting of their ICB and sees full review reports.
- Invited members (QA panel members, governance members) see their meeting and the
  *redacted* reports on its agenda; the chair (``chair_meeting`` grant) sees full reports.
- Actions: the LAC and governance members of the ICB; an action's owner sees it too.
- KPIs and reports: the LAC and governance members for their ICB; the regional coordinator
  for every ICB, read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from governance.models import Action, AgendaItem, Meeting, MeetingMember
from governance.querysets import ActionQuerySet, MeetingQuerySet
from leder.models import Organisation
from leder.roles import Role

MEETING_ROLES = frozenset({Role.LAC, Role.QA_PANEL_MEMBER, Role.GOVERNANCE_MEMBER})
ACTION_ROLES = frozenset({Role.LAC, Role.GOVERNANCE_MEMBER})
REPORT_ROLES = frozenset({Role.LAC, Role.GOVERNANCE_MEMBER, Role.REGIONAL_COORDINATOR})


def meetings_for_user(user: Any) -> MeetingQuerySet:
    return Meeting.objects.visible_to(user)


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    found = meetings_for_user(user).select_related("icb", "chair").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_item_for_user(user: Any, meeting: Meeting, item_pk: int) -> AgendaItem:
    """An item of ``meeting`` (already got through :func:`get_meeting_for_user`)."""
    found = (
        AgendaItem.objects.filter(meeting=meeting, pk=item_pk)
        .select_related("case", "version", "meeting")
        .first()
    )
    if found is None:
        raise Http404
    return found


def manages_meeting(user: Any, meeting: Meeting) -> bool:
    """The LAC of the meeting's ICB."""
    return bool(user.has_role(Role.LAC) and user.icb_id == meeting.icb_id)


def chairs_meeting(user: Any, meeting: Meeting) -> bool:
    return bool(user.has_perm("governance.chair_meeting", meeting))


def sees_full_reports(user: Any, meeting: Meeting) -> bool:
    """Full (unredacted) review reports: the chair and the LAC only."""
    return manages_meeting(user, meeting) or chairs_meeting(user, meeting)


def member_for(user: Any, meeting: Meeting) -> MeetingMember | None:
    return (
        MeetingMember.objects.filter(meeting=meeting, user_id=user.pk)
        .select_related("organisation")
        .first()
    )


def actions_for_user(user: Any) -> ActionQuerySet:
    return Action.objects.visible_to(user)


def get_action_for_user(user: Any, pk: int) -> Action:
    found = (
        actions_for_user(user)
        .select_related(
            "icb", "owner_organisation", "owner_user", "decision__item__meeting", "meeting"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def report_scope_icbs(user: Any) -> QuerySet[Organisation]:
    """The ICBs whose KPIs and reports ``user`` may read."""
    if user.has_role(Role.REGIONAL_COORDINATOR):
        return Organisation.objects.icbs().active()
    if user.has_role(Role.LAC, Role.GOVERNANCE_MEMBER) and user.icb_id is not None:
        return Organisation.objects.filter(pk=user.icb_id)
    return Organisation.objects.none()


def is_regional(user: Any) -> bool:
    return bool(user.has_role(Role.REGIONAL_COORDINATOR))
