"""The emails a record request owes (an outbox row each), sent by ``reviews.records.tasks``.

A service writes the row and enqueues the send after commit; the task claims the row with
a conditional update (``claimed_at``), sends, and records ``sent_at``. A claim older than
``CLAIM_TIMEOUT`` belongs to a worker that died: the sweep (or a re-delivered task) may
take it again. ``key`` is the email's idempotency key and its Message-ID.

To organisations (``to_email`` fixed when queued): the link, a new link after expiry, the
reminder. To staff (resolved when sent): escalation to the LACs; a telephone offer or
records received, to the allocated reviewer (the LACs when nobody is allocated).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from reviews.records.models.requests import RecordRequest
from reviews.records.querysets import RecordEmailQuerySet


class RecordEmail(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", "Link to the organisation"
        REISSUE = "reissue", "New link to the organisation after expiry"
        REMINDER = "reminder", "Reminder to the organisation"
        ESCALATED = "escalated", "Escalation to the LACs"
        PHONE_OFFERED = "phone_offered", "Telephone offer, to the reviewer"
        COMPLETED = "completed", "Records received, to the reviewer"

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    to_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=100, blank=True)
    recipients_count = models.PositiveSmallIntegerField(default=0)

    objects = RecordEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(
                    sent_at__isnull=True, failed_at__isnull=True, cancelled_at__isnull=True
                ),
                name="record_email_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.request_id})"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.failed_at is None and self.cancelled_at is None
