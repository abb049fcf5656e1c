"""The purge log: one append-only row per record purged (and per access-log purge).

With the notification's own row (reference, ICB, dates, status: ADR 0005's stub) it is the
metadata stub kept after the personal data is destroyed: what it was, when it was closed,
its outcome, and who purged it when. A database trigger (migration 0001) refuses UPDATE
and DELETE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PurgeKind(models.TextChoices):
    REVIEW = "review", "Completed review (notification, case, review, GP records)"
    INELIGIBLE = "ineligible", "Notification not eligible"
    DUPLICATE = "duplicate", "Duplicate notification"
    ACCESS_LOG = "access_log", "Access log rows"


class PurgeRecord(models.Model):
    run = models.UUIDField(db_index=True, help_text="One purge run: every row it wrote.")
    kind = models.CharField(max_length=20, choices=PurgeKind.choices)
    # The notification (every kind but the access log): its id and reference.
    notification_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=20, blank=True)
    received_on = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    closed_on = models.DateField(
        help_text="The retention period counted from this date (completion, decision, or the "
        "access log's cut-off)."
    )
    outcome = models.CharField(max_length=60, help_text="The status it was closed with.")
    retention_years = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField(
        default=0, help_text="Access-log rows deleted, or files deleted for a review."
    )
    purged_at = models.DateTimeField(default=timezone.now, db_index=True)
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(max_length=20, help_text="scheduled or command")

    class Meta:
        ordering = ["-purged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification_id"],
                condition=models.Q(notification_id__isnull=False),
                name="purge_once_per_notification",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PurgeKind.values), name="purge_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference or self.closed_on}"
