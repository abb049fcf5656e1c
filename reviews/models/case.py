"""The case: an eligible notification, from allocation to sign-off.

Writes go through ``reviews.services``; the status moves are declared in
``reviews.workflow``. Reviewers and senior reviewers reach a case through django-guardian
object permissions (``review_case``, ``supervise_case``) held in the direct-foreign-key
tables below, granted and revoked only by the allocation services.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from leder.lib.workflow import StatusChangeBase
from leder.models import Organisation
from reviews.querysets import CaseQuerySet


class CaseStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    ALLOCATED = "allocated", "Allocated"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    AWAITING_QA = "awaiting_qa", "Awaiting quality assurance"
    RETURNED = "returned", "Returned to reviewer"
    COMPLETED = "completed", "Completed"
    OPTED_OUT = "opted_out", "Opted out"


# The reviewer still owes work on a case in these statuses: they count in a caseload.
CASELOAD_STATUSES = (
    CaseStatus.ALLOCATED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ON_HOLD,
    CaseStatus.RETURNED,
)
# The 6-month clock means something only for cases still open.
OPEN_STATUSES = (
    CaseStatus.AWAITING_ALLOCATION,
    CaseStatus.ALLOCATED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ON_HOLD,
    CaseStatus.AWAITING_QA,
    CaseStatus.RETURNED,
)


class ReviewType(models.TextChoices):
    INITIAL = "initial", "Initial review"
    FOCUSED = "focused", "Focused review"


class Case(models.Model):
    notification = models.OneToOneField(
        "notifications.Notification", on_delete=models.PROTECT, related_name="case"
    )
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name="ICB"
    )
    reference = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(
        max_length=30, choices=CaseStatus.choices, default=CaseStatus.AWAITING_ALLOCATION
    )
    review_type = models.CharField(
        max_length=10, choices=ReviewType.choices, blank=True, help_text="Decided by the LAC."
    )
    review_type_reason = models.TextField(
        "why this type of review", blank=True, help_text="The LAC's reasons for the decision."
    )
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        # The dashboard's counts per queue and "completed this year", and the KPIs' joins
        # from status changes to an ICB's cases and their notifications, read the ICB's
        # cases from this index alone (id and notification included), not the case rows.
        indexes = [
            models.Index(
                fields=["icb", "status"],
                include=["id", "notification"],
                name="reviews_case_icb_status2_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="case_status_valid"
            )
        ]
        permissions = [
            ("review_case", "Can review the case (the allocated reviewer)"),
            ("supervise_case", "Can give peer support on the case (the senior reviewer)"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseStatusChange(StatusChangeBase):
    subject = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        # "Completed this year" (the dashboard) and the KPIs' allocations and completions in
        # a period read the rows of one kind of change in a date range.
        indexes = [
            models.Index(
                fields=["to_status", "at"], include=["subject"], name="reviews_csc_to_at_idx"
            )
        ]


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Per-case grants to people (guardian uses this table instead of its generic one)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
