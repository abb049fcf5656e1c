"""Demo data for governance (``manage.py seed_demo``): synthetic only.

The QA panel's part of the story (``reviews.demo`` tells the rest), through the services
and dated with the demo clock:

- last month's QA panel meeting (closed, minutes locked), chaired by the demo LAC with the
  demo panel member and two more members (no logins) for the quorum: it signed off one
  initial review (demo-15), approved another with minor amendments that the LAC checked
  afterwards (demo-16), and returned one to the reviewer (demo-14); two actions agreed on
  the signed-off review, one now in progress, one completed with its evidence;
- next month's QA panel meeting (scheduled) with the reviews awaiting QA on its agenda,
  and a LeDeR Governance Group meeting scheduled, chaired by the governance member;
- two more actions owned by a demo GP practice, one of them overdue.

Idempotent: meetings are found again by ICB, kind and status; actions by title.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from leder.models import Organisation, User
from leder.roles import Role
from reviews.demo import Clock, demo_case, theme_ids

# Two more panel members so the demo panel is quorate (LEDER_PANEL_QUORUM, default 3).
# They cannot sign in (no password): the demo panel member's login is qa@leder.example.
EXTRA_PANEL = (
    ("ruth.ellis@leder.example", "Dr Ruth Ellis", "GP clinical lead for learning disability"),
    ("mark.bennett@leder.example", "Mark Bennett", "Head of adult social care"),
)
MEETING_ACTIONS = (
    (
        "Face-to-face review for anyone on the learning disability register who reports an "
        "infection",
        "Audit of 30 consultations shows every one seen in person within 48 hours",
        90,
        ("Sepsis", "Reasonable adjustments"),
        "in_progress",
    ),
    (
        "Add the sepsis screening tool to the supported living providers' training",
        "Every provider's staff trained, shown by their training records",
        20,
        ("Sepsis", "Recognising and responding to deterioration"),
        "completed",
    ),
)

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


def _extra_panel(icb: Organisation) -> list[User]:
    from leder.lib.history import history_save
    from leder.services.roles import user_set_roles

    people = []
    for email, name, title in EXTRA_PANEL:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, job_title=title, icb=icb, is_active=True)
            user.set_unusable_password()
            history_save(user, by=None, reason="Demo data")
            user_set_roles(user=user, roles={Role.QA_PANEL_MEMBER})
        people.append(user)
    return people


def _past_meeting(
    icb: Organisation, lac: User, member: User, practices: list[Organisation]
) -> tuple[int, int]:
    """Last month's panel: returns (meetings held, actions agreed)."""
    from governance.models import Meeting, MeetingKind, MeetingStatus, Outcome
    from governance.services.actions import action_create, action_progress_add, action_transition
    from governance.services.agenda import agenda_item_add
    from governance.services.decisions import amendments_check, decision_record, decision_sign
    from governance.services.meetings import (
        meeting_attendance_record,
        meeting_member_invite,
        meeting_schedule,
        meeting_transition,
    )
    from reviews.models import CaseStatus

    if Meeting.objects.filter(
        icb=icb, kind=MeetingKind.QA_PANEL, status=MeetingStatus.CLOSED
    ).exists():
        return 0, 0
    cases = {key: demo_case(key) for key in ("demo-14", "demo-15", "demo-16")}
    if any(c is None or c.status != CaseStatus.AWAITING_QA for c in cases.values()):
        return 0, 0
    clock = Clock()
    with clock.at(60, 9):
        meeting = meeting_schedule(
            icb=icb,
            kind=MeetingKind.QA_PANEL,
            scheduled_for=clock.moment(30, 14),
            chair=lac,
            chair_organisation=icb,
            chair_role="Chair (Local Area Contact)",
            location="Board room, ICB offices",
            online_link="https://meet.example.nhs.uk/leder-qa-panel",
            by=lac,
        )
        panel = [member, *_extra_panel(icb)]
        roles = ["Safeguarding lead", "GP clinical lead", "Local authority representative"]
        for user, role, practice in zip(panel, roles, practices, strict=False):
            meeting_member_invite(
                meeting=meeting, user=user, organisation=practice, role=role, by=lac
            )
    with clock.at(38, 10):
        items = {
            key: agenda_item_add(meeting=meeting, case_id=case.pk, by=lac)
            for key, case in cases.items()
        }
    outcomes = {
        "demo-15": (Outcome.APPROVED, "", ""),
        "demo-16": (
            Outcome.APPROVED_WITH_AMENDMENTS,
            "",
            "Say in the findings that the rescue medication plan was shared with respite.",
        ),
        "demo-14": (
            Outcome.RETURNED,
            "Please add what the GP records say about the last heart failure review, and "
            "whether the family were offered the draft pen portrait.",
            "",
        ),
    }
    decisions = {}
    agreed = 0
    with clock.at(30, 14):
        meeting_transition(meeting=meeting, to=MeetingStatus.IN_PROGRESS, by=lac, reason="Started")
        meeting_attendance_record(
            meeting=meeting, present_user_ids=[lac.pk] + [u.pk for u in panel], by=lac
        )
        for key, (outcome, comments, amendments) in outcomes.items():
            decision = decision_record(
                item=items[key],
                outcome=outcome,
                discussion_summary="The panel discussed the report, the grading and the "
                "learning themes.",
                comments=comments,
                amendments=amendments,
                good_practice="The family's voice is clear throughout the report.",
                themes=[int(t) for t in theme_ids("Family and carer involvement")],
                by=lac,
            )
            for signer in [lac, *panel[:2]]:
                decision_sign(decision=decision, by=signer)
            decisions[key] = decision
        for title, measure, due_in, themes, _ in MEETING_ACTIONS:
            action_create(
                icb=icb,
                title=title,
                success_measure=measure,
                owner_organisation=practices[0],
                owner_name="Dr Amir Patel",
                owner_email=f"amir.patel@{_DOMAIN}",
                due_on=clock.day(30 - due_in),
                themes=[int(t) for t in theme_ids(*themes)],
                decision=decisions["demo-15"],
                by=lac,
            )
            agreed += 1
    with clock.at(30, 16):
        meeting_transition(
            meeting=meeting, to=MeetingStatus.CLOSED, by=lac, reason="Minutes agreed"
        )
    with clock.at(25, 11):
        amendments_check(
            decision=decisions["demo-16"],
            note="The reviewer added the sentence about respite to the findings.",
            by=lac,
        )
    from governance.models import Action

    for title, _, _, _, wanted in MEETING_ACTIONS:
        action = Action.objects.get(icb=icb, title=title)
        with clock.at(20, 10):
            action_transition(action=action, to="in_progress", by=lac)
            action_progress_add(
                action=action,
                note="Discussed at the practice managers' forum; two practices have started.",
                by=lac,
            )
        if wanted == "completed":
            with clock.at(5, 15):
                action_transition(
                    action=action,
                    to="completed",
                    by=lac,
                    evidence_summary="All six providers trained by the sepsis lead nurse; "
                    "attendance registers checked by the LAC.",
                )
    return 1, agreed


def _governance_meeting(icb: Organisation, lac: User, chair: User) -> int:
    from governance.models import Meeting, MeetingKind, MeetingStatus
    from governance.services.meetings import meeting_member_invite, meeting_schedule

    if Meeting.objects.filter(
        icb=icb, kind=MeetingKind.GOVERNANCE_GROUP, status=MeetingStatus.SCHEDULED
    ).exists():
        return 0
    when = timezone.localtime() + datetime.timedelta(days=42)
    meeting = meeting_schedule(
        icb=icb,
        kind=MeetingKind.GOVERNANCE_GROUP,
        scheduled_for=when.replace(hour=10, minute=0, second=0, microsecond=0),
        chair=chair,
        chair_organisation=icb,
        chair_role="Chair (deputy chief nursing officer)",
        location="Committee room 2, ICB offices",
        by=lac,
    )
    meeting_member_invite(
        meeting=meeting, user=lac, organisation=icb, role="Local Area Contact", by=lac
    )
    return 1


_DOMAIN = "leder.example"


def seed_governance(
    *, icb: Organisation, users: dict[Role, User], say: Callable[[str], None]
) -> None:
    lac, member = users[Role.LAC], users[Role.QA_PANEL_MEMBER]
    practices = list(
        Organisation.objects.gp_practices().filter(parent_icb=icb).active().order_by("ods_code")
    )
    if not practices:
        say("Governance: skipped (no demo GP practices)")
        return
    held, agreed = _past_meeting(icb, lac, member, practices) if Clock.available() else (0, 0)
    made, added = _meeting(icb, lac, member, practices[0])
    made += _governance_meeting(icb, lac, users[Role.GOVERNANCE_MEMBER])
    actions = _actions(icb, lac, practices[0]) + agreed
    say(
        f"Governance: {held} QA panel meeting held, {made} meetings scheduled, {added} reviews "
        f"added to the next agenda, {actions} actions agreed."
    )
