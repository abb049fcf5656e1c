"""The reviewer directory: a profile per reviewer (training, caseload limit) and where
they work or worked. Managed by the ICB's LAC and administrators
(``reviews.services.reviewers``).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leder.models import Organisation


def training_valid_days() -> int:
    return int(getattr(settings, "LEDER_TRAINING_VALID_DAYS", 365))


class ReviewerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_profile"
    )
    # URLs name a profile by this key, never by the person's id or name.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    max_caseload = models.PositiveSmallIntegerField(
        "maximum caseload", default=4, help_text="Reviews this person can carry at once."
    )
    training_completed_on = models.DateField(
        "LeDeR training completed on", null=True, blank=True, help_text="Renewed every year."
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return str(self.user)

    def training_expires_on(self) -> datetime.date | None:
        if self.training_completed_on is None:
            return None
        return self.training_completed_on + datetime.timedelta(days=training_valid_days())

    def training_in_date(self, on: datetime.date | None = None) -> bool:
        expires = self.training_expires_on()
        return expires is not None and (on or timezone.localdate()) < expires


class Employment(models.Model):
    """An organisation the reviewer works or worked for (conflict-of-interest checks)."""

    profile = models.ForeignKey(
        ReviewerProfile, on_delete=models.CASCADE, related_name="employments"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    job_title = models.CharField(max_length=150, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while they work there.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="employment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} from {self.started_on:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()
