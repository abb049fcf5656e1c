"""Factories for governance: meetings and actions made through the services (so grants,
members and status-change rows are as in real use). Synthetic data only."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from governance.models import Action, Meeting, MeetingKind
from governance.services.actions import action_create
from governance.services.meetings import meeting_member_invite, meeting_schedule
from leder.models import Organisation, OrganisationType, User
from leder.roles import Role
from leder.tests.factories import OrganisationFactory, UserFactory


def provider(icb: Organisation, name: str = "Leeds Community Healthcare") -> Organisation:
    return OrganisationFactory(parent_icb=icb, name=name, org_type=OrganisationType.NHS_TRUST)


def panel_member(icb: Organisation, name: str = "", role: Role = Role.QA_PANEL_MEMBER) -> User:
    kwargs: dict[str, Any] = {"icb": icb, "roles": [role]}
    if name:
        kwargs["full_name"] = name
    return UserFactory(**kwargs)


def make_meeting(
    *,
    icb: Organisation,
    chair: User,
    by: User | None = None,
    members: int = 2,
    kind: str = MeetingKind.QA_PANEL,
    when: datetime.datetime | None = None,
    organisation: Organisation | None = None,
) -> Meeting:
    """A scheduled meeting chaired by ``chair`` with ``members`` more members invited."""
    organisation = organisation or provider(icb)
    by = by or chair
    meeting = meeting_schedule(
        icb=icb,
        kind=kind,
        scheduled_for=when or timezone.now() + datetime.timedelta(days=7),
        chair=chair,
        chair_organisation=organisation,
        chair_role="Chair",
        location="Room 1, ICB offices",
        by=by,
    )
    member_role = Role.QA_PANEL_MEMBER if kind == MeetingKind.QA_PANEL else Role.GOVERNANCE_MEMBER
    for index in range(members):
        meeting_member_invite(
            meeting=meeting,
            user=panel_member(icb, role=member_role),
            organisation=organisation,
            role=f"Member {index + 1}",
            by=by,
        )
    return meeting


def make_action(
    *,
    icb: Organisation,
    by: User,
    owner: User | None = None,
    due_in_days: int = 30,
    **kwargs: Any,
) -> Action:
    fields: dict[str, Any] = {
        "title": "Offer annual health checks to everyone on the practice LD register",
        "success_measure": "95% of people on the register offered a check within the year",
        "owner_organisation": kwargs.pop("owner_organisation", None) or provider(icb),
        "due_on": timezone.localdate() + datetime.timedelta(days=due_in_days),
    }
    if owner is None:
        fields.update(owner_name="Sam Owner", owner_email="sam.owner@example.nhs.uk")
    else:
        fields["owner_user"] = owner
    fields.update(kwargs)
    return action_create(icb=icb, by=by, **fields)


def submitted_case(
    icb: Organisation, lac: User, *, review_type: str = "initial", **notification: Any
) -> Any:
    """A case of ``icb`` reviewed through the real services and submitted for QA: awaiting
    QA with version 1. ``notification`` sets the person's details (e.g. ``given_name``)."""
    from reviews.models import Case, LearningTheme
    from reviews.services import case_accept, case_allocate, case_submit_for_qa
    from reviews.tests.factories import CaseFactory, ReviewerProfileFactory
    from reviews.tests.review_data import complete_review

    # The findings choose themes from the managed list: make sure it has some.
    for name in ("Dysphagia and aspiration", "Epilepsy"):
        LearningTheme.objects.get_or_create(name=name)
    case = CaseFactory(icb_org=icb, **{f"notification__{k}": v for k, v in notification.items()})
    reviewer = ReviewerProfileFactory(icb=icb).user
    case_allocate(
        case=case,
        reviewer=reviewer,
        review_type=review_type,
        review_type_reason="Criteria considered",
        by=lac,
    )
    case_accept(case=case, by=reviewer)
    complete_review(case, reviewer)
    case_submit_for_qa(case=case, by=reviewer)
    return Case.objects.get(pk=case.pk)
