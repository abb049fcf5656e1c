"""Files an organisation uploaded for a request.

Stored through Django's storage API under generated names (``records/<random>``), never
under the name the organisation gave, and never served by the web server: only the
download view streams them, to the people who may see the case, and logs each download.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.records.models.links import UploadLink
from reviews.records.models.requests import RecordRequest


class FileType(models.TextChoices):
    """What the content is (by its bytes, never its name) and how it is served."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document (DOCX)"
    RTF = "rtf", "Rich text (RTF)"
    TXT = "txt", "Plain text"
    PNG = "png", "PNG image"
    JPEG = "jpeg", "JPEG image"
    TIFF = "tiff", "TIFF image"


class ScanResult(models.TextChoices):
    CLEAN = "clean", "Checked for viruses"
    NOT_SCANNED = "not_scanned", "No virus scanner configured"


class RecordFile(models.Model):
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="files")
    link = models.ForeignKey(
        UploadLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file_type = models.CharField(max_length=10, choices=FileType.choices)
    scan = models.CharField(max_length=20, choices=ScanResult.choices)
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="The content was deleted (National Data Opt-Out)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "sha256"], name="record_file_once_per_request"
            ),
            models.CheckConstraint(
                condition=models.Q(file_type__in=FileType.values), name="record_file_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Record file {self.pk}"
