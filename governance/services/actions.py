"""Learning into action: SMART actions, their status moves, progress notes and evidence.

- ``action_create`` / ``action_update``: LAC or governance member of the ICB.
- ``action_transition``: every status move (ACTION_TRANSITIONS): cancelling needs a reason,
  completing needs the evidence of completion.
- ``action_progress_add``: a dated note by anyone who may update the action.
- ``action_evidence_add``: a file, checked by the records upload validation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import (
    Action,
    ActionProgress,
    ActionStatus,
    ActionStatusChange,
    Decision,
    Meeting,
)
from governance.workflow import ACTION_TRANSITIONS
from leder.lib.history import history_save
from leder.lib.workflow import transition
from leder.models import Organisation, User
from leder.roles import Role

MANAGER_ROLES = (Role.LAC, Role.GOVERNANCE_MEMBER)


def can_manage_actions(user: Any, icb_id: int | None) -> bool:
    """Create and change any action of the ICB."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*MANAGER_ROLES)
        and icb_id is not None
        and user.icb_id == icb_id
    )


def can_update_action(user: Any, action: Action) -> bool:
    """Record progress, evidence and status: managers, and the owner."""
    return can_manage_actions(user, action.icb_id) or (
        action.owner_user_id is not None and action.owner_user_id == user.pk
    )


def _clean(
    *,
    icb: Organisation,
    title: str,
    success_measure: str,
    owner_organisation: Organisation | None,
    owner_user: User | None,
    owner_name: str,
    owner_email: str,
    due_on: datetime.date | None,
    creating: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter what will be done"]
    if not success_measure.strip():
        errors["success_measure"] = ["Enter how you will know it is done"]
    if owner_organisation is None:
        errors["owner_organisation"] = ["Select the organisation that owns the action"]
    elif owner_organisation.icb is None or owner_organisation.icb.pk != icb.pk:
        errors["owner_organisation"] = ["Select an organisation of this ICB"]
    if owner_user is None and not owner_name.strip():
        errors["owner_name"] = ["Select the person who owns the action, or enter their name"]
    if owner_user is None and owner_name.strip() and not owner_email.strip():
        errors["owner_email"] = ["Enter the owner's email address, for reminders"]
    if owner_user is not None and (owner_user.icb_id != icb.pk or not owner_user.is_active):
        errors["owner_user"] = ["Select a person of this ICB"]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due"]
    elif creating and due_on < timezone.localdate():
        errors["due_on"] = ["Due date must be today or in the future"]
    return errors


def _check_links(icb: Organisation, cases: Iterable[Any], themes: Iterable[Any]) -> None:
    if any(c.icb_id != icb.pk for c in cases):
        raise ValidationError({"cases": ["Select reviews of this ICB"]})


@transaction.atomic
def action_create(
    *,
    icb: Organisation,
    title: str,
    description: str = "",
    success_measure: str,
    owner_organisation: Organisation | None,
    owner_user: User | None = None,
    owner_name: str = "",
    owner_email: str = "",
    due_on: datetime.date | None,
    cases: Iterable[Any] = (),
    themes: Iterable[Any] = (),
    decision: Decision | None = None,
    meeting: Meeting | None = None,
    by: User,
) -> Action:
    """Agree a SMART action for ``icb``: at a meeting (``meeting``, ``decision``) or not."""
    if not can_manage_actions(by, icb.pk):
        raise ValidationError("Only the LAC or a governance member agrees actions")
    cases, themes = list(cases), list(themes)
    errors = _clean(
        icb=icb,
        title=title or "",
        success_measure=success_measure or "",
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        owner_name=owner_name or "",
        owner_email=owner_email or "",
        due_on=due_on,
        creating=True,
    )
    if errors or due_on is None:
        raise ValidationError(errors)
    if decision is not None:
        meeting = decision.item.meeting
        cases = [*cases, decision.item.case]
    if meeting is not None and (meeting.icb_id != icb.pk or meeting.is_locked):
        raise ValidationError("Actions are added to a meeting only while it is open")
    _check_links(icb, cases, themes)
    action = Action(
        icb=icb,
        title=title.strip(),
        description=(description or "").strip(),
        success_measure=success_measure.strip(),
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        owner_name="" if owner_user else owner_name.strip(),
        owner_email="" if owner_user else owner_email.strip(),
        due_on=due_on,
        decision=decision,
        meeting=meeting,
        created_by=by,
    )
    history_save(action, by=by, reason="Action agreed")
    ActionStatusChange.objects.create(
        subject=action, by=by, from_status="", to_status=ActionStatus.OPEN, reason="Action agreed"
    )
    action.cases.set({c.pk for c in cases})
    _set_themes(action, themes)
    return action


def _set_themes(action: Action, themes: list[Any]) -> None:
    action.themes.set(themes)


@transaction.atomic
def action_update(
    *,
    action: Action,
    title: str,
    description: str,
    success_measure: str,
    owner_organisation: Organisation | None,
    owner_user: User | None,
    owner_name: str,
    owner_email: str,
    due_on: datetime.date | None,
    cases: Iterable[Any] = (),
    themes: Iterable[Any] = (),
    by: User,
) -> Action:
    locked = Action.objects.select_for_update().select_related("icb").get(pk=action.pk)
    if not can_manage_actions(by, locked.icb_id):
        raise ValidationError("Only the LAC or a governance member changes actions")
    if locked.status not in {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}:
        raise ValidationError("A completed or cancelled action cannot be changed")
    cases, themes = list(cases), list(themes)
    errors = _clean(
        icb=locked.icb,
        title=title or "",
        success_measure=success_measure or "",
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        owner_name=owner_name or "",
        owner_email=owner_email or "",
        due_on=due_on,
        creating=False,
    )
    if errors:
        raise ValidationError(errors)
    _check_links(locked.icb, cases, themes)
    locked.title = title.strip()
    locked.description = (description or "").strip()
    locked.success_measure = success_measure.strip()
    locked.owner_organisation = owner_organisation  # type: ignore[assignment]
    locked.owner_user = owner_user
    locked.owner_name = "" if owner_user else owner_name.strip()
    locked.owner_email = "" if owner_user else owner_email.strip()
    locked.due_on = due_on  # type: ignore[assignment]
    history_save(locked, by=by, reason="Action changed")
    keep: set[int] = set()
    if locked.decision is not None:
        keep = {locked.decision.item.case_id}
    locked.cases.set({c.pk for c in cases} | keep)
    _set_themes(locked, themes)
    return locked


@transaction.atomic
def action_transition(
    *, action: Action, to: str, by: User, reason: str = "", evidence_summary: str = ""
) -> Action:
    """Move an action along ACTION_TRANSITIONS. Cancelling needs a reason; completing needs
    the evidence of completion (what was done and how it was measured)."""
    if not can_update_action(by, action):
        raise ValidationError("You cannot change this action", code="not_allowed")
    reason = (reason or "").strip()
    evidence_summary = (evidence_summary or "").strip()
    also: dict[str, Any] = {}
    if to == ActionStatus.CANCELLED:
        if not reason:
            raise ValidationError({"reason": ["Enter why the action is cancelled"]})
        also["cancelled_reason"] = reason
    if to == ActionStatus.COMPLETED:
        if not evidence_summary:
            raise ValidationError({"evidence_summary": ["Describe the evidence of completion"]})
        also["evidence_summary"] = evidence_summary
        also["completed_at"] = timezone.now()
        reason = reason or "Completed"
    if to == ActionStatus.IN_PROGRESS:
        reason = reason or "Work started"
    return transition(
        obj=action,
        to=to,
        by=by,
        reason=reason,
        table=ACTION_TRANSITIONS,
        change_model=ActionStatusChange,
        also_set=also,
    )


@transaction.atomic
def action_progress_add(*, action: Action, note: str, by: User) -> ActionProgress:
    if not can_update_action(by, action):
        raise ValidationError("You cannot change this action", code="not_allowed")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["Enter the progress made"]})
    if action.status not in {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}:
        raise ValidationError("Progress is recorded only on open actions")
    progress = ActionProgress(action=action, note=note, by=by)
    history_save(progress, by=by, reason="Progress recorded")
    return progress
