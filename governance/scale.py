"""Scale step ``governance``: panel meetings, decisions and actions for the national data.

For every ICB: a monthly QA panel meeting (closed, minutes signed) from its first
completed review to this month, and one scheduled next month. Every completed case gets
an agenda item and an approved, signed-off decision at the meeting of the month it was
completed (and a returned one when it was returned in an earlier month), with one or two
learning themes and three signatures (the chair, two members). About one decision in six
agrees an action; actions due in the past are mostly completed, some cancelled, some
overdue. Members hold their meeting grants; history rows are written in bulk.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from governance.models import (
    Action,
    ActionStatus,
    ActionStatusChange,
    AgendaItem,
    Decision,
    DecisionSignature,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingStatus,
    MeetingStatusChange,
    MeetingUserObjectPermission,
    Outcome,
)
from leder.roles import Role
from leder.scale import ScaleContext, scale_step
from leder.scale.bulk import allocate_ids, copy_rows, history_row
from reviews.models import CaseStatus

ACTION_SHARE = 1 / 6
ACTION_TITLES = (
    "Offer annual health checks to everyone on the learning disability register",
    "Share swallowing plans with the ward at every hospital admission",
    "Train ward staff in reasonable adjustments for autistic people",
    "Review DNACPR decisions for people with a learning disability",
    "Audit health action plans in supported living services",
    "Introduce hospital passports in emergency departments",
)


def _month(day: datetime.datetime) -> datetime.date:
    return datetime.date(day.year, day.month, 1)


def _meeting_time(month: datetime.date) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, 15, 10, 0, tzinfo=datetime.UTC)


def _next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


@scale_step("governance", after=("notifications_and_cases",))
def generate_governance(ctx: ScaleContext) -> dict[str, int]:
    """Monthly QA panel meetings, signed-off decisions with themes, and actions."""
    from reviews.models import LearningTheme

    rng = ctx.rng
    theme_ids = list(LearningTheme.objects.filter(active=True).values_list("pk", flat=True))
    meeting_type = ContentType.objects.get_for_model(Meeting)
    perms = dict(Permission.objects.filter(content_type=meeting_type).values_list("codename", "pk"))
    this_month = _month(ctx.now)

    # Decisions wanted: (icb, month) -> [(case, outcome, at, qa user)]
    wanted: dict[tuple[int, datetime.date], list[tuple[Any, str, datetime.datetime]]] = defaultdict(
        list
    )
    for case in ctx.cases:
        seen: set[datetime.date] = set()
        for event in reversed(case.events):  # the latest decision of a month wins
            if event.to not in (CaseStatus.COMPLETED, CaseStatus.RETURNED):
                continue
            month = _month(event.at)
            if month in seen:
                continue
            seen.add(month)
            outcome = str(
                Outcome.APPROVED if event.to == CaseStatus.COMPLETED else Outcome.RETURNED
            )
            wanted[(case.icb_id, month)].append((case, outcome, event.at))

    months_by_icb: dict[int, set[datetime.date]] = defaultdict(set)
    for icb_id, month in wanted:
        months_by_icb[icb_id].add(month)

    meetings: list[Meeting] = []
    members: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    meeting_changes: list[dict[str, Any]] = []
    meeting_history: list[dict[str, Any]] = []
    meeting_of: dict[tuple[int, datetime.date], Meeting] = {}
    panel_of: dict[int, list[int]] = {}
    for icb_id in ctx.icb_ids:
        lacs = ctx.staff_of(icb_id, Role.LAC.value)
        qa = ctx.staff_of(icb_id, Role.QA_PANEL_MEMBER.value)
        if not lacs or len(qa) < 2:
            continue
        chair = lacs[0]
        panel = [chair, *qa[:3]]
        panel_of[icb_id] = panel
        months = sorted(months_by_icb.get(icb_id, set()))
        first = months[0] if months else this_month
        month = first
        while month <= _next_month(this_month):
            when = _meeting_time(month)
            closed = when < ctx.now
            meeting = Meeting(
                icb_id=icb_id,
                kind=MeetingKind.QA_PANEL,
                scheduled_for=when,
                location="ICB offices",
                online_link="",
                chair_id=chair,
                status=MeetingStatus.CLOSED if closed else MeetingStatus.SCHEDULED,
                quorum=3,
                created_by_id=chair,
                created_at=when - datetime.timedelta(days=30),
                started_at=when if closed else None,
                closed_at=when + datetime.timedelta(hours=3) if closed else None,
            )
            meetings.append(meeting)
            meeting_of[(icb_id, month)] = meeting
            month = _next_month(month)

    for meeting, pk in zip(meetings, allocate_ids(Meeting, len(meetings)), strict=True):
        meeting.pk = meeting.id = pk
        panel = panel_of[meeting.icb_id]
        closed = meeting.status == MeetingStatus.CLOSED
        for index, user_id in enumerate(panel):
            members.append(
                {
                    "meeting_id": pk,
                    "user_id": user_id,
                    "organisation_id": meeting.icb_id,
                    "role": "Chair" if index == 0 else "Panel member",
                    "invited_by_id": panel[0],
                    "invited_at": meeting.created_at,
                    "present": closed,
                    "attendance_recorded_at": meeting.started_at,
                }
            )
            grants.append(
                {
                    "content_object_id": pk,
                    "user_id": user_id,
                    "permission_id": perms["view_meeting"],
                }
            )
        grants.append(
            {"content_object_id": pk, "user_id": panel[0], "permission_id": perms["chair_meeting"]}
        )
        meeting_changes.append(
            {
                "subject_id": pk,
                "at": meeting.created_at,
                "by_id": panel[0],
                "from_status": "",
                "to_status": MeetingStatus.SCHEDULED,
                "reason": "Meeting scheduled",
            }
        )
        meeting_history.append(
            history_row(
                meeting,
                at=meeting.created_at,
                user_id=panel[0],
                reason="Meeting scheduled",
                status=MeetingStatus.SCHEDULED,
                started_at=None,
                closed_at=None,
            )
        )
        if closed:
            for to, at in (
                (MeetingStatus.IN_PROGRESS, meeting.started_at),
                (MeetingStatus.CLOSED, meeting.closed_at),
            ):
                meeting_changes.append(
                    {
                        "subject_id": pk,
                        "at": at,
                        "by_id": panel[0],
                        "from_status": MeetingStatus.SCHEDULED
                        if to == MeetingStatus.IN_PROGRESS
                        else MeetingStatus.IN_PROGRESS,
                        "to_status": to,
                        "reason": "",
                    }
                )
            meeting_history.append(
                history_row(
                    meeting,
                    at=meeting.closed_at or meeting.scheduled_for,
                    kind="~",
                    user_id=panel[0],
                    reason="Meeting closed: minutes locked",
                )
            )

    items: list[AgendaItem] = []
    decisions: list[Decision] = []
    for (icb_id, month), cases in wanted.items():
        found = meeting_of.get((icb_id, month))
        if found is None:
            continue
        for position, (case, outcome, at) in enumerate(cases, start=1):
            item = AgendaItem(
                meeting_id=found.pk,
                case_id=case.id,
                position=position,
                version_id=None,
                governance_signoff_id=None,
                added_by_id=found.chair_id,
                added_at=found.created_at,
            )
            items.append(item)
            decisions.append(
                Decision(
                    outcome=outcome,
                    discussion_summary="Discussed by the panel; the review is thorough."
                    if outcome == Outcome.APPROVED
                    else "More evidence is needed before sign-off.",
                    comments="" if outcome == Outcome.APPROVED else "Add the GP's account.",
                    amendments="",
                    good_practice="Reasonable adjustments were made in outpatients."
                    if rng.random() < 0.1
                    else "",
                    recorded_by_id=found.chair_id,
                    recorded_at=at,
                    signed_off_at=at,
                )
            )
    for item, pk in zip(items, allocate_ids(AgendaItem, len(items)), strict=True):
        item.pk = item.id = pk
    signatures: list[dict[str, Any]] = []
    decision_themes: list[dict[str, Any]] = []
    through = Decision.themes.through
    for decision, item, pk in zip(
        decisions, items, allocate_ids(Decision, len(decisions)), strict=True
    ):
        decision.pk = decision.id = pk
        decision.item_id = item.pk
    meetings_by_id = {m.pk: m for m in meetings}
    for decision, item in zip(decisions, items, strict=True):
        meeting = meetings_by_id[item.meeting_id]
        panel = panel_of[meeting.icb_id]
        for user_id in panel[:3]:
            signatures.append(
                {
                    "decision_id": decision.pk,
                    "user_id": user_id,
                    "name": "Panel member",
                    "role": "Chair" if user_id == panel[0] else "Panel member",
                    "organisation": "ICB",
                    "signed_at": decision.signed_off_at,
                }
            )
        if decision.outcome == Outcome.APPROVED and theme_ids:
            for theme in rng.sample(theme_ids, k=min(len(theme_ids), rng.choice((1, 1, 2)))):
                decision_themes.append({"decision_id": decision.pk, "learningtheme_id": theme})

    actions, action_cases, action_changes, action_history = _actions(
        ctx, decisions, items, meetings_by_id
    )

    size = ctx.options.batch_size
    copy_rows(Meeting, meetings, batch_size=size)
    copy_rows(Meeting.history.model, meeting_history, batch_size=size)
    copy_rows(MeetingStatusChange, meeting_changes, batch_size=size)
    copy_rows(MeetingMember, members, batch_size=size)
    copy_rows(MeetingUserObjectPermission, grants, batch_size=size)
    copy_rows(AgendaItem, items, batch_size=size)
    copy_rows(
        AgendaItem.history.model,
        [
            history_row(i, at=i.added_at, user_id=i.added_by_id, reason="Added to the agenda")
            for i in items
        ],
        batch_size=size,
    )
    copy_rows(Decision, decisions, batch_size=size)
    copy_rows(
        Decision.history.model,
        [
            history_row(d, at=d.recorded_at, user_id=d.recorded_by_id, reason="Signed off")
            for d in decisions
        ],
        batch_size=size,
    )
    copy_rows(DecisionSignature, signatures, batch_size=size)
    copy_rows(through, decision_themes, batch_size=size)
    copy_rows(Action, actions, batch_size=size)
    copy_rows(Action.history.model, action_history, batch_size=size)
    copy_rows(ActionStatusChange, action_changes, batch_size=size)
    copy_rows(Action.cases.through, action_cases, batch_size=size)
    return {
        "panel meetings": len(meetings),
        "agenda items and decisions": len(decisions),
        "signatures": len(signatures),
        "actions": len(actions),
    }


def _actions(
    ctx: ScaleContext,
    decisions: list[Decision],
    items: list[AgendaItem],
    meetings: dict[int, Meeting],
) -> tuple[list[Action], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rng = ctx.rng
    actions: list[Action] = []
    links: list[tuple[int, AgendaItem]] = []
    for decision, item in zip(decisions, items, strict=True):
        if decision.outcome != Outcome.APPROVED or rng.random() >= ACTION_SHARE:
            continue
        meeting = meetings[item.meeting_id]
        practices = ctx.practices_by_icb.get(meeting.icb_id) or [meeting.icb_id]
        agreed = decision.signed_off_at
        assert agreed is not None
        due = agreed.date() + datetime.timedelta(days=rng.randint(60, 300))
        status, completed_at, reason, evidence = ActionStatus.OPEN, None, "", ""
        if due < ctx.today:
            roll = rng.random()
            if roll < 0.8:
                status = ActionStatus.COMPLETED
                completed_at = datetime.datetime.combine(
                    due - datetime.timedelta(days=rng.randint(0, 30)),
                    datetime.time(12),
                    tzinfo=datetime.UTC,
                )
                completed_at = max(completed_at, agreed + datetime.timedelta(days=1))
                evidence = "Audit report received by the LAC."
            elif roll < 0.88:
                status, reason = ActionStatus.CANCELLED, "Overtaken by a national programme."
            elif roll < 0.94:
                status = ActionStatus.IN_PROGRESS
        elif rng.random() < 0.5:
            status = ActionStatus.IN_PROGRESS
        actions.append(
            Action(
                icb_id=meeting.icb_id,
                title=rng.choice(ACTION_TITLES),
                description="",
                success_measure="Measured by audit at the due date.",
                owner_organisation_id=rng.choice(practices),
                owner_user_id=None,
                owner_name="Practice lead",
                owner_email="lead@scale.leder.example",
                due_on=due,
                status=status,
                cancelled_reason=reason,
                evidence_summary=evidence,
                completed_at=completed_at,
                decision_id=decision.pk,
                meeting_id=meeting.pk,
                created_by_id=meeting.chair_id,
                created_at=agreed,
            )
        )
        links.append((len(actions) - 1, item))
    cases: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for action, pk in zip(actions, allocate_ids(Action, len(actions)), strict=True):
        action.pk = action.id = pk
        changes.append(
            {
                "subject_id": pk,
                "at": action.created_at,
                "by_id": action.created_by_id,
                "from_status": "",
                "to_status": ActionStatus.OPEN,
                "reason": "Action agreed",
            }
        )
        history.append(
            history_row(
                action,
                at=action.created_at,
                user_id=action.created_by_id,
                reason="Action agreed",
                status=ActionStatus.OPEN,
                completed_at=None,
                evidence_summary="",
                cancelled_reason="",
            )
        )
        if action.status != ActionStatus.OPEN:
            at = action.completed_at or action.created_at + datetime.timedelta(days=30)
            changes.append(
                {
                    "subject_id": pk,
                    "at": at,
                    "by_id": action.created_by_id,
                    "from_status": ActionStatus.OPEN,
                    "to_status": action.status,
                    "reason": action.cancelled_reason or "Updated",
                }
            )
            history.append(
                history_row(
                    action, at=at, kind="~", user_id=action.created_by_id, reason="Status changed"
                )
            )
    for index, item in links:
        cases.append({"action_id": actions[index].pk, "case_id": item.case_id})
    return actions, cases, changes, history
