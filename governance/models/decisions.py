"""Decisions at a meeting, who signed them off, and what follows.

- ``Decision``: one per agenda item; the outcome, the discussion summary, the learning
  themes confirmed. It takes effect when signed off: the chair and enough present,
  unconflicted members to make the quorum have signed (``DecisionSignature``).
- ``AmendmentCheck``: "approved with minor amendments" completes the review only once the
  LAC has checked the amendments.
- ``GovernanceSignOff``: a focused review approved by the QA panel waits here for the
  Governance Group's own sign-off before the review is completed (docs/adr/0008).
- ``MinutesAddendum``: after the chair closes a meeting its minutes are locked; later
  corrections are addenda, never edits.

Signed-off decisions, signatures and addenda are refused UPDATE by database triggers
(migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models.agenda import AgendaItem
from governance.models.meetings import Meeting


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_AMENDMENTS = "approved_with_amendments", "Approved with minor amendments"
    RETURNED = "returned", "Returned to the reviewer"
    ESCALATED = "escalated", "Escalated to a focused review"


# The Governance Group signs off focused reviews: it approves or returns them.
GOVERNANCE_OUTCOMES = (Outcome.APPROVED, Outcome.APPROVED_WITH_AMENDMENTS, Outcome.RETURNED)


class Decision(models.Model):
    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    discussion_summary = models.TextField()
    comments = models.TextField(
        "comments for the reviewer", blank=True, help_text="What the reviewer must change."
    )
    amendments = models.TextField("minor amendments", blank=True)
    themes = models.ManyToManyField(
        "reviews.LearningTheme",
        blank=True,
        related_name="decisions",
        verbose_name="learning themes",
    )
    good_practice = models.TextField(
        "good practice to share", blank=True, help_text="Examples for the annual report."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    signed_off_at = models.DateTimeField(null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "pk"]
        # The KPIs' learning themes read the decisions signed off in a period with their
        # agenda item (to find the ICB) from this index alone, not the decision rows.
        indexes = [
            models.Index(
                fields=["signed_off_at"],
                include=["item", "id"],
                name="governance_dec_signed_item_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="decision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="returned") | ~models.Q(comments=""),
                name="decision_returned_has_comments",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="approved_with_amendments") | ~models.Q(amendments=""),
                name="decision_amendments_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.item}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class DecisionSignature(models.Model):
    """One member's sign-off: their name, role and organisation as they were then."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150)
    organisation = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="decision_signed_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role}) at {self.signed_at:%Y-%m-%d %H:%M}"


class AmendmentCheck(models.Model):
    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="amendment_check"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Amendments checked by {self.checked_by} at {self.checked_at:%Y-%m-%d}"


class GovernanceSignOff(models.Model):
    """A focused review the QA panel approved, waiting for the Governance Group."""

    case = models.ForeignKey(
        "reviews.Case", on_delete=models.PROTECT, related_name="governance_signoffs"
    )
    qa_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="governance_signoff"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.OneToOneField(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_signoff",
        help_text="The Governance Group's signed-off decision.",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(resolved_at__isnull=True),
                name="governance_signoff_one_pending_per_case",
            )
        ]

    def __str__(self) -> str:
        state = "signed off" if self.resolved_at else "awaiting the Governance Group"
        return f"{self.case}: {state}"


class MinutesAddendum(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="addenda")
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="addenda",
        help_text="The agenda item it corrects, if any.",
    )
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Addendum by {self.by} at {self.at:%Y-%m-%d %H:%M}"
