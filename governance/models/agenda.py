"""The agenda of a meeting (reviews in order), and the conflicts members declare per item.

A conflicted member cannot record or sign the decision on that item and does not count
towards its quorum.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models.meetings import Meeting, MeetingMember


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("reviews.Case", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    # The frozen version the meeting considers (and, if it approves, signs off).
    version = models.ForeignKey(
        "reviews.ReviewVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    # For a governance group meeting: the focused review waiting for its sign-off.
    governance_signoff = models.ForeignKey(
        "governance.GovernanceSignOff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once"),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_position_once",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.case}"


class PanelConflict(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(MeetingMember, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.TextField(help_text="How you know the person, family or the care given.")
    declared_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="panel_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.item}"
