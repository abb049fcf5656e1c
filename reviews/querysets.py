"""Reads of cases and allocations: chainable, scoped by the user's ICB and object grants.

The dashboard reads everything it shows through ``with_clock()`` and ``for_list()``:
annotations computed by PostgreSQL, so a page of cases costs the same few queries however
many cases there are.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from leder.roles import Role

# Roles that see every case of their own ICB. Reviewers and senior reviewers see the
# cases they hold an object grant on (given by allocation).
ICB_WIDE_ROLES = (Role.LAC, Role.ADMINISTRATOR)
CASE_GRANTS = ("review_case", "supervise_case")
# "Due soon": within this many days of the 6-month target.
DUE_SOON_DAYS = 30


class DaysBetween(models.Func):
    """``later - earlier`` for two dates, in whole days (PostgreSQL: date - date = integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = models.IntegerField()


class DatePlusDays(models.Func):
    """``date + days`` (PostgreSQL: date + integer = date)."""

    template = "(%(expressions)s)"
    arg_joiner = " + "
    output_field = models.DateField()


def _today() -> datetime.date:
    return timezone.localdate()


def _date(value: datetime.date) -> Value:
    return Value(value, output_field=models.DateField())


def _conflict_flagged() -> Exists:
    """A conflict found after allocation is waiting for the LAC."""
    from reviews.models import ConflictFlag

    return Exists(
        ConflictFlag.objects.filter(
            allocation__case=OuterRef("pk"),
            allocation__ended_at__isnull=True,
            resolved_at__isnull=True,
        )
    )


def _completed_this_year(today: datetime.date | None = None) -> Q:
    """Completed, by a status change since 1 January: read from the status-change rows of
    this year's completions (index on ``to_status, at``), not per case."""
    from reviews.models import CaseStatus, CaseStatusChange

    today = today or _today()
    year_start = timezone.make_aware(datetime.datetime(today.year, 1, 1))
    completions = CaseStatusChange.objects.filter(
        to_status=CaseStatus.COMPLETED, at__gte=year_start
    ).values("subject_id")
    return Q(status=CaseStatus.COMPLETED, pk__in=completions)


def _flagged() -> Q:
    """A conflict found after allocation is waiting for the LAC (read from the open flags)."""
    from reviews.models import ConflictFlag

    flagged = ConflictFlag.objects.filter(
        allocation__ended_at__isnull=True, resolved_at__isnull=True
    ).values("allocation__case_id")
    return Q(pk__in=flagged)


def queue_conditions(today: datetime.date | None = None) -> dict[str, Q]:
    """The dashboard's queues, by name, on ``today`` (default: today): each a condition on
    a case annotated by ``with_clock`` (``due`` needs ``days_left``)."""
    from reviews.models import OPEN_STATUSES, CaseStatus

    return {
        "open": Q(status__in=OPEN_STATUSES),
        "awaiting_allocation": Q(status=CaseStatus.AWAITING_ALLOCATION),
        "allocated": Q(status__in=[CaseStatus.ALLOCATED, CaseStatus.IN_PROGRESS]),
        "on_hold": Q(status=CaseStatus.ON_HOLD),
        "awaiting_qa": Q(status=CaseStatus.AWAITING_QA),
        "returned": Q(status=CaseStatus.RETURNED),
        "completed": _completed_this_year(today),
        "opted_out": Q(status=CaseStatus.OPTED_OUT),
        "due": Q(status__in=OPEN_STATUSES, days_left__lte=DUE_SOON_DAYS),
        "flagged": _flagged(),
        "all": Q(pk__isnull=False),
    }


def queue_statuses(name: str) -> tuple[str, ...] | None:
    """The statuses the cases of a queue can have (None: any): a cheap first narrowing,
    by the index on ``icb, status``, of cases that the queue's own condition then narrows
    exactly (a typed search finds its cases this way)."""
    from reviews.models import OPEN_STATUSES, CaseStatus

    statuses: dict[str, tuple[str, ...]] = {
        "open": tuple(OPEN_STATUSES),
        "due": tuple(OPEN_STATUSES),
        "awaiting_allocation": (CaseStatus.AWAITING_ALLOCATION,),
        "allocated": (CaseStatus.ALLOCATED, CaseStatus.IN_PROGRESS),
        "on_hold": (CaseStatus.ON_HOLD,),
        "awaiting_qa": (CaseStatus.AWAITING_QA,),
        "returned": (CaseStatus.RETURNED,),
        "completed": (CaseStatus.COMPLETED,),
        "opted_out": (CaseStatus.OPTED_OUT,),
    }
    return statuses.get(name)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """LAC and administrators: their ICB's cases. Anyone: the cases they were granted."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from reviews.models import CaseUserObjectPermission

        condition = Q(pk__in=[])
        if user.icb_id is not None and user.has_role(*ICB_WIDE_ROLES):
            condition |= Q(icb_id=user.icb_id)
        granted = CaseUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename__in=CASE_GRANTS
        ).values("content_object_id")
        condition |= Q(pk__in=granted)
        return self.filter(condition)

    def granted_to(self, user: Any) -> CaseQuerySet:
        """Cases ``user`` reviews or supports now (their object grants)."""
        return self.granted_to_id(user.pk)

    def granted_to_id(self, user_id: int) -> CaseQuerySet:
        """Cases the user with this id reviews or supports now (their object grants)."""
        from reviews.models import CaseUserObjectPermission

        granted = CaseUserObjectPermission.objects.filter(
            user_id=user_id, permission__codename__in=CASE_GRANTS
        ).values("content_object_id")
        return self.filter(pk__in=granted)

    def awaiting_allocation(self) -> CaseQuerySet:
        from reviews.models import CaseStatus

        return self.filter(status=CaseStatus.AWAITING_ALLOCATION)

    def awaiting_qa(self) -> CaseQuerySet:
        from reviews.models import CaseStatus

        return self.filter(status=CaseStatus.AWAITING_QA)

    def in_queue(self, name: str, today: datetime.date | None = None) -> CaseQuerySet:
        """Cases in the named queue on ``today`` (see ``queue_conditions``; needs
        ``for_list``)."""
        condition = queue_conditions(today).get(name)
        return self if condition is None else self.filter(condition)

    def in_queue_statuses(self, name: str) -> CaseQuerySet:
        """Cases whose status the named queue allows (``queue_statuses``): a superset of
        ``in_queue(name)`` that needs no annotations."""
        statuses = queue_statuses(name)
        return self if statuses is None else self.filter(status__in=statuses)

    def queue_count_expressions(self, today: datetime.date | None = None) -> dict[str, Count]:
        """``queue_counts``'s counts, to aggregate over these cases (``order_by()`` first).

        One query whose cost follows the open caseload, not the archive: the counts by
        status read the case rows alone (index on ``icb, status``); "completed" and
        "flagged" are hashed once from this year's completions and the open flags; "due"
        computes the 6-month clock for the open cases only."""
        from reviews.models import OPEN_STATUSES

        today = today or _today()
        conditions = queue_conditions(today)
        due = (
            self.filter(status__in=OPEN_STATUSES)
            .with_clock(today)
            .filter(days_left__lte=DUE_SOON_DAYS)
            .values("pk")
        )
        conditions["due"] = Q(status__in=OPEN_STATUSES, pk__in=due)
        return {name: Count("pk", filter=q) for name, q in conditions.items()}

    def queue_counts(self, today: datetime.date | None = None) -> dict[str, int]:
        """Cases per queue on ``today`` (default: today)."""
        counts = self.order_by().aggregate(**self.queue_count_expressions(today))
        return {name: value or 0 for name, value in counts.items()}

    def with_flags(self) -> CaseQuerySet:
        """Annotate ``conflict_flagged`` (a conflict found after allocation is waiting for
        the LAC)."""
        return self.annotate(conflict_flagged=_conflict_flagged())

    def with_clock(self, today: datetime.date | None = None) -> CaseQuerySet:
        """Annotate the 6-month target: ``received_on``, ``paused_days`` (days on hold, up to
        today), ``days_since_notification``, ``days_left`` (negative: overdue) and
        ``target_date``."""
        from reviews.models import CaseHold

        today = today or _today()
        held = DaysBetween(Least(Coalesce("ended_on", _date(today)), _date(today)), F("started_on"))
        paused = (
            CaseHold.objects.filter(case=OuterRef("pk"), started_on__lte=today)
            .order_by()
            .values("case")
            .annotate(total=Sum(Greatest(held, Value(0))))
            .values("total")
        )
        received_on = TruncDate("notification__received_at")
        return self.annotate(
            received_on=received_on,
            paused_days=Cast(
                Coalesce(Subquery(paused, output_field=models.IntegerField()), 0),
                models.IntegerField(),
            ),
            days_since_notification=DaysBetween(_date(today), F("received_on")),
            days_left=Value(settings.LEDER_TARGET_DAYS)
            + F("paused_days")
            - F("days_since_notification"),
            target_date=DatePlusDays(
                F("received_on"), Value(settings.LEDER_TARGET_DAYS) + F("paused_days")
            ),
        )

    def with_allocation(self) -> CaseQuerySet:
        """Annotate the active allocation: reviewer and senior reviewer names, and whether
        the reviewer accepted. One LEFT JOIN to the case's active allocation (at most one:
        a unique constraint), cheaper to build and run than a subquery per value."""
        active = FilteredRelation("allocations", condition=Q(allocations__ended_at__isnull=True))
        return self.annotate(
            active_allocation=active,
            active_reviewer_id=F("active_allocation__reviewer_id"),
            reviewer_name=F("active_allocation__reviewer__full_name"),
            senior_reviewer_name=F("active_allocation__senior_reviewer__full_name"),
            accepted_at=F("active_allocation__accepted_at"),
        )

    def for_list(self, today: datetime.date | None = None) -> CaseQuerySet:
        return self.select_related("notification").with_clock(today).with_flags().with_allocation()

    def with_reviewer(self, user_id: int | None) -> CaseQuerySet:
        if not user_id:
            return self
        from reviews.models import Allocation

        return self.filter(
            Exists(
                Allocation.objects.filter(
                    case=OuterRef("pk"), ended_at__isnull=True, reviewer_id=user_id
                )
            )
        )

    def search(self, text: str) -> CaseQuerySet:
        """By reference, NHS number, name, or initials ("AT" for Ada Testperson).

        The notification's conditions are on the join (``notification__...``), so only the
        notifications of the cases searched are read, not every ICB's."""
        from notifications.models import search_condition

        text = (text or "").strip()
        if not text:
            return self
        condition = Q(reference__icontains=text)
        on_notification = search_condition(text, "notification__")
        if on_notification is not None:
            condition |= on_notification
        letters = text.replace(".", "").replace(" ", "")
        if 2 <= len(letters) <= 3 and letters.isalpha():
            condition |= Q(
                notification__given_name__istartswith=letters[0],
                notification__family_name__istartswith=letters[-1],
            )
        return self.filter(condition)

    SORTS = {
        "target": ("days_left", "reference"),
        "oldest": ("received_on", "reference"),
        "reference": ("reference",),
    }

    def sorted_by(self, key: str) -> CaseQuerySet:
        """Sort by ``target`` (fewest days left first), ``oldest`` (longest since
        notification first) or ``reference``. Needs the clock annotations."""
        return self.order_by(*self.SORTS.get(key, self.SORTS["target"]))


class AllocationQuerySet(models.QuerySet):
    def active(self) -> AllocationQuerySet:
        return self.filter(ended_at__isnull=True)

    def in_icb(self, icb_id: int | None) -> AllocationQuerySet:
        return self.filter(case__icb_id=icb_id) if icb_id else self.none()

    def overridden(self) -> AllocationQuerySet:
        """Allocations the LAC made despite conflicts of interest, or kept after one was
        found later."""
        return self.filter(
            ~Q(override_justification="") | Q(flags__resolved_at__isnull=False)
        ).distinct()
