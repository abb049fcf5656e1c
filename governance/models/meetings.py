"""Panel meetings: the monthly Quality Assurance and Oversight Group and the bi-monthly
Governance Group, their members, attendance and per-meeting object grants.

Members reach a meeting through django-guardian object permissions held in the
direct-foreign-key tables below (``view_meeting`` for every member, ``chair_meeting`` for
the chair), granted and revoked only by ``governance.services.meetings``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from governance.querysets import MeetingQuerySet
from leder.lib.workflow import StatusChangeBase
from leder.models import Organisation


class MeetingKind(models.TextChoices):
    QA_PANEL = "qa_panel", "Quality Assurance and Oversight Group"
    GOVERNANCE_GROUP = "governance_group", "LeDeR Governance Group"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed: minutes locked"
    CANCELLED = "cancelled", "Cancelled"


def default_quorum() -> int:
    return int(getattr(settings, "LEDER_PANEL_QUORUM", 3))


class Meeting(models.Model):
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meetings", verbose_name="ICB"
    )
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    scheduled_for = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online meeting link", blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # Copied from LEDER_PANEL_QUORUM when the meeting is scheduled: changing the setting
    # never changes what a past meeting needed.
    quorum = models.PositiveSmallIntegerField(default=default_quorum)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        indexes = [models.Index(fields=["icb", "kind", "scheduled_for"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(condition=models.Q(quorum__gte=1), name="meeting_quorum_set"),
        ]
        permissions = [("chair_meeting", "Can chair the meeting (see full reports, close it)")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {timezone.localtime(self.scheduled_for):%d %B %Y}"

    @property
    def is_locked(self) -> bool:
        return self.status in {MeetingStatus.CLOSED, MeetingStatus.CANCELLED}


class MeetingStatusChange(StatusChangeBase):
    subject = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")


class MeetingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingMember(models.Model):
    """A person invited to a meeting, the organisation they represent, and whether they
    were there (recorded at the meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="Who they represent."
    )
    role = models.CharField(
        "role on the panel", max_length=150, help_text="For example: safeguarding lead."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    present = models.BooleanField(default=False)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    @property
    def is_chair(self) -> bool:
        return self.user_id == self.meeting.chair_id
