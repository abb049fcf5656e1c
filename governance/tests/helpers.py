"""Helpers for the decision tests: run a meeting to the point of deciding."""

from __future__ import annotations

from typing import Any

from governance.models import AgendaItem, Meeting, MeetingStatus
from governance.services.agenda import agenda_item_add
from governance.services.meetings import meeting_attendance_record, meeting_transition


def on_agenda(meeting: Meeting, case: Any, by: Any) -> AgendaItem:
    return agenda_item_add(meeting=meeting, case_id=case.pk, by=by)


def start(meeting: Meeting, by: Any, present: list[Any] | None = None) -> Meeting:
    """Start the meeting and record everyone (or ``present``) as present."""
    meeting_transition(meeting=meeting, to=MeetingStatus.IN_PROGRESS, by=by, reason="Started")
    users = present if present is not None else [m.user for m in meeting.members.all()]
    meeting_attendance_record(meeting=meeting, present_user_ids=[u.pk for u in users], by=by)
    meeting.refresh_from_db()
    return meeting


def members(meeting: Meeting) -> list[Any]:
    """The members other than the chair, in order."""
    return [m.user for m in meeting.members.exclude(user=meeting.chair).order_by("pk")]
