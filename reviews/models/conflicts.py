"""Personal conflicts of interest a reviewer has declared (someone they know).

The conflict engine (``reviews.conflicts``) matches the names against the person who died
and their family contact, and the NHS number against the person's.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models.reviewers import ReviewerProfile


class DeclaredConflict(models.Model):
    profile = models.ForeignKey(
        ReviewerProfile, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    description = models.CharField(
        max_length=300, help_text="For example: neighbour of the family, former client."
    )
    names = models.TextField(
        "names to match",
        help_text="One name a line: the person, or family members (a surname alone matches "
        "the family name).",
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    declared_on = models.DateField(default=timezone.localdate)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-declared_on", "pk"]

    def __str__(self) -> str:
        return self.description

    def name_list(self) -> list[str]:
        return [line.strip() for line in self.names.splitlines() if line.strip()]
