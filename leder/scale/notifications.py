"""Scale step ``notifications_and_cases``: N notifications over the years, screened as a
LAC would, with their cases, status-change rows, outbox rows and history rows.

The mix follows from the timelines (``leder.scale.timelines``) cut at "now": most
notifications are eligible with a case (old cases completed, recent ones open); some are
ineligible (children's deaths are screened out on submission), duplicates of an earlier
notification of the same death, opted out (reduced to the stub, history included, as
``notification_opt_out`` does), or still awaiting screening or routing.

References come from ``notifications_reference_seq`` in order of receipt, exactly as
``notification_submit`` numbers them, so later submissions carry on from the last one.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from leder.roles import Role
from leder.scale.bulk import allocate_ids, copy_rows, history_row, next_values
from leder.scale.context import ScaleContext, scale_key
from leder.scale.names import REVIEW_TYPE_REASONS
from leder.scale.people import PERSON_FIELDS, person_and_death, synthetic_nhs_numbers, what_is_known
from leder.scale.registry import scale_step
from leder.scale.timelines import (
    DAY,
    CaseFact,
    CasePeople,
    Event,
    NotificationFact,
    case_events,
    cut,
    days,
    notification_decision,
)
from notifications.models import (
    Notification,
    NotificationEmail,
    NotificationStatus,
    NotificationStatusChange,
    normalise_name,
)
from notifications.screening import Outcome, screen
from notifications.services.opt_out import OPT_OUT_REASON, REMOVED, SCRUBBED
from notifications.services.submission import SUBMITTED
from reviews.models import Case, CaseStatus, CaseStatusChange

N = NotificationStatus
SECOND = datetime.timedelta(seconds=1)
DUPLICATE_SHARE = 0.06
OPT_OUT_SHARE = 0.012
UNKNOWN_PRACTICE_SHARE = 0.02
# Notifications per year grow over the period (LeDeR notifications rose year on year):
# the density rises linearly from GROWTH[0] to GROWTH[1] times the average.
GROWTH = (0.6, 1.4)
# A notification's state fields that its history rows follow (the rest is the answers).
STATE_FIELDS = ("status", "icb_id", "duplicate_of_id", "opted_out_at", "opted_out_by_id")


def received_times(ctx: ScaleContext, count: int) -> list[datetime.datetime]:
    start = ctx.now - datetime.timedelta(days=365 * ctx.options.years)
    span = ctx.now - start
    low, high = GROWTH
    times = []
    for _ in range(count):
        u = ctx.rng.random()
        # Inverse of the cumulative density low*t + (high-low)*t^2/2.
        t = (-low + math.sqrt(low * low + 2 * (high - low) * u)) / (high - low)
        times.append(start + span * min(t, 1.0))
    times.sort()
    return times


def status_change(subject_id: int, event: Event, previous: str, reason: str) -> dict[str, Any]:
    """A status-change row (``StatusChangeBase``) for :func:`copy_rows`."""
    return {
        "subject_id": subject_id,
        "at": event.at,
        "by_id": event.by,
        "from_status": previous,
        "to_status": event.to,
        "reason": reason,
    }


@dataclass
class Batch:
    """The rows of one batch of notifications, written together."""

    notifications: list[Notification] = field(default_factory=list)
    notification_changes: list[dict[str, Any]] = field(default_factory=list)
    notification_history: list[dict[str, Any]] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    case_changes: list[dict[str, Any]] = field(default_factory=list)
    case_history: list[dict[str, Any]] = field(default_factory=list)

    def write(self, batch_size: int) -> None:
        copy_rows(Notification, self.notifications, batch_size=batch_size)
        copy_rows(NotificationStatusChange, self.notification_changes, batch_size=batch_size)
        copy_rows(Notification.history.model, self.notification_history, batch_size=batch_size)
        copy_rows(NotificationEmail, self.emails, batch_size=batch_size)
        copy_rows(Case, self.cases, batch_size=batch_size)
        copy_rows(CaseStatusChange, self.case_changes, batch_size=batch_size)
        copy_rows(Case.history.model, self.case_history, batch_size=batch_size)


@dataclass
class Original:
    """A recent notification a duplicate may repeat."""

    id: int
    reference: str
    received_at: datetime.datetime
    person: dict[str, Any]
    icb_id: int | None
    nhs_number: str


@scale_step("notifications_and_cases", after=("organisations", "staff"))
def generate_notifications_and_cases(ctx: ScaleContext) -> dict[str, int]:
    """Notifications over the years with their screening, cases, status changes and history."""
    options = ctx.options
    count = options.notifications
    times = received_times(ctx, count)
    ids = allocate_ids(Notification, count)
    numbers = next_values("notifications_reference_seq", count)
    nhs_numbers = synthetic_nhs_numbers(options.seed, count)
    icb_names = ctx.shared.get("icb_names", {})
    weights = [len(ctx.practices_by_icb[i]) + 1 for i in ctx.icb_ids]
    recent: deque[Original] = deque(maxlen=400)
    totals: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    case_statuses: Counter[str] = Counter()

    for start in range(0, count, options.batch_size):
        batch = Batch()
        pending_cases: list[tuple[Notification, NotificationFact, CasePlan]] = []
        for i in range(start, min(start + options.batch_size, count)):
            notification, fact, plan = _notification(
                ctx,
                batch,
                index=i,
                notification_id=ids[i],
                received=times[i],
                number=numbers[i],
                nhs=nhs_numbers[i],
                recent=recent,
                weights=weights,
                icb_names=icb_names,
            )
            statuses[notification.status] += 1
            if plan is not None:
                pending_cases.append((notification, fact, plan))
        case_ids = allocate_ids(Case, len(pending_cases))
        for (notification, fact, plan), case_id in zip(pending_cases, case_ids, strict=True):
            case = _case(ctx, batch, notification, plan, case_id)
            fact.case_id = case_id
            case_statuses[case.status] += 1
        batch.write(options.batch_size)
        totals["notification status changes"] += len(batch.notification_changes)
        totals["notification history rows"] += len(batch.notification_history)
        totals["outbox emails"] += len(batch.emails)
        totals["case status changes"] += len(batch.case_changes)
        totals["case history rows"] += len(batch.case_history)
    ctx.say(f"    notifications by status: {_mix(statuses, N)}")
    ctx.say(f"    cases by status: {_mix(case_statuses, CaseStatus)}")
    return {"notifications": count, "cases": len(ctx.cases), **totals}


def _mix(counter: Counter[str], choices: Any) -> str:
    total = sum(counter.values()) or 1
    return ", ".join(
        f"{choices(k).label.lower()} {v:,} ({100 * v / total:.1f}%)"
        for k, v in counter.most_common()
    )


def _notification(
    ctx: ScaleContext,
    batch: Batch,
    *,
    index: int,
    notification_id: int,
    received: datetime.datetime,
    number: int,
    nhs: str,
    recent: deque[Original],
    weights: list[int],
    icb_names: dict[int, str],
) -> tuple[Notification, NotificationFact, CasePlan | None]:
    """Build one notification and its rows; returns it, its fact, and the plan of its case
    (when it was found eligible)."""
    rng, now = ctx.rng, ctx.now
    original: Original | None = None
    if recent and rng.random() < DUPLICATE_SHARE:
        # Mostly a notification of the last few days (a second notifier of the same death).
        candidate = recent[-1 - min(len(recent) - 1, int(rng.expovariate(1 / 8)))]
        if received - candidate.received_at < 60 * DAY:
            original = candidate
    if original is not None:
        person = dict(original.person)
        icb_id = original.icb_id
    else:
        icb_id = rng.choices(ctx.icb_ids, weights)[0]
        practices = ctx.practices_by_icb[icb_id]
        practice = (
            rng.choice(practices) if practices and rng.random() > UNKNOWN_PRACTICE_SHARE else None
        )
        person = person_and_death(
            ctx, received_on=timezone.localtime(received).date(), practice_id=practice, nhs=nhs
        )
        if practice is None:
            icb_id = None  # no practice: the regional coordinator routes it
    submitted_icb = icb_id if person["gp_practice_id"] is not None else None
    notification = Notification(
        id=notification_id,
        reference=f"LDR-{timezone.localtime(received).year}-{number:06d}",
        idempotency_key=scale_key(index + 1),
        status=N.RECEIVED,
        received_at=received,
        icb_id=submitted_icb,
        duplicate_of_id=None,
        **person,
        **what_is_known(ctx, person["family_name"]),
    )
    notification.name_key = normalise_name(notification.given_name, notification.family_name)
    screening = screen(notification)
    notification.age_at_death = screening.age_at_death
    notification.focused_criteria = screening.focused_criteria
    notification.screening_note = screening.note

    events = [Event(received, N.RECEIVED, None, SUBMITTED)]
    if original is not None:
        how = (
            "the same NHS number"
            if original.nhs_number
            else "the same name, date of birth and date of death"
        )
        events.append(
            Event(
                received + SECOND,
                N.DUPLICATE,
                None,
                f"Possible duplicate of {original.reference}: {how}",
                {"duplicate_of_id": original.id},
            )
        )
    elif screening.outcome == Outcome.CHILD_DEATH:
        events.append(Event(received + SECOND, N.INELIGIBLE, None, screening.note))
    elif screening.outcome == Outcome.NEEDS_CONFIRMATION:
        events.append(Event(received + SECOND, N.NEEDS_CONFIRMATION, None, screening.note))

    ready = received
    if submitted_icb is None:
        routed = received + days(rng, 1.5, 0.05, 6)
        target = icb_id or rng.choices(ctx.icb_ids, weights)[0]
        icb_id = target
        if routed <= now:
            regional = ctx.staff_of(None, Role.REGIONAL_COORDINATOR.value)
            events.append(
                Event(
                    routed,
                    "",
                    rng.choice(regional) if regional else None,
                    f"Routed to {icb_names.get(target, 'the ICB')}",
                    {"icb_id": target},
                )
            )
            ready = routed
        else:
            icb_id = None
    plan: CasePlan | None = None
    status = next(e.to for e in reversed(events) if e.to)
    if status in (N.RECEIVED, N.NEEDS_CONFIRMATION) and icb_id is not None:
        screened = ready + days(rng, 6, 0.1, 40)
        if screened <= now:
            lac = _one(ctx, icb_id, Role.LAC, Role.ADMINISTRATOR)
            decision = notification_decision(rng, outcome=status, screened=screened, lac=lac)
            events.append(decision)
            if decision.to == N.ELIGIBLE:
                plan = _case_plan(ctx, icb_id, notification, decision)

    opt_out_at: datetime.datetime | None = None
    if original is None and rng.random() < OPT_OUT_SHARE:
        when = received + days(rng, 60, 2, 300)
        lac = _one(ctx, icb_id, Role.LAC)
        # A completed case cannot be stopped: such an opt-out changes nothing here.
        if (
            events[-1].at < when <= now
            and icb_id is not None
            and (plan is None or plan.stop(when, lac))
        ):
            opt_out_at = when
            events.append(
                Event(
                    when,
                    N.OPTED_OUT,
                    lac,
                    OPT_OUT_REASON,
                    {"opted_out_at": when, "opted_out_by_id": lac},
                )
            )
    if original is None and opt_out_at is None and events[-1].to != N.INELIGIBLE:
        recent.append(
            Original(
                notification_id,
                notification.reference,
                received,
                {name: getattr(notification, name) for name in PERSON_FIELDS},
                icb_id,
                notification.nhs_number,
            )
        )
    fact = _apply(ctx, batch, notification, events, opted_out=opt_out_at is not None)
    return notification, fact, plan


@dataclass
class CasePlan:
    """The case an eligible notification opens: its people and its events up to now."""

    eligible: Event
    people: CasePeople
    events: list[Event]

    def stop(self, at: datetime.datetime, by: int | None) -> bool:
        """Stop the case at ``at`` (National Data Opt-Out) unless it was completed by then."""
        before = cut(self.events, at)
        if before[-1].to in (CaseStatus.COMPLETED, CaseStatus.OPTED_OUT):
            return False
        self.events = [*before, Event(at, CaseStatus.OPTED_OUT, by, OPT_OUT_REASON)]
        return True


def _case_plan(
    ctx: ScaleContext, icb_id: int, notification: Notification, eligible: Event
) -> CasePlan:
    rng = ctx.rng
    reviewers = ctx.staff_of(icb_id, Role.REVIEWER.value) + ctx.staff_of(
        icb_id, Role.SENIOR_REVIEWER.value
    )
    seniors = ctx.staff_of(icb_id, Role.SENIOR_REVIEWER.value)
    reviewer = rng.choice(reviewers) if reviewers else None
    senior_choices = [s for s in seniors if s != reviewer]
    others = [r for r in reviewers if r != reviewer]
    people = CasePeople(
        lac=eligible.by,
        reviewer=reviewer,
        senior=rng.choice(senior_choices) if senior_choices and rng.random() < 0.4 else None,
        other_reviewer=rng.choice(others) if others else None,
        qa=_one(ctx, icb_id, Role.QA_PANEL_MEMBER),
    )
    focused = (bool(notification.focused_criteria) and rng.random() < 0.7) or rng.random() < 0.04
    events = case_events(rng, opened=eligible.at, focused=focused, people=people)
    return CasePlan(eligible, people, cut(events, ctx.now))


def _one(ctx: ScaleContext, icb_id: int | None, *roles: Role) -> int | None:
    people = [u for role in roles for u in ctx.staff_of(icb_id, role.value)]
    return ctx.rng.choice(people) if people else None


def _apply(
    ctx: ScaleContext,
    batch: Batch,
    notification: Notification,
    events: list[Event],
    *,
    opted_out: bool,
) -> NotificationFact:
    """Set the final state, and write the status changes, history rows and outbox rows."""
    had_notifier_email = bool(notification.notifier_email)
    if opted_out:
        for name, value in SCRUBBED.items():
            setattr(notification, "gp_practice_id" if name == "gp_practice" else name, value)
    states = []
    state: dict[str, Any] = {"status": N.RECEIVED, "icb_id": notification.icb_id}
    state |= {"duplicate_of_id": None, "opted_out_at": None, "opted_out_by_id": None}
    previous = ""
    for event in events:
        state = state | event.also | ({"status": event.to} if event.to else {})
        states.append(dict(state))
        reason = event.reason
        if opted_out and event.to != N.OPTED_OUT:
            reason = REMOVED
        if event.to:
            batch.notification_changes.append(
                status_change(notification.id, event, previous, reason)
            )
            previous = event.to
    for name in STATE_FIELDS:
        setattr(notification, name, state[name])
    for number, (event, fields) in enumerate(zip(events, states, strict=True)):
        reason = event.reason
        if opted_out and event.to != N.OPTED_OUT:
            reason = REMOVED
        batch.notification_history.append(
            history_row(
                notification,
                at=event.at,
                kind="~" if number else "+",
                user_id=event.by,
                reason=reason,
                **fields,
            )
        )
    batch.notifications.append(notification)
    received = notification.received_at
    sent = {"claimed_at": received + 2 * SECOND, "sent_at": received + 3 * SECOND}
    email = {"notification_id": notification.id, "created_at": received, **sent}
    if had_notifier_email:
        batch.emails.append(
            email
            | {
                "kind": NotificationEmail.Kind.ACKNOWLEDGEMENT,
                "icb_id": None,
                "recipients_count": 1,
            }
        )
    first_icb = states[0]["icb_id"]
    kind = (
        NotificationEmail.Kind.NEW_NOTIFICATION
        if first_icb
        else NotificationEmail.Kind.NEEDS_ROUTING
    )
    batch.emails.append(email | {"kind": kind, "icb_id": first_icb, "recipients_count": 2})
    fact = NotificationFact(
        notification.id,
        notification.reference,
        notification.icb_id,
        notification.status,
        received,
        case_id=None,  # set when its case is made
    )
    ctx.notifications.append(fact)
    return fact


def _case(
    ctx: ScaleContext, batch: Batch, notification: Notification, plan: CasePlan, case_id: int
) -> Case:
    icb_id = notification.icb_id
    assert icb_id is not None  # eligible notifications are routed
    events, people = plan.events, plan.people
    state: dict[str, Any] = {"status": "", "review_type": "", "review_type_reason": ""}
    case = Case(
        id=case_id,
        notification_id=notification.id,
        icb_id=icb_id,
        reference=notification.reference,
        opened_at=plan.eligible.at,
    )
    for number, event in enumerate(events):
        also = dict(event.also)
        if "review_type" in also:
            also["review_type_reason"] = REVIEW_TYPE_REASONS[also["review_type"]]
        previous = state["status"]
        state = state | also | {"status": event.to}
        batch.case_changes.append(status_change(case_id, event, previous, event.reason))
        for name, value in state.items():
            setattr(case, name, value)
        batch.case_history.append(
            history_row(
                case,
                at=event.at,
                kind="~" if number else "+",
                user_id=event.by,
                reason=event.reason,
            )
        )
    batch.cases.append(case)
    ctx.cases.append(
        CaseFact(
            id=case_id,
            notification_id=notification.id,
            reference=case.reference,
            icb_id=icb_id,
            status=case.status,
            review_type=case.review_type,
            opened_at=case.opened_at,
            reviewer_id=people.reviewer,
            senior_reviewer_id=people.senior,
            lac_id=people.lac,
            qa_id=people.qa,
            events=tuple(events),
        )
    )
    return case
