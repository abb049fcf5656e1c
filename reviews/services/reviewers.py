"""The reviewer directory: profiles, employment history and declared conflicts.

Managed by the ICB's LAC and administrators; every change is recorded with who made it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leder.lib.history import history_save
from leder.models import Organisation, User
from leder.roles import Role
from reviews.models import DeclaredConflict, Employment, ReviewerProfile

REVIEWER_ROLES = (Role.REVIEWER, Role.SENIOR_REVIEWER)


def _check_dates(started_on: datetime.date, ended_on: datetime.date | None) -> None:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            {"ended_on": ["End date must be the same as or after the start date"]}
        )
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": ["Start date must be today or in the past"]})


def _check_nhs_number(value: str) -> str:
    digits = "".join(ch for ch in value or "" if not ch.isspace() and ch != "-")
    if digits and (not digits.isdigit() or len(digits) != 10):
        raise ValidationError({"nhs_number": ["NHS number must be 10 digits"]})
    return digits


@transaction.atomic
def reviewer_profile_create(*, user: User, by: User) -> ReviewerProfile:
    """Add a reviewer or senior reviewer of ``by``'s ICB to the directory (once)."""
    if not user.has_role(*REVIEWER_ROLES) or user.icb_id is None or user.icb_id != by.icb_id:
        raise ValidationError({"user": ["Select a reviewer from your ICB"]})
    existing = ReviewerProfile.objects.select_for_update().filter(user=user).first()
    if existing is not None:
        return existing
    profile = ReviewerProfile(user=user)
    history_save(profile, by=by, reason="Added to the reviewer directory")
    return profile


@transaction.atomic
def reviewer_profile_update(
    *,
    profile: ReviewerProfile,
    max_caseload: int,
    training_completed_on: datetime.date | None,
    by: User,
) -> ReviewerProfile:
    if max_caseload < 0 or max_caseload > 50:
        raise ValidationError({"max_caseload": ["Maximum caseload must be between 0 and 50"]})
    if training_completed_on is not None and training_completed_on > timezone.localdate():
        raise ValidationError(
            {"training_completed_on": ["Training date must be today or in the past"]}
        )
    profile.max_caseload = max_caseload
    profile.training_completed_on = training_completed_on
    history_save(
        profile,
        by=by,
        reason="Reviewer details updated",
        update_fields=["max_caseload", "training_completed_on"],
    )
    return profile


@transaction.atomic
def employment_add(
    *,
    profile: ReviewerProfile,
    organisation: Organisation,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    job_title: str = "",
    by: User,
) -> Employment:
    _check_dates(started_on, ended_on)
    job = Employment(
        profile=profile,
        organisation=organisation,
        started_on=started_on,
        ended_on=ended_on,
        job_title=job_title.strip(),
    )
    history_save(job, by=by, reason="Employment recorded")
    return job


@transaction.atomic
def employment_update(
    *,
    employment: Employment,
    organisation: Organisation,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    job_title: str = "",
    by: User,
) -> Employment:
    _check_dates(started_on, ended_on)
    employment.organisation = organisation
    employment.started_on = started_on
    employment.ended_on = ended_on
    employment.job_title = job_title.strip()
    history_save(employment, by=by, reason="Employment updated")
    return employment


@transaction.atomic
def declared_conflict_add(
    *, profile: ReviewerProfile, description: str, names: str, nhs_number: str = "", by: User
) -> DeclaredConflict:
    return _declared_conflict_save(
        DeclaredConflict(profile=profile),
        description=description,
        names=names,
        nhs_number=nhs_number,
        active=True,
        by=by,
        reason="Conflict of interest declared",
    )


@transaction.atomic
def declared_conflict_update(
    *,
    conflict: DeclaredConflict,
    description: str,
    names: str,
    nhs_number: str = "",
    active: bool,
    by: User,
) -> DeclaredConflict:
    return _declared_conflict_save(
        conflict,
        description=description,
        names=names,
        nhs_number=nhs_number,
        active=active,
        by=by,
        reason="Declared conflict updated" if active else "Declared conflict withdrawn",
    )


def _declared_conflict_save(
    conflict: DeclaredConflict, *, by: User, reason: str, **values: Any
) -> DeclaredConflict:
    description = values["description"].strip()
    names = "\n".join(line.strip() for line in values["names"].splitlines() if line.strip())
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Describe the connection"]
    number = ""
    try:
        number = _check_nhs_number(values["nhs_number"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not names and not number:
        errors["names"] = ["Enter at least one name, or the person's NHS number"]
    if errors:
        raise ValidationError(errors)
    conflict.description = description
    conflict.names = names
    conflict.nhs_number = number
    conflict.active = values["active"]
    history_save(conflict, by=by, reason=reason)
    return conflict
