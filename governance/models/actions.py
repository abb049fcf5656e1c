"""Learning into action: SMART actions, their progress notes, evidence of completion and the
reminders their owners get when they are overdue.

Status moves are declared in ``governance.workflow.ACTION_TRANSITIONS`` and made only by
``governance.services.actions.action_transition``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models.decisions import Decision
from governance.models.meetings import Meeting
from governance.querysets import ActionQuerySet
from leder.lib.workflow import StatusChangeBase
from leder.models import Organisation


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="actions", verbose_name="ICB"
    )
    title = models.CharField("what will be done", max_length=200)
    description = models.TextField("details", blank=True)
    success_measure = models.TextField(
        "how we will know it is done", help_text="A measurable result."
    )
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_actions"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    # An owner without an account: a name and an email address for reminders.
    owner_name = models.CharField(max_length=150, blank=True)
    owner_email = models.EmailField(blank=True)
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    cancelled_reason = models.TextField(blank=True)
    evidence_summary = models.TextField("evidence of completion", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    cases = models.ManyToManyField("reviews.Case", blank=True, related_name="actions")
    themes = models.ManyToManyField(
        "reviews.LearningTheme", blank=True, related_name="actions", verbose_name="learning themes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[cases, themes])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["icb", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=False) | ~models.Q(owner_name=""),
                name="action_has_an_owner",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancelled_reason=""),
                name="action_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(evidence_summary=""),
                name="action_completed_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"ACT-{self.pk:05d}" if self.pk else "ACT-new"

    @property
    def owner_display(self) -> str:
        return self.owner_user.full_name if self.owner_user_id else self.owner_name  # type: ignore[union-attr]

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_on < timezone.localdate()


class ActionStatusChange(StatusChangeBase):
    subject = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="status_changes")


class ActionProgress(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_notes")
    note = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Progress on {self.action_id} at {self.at:%Y-%m-%d}"


def evidence_path(instance: ActionEvidence, filename: str) -> str:
    """Generated names only: what the uploader called the file is kept in ``name``."""
    import uuid

    return f"governance/evidence/{instance.action_id}/{uuid.uuid4().hex}"


class ActionEvidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField("file name", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "sha256"], name="action_evidence_once")
        ]

    def __str__(self) -> str:
        return self.name


class ActionReminder(models.Model):
    """Outbox row: one reminder to an overdue action's owner, sent by ``governance.tasks``.

    ``round`` counts reminder periods since the due date, so the daily sweep creates at
    most one reminder per action per period however often it runs (unique constraint).
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    round = models.PositiveSmallIntegerField()
    recipient_email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "round"], name="action_reminder_once")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.round} for {self.action_id}"
