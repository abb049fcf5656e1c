"""A request for a person's records, sent to an organisation's secure mailbox.

The request row is the source of truth: its status (moved only by
``record_request_transition``), its status-change rows, and an append-only list of events
the review page shows (sent, opened, reminded, re-issued, files received, phone offered,
escalated). ``expires_at`` is when the live links stop working; it is empty while a
(new) link is being sent, so the sweep never counts a link that nobody has yet.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leder.lib.workflow import StatusChangeBase
from leder.models import Organisation
from reviews.models import Case
from reviews.records.querysets import RecordRequestQuerySet


class RecordRequestStatus(models.TextChoices):
    QUEUED = "queued", "Link being sent"
    SENT = "sent", "Link sent"
    OPENED = "opened", "Started by the organisation"
    COMPLETED = "completed", "Records received"
    PHONE_OFFERED = "phone_offered", "Telephone conversation offered"
    ESCALATED = "escalated", "Escalated to the LAC"
    CANCELLED = "cancelled", "Cancelled"


S = RecordRequestStatus
# Still waiting for the organisation.
OPEN_STATUSES = (S.QUEUED, S.SENT, S.OPENED)
# A link may be live.
LINK_STATUSES = (S.SENT, S.OPENED)


class RecordRequest(models.Model):
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="record_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recipient_email = models.EmailField(
        help_text="Normally the organisation's secure email address."
    )
    period_from = models.DateField("records from")
    period_to = models.DateField("records to")
    status = models.CharField(max_length=20, choices=S.choices, default=S.QUEUED)
    automatic = models.BooleanField(
        default=False, help_text="Sent by the service when the case opened or was allocated."
    )
    reissue_count = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = RecordRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status__in=["sent", "opened"]),
                name="record_request_live_expiry",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=S.values), name="record_request_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(period_from__lte=models.F("period_to")),
                name="record_request_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Records request {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RecordRequestStatusChange(StatusChangeBase):
    subject = models.ForeignKey(
        RecordRequest, on_delete=models.CASCADE, related_name="status_changes"
    )


class EventKind(models.TextChoices):
    REQUESTED = "requested", "Records requested"
    SENT = "sent", "Link emailed"
    REMINDED = "reminded", "Reminder emailed"
    REISSUED = "reissued", "Link expired, new link emailed"
    OPENED = "opened", "Organisation started using the link"
    FILES_RECEIVED = "files_received", "Files received"
    COMPLETED = "completed", "Organisation confirmed it has sent everything"
    PHONE_OFFERED = "phone_offered", "Telephone conversation offered instead"
    ESCALATED = "escalated", "Escalated to the LAC"
    CANCELLED = "cancelled", "Cancelled"
    SEND_FAILED = "send_failed", "Email could not be sent"


class RecordRequestEvent(models.Model):
    """Append-only: what happened to a request, for the review page. ``detail`` never
    holds personal data (counts, the mailbox written to, a reason typed by staff)."""

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
