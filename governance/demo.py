"""Demo data for governance (``manage.py seed_demo``): synthetic only.

A QA panel meeting scheduled for next month, chaired by the demo LAC, with the demo panel
member invited and any demo reviews awaiting QA on its agenda; and two actions, one of
them overdue, owned by a demo GP practice. Idempotent: the meeting and the actions are
found again (a scheduled demo meeting; actions by title) and only what is missing is made.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from leder.models import Organisation, User
from leder.roles import Role

ACTIONS = (
    (
        "Offer an annual health check to everyone on the learning disability register",
        "95% of people on the register offered a check in the year",
        60,
    ),
    (
        "Share swallowing (dysphagia) plans with the ward at every hospital admission",
        "An audit of 20 admissions finds the plan shared in every one",
        -10,
    ),
)


def _meeting(icb: Organisation, lac: User, member: User, practice: Organisation) -> tuple[int, int]:
    from governance.models import Meeting, MeetingKind, MeetingStatus
    from governance.querysets import cases_available_for_agenda
    from governance.services.agenda import agenda_item_add
    from governance.services.meetings import meeting_member_invite, meeting_schedule

    meeting = Meeting.objects.filter(
        icb=icb, kind=MeetingKind.QA_PANEL, status=MeetingStatus.SCHEDULED
    ).first()
    made = 0
    if meeting is None:
        when = timezone.localtime() + datetime.timedelta(days=28)
        meeting = meeting_schedule(
            icb=icb,
            kind=MeetingKind.QA_PANEL,
            scheduled_for=when.replace(hour=14, minute=0, second=0, microsecond=0),
            chair=lac,
            chair_organisation=icb,
            chair_role="Chair (Local Area Contact)",
            location="Board room, ICB offices",
            online_link="https://meet.example.nhs.uk/leder-qa-panel",
            by=lac,
        )
        made = 1
    if not meeting.members.filter(user=member).exists():
        meeting_member_invite(
            meeting=meeting, user=member, organisation=practice, role="Safeguarding lead", by=lac
        )
    added = 0
    for case_id in cases_available_for_agenda(meeting).values_list("pk", flat=True):
        agenda_item_add(meeting=meeting, case_id=case_id, by=lac)
        added += 1
    return made, added


def _actions(icb: Organisation, lac: User, owner: Organisation) -> int:
    from governance.models import Action
    from governance.services.actions import action_create, action_update

    made = 0
    today = timezone.localdate()
    for title, measure, due_in in ACTIONS:
        if Action.objects.filter(icb=icb, title=title).exists():
            continue
        action = action_create(
            icb=icb,
            title=title,
            success_measure=measure,
            owner_organisation=owner,
            owner_name="Dr Demo Lead",
            owner_email="demo.lead@example.nhs.uk",
            due_on=today + datetime.timedelta(days=max(due_in, 1)),
            by=lac,
        )
        if due_in < 0:  # an overdue action for the demo: agreed earlier, now past its date
            action_update(
                action=action,
                title=title,
                description="",
                success_measure=measure,
                owner_organisation=owner,
                owner_user=None,
                owner_name="Dr Demo Lead",
                owner_email="demo.lead@example.nhs.uk",
                due_on=today + datetime.timedelta(days=due_in),
                by=lac,
            )
        made += 1
    return made


def seed_governance(
    *, icb: Organisation, users: dict[Role, User], say: Callable[[str], None]
) -> None:
    lac, member = users[Role.LAC], users[Role.QA_PANEL_MEMBER]
    practice = Organisation.objects.gp_practices().filter(parent_icb=icb).active().first()
    if practice is None:
        say("Governance: skipped (no demo GP practices)")
        return
    made, added = _meeting(icb, lac, member, practice)
    actions = _actions(icb, lac, practice)
    say(
        f"Governance: {made} QA panel meeting scheduled, {added} reviews added to its agenda, "
        f"{actions} actions agreed."
    )
