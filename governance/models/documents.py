"""Documents rendered in the background and kept for download: panel packs and reports.

A row is the job and its result. The view writes it (``queued``) and enqueues the render
after commit; the task claims it with a conditional update, reports progress, stores the
PDF through Django storage and records pages and render time. A re-delivered task finds
the row done and does nothing; a claim older than the timeout may be taken again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.models.meetings import Meeting
from leder.models import Organisation


class DocumentKind(models.TextChoices):
    PANEL_PACK = "panel_pack", "Panel pack"
    ACTIVITY = "activity", "Bi-monthly activity report"
    QUARTERLY = "quarterly", "Quarterly report to the ICB committee"
    ANNUAL = "annual", "Annual report"


REPORT_KINDS = (DocumentKind.ACTIVITY, DocumentKind.QUARTERLY, DocumentKind.ANNUAL)


class DocumentState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


def document_path(instance: GeneratedDocument, filename: str) -> str:
    import uuid

    return f"governance/documents/{instance.kind}/{uuid.uuid4().hex}.pdf"


class GeneratedDocument(models.Model):
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    # Empty: every ICB (the regional view).
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True, help_text="Inclusive.")
    state = models.CharField(
        max_length=10, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=document_path, blank=True, max_length=300)
    pages = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["kind", "icb", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def filename(self) -> str:
        if self.kind == DocumentKind.PANEL_PACK and self.meeting_id:
            return f"panel-pack-{self.meeting_id}.pdf"
        start = self.period_start.isoformat() if self.period_start else "all"
        end = self.period_end.isoformat() if self.period_end else "all"
        return f"leder-{self.kind}-report-{start}-to-{end}.pdf"
