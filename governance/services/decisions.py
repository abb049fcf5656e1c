"""Decisions at a meeting in progress, their sign-off, and what sign-off does to the review.

- ``decision_record``: the chair or the LAC (present, not conflicted on the item) records
  the outcome, the discussion summary, the learning themes confirmed, and the comments or
  amendments; only with a quorum present. It can be changed until someone signs it.
- ``decision_sign``: a present, unconflicted member signs (name, role, organisation, time).
  When the chair and enough members for the quorum have signed, the decision is signed
  off and takes effect (``_take_effect``); it can no longer change.
- ``decision_withdraw``: take back a decision that is not signed off yet.
- ``amendments_check``: the LAC confirms the minor amendments were made; the review then
  completes (or, for a focused review, goes to the Governance Group).
- ``minutes_addendum_add``: after the meeting is closed, corrections are addenda.

What sign-off does (docs/adr/0008):

======================  ==============================================================
QA panel                Governance Group
======================  ==============================================================
approved                initial review: ``case_complete`` with the version signed off;
                        focused review: a ``GovernanceSignOff`` waits for the Group
approved with           as approved, once the LAC has checked the amendments
amendments
returned                ``case_return_to_reviewer`` with the panel's comments
escalated               ``case_escalate_to_focused`` (initial reviews only)
Governance approved     ``case_complete`` with the version the QA panel signed off
Governance returned     ``case_return_to_reviewer``
======================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import (
    GOVERNANCE_OUTCOMES,
    AgendaItem,
    AmendmentCheck,
    Decision,
    DecisionSignature,
    GovernanceSignOff,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingStatus,
    MinutesAddendum,
    Outcome,
)
from governance.services.meetings import lock
from leder.jinja2 import nhs_date
from leder.lib.history import history_save
from leder.lib.workflow import TransitionNotAllowed
from leder.models import User
from leder.roles import Role


@dataclass(frozen=True)
class Quorum:
    """Who can decide an item now: present members without a conflict on it."""

    needed: int
    eligible: tuple[MeetingMember, ...]
    conflicted_user_ids: frozenset[int]
    chair_available: bool

    @property
    def count(self) -> int:
        return len(self.eligible)

    @property
    def met(self) -> bool:
        return self.chair_available and self.count >= self.needed

    @property
    def problem(self) -> str:
        if not self.chair_available:
            return "The chair must be present and have no conflict of interest on this item"
        if self.count < self.needed:
            return (
                f"A decision needs {self.needed} members present without a conflict of "
                f"interest, the chair included: {self.count} {'is' if self.count == 1 else 'are'}"
            )
        return ""

    def eligible_member(self, user: Any) -> MeetingMember | None:
        return next((m for m in self.eligible if m.user_id == user.pk), None)


def quorum_for(item: AgendaItem, meeting: Meeting | None = None) -> Quorum:
    meeting = meeting or item.meeting
    conflicted = frozenset(
        item.conflicts.values_list("member__user_id", flat=True)  # type: ignore[attr-defined]
    )
    present = [
        m
        for m in meeting.members.filter(present=True).select_related("user", "organisation")
        if m.user_id not in conflicted
    ]
    return Quorum(
        needed=meeting.quorum,
        eligible=tuple(present),
        conflicted_user_ids=conflicted,
        chair_available=any(m.user_id == meeting.chair_id for m in present),
    )


def _require_in_progress(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(
            "Decisions are recorded and signed while the meeting is in progress"
            if meeting.status == MeetingStatus.SCHEDULED
            else "This meeting is closed: its minutes are locked. Add an addendum instead",
            code="meeting_status",
        )


def is_meeting_lac(user: Any, meeting: Meeting) -> bool:
    return bool(user.has_role(Role.LAC) and user.icb_id == meeting.icb_id)


def allowed_outcomes(item: AgendaItem) -> list[Outcome]:
    from reviews.models import ReviewType

    if item.meeting.kind == MeetingKind.GOVERNANCE_GROUP:
        return list(GOVERNANCE_OUTCOMES)
    outcomes = [Outcome.APPROVED, Outcome.APPROVED_WITH_AMENDMENTS, Outcome.RETURNED]
    if item.case.review_type != ReviewType.FOCUSED:
        outcomes.append(Outcome.ESCALATED)
    return outcomes


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    outcome: str,
    discussion_summary: str,
    comments: str = "",
    amendments: str = "",
    good_practice: str = "",
    themes: Iterable[Any] = (),
    by: User,
) -> Decision:
    meeting = lock(item.meeting)
    _require_in_progress(meeting)
    item = AgendaItem.objects.select_related("case", "meeting").get(pk=item.pk)
    quorum = quorum_for(item, meeting)
    if by.pk in quorum.conflicted_user_ids:
        raise ValidationError(
            "You declared a conflict of interest on this item: someone else must record "
            "the decision",
            code="conflicted",
        )
    if by.pk != meeting.chair_id and not is_meeting_lac(by, meeting):
        raise ValidationError("Only the chair or the LAC records decisions", code="not_allowed")
    if quorum.eligible_member(by) is None:
        raise ValidationError("Record your attendance before recording a decision", code="absent")
    if not quorum.met:
        raise ValidationError(quorum.problem, code="quorum")

    errors: dict[str, list[str]] = {}
    discussion_summary = (discussion_summary or "").strip()
    comments = (comments or "").strip()
    amendments = (amendments or "").strip()
    if outcome not in {o.value for o in allowed_outcomes(item)}:
        errors["outcome"] = ["Select the panel's decision"]
    if not discussion_summary:
        errors["discussion_summary"] = ["Enter a summary of the discussion"]
    if outcome in {Outcome.RETURNED, Outcome.ESCALATED} and not comments:
        errors["comments"] = [
            "Enter the comments for the reviewer"
            if outcome == Outcome.RETURNED
            else "Enter why the review needs to be a focused review"
        ]
    if outcome == Outcome.APPROVED_WITH_AMENDMENTS and not amendments:
        errors["amendments"] = ["List the minor amendments"]
    if errors:
        raise ValidationError(errors)

    decision = Decision.objects.select_for_update().filter(item=item).first()
    if decision is not None and decision.signatures.exists():
        raise ValidationError(
            "Members have started signing this decision: withdraw it to change it",
            code="signed",
        )
    _require_awaiting_qa(item)
    fields = {
        "outcome": outcome,
        "discussion_summary": discussion_summary,
        "comments": comments if outcome in {Outcome.RETURNED, Outcome.ESCALATED} else "",
        "amendments": amendments if outcome == Outcome.APPROVED_WITH_AMENDMENTS else "",
        "good_practice": (good_practice or "").strip(),
    }
    if decision is None:
        decision = Decision(item=item, recorded_by=by, **fields)
        reason = "Decision recorded"
    else:
        for name, value in fields.items():
            setattr(decision, name, value)
        decision.recorded_by = by
        decision.recorded_at = timezone.now()
        reason = "Decision changed before signing"
    history_save(decision, by=by, reason=reason)
    _set_themes(decision, themes)
    return decision


def _set_themes(decision: Decision, themes: Iterable[Any]) -> None:
    from reviews.models import LearningTheme

    wanted = list(themes)
    ids = {getattr(t, "pk", t) for t in wanted}
    found = LearningTheme.objects.filter(pk__in=ids)
    if len(found) != len(ids):
        raise ValidationError({"themes": ["Select learning themes from the list"]})
    decision.themes.set(found)


@transaction.atomic
def decision_withdraw(*, decision: Decision, by: User) -> None:
    """Take back a decision that is not signed off (its partial signatures go with it)."""
    meeting = lock(decision.item.meeting)
    _require_in_progress(meeting)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.signed_off_at is not None:
        raise ValidationError("A signed-off decision cannot be withdrawn", code="signed_off")
    if by.pk != meeting.chair_id and not is_meeting_lac(by, meeting):
        raise ValidationError("Only the chair or the LAC withdraws decisions", code="not_allowed")
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = "Decision withdrawn before sign-off"  # type: ignore[attr-defined]
    locked.delete()


@transaction.atomic
def decision_sign(*, decision: Decision, by: User) -> DecisionSignature:
    """``by`` signs the decision. The chair's signature and the quorum's make it signed off,
    and it takes effect in the same transaction."""
    meeting = lock(decision.item.meeting)
    _require_in_progress(meeting)
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("item__case", "item__meeting", "item__governance_signoff")
        .get(pk=decision.pk)
    )
    if locked.signed_off_at is not None:
        raise ValidationError("This decision is already signed off", code="signed_off")
    quorum = quorum_for(locked.item, meeting)
    if by.pk in quorum.conflicted_user_ids:
        raise ValidationError(
            "You declared a conflict of interest on this item: you cannot sign its decision",
            code="conflicted",
        )
    member = quorum.eligible_member(by)
    if member is None:
        raise ValidationError("Only members recorded as present can sign decisions", code="absent")
    if locked.signatures.filter(user=by).exists():
        raise ValidationError("You have already signed this decision", code="signed")
    signature = DecisionSignature.objects.create(
        decision=locked,
        user=by,
        name=by.full_name or by.email,
        role=member.role,
        organisation=member.organisation.name,
    )
    signers = set(locked.signatures.values_list("user_id", flat=True))
    eligible = {m.user_id for m in quorum.eligible}
    if meeting.chair_id in signers and len(signers & eligible) >= quorum.needed and quorum.met:
        locked.signed_off_at = timezone.now()
        history_save(locked, by=by, reason="Signed off", update_fields=["signed_off_at"])
        decision.signed_off_at = locked.signed_off_at
        _require_awaiting_qa(locked.item)
        try:
            _take_effect(locked, by)
        except TransitionNotAllowed as error:  # the review moved on meanwhile
            raise ValidationError(
                "This review has changed since the decision was recorded: withdraw the decision",
                code="case_changed",
            ) from error
    return signature


def _require_awaiting_qa(item: AgendaItem) -> None:
    """The review must still be where the agenda found it (not escalated, stopped...)."""
    from reviews.models import CaseStatus

    item.case.refresh_from_db(fields=["status"])
    if item.case.status != CaseStatus.AWAITING_QA:
        raise ValidationError(
            f"Review {item.case.reference} is no longer awaiting quality assurance (it is "
            f"{item.case.get_status_display().lower()}): leave it undecided",
            code="case_changed",
        )


def _meeting_name(meeting: Meeting) -> str:
    return f"{MeetingKind(meeting.kind).label} on {nhs_date(meeting.scheduled_for)}"


def _take_effect(decision: Decision, by: User) -> None:
    from reviews.services import case_escalate_to_focused, case_return_to_reviewer

    item = decision.item
    meeting = item.meeting
    outcome = decision.outcome
    if meeting.kind == MeetingKind.GOVERNANCE_GROUP and item.governance_signoff is not None:
        signoff = GovernanceSignOff.objects.select_for_update().get(pk=item.governance_signoff.pk)
        signoff.resolved_by = decision
        signoff.resolved_at = timezone.now()
        history_save(
            signoff,
            by=by,
            reason=f"{decision.get_outcome_display()} by the Governance Group",
            update_fields=["resolved_by", "resolved_at"],
        )
    if outcome == Outcome.APPROVED:
        _approve(decision, by)
    elif outcome == Outcome.RETURNED:
        case_return_to_reviewer(case=item.case, by=by, comments=decision.comments)
    elif outcome == Outcome.ESCALATED:
        case_escalate_to_focused(case=item.case, by=by, reason=decision.comments)
    # Approved with minor amendments: waits for the LAC's check (amendments_check).


def _approve(decision: Decision, by: User) -> None:
    """The review passed this meeting: complete it, or for a focused review approved by the
    QA panel, send it to the Governance Group."""
    from reviews.models import ReviewType
    from reviews.services import case_complete

    item = decision.item
    meeting = item.meeting
    if meeting.kind == MeetingKind.QA_PANEL and item.case.review_type == ReviewType.FOCUSED:
        signoff = GovernanceSignOff(case=item.case, qa_decision=decision)
        history_save(signoff, by=by, reason="Focused review approved by the QA panel")
        return
    if item.version is None:
        raise ValidationError("This review has no submitted version to sign off", code="no_version")
    case_complete(
        case=item.case,
        version=item.version,
        by=by,
        reason=f"Signed off by the {_meeting_name(meeting)}",
    )


@transaction.atomic
def amendments_check(*, decision: Decision, note: str, by: User) -> AmendmentCheck:
    """The LAC confirms the minor amendments were made; the approval then takes effect."""
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("item__case", "item__meeting")
        .get(pk=decision.pk)
    )
    if not is_meeting_lac(by, locked.item.meeting):
        raise ValidationError("Only the LAC checks amendments", code="not_allowed")
    if locked.outcome != Outcome.APPROVED_WITH_AMENDMENTS or locked.signed_off_at is None:
        raise ValidationError("There are no signed-off amendments to check", code="nothing")
    if AmendmentCheck.objects.filter(decision=locked).exists():
        raise ValidationError("The amendments were already checked", code="checked")
    check = AmendmentCheck(decision=locked, checked_by=by, note=(note or "").strip())
    history_save(check, by=by, reason="Minor amendments checked")
    _approve(locked, by)
    return check


@transaction.atomic
def minutes_addendum_add(
    *, meeting: Meeting, text: str, by: User, item: AgendaItem | None = None
) -> MinutesAddendum:
    """A correction to the locked minutes of a closed meeting, by its chair or the LAC."""
    locked = lock(meeting)
    if locked.status != MeetingStatus.CLOSED:
        raise ValidationError(
            "Addenda are for closed meetings: change the minutes while the meeting is open",
            code="meeting_status",
        )
    if by.pk != locked.chair_id and not is_meeting_lac(by, locked):
        raise ValidationError("Only the chair or the LAC adds to the minutes", code="not_allowed")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Enter the correction"]})
    if item is not None and item.meeting_id != locked.pk:
        raise ValidationError({"item": ["Select an item of this meeting"]})
    return MinutesAddendum.objects.create(meeting=locked, item=item, text=text, by=by)
