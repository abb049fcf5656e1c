"""The review itself: sections of the task list, key episodes of care, multi-agency
meetings, learning themes and the senior reviewer's supervision comments.

A section's answers are kept as JSON validated by the section's form (``reviews.review.
sections``), one row per case and section, created by the first save. ``revision`` counts
saves: a form posts the revision it loaded, and a save of an older revision is refused
(two tabs, or two people). Writes go through ``reviews.services.review``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models.case import Case


class ReviewSection(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    completed = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "key"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="review_section_one_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.key}"


class EpisodeSetting(models.TextChoices):
    GP = "gp", "GP or primary care"
    HOSPITAL_INPATIENT = "hospital_inpatient", "Hospital (inpatient)"
    HOSPITAL_OUTPATIENT = "hospital_outpatient", "Hospital (outpatient or emergency department)"
    MENTAL_HEALTH = "mental_health", "Mental health service"
    COMMUNITY_HEALTH = "community_health", "Community health service"
    SOCIAL_CARE = "social_care", "Social care or care home"
    AMBULANCE = "ambulance", "Ambulance service"
    OTHER = "other", "Somewhere else"


class KeyEpisode(models.Model):
    """A dated episode of health or social care on the review's timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="episodes")
    occurred_on = models.DateField()
    setting = models.CharField(max_length=30, choices=EpisodeSetting.choices)
    organisation = models.CharField(max_length=200)
    what_happened = models.TextField()
    good_practice = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["case", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(setting__in=EpisodeSetting.values),
                name="key_episode_setting_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Episode on {self.occurred_on:%Y-%m-%d}"


class MultiAgencyMeeting(models.Model):
    """A multi-agency meeting of a focused review. ``attendees``: [{"role", "organisation"}]."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    attendees = models.JSONField(default=list)
    minutes_summary = models.TextField()
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Meeting on {self.held_on:%Y-%m-%d}"


class LearningTheme(models.Model):
    """The managed list of learning themes a review's findings choose from (admin-edited)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SupervisionComment(models.Model):
    """The senior reviewer's comment on one section, and the reviewer's answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_comments")
    section_key = models.CharField(max_length=40)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "section_key"])]

    def __str__(self) -> str:
        return f"Comment on {self.section_key} ({self.created_at:%Y-%m-%d})"
