"""Writes to the review: its sections, the key episodes, the multi-agency meetings and the
senior reviewer's supervision comments.

Every edit locks the case row first and checks, under the lock, that ``by`` is still the
allocated reviewer and the review is open for changes (in progress, or returned by the
panel), so a reallocation or a submission in another tab wins cleanly: nothing is saved
and the caller shows why. Section and row saves carry the ``revision`` the form loaded; an
older revision is refused (code "stale") instead of overwriting someone else's save.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leder.lib.history import history_save
from leder.models import User
from reviews.models import (
    Allocation,
    Case,
    KeyEpisode,
    LearningTheme,
    MultiAgencyMeeting,
    ReviewSection,
    SupervisionComment,
)
from reviews.review.sections import get_section
from reviews.review.state import EDITABLE_STATUSES

NOT_YOURS = (
    "This review is no longer allocated to you, so your changes have not been saved. "
    "Nothing the new reviewer has done has changed."
)
READ_ONLY = "This review cannot be changed now: it is {status}."
STALE_SECTION = (
    "This section was changed in another tab or by someone else after you opened it. "
    "Your changes have not been saved: they are shown below. Check them against the saved "
    "answers, then save again to replace them."
)
STALE_ROW = (
    "This was changed in another tab or by someone else after you opened it. "
    "Your changes have not been saved: they are shown below. Save again to replace it."
)


def lock_for_edit(case: Case, by: User) -> Case:
    """Lock the case; refuse unless ``by`` is its allocated reviewer and it is editable."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    active = Allocation.objects.filter(case=locked, ended_at__isnull=True).first()
    if active is None or active.reviewer_id != by.pk:
        raise ValidationError(NOT_YOURS, code="not_yours")
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            READ_ONLY.format(status=locked.get_status_display().lower()), code="read_only"
        )
    return locked


@transaction.atomic
def review_section_save(
    *,
    case: Case,
    key: str,
    answers: dict[str, Any],
    completed: bool,
    revision: int | None,
    by: User,
) -> ReviewSection:
    """Save a section's answers (validated by its form) and whether it is complete.

    ``revision``: the revision the form was loaded with (0 or None for a section never
    saved). A different current revision means someone saved in between: refused.
    """
    locked = lock_for_edit(case, by)
    section = get_section(key)
    if section is None or not section.applies_to(locked.review_type):
        raise ValidationError("This section is not part of this review", code="no_section")
    row = ReviewSection.objects.select_for_update().filter(case=locked, key=key).first()
    current = row.revision if row is not None else 0
    if (revision or 0) != current:
        raise ValidationError(STALE_SECTION, code="stale")
    allowed = set(section.form_class.base_fields) | {"icd10_description", "theme_names"}
    allowed |= {"grade_label", "grade_definition"}
    unknown = set(answers) - allowed
    if unknown:
        raise ValidationError(f"Unknown answers: {', '.join(sorted(unknown))}", code="unknown")
    if row is None:
        row = ReviewSection(case=locked, key=key)
    row.data = answers
    row.completed = completed
    row.revision = current + 1
    row.updated_at = timezone.now()
    row.updated_by = by
    state = "completed" if completed else "saved"
    history_save(row, by=by, reason=f"{section.title} {state}")
    return row


@transaction.atomic
def key_episode_add(
    *,
    case: Case,
    occurred_on: datetime.date,
    setting: str,
    organisation: str,
    what_happened: str,
    good_practice: str = "",
    concerns: str = "",
    by: User,
) -> KeyEpisode:
    locked = lock_for_edit(case, by)
    episode = KeyEpisode(
        case=locked,
        occurred_on=occurred_on,
        setting=setting,
        organisation=organisation.strip(),
        what_happened=what_happened.strip(),
        good_practice=(good_practice or "").strip(),
        concerns=(concerns or "").strip(),
    )
    episode.full_clean()
    history_save(episode, by=by, reason="Key episode added")
    return episode


@transaction.atomic
def key_episode_update(
    *, episode: KeyEpisode, revision: int | None, by: User, **fields: Any
) -> KeyEpisode:
    lock_for_edit(episode.case, by)
    locked = KeyEpisode.objects.select_for_update().filter(pk=episode.pk).first()
    if locked is None:
        raise ValidationError("This episode has been deleted", code="gone")
    if (revision or 0) != locked.revision:
        raise ValidationError(STALE_ROW, code="stale")
    names = {"occurred_on", "setting", "organisation", "what_happened", "good_practice", "concerns"}
    for name, value in fields.items():
        if name not in names:
            raise TypeError(f"unknown field {name}")
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.revision += 1
    locked.full_clean()
    history_save(locked, by=by, reason="Key episode changed")
    return locked


@transaction.atomic
def key_episode_delete(*, episode: KeyEpisode, by: User) -> None:
    lock_for_edit(episode.case, by)
    locked = KeyEpisode.objects.select_for_update().filter(pk=episode.pk).first()
    if locked is None:
        return
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = "Key episode deleted"  # type: ignore[attr-defined]
    locked.delete()


@transaction.atomic
def multi_agency_meeting_add(
    *,
    case: Case,
    held_on: datetime.date,
    attendees: list[dict[str, str]],
    minutes_summary: str,
    by: User,
) -> MultiAgencyMeeting:
    locked = lock_for_edit(case, by)
    if locked.review_type != "focused":
        raise ValidationError("Multi-agency meetings are part of a focused review", code="type")
    meeting = MultiAgencyMeeting(
        case=locked, held_on=held_on, attendees=attendees, minutes_summary=minutes_summary.strip()
    )
    meeting.full_clean()
    history_save(meeting, by=by, reason="Multi-agency meeting added")
    return meeting


@transaction.atomic
def multi_agency_meeting_update(
    *, meeting: MultiAgencyMeeting, revision: int | None, by: User, **fields: Any
) -> MultiAgencyMeeting:
    lock_for_edit(meeting.case, by)
    locked = MultiAgencyMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if locked is None:
        raise ValidationError("This meeting has been deleted", code="gone")
    if (revision or 0) != locked.revision:
        raise ValidationError(STALE_ROW, code="stale")
    for name, value in fields.items():
        if name not in {"held_on", "attendees", "minutes_summary"}:
            raise TypeError(f"unknown field {name}")
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.revision += 1
    locked.full_clean()
    history_save(locked, by=by, reason="Multi-agency meeting changed")
    return locked


@transaction.atomic
def multi_agency_meeting_delete(*, meeting: MultiAgencyMeeting, by: User) -> None:
    lock_for_edit(meeting.case, by)
    locked = MultiAgencyMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if locked is None:
        return
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = "Multi-agency meeting deleted"  # type: ignore[attr-defined]
    locked.delete()


# --- Peer support --------------------------------------------------------------------------


@transaction.atomic
def supervision_comment_add(
    *, case: Case, section_key: str, text: str, by: User
) -> SupervisionComment:
    """The senior reviewer of the active allocation comments on a section."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    active = Allocation.objects.filter(case=locked, ended_at__isnull=True).first()
    if active is None or active.senior_reviewer_id != by.pk:
        raise ValidationError(
            "Only the senior reviewer giving peer support can comment", code="not_senior"
        )
    if get_section(section_key) is None:
        raise ValidationError("This section is not part of this review", code="no_section")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Enter your comment"]})
    comment = SupervisionComment(case=locked, section_key=section_key, author=by, text=text)
    history_save(comment, by=by, reason="Supervision comment")
    return comment


@transaction.atomic
def supervision_comment_reply(
    *, comment: SupervisionComment, reply: str, by: User
) -> SupervisionComment:
    """The allocated reviewer answers a comment (once; the answer is kept with it)."""
    locked_case = Case.objects.select_for_update().get(pk=comment.case_id)
    active = Allocation.objects.filter(case=locked_case, ended_at__isnull=True).first()
    if active is None or active.reviewer_id != by.pk:
        raise ValidationError(NOT_YOURS, code="not_yours")
    locked = SupervisionComment.objects.select_for_update().get(pk=comment.pk)
    if locked.reply:
        raise ValidationError("This comment has already been answered", code="answered")
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": ["Enter your answer"]})
    locked.reply = reply
    locked.replied_by = by
    locked.replied_at = timezone.now()
    history_save(
        locked,
        by=by,
        reason="Reviewer answered a supervision comment",
        update_fields=["reply", "replied_by", "replied_at"],
    )
    return locked


# --- The learning themes (reference data) --------------------------------------------------


@transaction.atomic
def learning_theme_save(*, theme: LearningTheme, by: User | None) -> LearningTheme:
    """Add or change a learning theme (the admin's form calls this). Themes are retired
    (``active=False``), never deleted: reviews keep the names they chose."""
    theme.name = (theme.name or "").strip()
    theme.full_clean()
    history_save(
        theme,
        by=by,
        reason="Learning theme added" if theme.pk is None else "Learning theme changed",
    )
    return theme


# --- National Data Opt-Out -----------------------------------------------------------------


def review_erase(*, case: Case, removed: str = "Removed after a National Data Opt-Out") -> None:
    """After a National Data Opt-Out (docs/adr/0005, 0009), or at the end of the retention
    period (``leder.retention``, docs/adr/0011): remove everything the review
    recorded about the person, in the rows and their history. Submitted versions keep their
    number, who and when, but their content is replaced (the one exception the versions'
    trigger allows, inside this transaction only)."""
    from django.db import connection

    from reviews.models import QAReturn, ReviewVersion

    for model in (ReviewSection, KeyEpisode, MultiAgencyMeeting, SupervisionComment):
        model.objects.filter(case=case).delete()
        model.history.filter(case_id=case.pk).delete()  # type: ignore[attr-defined]
    QAReturn.objects.filter(case=case).update(comments=removed)
    QAReturn.history.filter(case_id=case.pk).update(comments=removed)  # type: ignore[attr-defined]
    if ReviewVersion.objects.filter(case=case).exists():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL leder.review_version_erase = 'on'")
        ReviewVersion.objects.filter(case=case).update(content={"erased": removed})
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL leder.review_version_erase = 'off'")
