"""Reads of the reviewer directory: who can review in an ICB, their caseloads, and the
ranked suggestions for a case. Each is a fixed number of queries however many reviewers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from leder.models import User
from leder.roles import Role
from reviews.conflicts import Conflict, conflicts_for_many
from reviews.models import CASELOAD_STATUSES, Allocation, DeclaredConflict, Employment

if TYPE_CHECKING:
    from reviews.models import Case, ReviewerProfile

REVIEWER_ROLES = (Role.REVIEWER, Role.SENIOR_REVIEWER)


def _in_groups(*roles: Role) -> Exists:
    membership = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name__in=[r.group_name for r in roles]
    )
    return Exists(membership)


def reviewers_in_icb(icb_id: int | None) -> models.QuerySet[User]:
    """Active reviewers and senior reviewers of the ICB, each annotated with ``caseload``
    (cases they review that still need work), ``supporting`` (cases they give peer support
    on) and ``is_senior``; their profile is joined."""
    if icb_id is None:
        return User.objects.none()
    caseload = Allocation.objects.filter(
        reviewer_id=OuterRef("pk"), ended_at__isnull=True, case__status__in=CASELOAD_STATUSES
    ).values("reviewer_id")
    supporting = Allocation.objects.filter(
        senior_reviewer_id=OuterRef("pk"),
        ended_at__isnull=True,
        case__status__in=CASELOAD_STATUSES,
    ).values("senior_reviewer_id")
    return (
        User.objects.filter(icb_id=icb_id, is_active=True)
        .filter(_in_groups(*REVIEWER_ROLES))
        .select_related("reviewer_profile")
        .annotate(
            caseload=Coalesce(
                Subquery(caseload.annotate(n=Count("pk")).values("n")[:1]),
                0,
            ),
            supporting=Coalesce(
                Subquery(supporting.annotate(n=Count("pk")).values("n")[:1]),
                0,
            ),
            is_senior=_in_groups(Role.SENIOR_REVIEWER),
        )
        .order_by("full_name", "pk")
    )


def directory_for_icb(icb_id: int | None) -> models.QuerySet[User]:
    """``reviewers_in_icb`` with employment history and active declared conflicts."""
    return reviewers_in_icb(icb_id).prefetch_related(
        Prefetch(
            "reviewer_profile__employments",
            queryset=Employment.objects.select_related("organisation").order_by(
                "-started_on", "pk"
            ),
        ),
        Prefetch(
            "reviewer_profile__declared_conflicts",
            queryset=DeclaredConflict.objects.filter(active=True),
            to_attr="active_conflicts",
        ),
    )


@dataclass
class Candidate:
    """A reviewer as the allocation page shows them: blockers, warnings, conflicts."""

    user: User
    profile: ReviewerProfile | None
    caseload: int
    is_senior: bool
    training_ok: bool
    training_expires_on: datetime.date | None
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def max_caseload(self) -> int:
        return self.profile.max_caseload if self.profile else 0

    @property
    def at_capacity(self) -> bool:
        return self.caseload >= self.max_caseload

    @property
    def training_text(self) -> str:
        from leder.jinja2 import nhs_date

        if self.training_expires_on is None:
            return "No LeDeR training recorded: cannot be allocated"
        if not self.training_ok:
            return (
                f"LeDeR training expired on {nhs_date(self.training_expires_on)}: "
                "cannot be allocated"
            )
        return f"Training in date until {nhs_date(self.training_expires_on)}"

    def rank(self) -> tuple[Any, ...]:
        return (
            bool(self.conflicts),
            not self.training_ok,
            self.at_capacity,
            self.caseload,
            self.user.full_name.casefold(),
            self.user.pk,
        )


def candidates_for(case: Case, *, on: datetime.date | None = None) -> list[Candidate]:
    """Every reviewer of the case's ICB, best suggestion first: no conflict, training in
    date, room in their caseload, lowest caseload."""
    on = on or timezone.localdate()
    users = list(reviewers_in_icb(case.icb_id))
    conflicts = conflicts_for_many(users, case, on=on)
    found = []
    for user in users:
        profile = getattr(user, "reviewer_profile", None)
        found.append(
            Candidate(
                user=user,
                profile=profile,
                caseload=user.caseload,  # type: ignore[attr-defined]
                is_senior=user.is_senior,  # type: ignore[attr-defined]
                training_ok=bool(profile and profile.training_in_date(on)),
                training_expires_on=profile.training_expires_on() if profile else None,
                conflicts=conflicts[user.pk],
            )
        )
    return sorted(found, key=Candidate.rank)
