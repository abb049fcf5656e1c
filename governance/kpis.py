"""Key performance indicators, computed by PostgreSQL (aggregates, no loops over cases).

Every function takes a :class:`Scope`: one ICB or every ICB (the regional view), and a
period of whole months. Counts are from the rows the services write: notifications,
status-change rows (allocation, completion), holds, decisions and actions.

Definitions (docs/adr/0008):
- *notifications*: received in the period, except those marked as duplicates of another;
- *awaiting allocation*: cases awaiting allocation now (a snapshot, not the period);
- *days to allocation*: from the day the notification was received to the day of the
  case's first allocation (Europe/London dates), for cases first allocated in the period;
- *completed within 6 months*: cases completed in the period whose days from notification
  to completion are at most ``LEDER_TARGET_DAYS``; *adjusted* subtracts the days the case
  was on hold before completion, *unadjusted* does not;
- *actions*: open (open or in progress) and overdue (open, due date passed) now;
- *learning themes*: reviews per theme confirmed by the QA panel in sign-offs in the period;
- *demographics*: deaths whose reviews were completed in the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Case as CaseWhen
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
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate, TruncMonth
from django.utils import timezone

from leder.models import Organisation
from notifications.choices import LDLevel, PlaceOfDeath, Sex

# --------------------------------------------------------------------------------------
# Scope and periods


@dataclass(frozen=True)
class Scope:
    icb: Organisation | None  # None: every ICB
    start: datetime.date  # first day of the first month
    end: datetime.date  # last day of the last month (inclusive)

    @property
    def icb_id(self) -> int | None:
        return self.icb.pk if self.icb is not None else None

    @property
    def place(self) -> str:
        return self.icb.name if self.icb is not None else "All ICBs"

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period."""
        day = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def months(self) -> list[datetime.date]:
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months


def add_months(day: datetime.date, count: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(first: datetime.date) -> datetime.date:
    return add_months(first, 1) - datetime.timedelta(days=1)


def last_months(
    count: int, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The ``count`` whole months up to and including the current one."""
    this_month = (today or timezone.localdate()).replace(day=1)
    return add_months(this_month, 1 - count), month_end(this_month)


def financial_year(year: int) -> tuple[datetime.date, datetime.date]:
    """April ``year`` to March ``year + 1`` (the NHS reporting year "2025/26")."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


# --------------------------------------------------------------------------------------
# SQL helpers


class DaysBetween(models.Func):
    """``later - earlier`` for two dates, in whole days (PostgreSQL: date - date = integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = models.IntegerField()


class Median(models.Aggregate):
    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()
    allow_distinct = False


def _month_map(rows: Any, key: str = "month") -> dict[datetime.date, dict[str, Any]]:
    found = {}
    for row in rows:
        month = row[key]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        found[month] = row
    return found


def _in_icb(prefix: str, scope: Scope) -> Q:
    return Q(**{prefix: scope.icb_id}) if scope.icb_id is not None else Q()


# --------------------------------------------------------------------------------------
# Results


@dataclass
class MonthValue:
    month: datetime.date
    value: float | None
    total: int = 0  # how many cases the value is over (for medians and percentages)


@dataclass
class Row:
    label: str
    count: int


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[Row]

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


@dataclass
class KPIs:
    scope: Scope
    notifications: list[MonthValue]
    awaiting_allocation: int
    days_to_allocation: list[MonthValue]
    median_days_to_allocation: float | None
    allocated: int
    within_target: list[MonthValue]  # adjusted
    within_target_unadjusted: list[MonthValue]
    completed: int
    pct_within_target: float | None
    pct_within_target_unadjusted: float | None
    open_actions: int
    overdue_actions: int
    completed_actions: int
    themes: Breakdown
    demographics: list[Breakdown] = field(default_factory=list)

    @property
    def notifications_total(self) -> int:
        return int(sum(m.value or 0 for m in self.notifications))


# --------------------------------------------------------------------------------------
# The KPIs


def notifications_per_month(scope: Scope) -> list[MonthValue]:
    from notifications.models import Notification, NotificationStatus

    rows = (
        Notification.objects.filter(_in_icb("icb_id", scope))
        .filter(received_at__gte=scope.start_at, received_at__lt=scope.end_at)
        .exclude(status=NotificationStatus.DUPLICATE)
        .annotate(month=TruncMonth("received_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    found = _month_map(rows)
    return [
        MonthValue(m, float(found[m]["n"]) if m in found else 0.0, found.get(m, {}).get("n", 0))
        for m in scope.months()
    ]


def awaiting_allocation(scope: Scope) -> int:
    from reviews.models import Case

    return Case.objects.awaiting_allocation().filter(_in_icb("icb_id", scope)).count()


def _first_allocations(scope: Scope) -> Any:
    """Status-change rows that first allocated a case, in the period, with ``days``."""
    from reviews.models import CaseStatus, CaseStatusChange

    earlier = CaseStatusChange.objects.filter(
        subject_id=OuterRef("subject_id"), to_status=CaseStatus.ALLOCATED, at__lt=OuterRef("at")
    )
    return (
        CaseStatusChange.objects.filter(to_status=CaseStatus.ALLOCATED)
        .filter(at__gte=scope.start_at, at__lt=scope.end_at)
        .filter(_in_icb("subject__icb_id", scope))
        .filter(~Exists(earlier))
        .annotate(
            days=DaysBetween(TruncDate("at"), TruncDate("subject__notification__received_at"))
        )
    )


def _monthly_and_total(
    rows: Any, columns: tuple[str, ...], aggregates: str, params: tuple[Any, ...] = ()
) -> tuple[dict[datetime.date, dict[str, Any]], dict[str, Any]]:
    """Aggregate ``rows`` (a queryset with a ``month`` annotation) per month and over the
    whole period in one query (``GROUPING SETS``). ``aggregates``: SQL over ``columns``,
    each ``AS name``."""
    inner, inner_params = rows.order_by().values("month", *columns).query.sql_with_params()
    sql = (
        f"SELECT month, {aggregates} FROM ({inner}) AS r "  # noqa: S608 - our own SQL
        "GROUP BY GROUPING SETS ((month), ())"
    )
    with connection.cursor() as cursor:
        # The aggregates' parameters come first in the statement, then the rows'.
        cursor.execute(sql, (*params, *inner_params))
        names = [c[0] for c in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    total = next((row for row in found if row["month"] is None), {})
    return _month_map(row for row in found if row["month"] is not None), total


def days_to_allocation(scope: Scope) -> tuple[list[MonthValue], float | None, int]:
    """Median days per month of first allocation, over the period, and how many."""
    rows = _first_allocations(scope).annotate(month=TruncMonth("at"))
    found, total = _monthly_and_total(
        rows,
        ("days",),
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median, count(*) AS n",
    )
    series = [
        MonthValue(m, found[m]["median"], found[m]["n"]) if m in found else MonthValue(m, None)
        for m in scope.months()
    ]
    return series, total.get("median"), total.get("n") or 0


def _completed(scope: Scope) -> Any:
    """Status-change rows that completed a case in the period."""
    from reviews.models import CaseStatus, CaseStatusChange

    return (
        CaseStatusChange.objects.filter(to_status=CaseStatus.COMPLETED)
        .filter(at__gte=scope.start_at, at__lt=scope.end_at)
        .filter(_in_icb("subject__icb_id", scope))
    )


def _completions(scope: Scope) -> Any:
    """The completions with ``elapsed`` days from notification and ``held`` days on hold
    before completion."""
    from reviews.models import CaseHold

    completed_on = OuterRef("completed_on")
    held = (
        CaseHold.objects.filter(case_id=OuterRef("subject_id"), started_on__lte=completed_on)
        .annotate(
            span=Greatest(
                DaysBetween(
                    Least(Coalesce("ended_on", completed_on), completed_on), F("started_on")
                ),
                Value(0),
            )
        )
        .order_by()
        .values("case_id")
        .annotate(total=Sum("span"))
        .values("total")
    )
    return (
        _completed(scope)
        .annotate(completed_on=TruncDate("at"))
        .annotate(
            elapsed=DaysBetween(F("completed_on"), TruncDate("subject__notification__received_at")),
            held=Coalesce(Subquery(held, output_field=models.IntegerField()), Value(0)),
        )
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def completion_within_target(
    scope: Scope,
) -> tuple[list[MonthValue], list[MonthValue], int, float | None, float | None]:
    """% completed within target per month (adjusted, unadjusted), and over the period."""
    target = int(settings.LEDER_TARGET_DAYS)
    rows = _completions(scope).annotate(month=TruncMonth("at"))
    found, total = _monthly_and_total(
        rows,
        ("elapsed", "held"),
        "count(*) AS n, count(*) FILTER (WHERE elapsed <= held + %s) AS adjusted, "
        "count(*) FILTER (WHERE elapsed <= %s) AS unadjusted",
        (target, target),
    )
    adjusted, unadjusted = [], []
    for m in scope.months():
        row = found.get(m)
        n = row["n"] if row else 0
        adjusted.append(MonthValue(m, _pct(row["adjusted"], n) if row else None, n))
        unadjusted.append(MonthValue(m, _pct(row["unadjusted"], n) if row else None, n))
    n = total.get("n") or 0
    return (
        adjusted,
        unadjusted,
        n,
        _pct(total.get("adjusted") or 0, n),
        _pct(total.get("unadjusted") or 0, n),
    )


def action_counts(scope: Scope, today: datetime.date | None = None) -> dict[str, int]:
    from governance.models import OPEN_ACTION_STATUSES, Action, ActionStatus

    today = today or timezone.localdate()
    open_q = Q(status__in=OPEN_ACTION_STATUSES)
    return Action.objects.in_scope(scope.icb_id).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
        completed=Count(
            "pk",
            filter=Q(
                status=ActionStatus.COMPLETED,
                completed_at__gte=scope.start_at,
                completed_at__lt=scope.end_at,
            ),
        ),
    )


def themes_by_count(scope: Scope) -> Breakdown:
    """Reviews per learning theme, as confirmed by the QA panel in decisions signed off in
    the period (a theme counts once per review)."""
    from governance.models import Decision, MeetingKind

    # One join chain from the decisions signed off in the period (an index holds their
    # agenda items), not every decision ever made: the cost follows the period's decisions.
    chosen = Decision.themes.through.objects.filter(
        decision__signed_off_at__gte=scope.start_at,
        decision__signed_off_at__lt=scope.end_at,
        decision__item__meeting__kind=MeetingKind.QA_PANEL,
    ).filter(_in_icb("decision__item__meeting__icb_id", scope))
    rows = (
        chosen.values("learningtheme_id", "learningtheme__name", "learningtheme__position")
        .annotate(n=Count("decision__item__case_id", distinct=True))
        .order_by("-n", "learningtheme__position", "learningtheme__name")  # type: ignore[misc]
        .values_list("learningtheme__name", "n")
    )
    return Breakdown("themes", "Learning themes", [Row(name, n) for name, n in rows])


# --------------------------------------------------------------------------------------
# Demographics of the deaths reviewed: one query with conditional counts


AGE_BANDS = (
    ("18 to 24", 18, 24),
    ("25 to 34", 25, 34),
    ("35 to 44", 35, 44),
    ("45 to 54", 45, 54),
    ("55 to 64", 55, 64),
    ("65 to 74", 65, 74),
    ("75 to 84", 75, 84),
    ("85 and over", 85, 200),
)
ETHNIC_GROUPS = (
    ("White", ("A", "B", "C")),
    ("Mixed or multiple ethnic groups", ("D", "E", "F", "G")),
    ("Asian or Asian British", ("H", "J", "K", "L")),
    ("Black or Black British", ("M", "N", "P")),
    ("Other ethnic group", ("R", "S")),
)
# ICD-10 chapters of the underlying cause (the review's cause-of-death section).
CAUSE_GROUPS = (
    ("Infectious diseases (A00 to B99)", r"^[AB]"),
    ("Cancers (C00 to D48)", r"^(C|D[0-4])"),
    ("Blood and immune system (D50 to D89)", r"^D[5-8]"),
    ("Endocrine, nutritional and metabolic (E00 to E90)", r"^E"),
    ("Mental and behavioural (F00 to F99)", r"^F"),
    ("Nervous system, including epilepsy (G00 to G99)", r"^G"),
    ("Circulatory system (I00 to I99)", r"^I"),
    ("Respiratory system, including aspiration pneumonia (J00 to J99)", r"^J"),
    ("Digestive system (K00 to K93)", r"^K"),
    ("Genitourinary system (N00 to N99)", r"^N"),
    ("Congenital conditions (Q00 to Q99)", r"^Q"),
    ("Symptoms and ill-defined conditions (R00 to R99)", r"^R"),
    ("External causes (S00 to Y98)", r"^[STVWXY]"),
)
CAUSE_SECTION = "cause-of-death"


def _demographic_filters() -> list[tuple[str, str, list[tuple[str, Q | None]]]]:
    """(key, title, [(label, condition)]) for each breakdown, in display order. Each row
    falls in the first item whose condition holds, else in the item without one."""
    ages: list[tuple[str, Q | None]] = [
        (label, Q(age__gte=lo, age__lte=hi)) for label, lo, hi in AGE_BANDS
    ]
    ages.append(("Not known", None))
    ethnic: list[tuple[str, Q | None]] = [
        (label, Q(ethnicity__in=codes)) for label, codes in ETHNIC_GROUPS
    ]
    ethnic.append(("Not stated or not known", None))
    ld: list[tuple[str, Q | None]] = [
        (str(c.label), Q(ld_level=c.value)) for c in LDLevel if c != LDLevel.NOT_KNOWN
    ]
    ld.append(("Not known or not recorded", None))
    sex: list[tuple[str, Q | None]] = [
        (str(c.label), Q(sex=c.value)) for c in Sex if c != Sex.NOT_KNOWN
    ]
    sex.append(("Not known", None))
    places: list[tuple[str, Q | None]] = [
        (str(c.label), Q(place=c.value)) for c in PlaceOfDeath if c != PlaceOfDeath.NOT_KNOWN
    ]
    places.append(("Not known", None))
    causes: list[tuple[str, Q | None]] = [
        (label, Q(cause__regex=pattern)) for label, pattern in CAUSE_GROUPS
    ]
    causes.append(("Other causes", None))
    causes.append(("Not recorded", Q(cause="")))
    return [
        ("age", "Age at death", ages),
        ("sex", "Sex", sex),
        ("ethnicity", "Ethnicity", ethnic),
        ("ld_level", "Level of learning disability", ld),
        ("place", "Place of death", places),
        ("cause", "Cause of death (ICD-10 chapter of the underlying cause)", causes),
    ]


def _bucket(items: list[tuple[str, Q | None]]) -> CaseWhen:
    """The index of the item a row falls in (the conditions tried in order)."""
    default = next(i for i, (_, condition) in enumerate(items) if condition is None)
    whens = [
        When(condition, then=Value(index))
        for index, (_, condition) in enumerate(items)
        if condition is not None
    ]
    return CaseWhen(*whens, default=Value(default), output_field=models.IntegerField())


def demographics(scope: Scope) -> list[Breakdown]:
    """Every breakdown in one query: each row is put in its bucket per breakdown once
    (``CASE``), then counted per breakdown (``GROUPING SETS``)."""
    breakdowns = _demographic_filters()
    keys = [f"k_{key}" for key, _, _ in breakdowns]
    rows = (
        _completed(scope)
        .annotate(
            cause_section=FilteredRelation(
                "subject__sections", condition=Q(subject__sections__key=CAUSE_SECTION)
            )
        )
        .annotate(
            age=F("subject__notification__age_at_death"),
            sex=F("subject__notification__sex"),
            ethnicity=F("subject__notification__ethnicity"),
            ld_level=F("subject__notification__learning_disability_level"),
            place=F("subject__notification__place_of_death"),
            cause=Coalesce(
                KeyTextTransform("icd10_code", "cause_section__data"),
                Value(""),
                output_field=models.CharField(),
            ),
        )
        .annotate(**{k: _bucket(items) for k, (_, _, items) in zip(keys, breakdowns, strict=True)})
        .order_by()
        .values(*keys)
    )
    inner, params = rows.query.sql_with_params()
    columns = ", ".join(keys)
    sets = ", ".join(f"({k})" for k in keys)
    sql = (
        f"SELECT {columns}, count(*) FROM ({inner}) AS r "  # noqa: S608 - our own SQL
        f"GROUP BY GROUPING SETS ({sets})"
    )
    counts: dict[tuple[str, int], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for *buckets, n in cursor.fetchall():
            index = next(i for i, b in enumerate(buckets) if b is not None)
            counts[(keys[index], buckets[index])] = n
    return [
        Breakdown(
            key, title, [Row(label, counts.get((k, i), 0)) for i, (label, _) in enumerate(items)]
        )
        for k, (key, title, items) in zip(keys, breakdowns, strict=True)
    ]


# --------------------------------------------------------------------------------------
# Everything for a dashboard or a report


def compute(scope: Scope, *, with_demographics: bool = True) -> KPIs:
    allocation_series, allocation_median, allocated = days_to_allocation(scope)
    adjusted, unadjusted, completed, pct, pct_unadjusted = completion_within_target(scope)
    actions = action_counts(scope)
    return KPIs(
        scope=scope,
        notifications=notifications_per_month(scope),
        awaiting_allocation=awaiting_allocation(scope),
        days_to_allocation=allocation_series,
        median_days_to_allocation=allocation_median,
        allocated=allocated,
        within_target=adjusted,
        within_target_unadjusted=unadjusted,
        completed=completed,
        pct_within_target=pct,
        pct_within_target_unadjusted=pct_unadjusted,
        open_actions=actions["open"] or 0,
        overdue_actions=actions["overdue"] or 0,
        completed_actions=actions["completed"] or 0,
        themes=themes_by_count(scope),
        demographics=demographics(scope) if with_demographics else [],
    )


# The regional view aggregates every ICB (about 200 ms of SQL at 50,000 notifications): its
# figures are kept this long, so a coordinator paging through the dashboard and its exports
# pays once. One ICB's figures are always computed afresh.
REGIONAL_CACHE_SECONDS = 300


def compute_for_display(scope: Scope, *, with_demographics: bool = True) -> KPIs:
    if scope.icb is not None:
        return compute(scope, with_demographics=with_demographics)
    from django.core.cache import cache

    key = (
        f"governance:kpis:all:{scope.start}:{scope.end}:{timezone.localdate()}:{with_demographics}"
    )
    found = cache.get(key)
    if found is None:
        found = compute(scope, with_demographics=with_demographics)
        cache.set(key, found, REGIONAL_CACHE_SECONDS)
    return found
