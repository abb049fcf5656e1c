"""Allocations of a case to a reviewer (and optionally a senior reviewer for peer support).

One active allocation per case (``ended_at`` empty), enforced by the database. A
reallocation ends the previous row, so every allocation ever made stays. The conflicts
found at the moment of allocation are kept with the LAC's written justification when the
LAC overrode them (the override report reads these rows). ``ConflictFlag`` records a
conflict found later, when an organisation was linked to the case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models.case import Case
from reviews.models.providers import CaseProvider
from reviews.querysets import AllocationQuerySet


class Allocation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    senior_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_allocations",
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    allocated_at = models.DateTimeField(default=timezone.now)
    # Conflicts found when allocating: [{"person", "code", "key", "reason"}...].
    conflicts = models.JSONField(default=list, blank=True)
    override_justification = models.TextField(blank=True)
    accepted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reviewer accepted, confirming no conflict."
    )
    declined_reason = models.TextField(
        blank=True, help_text="The conflict the reviewer declared instead of accepting."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-allocated_at", "-pk"]
        indexes = [models.Index(fields=["reviewer", "ended_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="allocation_one_active_per_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(senior_reviewer=models.F("reviewer")),
                name="allocation_senior_is_someone_else",
            ),
            models.CheckConstraint(
                condition=models.Q(conflicts=[]) | ~models.Q(override_justification=""),
                name="allocation_override_is_justified",
            ),
        ]
        permissions = [
            ("view_override_report", "Can read the report of conflict-of-interest overrides"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.reviewer} ({self.allocated_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class ConflictFlag(models.Model):
    """A conflict found after allocation (an organisation linked to the case later)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="flags")
    provider = models.ForeignKey(
        CaseProvider, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    conflicts = models.JSONField(default=list)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    justification = models.TextField(
        blank=True, help_text="Why the LAC kept the reviewer despite the conflict."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["raised_at", "pk"]

    def __str__(self) -> str:
        return f"Conflict flag on {self.allocation_id} at {self.raised_at:%Y-%m-%d}"
