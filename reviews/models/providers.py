"""Organisations involved in the person's care, linked to the case.

Adding one (``case_provider_add``) re-runs the conflict-of-interest check for the current
allocation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leder.models import Organisation
from reviews.models.case import Case


class ProviderRole(models.TextChoices):
    PLACE_OF_DEATH = "place_of_death", "Place of death"
    HOSPITAL = "hospital", "Hospital"
    CARE_PROVIDER = "care_provider", "Care provider"
    OTHER = "other", "Other organisation involved in care"


class CaseProvider(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="providers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=ProviderRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation", "role"], name="case_provider_once_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=ProviderRole.values), name="case_provider_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"
