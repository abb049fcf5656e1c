"""Submission of the public form: stored exactly once, screened, checked for duplicates,
routed, and acknowledged."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from leder.lib.history import history_save
from leder.models import Organisation
from notifications.models import (
    Notification,
    NotificationEmail,
    NotificationStatus,
    NotificationStatusChange,
    normalise_name,
)
from notifications.screening import Outcome, screen
from notifications.services.emails import notification_alert_staff, notification_email_queue
from notifications.services.routing import icb_for_practice
from notifications.services.transitions import notification_transition

# The answers the public form may set (model field names).
ANSWER_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "nhs_number",
        "address",
        "postcode",
        "sex",
        "ethnicity",
        "learning_disability",
        "learning_disability_level",
        "autism",
        "date_of_death",
        "place_of_death",
        "place_of_death_detail",
        "gp_practice",
        "cause_of_death",
        "care_concerns",
        "care_concerns_detail",
        "detained_mha",
        "detained_cjs",
        "family_requested_review",
        "other_processes",
        "contact_name",
        "contact_relationship",
        "contact_phone",
        "contact_email",
        "contact_knows",
        "notifier_name",
        "notifier_role",
        "notifier_organisation",
        "notifier_email",
        "notifier_phone",
    }
)

SUBMITTED = "Submitted through the public notification form"


def next_reference(year: int) -> str:
    """LDR-YYYY-NNNNNN, numbered by a database sequence (no gaps filled, no clashes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('notifications_reference_seq')")
        (number,) = cursor.fetchone()
    return f"LDR-{year}-{number:06d}"


def find_original(notification: Notification) -> tuple[Notification | None, str]:
    """The earlier notification of the same death (the first one, not another duplicate)."""
    matches = (
        Notification.objects.exclude(pk=notification.pk)
        .exclude(status=NotificationStatus.OPTED_OUT)
        .matching_person(
            nhs_number=notification.nhs_number,
            name_key=notification.name_key,
            date_of_birth=notification.date_of_birth,
            date_of_death=notification.date_of_death,
        )
        .select_related("duplicate_of")
        .order_by("received_at", "pk")
    )
    match = matches.first()
    if match is None:
        return None, ""
    how = (
        "the same NHS number"
        if notification.nhs_number and match.nhs_number == notification.nhs_number
        else "the same name, date of birth and date of death"
    )
    original = match.duplicate_of if match.duplicate_of_id else match
    return original, how


def _check(answers: dict[str, Any]) -> None:
    unknown = set(answers) - ANSWER_FIELDS
    if unknown:
        raise ValueError(f"Unexpected answers: {sorted(unknown)}")
    for name in ("date_of_birth", "date_of_death", "learning_disability", "autism"):
        if not answers.get(name):
            raise ValidationError(f"{name} is required")
    if answers["date_of_death"] > timezone.localdate():
        raise ValidationError("Date of death must be today or in the past")
    if answers["date_of_death"] < answers["date_of_birth"]:
        raise ValidationError("Date of death must be the same as or after the date of birth")
    practice = answers.get("gp_practice")
    if practice is not None and not isinstance(practice, Organisation):
        raise ValueError("gp_practice must be an Organisation or None")


@transaction.atomic
def notification_submit(
    *, answers: dict[str, Any], idempotency_key: uuid.UUID | str
) -> tuple[Notification, bool]:
    """Store a notification once per ``idempotency_key``; returns (notification, created).

    A repeated key (double-click, resubmit, a second tab) returns the first notification.
    """
    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    _check(answers)
    now = timezone.now()
    notification = Notification(**answers)
    notification.idempotency_key = idempotency_key
    notification.received_at = now
    notification.reference = next_reference(timezone.localtime(now).year)
    notification.name_key = normalise_name(notification.given_name, notification.family_name)
    notification.icb = icb_for_practice(notification.gp_practice)
    screening = screen(notification)
    notification.age_at_death = screening.age_at_death
    notification.focused_criteria = screening.focused_criteria
    notification.screening_note = screening.note
    try:
        with transaction.atomic():
            history_save(notification, by=None, reason=SUBMITTED)
    except IntegrityError:
        # Another request with the same key won the race: that one is the submission.
        return Notification.objects.get(idempotency_key=idempotency_key), False
    NotificationStatusChange.objects.create(
        subject=notification, from_status="", to_status=notification.status, reason=SUBMITTED
    )

    original, how = find_original(notification)
    if original is not None:
        notification_transition(
            notification=notification,
            to=NotificationStatus.DUPLICATE,
            by=None,
            reason=f"Possible duplicate of {original.reference}: {how}",
            also_set={"duplicate_of": original},
        )
    elif screening.outcome == Outcome.CHILD_DEATH:
        notification_transition(
            notification=notification,
            to=NotificationStatus.INELIGIBLE,
            by=None,
            reason=screening.note,
        )
    elif screening.outcome == Outcome.NEEDS_CONFIRMATION:
        notification_transition(
            notification=notification,
            to=NotificationStatus.NEEDS_CONFIRMATION,
            by=None,
            reason=screening.note,
        )

    if notification.notifier_email:
        notification_email_queue(
            notification=notification, kind=NotificationEmail.Kind.ACKNOWLEDGEMENT
        )
    notification_alert_staff(notification=notification)
    return notification, True
