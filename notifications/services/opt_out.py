"""National Data Opt-Out: the case stops and only a minimum stub is kept.

Kept: reference, ICB, date of death, date received, status, the duplicate link, who
recorded the opt-out and when. Removed: everything else the notifier told us, from the
record, from its history rows, and from the free-text reasons of its status changes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.services.opt_out import governance_case_stop
from leder.services.access_log import access_record
from notifications.models import Notification, NotificationStatus, NotificationStatusChange
from notifications.services.transitions import notification_transition
from reviews.models import Case, CaseStatus
from reviews.records.services import record_requests_stop
from reviews.services import case_transition

OPT_OUT_REASON = "National Data Opt-Out recorded: review stopped, personal data removed"
REMOVED = "Removed after a National Data Opt-Out"

# Field → the value a stub keeps.
SCRUBBED: dict[str, Any] = {
    "gp_practice": None,
    "given_name": "",
    "family_name": "",
    "other_names": "",
    "name_key": "",
    "date_of_birth": None,
    "nhs_number": "",
    "address": "",
    "postcode": "",
    "sex": "",
    "ethnicity": "",
    "learning_disability": "",
    "learning_disability_level": "",
    "autism": "",
    "place_of_death": "",
    "place_of_death_detail": "",
    "cause_of_death": "",
    "care_concerns": "",
    "care_concerns_detail": "",
    "detained_mha": "",
    "detained_cjs": "",
    "family_requested_review": "",
    "other_processes": [],
    "contact_name": "",
    "contact_relationship": "",
    "contact_phone": "",
    "contact_email": "",
    "contact_knows": "",
    "notifier_name": "",
    "notifier_role": "",
    "notifier_organisation": "",
    "notifier_email": "",
    "notifier_phone": "",
    "age_at_death": None,
    "focused_criteria": [],
    "screening_note": "",
}


def notification_history_erase(
    *, notification: Notification, removed: str, keep_reason: str, keep_status: str = ""
) -> None:
    """Reduce the notification's history to the stub (also used by the retention purge,
    ``leder.retention``): every historical row gets the SCRUBBED values, change reasons
    other than ``keep_reason`` (the erasing change's own) become ``removed``, and so do the
    reasons of its status changes, except a change to ``keep_status`` (the opt-out's own).
    A direct update of the history tables: there is no history of history."""
    history_fields = {
        ("gp_practice_id" if k == "gp_practice" else k): v for k, v in SCRUBBED.items()
    }
    rows = Notification.history.filter(id=notification.pk)  # type: ignore[attr-defined]
    rows.update(**history_fields)
    rows.exclude(history_change_reason=None).exclude(
        history_change_reason=keep_reason[:100]
    ).update(history_change_reason=removed)
    changes = NotificationStatusChange.objects.filter(subject_id=notification.pk)
    if keep_status:
        changes = changes.exclude(to_status=keep_status)
    changes.update(reason=removed)


@transaction.atomic
def notification_opt_out(*, notification: Notification, by: Any) -> Notification:
    """Stop the case for a person who registered a National Data Opt-Out."""
    now = timezone.now()
    updated = notification_transition(
        notification=notification,
        to=NotificationStatus.OPTED_OUT,
        by=by,
        reason=OPT_OUT_REASON,
        also_set={**SCRUBBED, "opted_out_at": now, "opted_out_by": by},
    )
    notification_history_erase(
        notification=updated,
        removed=REMOVED,
        keep_reason=OPT_OUT_REASON,
        keep_status=NotificationStatus.OPTED_OUT,
    )

    case = Case.objects.filter(notification=updated).first()
    if case is not None and case.status != CaseStatus.OPTED_OUT:
        case_transition(case=case, to=CaseStatus.OPTED_OUT, by=by, reason=OPT_OUT_REASON)
        record_requests_stop(case=case, by=by)
        governance_case_stop(case=case, by=by)
    access_record(user=by, obj=updated, detail="National Data Opt-Out recorded")
    return updated
