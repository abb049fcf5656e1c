"""Upload links: the secret in an email to an organisation, bound to one request.

Only the SHA-256 of the token is stored (``leder.lib.tokens``); links are looked up by it
and never listed to anyone. A request may have several live links at once (the reminder
carries its own, expiring with the first); re-issuing, completing, cancelling or
escalating the request revokes them all.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.records.models.requests import RecordRequest


class LinkKind(models.TextChoices):
    FIRST = "first", "First link"
    REISSUE = "reissue", "New link after expiry"
    REMINDER = "reminder", "Reminder"


class RevokeReason(models.TextChoices):
    EXPIRED = "expired", "Expired"
    SUPERSEDED = "superseded", "Replaced by a new link"
    COMPLETED = "completed", "Request completed"
    PHONE_OFFERED = "phone_offered", "Telephone conversation offered"
    CANCELLED = "cancelled", "Request cancelled"
    ESCALATED = "escalated", "Request escalated"


class UploadLink(models.Model):
    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=RevokeReason.choices, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["request"],
                condition=models.Q(revoked_at__isnull=True),
                name="upload_link_unrevoked",
            )
        ]

    def __str__(self) -> str:
        return f"Upload link {self.pk} ({self.get_kind_display()})"

    def is_live(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now  # type: ignore[operator]
