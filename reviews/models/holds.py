"""Holds: time a case is paused (statutory processes, family-requested delay).

The 6-month clock excludes held days (``CaseQuerySet.with_clock``). Hold and resume
services and pages belong to the review-workflow feature; this model exists now because
the dashboard's target dates need it.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from reviews.models.case import Case


class HoldReason(models.TextChoices):
    CORONER = "coroner", "Coroner's inquest"
    POLICE = "police", "Police investigation"
    SAFEGUARDING = "safeguarding", "Safeguarding adults review or enquiry"
    DOMESTIC_HOMICIDE = "domestic_homicide", "Domestic homicide review"
    PATIENT_SAFETY = "patient_safety", "Patient safety investigation"
    FAMILY_REQUEST = "family_request", "Delay requested by the family"


class CaseHold(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=30, choices=HoldReason.choices)
    started_on = models.DateField()
    expected_review_on = models.DateField("review the hold on", null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]
        indexes = [models.Index(fields=["case", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="case_hold_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=HoldReason.values), name="case_hold_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_on:%Y-%m-%d}"
