"""Frozen versions of a review: one per submission for quality assurance.

A ``ReviewVersion`` is a snapshot of everything in the review at the moment it was
submitted (every section's answers with their labels, the key episodes, the meetings and
the supervision comments), who submitted it and when. It is never changed or deleted:
PostgreSQL refuses UPDATE and DELETE on the table (migration 0004), the admin is
read-only, and the only service that writes it (``case_submit_for_qa``) creates a new row
with the next number.

Sign-off is a separate append-only row (``ReviewSignOff``, one per version at most), so
that the version row itself never needs an UPDATE. ``QAReturn`` keeps the panel's
comments when a version is returned to the reviewer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models.case import Case, ReviewType


class ReviewVersionQuerySet(models.QuerySet["ReviewVersion"]):
    def for_case(self, case: Case) -> ReviewVersionQuerySet:
        return self.filter(case=case)

    def for_list(self) -> ReviewVersionQuerySet:
        return self.select_related("submitted_by", "sign_off__by").order_by("-number")

    def signed_off(self) -> ReviewVersionQuerySet:
        return self.filter(sign_off__isnull=False)


class ReviewVersion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    review_type = models.CharField(max_length=10, choices=ReviewType.choices)
    content = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = ReviewVersionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="review_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="review_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} version {self.number}"

    @property
    def signed_off(self) -> bool:
        return hasattr(self, "sign_off")


class ReviewSignOff(models.Model):
    """The panel signed this version off (``case_complete``); append-only, once per version."""

    version = models.OneToOneField(ReviewVersion, on_delete=models.PROTECT, related_name="sign_off")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Sign-off of {self.version}"


class QAReturn(models.Model):
    """The panel returned a version to the reviewer, with its comments."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="qa_returns")
    version = models.ForeignKey(ReviewVersion, on_delete=models.PROTECT, related_name="returns")
    comments = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Returned {self.version} ({self.at:%Y-%m-%d})"
