"""Who may see and act on meetings, actions, KPIs and reports: the accessors and checks.

Views get a meeting only through :func:`get_meeting_for_user` (404 for anyone outside its
ICB who was not invited), an agenda item only through :func:`get_item_for_user`, and an
action only through :func:`get_action_for_user`. Reports and KPIs are scoped by
:func:`report_scope_icbs`. Everything hanging off those (a meeting's members, items, pack
and addenda; an item's decision; an action's evidence; documents) is read through the
accessors below, each filtered by an object already got through one of them: views never
query these models themselves (``tests/security/test_scoped_access.py`` checks).

- The LAC sees and manages every meeting of their ICB and sees full review reports.
- Invited members (QA panel members, governance members) see their meeting and the
  *redacted* reports on its agenda; the chair (``chair_meeting`` grant) sees full reports.
- Actions: the LAC and governance members of the ICB; an action's owner sees it too.
- KPIs and reports: the LAC and governance members for their ICB; the regional coordinator
  for every ICB, read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from governance.models import (
    REPORT_KINDS,
    Action,
    ActionEvidence,
    AgendaItem,
    Decision,
    DocumentKind,
    GeneratedDocument,
    Meeting,
    MeetingMember,
    MinutesAddendum,
    PanelConflict,
)
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


# --- Reads scoped by a meeting, item or action already got through the accessors above ---


def get_member_for_meeting(meeting: Meeting, member_pk: int) -> MeetingMember:
    """A member of ``meeting`` (got through :func:`get_meeting_for_user`); 404 for a member
    of any other meeting."""
    found = (
        MeetingMember.objects.filter(meeting=meeting, pk=member_pk).select_related("user").first()
    )
    if found is None:
        raise Http404
    return found


def meeting_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting=meeting)


def conflicts_of(member: MeetingMember | None) -> QuerySet[PanelConflict]:
    """The conflicts ``member`` declared (none without a membership)."""
    if member is None:
        return PanelConflict.objects.none()
    return PanelConflict.objects.filter(member=member)


def item_conflicts_prefetch() -> Prefetch:
    """Prefetch of each item's conflicts with who declared them (for a meeting's items)."""
    return Prefetch(
        "conflicts",
        queryset=PanelConflict.objects.select_related("member__user", "member__organisation"),
    )


def meeting_pack(meeting: Meeting) -> GeneratedDocument | None:
    """The latest panel pack requested for ``meeting``."""
    return (
        GeneratedDocument.objects.filter(meeting=meeting, kind=DocumentKind.PANEL_PACK)
        .order_by("-requested_at", "-pk")
        .first()
    )


def meeting_addenda(meeting: Meeting) -> QuerySet[MinutesAddendum]:
    return MinutesAddendum.objects.filter(meeting=meeting).select_related("by", "item")


def decision_for_item(item: AgendaItem) -> QuerySet[Decision]:
    """The decision on ``item`` (got through :func:`get_item_for_user`), as a queryset so
    callers add their own ``select_related``; ``.first()`` is None before one is recorded."""
    return Decision.objects.filter(item=item)


def owns_actions(user: Any) -> bool:
    """Whether ``user`` owns any action (owners see the action list without a role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Action.objects.filter(owner_user_id=user.pk).exists()


def get_evidence_for_action(action: Action, evidence_pk: int) -> ActionEvidence:
    """Evidence of ``action`` (got through :func:`get_action_for_user`), else 404."""
    found = ActionEvidence.objects.filter(action=action, pk=evidence_pk).first()
    if found is None:
        raise Http404
    return found


def get_document_for_user(user: Any, pk: int) -> GeneratedDocument:
    """The document if ``user`` may read it, else 404: a panel pack to whoever sees its
    meeting, a report to whoever may read its ICB's reports (national: regional only)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    document = GeneratedDocument.objects.select_related("icb", "meeting").filter(pk=pk).first()
    if document is None:
        raise Http404
    if document.kind == DocumentKind.PANEL_PACK:
        assert document.meeting_id is not None
        get_meeting_for_user(user, document.meeting_id)
        return document
    if document.icb_id is None:
        if not is_regional(user):
            raise Http404
    elif not report_scope_icbs(user).filter(pk=document.icb_id).exists():
        raise Http404
    return document


def report_documents_for_user(user: Any) -> QuerySet[GeneratedDocument]:
    """Report documents ``user`` may read: every ICB's for the regional coordinator, else
    their own ICB's (none without a report role)."""
    documents = GeneratedDocument.objects.filter(kind__in=REPORT_KINDS)
    if is_regional(user):
        return documents
    return documents.filter(icb__in=report_scope_icbs(user))
