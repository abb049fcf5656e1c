"""The case: an eligible notification, from allocation to sign-off.

This issue opens cases; allocation, reviews, holds and QA extend it. Writes go through
``reviews.services``; the status moves are declared in ``reviews.workflow``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
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
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["icb", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="case_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class CaseStatusChange(StatusChangeBase):
    subject = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
