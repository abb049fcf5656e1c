"""Find what is past its retention period, and purge it (docs/adr/0011).

Per kind (periods from ``settings.LEDER_RETENTION_YEARS``, counted from the date the record
was closed):

- ``review``: an eligible notification whose case was completed (the panel's sign-off),
  with its case, review, GP records (files deleted from storage) and governance text;
- ``ineligible`` / ``duplicate``: a notification decided not eligible, or linked as a
  duplicate, counted from that decision;
- ``access_log``: access-log rows older than their own period.

Purging a notification reuses the National Data Opt-Out's erasing code (ADR 0005, 0009):
the same stub is kept (reference, ICB, dates of death and receipt, status, duplicate link),
the same fields and history rows are scrubbed, the same review, records and governance
text is removed; only the status is left as it was (the outcome) and the wording says why.
Each purge is one transaction per notification under its row lock (``skip_locked``: a
second purge running at the same time passes it by), writes a history row with the
reason, an access-log row and an append-only :class:`PurgeRecord`; a notification is
purged once (a unique constraint on the purge log).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from leder.models import AccessLog, User
from leder.retention.models import PurgeKind, PurgeRecord

logger = logging.getLogger(__name__)

PURGE_REASON = "Retention period ended: personal data destroyed"
REMOVED = "Removed at the end of the retention period"
SERVICE_ACCOUNT_EMAIL = "retention-job@leder.invalid"

NOTIFICATION_KINDS = (PurgeKind.REVIEW, PurgeKind.INELIGIBLE, PurgeKind.DUPLICATE)


def retention_years(kind: str) -> int:
    return int(settings.LEDER_RETENTION_YEARS[kind])


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """``moment`` moved back ``years`` calendar years (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def service_account() -> User:
    """The account the scheduled purge acts as: inactive, no password, no roles, so it can
    never sign in; history rows and the purge log name it."""
    found = User.objects.filter(email=SERVICE_ACCOUNT_EMAIL).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return User.objects.create_user(  # an unusable password
                SERVICE_ACCOUNT_EMAIL, full_name="Retention job (system)", is_active=False
            )
    except IntegrityError:  # another run created it first
        return User.objects.get(email=SERVICE_ACCOUNT_EMAIL)


# --- What is due ---------------------------------------------------------------------------


def _due_notifications(kind: str, cutoff: datetime.datetime) -> QuerySet[Any]:
    """Notifications of ``kind`` closed before ``cutoff`` and not purged yet, annotated
    with ``closed_at`` (when the retention period started)."""
    from notifications.models import Notification, NotificationStatus, NotificationStatusChange
    from reviews.models import CaseStatus, CaseStatusChange

    purged = PurgeRecord.objects.filter(notification_id__isnull=False).values("notification_id")
    if kind == PurgeKind.REVIEW:
        completed = (
            CaseStatusChange.objects.filter(
                subject__notification=OuterRef("pk"), to_status=CaseStatus.COMPLETED
            )
            .order_by("-at")
            .values("at")[:1]
        )
        rows = Notification.objects.filter(
            status=NotificationStatus.ELIGIBLE, case__status=CaseStatus.COMPLETED
        ).annotate(closed_at=Subquery(completed, output_field=DateTimeField()))
    else:
        status = (
            NotificationStatus.INELIGIBLE
            if kind == PurgeKind.INELIGIBLE
            else NotificationStatus.DUPLICATE
        )
        decided = (
            NotificationStatusChange.objects.filter(subject=OuterRef("pk"), to_status=status)
            .order_by("-at")
            .values("at")[:1]
        )
        rows = Notification.objects.filter(status=status).annotate(
            closed_at=Coalesce(Subquery(decided, output_field=DateTimeField()), F("received_at"))
        )
    return rows.filter(closed_at__lt=cutoff).exclude(pk__in=purged).order_by("closed_at", "pk")


@dataclass
class KindPlan:
    kind: str
    years: int
    cutoff: datetime.datetime
    count: int = 0
    references: list[str] = field(default_factory=list)
    files: int = 0


def retention_plan(*, now: datetime.datetime | None = None) -> list[KindPlan]:
    """What a purge now would destroy, per kind: counts, references and (reviews) stored
    files. Reads only; no personal data in it."""
    from reviews.records.models import RecordFile

    now = now or timezone.now()
    plans = []
    for kind in NOTIFICATION_KINDS:
        years = retention_years(kind)
        cutoff = years_before(now, years)
        due = _due_notifications(kind, cutoff)
        references = list(due.values_list("reference", flat=True))
        files = 0
        if kind == PurgeKind.REVIEW and references:
            files = RecordFile.objects.filter(
                request__case__notification__in=due.values("pk"), removed_at__isnull=True
            ).count()
        plans.append(KindPlan(kind, years, cutoff, len(references), references, files))
    years = retention_years(PurgeKind.ACCESS_LOG)
    cutoff = years_before(now, years)
    plans.append(
        KindPlan(
            PurgeKind.ACCESS_LOG,
            years,
            cutoff,
            AccessLog.objects.filter(at__lt=cutoff).count(),
        )
    )
    return plans


# --- The purge -----------------------------------------------------------------------------


@dataclass
class PurgeResult:
    run: uuid.UUID
    purged: dict[str, list[str]] = field(default_factory=dict)
    access_log_rows: int = 0
    files: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.purged.values())


def _ids(kind: str, cutoff: datetime.datetime, batch: int) -> Iterator[list[int]]:
    ids = list(_due_notifications(kind, cutoff).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        yield ids[start : start + batch]


def retention_purge(
    *,
    by: User | None = None,
    trigger: str = "command",
    now: datetime.datetime | None = None,
    batch: int = 200,
) -> PurgeResult:
    """Purge everything past its retention period (see the module docstring). ``by`` is
    the person who ran the command, else the service account. Safe to run twice, and
    alongside another run."""
    now = now or timezone.now()
    actor = by or service_account()
    result = PurgeResult(run=uuid.uuid4())
    for kind in NOTIFICATION_KINDS:
        years = retention_years(kind)
        cutoff = years_before(now, years)
        done: list[str] = []
        for ids in _ids(kind, cutoff, batch):
            for pk in ids:
                purged = _purge_notification(
                    pk,
                    kind=kind,
                    cutoff=cutoff,
                    years=years,
                    by=actor,
                    run=result.run,
                    trigger=trigger,
                    result=result,
                )
                if purged is None:
                    result.skipped += 1
                else:
                    done.append(purged)
        result.purged[kind] = done
    result.access_log_rows = _purge_access_log(now=now, by=actor, run=result.run, trigger=trigger)
    logger.info(
        "Retention purge %s: %s, %d access-log rows, %d files, %d skipped",
        result.run,
        ", ".join(f"{k} {len(v)}" for k, v in result.purged.items()),
        result.access_log_rows,
        result.files,
        result.skipped,
    )
    return result


@transaction.atomic
def _purge_notification(
    pk: int,
    *,
    kind: str,
    cutoff: datetime.datetime,
    years: int,
    by: User,
    run: uuid.UUID,
    trigger: str,
    result: PurgeResult,
) -> str | None:
    """Purge one notification (and its case) if it is still due; its reference, or None
    when another run holds or already purged it."""
    from governance.services.opt_out import governance_case_stop
    from leder.lib.history import history_save
    from leder.services.access_log import access_record
    from notifications.models import Notification
    from notifications.services.opt_out import SCRUBBED, notification_history_erase
    from reviews.models import Case, CaseStatus
    from reviews.records.models import RecordFile
    from reviews.records.services.opt_out import record_requests_stop
    from reviews.services.cases import case_personal_data_erase

    locked = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
    )
    if locked is None:
        return None  # another purge (or a screening decision) holds it: next run
    # Re-checked under the lock: still due, not purged by a run that just finished.
    row = _due_notifications(kind, cutoff).filter(pk=pk).values("closed_at").first()
    if row is None or PurgeRecord.objects.filter(notification_id=pk).exists():
        return None
    closed_at: datetime.datetime = row["closed_at"]
    outcome = locked.get_status_display()
    files = 0
    if kind == PurgeKind.REVIEW:
        case = Case.objects.select_for_update(skip_locked=True).filter(notification=locked).first()
        if case is None or case.status != CaseStatus.COMPLETED:
            return None
        outcome = f"{case.get_review_type_display() or 'Review'} completed"
        files = RecordFile.objects.filter(request__case=case, removed_at__isnull=True).count()
        case_personal_data_erase(case=case, by=by, reason=PURGE_REASON, removed=REMOVED)
        record_requests_stop(case=case, by=by, reason=PURGE_REASON, removed=REMOVED)
        governance_case_stop(case=case, by=by, removed=REMOVED)
        history_save(case, by=by, reason=PURGE_REASON)

    for name, value in SCRUBBED.items():
        setattr(locked, name, value)
    history_save(locked, by=by, reason=PURGE_REASON)
    notification_history_erase(notification=locked, removed=REMOVED, keep_reason=PURGE_REASON)
    access_record(user=by, obj=locked, detail=PURGE_REASON)
    PurgeRecord.objects.create(
        run=run,
        kind=kind,
        notification_id=locked.pk,
        reference=locked.reference,
        received_on=timezone.localdate(locked.received_at),
        date_of_death=locked.date_of_death,
        closed_on=timezone.localdate(closed_at),
        outcome=outcome,
        retention_years=years,
        rows=files,
        purged_by=by,
        trigger=trigger,
    )
    result.files += files
    return locked.reference


@transaction.atomic
def _purge_access_log(*, now: datetime.datetime, by: User, run: uuid.UUID, trigger: str) -> int:
    """Delete access-log rows past their own period: the one DELETE its trigger allows,
    inside this transaction only (leder migration 0002)."""
    years = retention_years(PurgeKind.ACCESS_LOG)
    cutoff = years_before(now, years)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL leder.allow_access_log_delete = 'on'")
        cursor.execute("DELETE FROM leder_accesslog WHERE at < %s", [cutoff])
        deleted = cursor.rowcount
        cursor.execute("SET LOCAL leder.allow_access_log_delete = 'off'")
    if deleted:
        PurgeRecord.objects.create(
            run=run,
            kind=PurgeKind.ACCESS_LOG,
            closed_on=timezone.localdate(cutoff),
            outcome="Access log rows deleted",
            retention_years=years,
            rows=deleted,
            purged_by=by,
            trigger=trigger,
        )
    return deleted
