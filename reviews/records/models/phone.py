"""An organisation's offer of a detailed telephone conversation instead of records."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.records.models.requests import RecordRequest


class PhoneOffer(models.Model):
    request = models.OneToOneField(
        RecordRequest, on_delete=models.CASCADE, related_name="phone_offer"
    )
    contact_name = models.CharField("name", max_length=150)
    job_title = models.CharField("role", max_length=150, blank=True)
    phone = models.CharField("telephone number", max_length=30)
    times = models.TextField("when to call")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Telephone offer on request {self.request_id}"
