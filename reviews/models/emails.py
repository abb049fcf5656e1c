"""Emails a case owes (outbox rows), sent after commit by ``reviews.tasks``.

No email names the person or gives their NHS number: a reference and a link only.
Recipients are a named staff user, or the ICB's LACs resolved at send time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leder.models import Organisation
from reviews.models.case import Case


class CaseEmail(models.Model):
    class Kind(models.TextChoices):
        ALLOCATED = "allocated", "A review allocated to the reviewer"
        PEER_SUPPORT = "peer_support", "Peer support asked of the senior reviewer"
        ALLOCATION_ENDED = "allocation_ended", "The case was reallocated"
        DECLINED = "declined", "The reviewer declared a conflict (to the LACs)"
        CONFLICT_FLAGGED = "conflict_flagged", "A new conflict of interest (to the LACs)"
        ESCALATED = "escalated", "Escalated to a focused review (to the LACs)"
        RETURNED = "returned", "Returned to the reviewer after quality assurance"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"
