"""What happened to a notification and its case, and when: plausible durations, cut at
"now", so old cases are completed and recent ones are still open.

A timeline is a list of :class:`Event`; the notification step turns it into the status,
the status-change rows and the history rows. Later steps read the case facts
(``ctx.cases``): who reviewed, when each stage started and ended, the holds.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from notifications.models import NotificationStatus
from reviews.models import CaseStatus, ReviewType

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    to: str  # the new status ("" for a change that is not a status move, e.g. routing)
    by: int | None
    reason: str
    also: dict[str, Any] = field(default_factory=dict)  # other fields set by the change


@dataclass
class NotificationFact:
    """A scale notification, for later steps."""

    id: int
    reference: str
    icb_id: int | None
    status: str
    received_at: datetime.datetime
    case_id: int | None


@dataclass(frozen=True)
class CaseFact:
    """A scale case, for later steps: allocations, reviews, holds, QA and panels.

    ``events`` are the case's status moves in order (``Event.to`` is the new status);
    ``reviewer_id`` / ``senior_reviewer_id`` are the people the moves name (the
    allocation step writes their allocations and grants).
    """

    id: int
    notification_id: int
    reference: str
    icb_id: int
    status: str
    review_type: str
    opened_at: datetime.datetime
    reviewer_id: int | None
    senior_reviewer_id: int | None
    lac_id: int | None
    qa_id: int | None
    events: tuple[Event, ...]

    def entered(self, status: str) -> list[datetime.datetime]:
        return [e.at for e in self.events if e.to == status]

    def holds(self) -> list[tuple[datetime.date, datetime.date | None]]:
        """(started, ended or None) of each time on hold."""
        periods: list[tuple[datetime.date, datetime.date | None]] = []
        for index, event in enumerate(self.events):
            if event.to == CaseStatus.ON_HOLD:
                after = self.events[index + 1] if index + 1 < len(self.events) else None
                periods.append((event.at.date(), after.at.date() if after else None))
        return periods


def days(rng: random.Random, mean: float, low: float, high: float) -> datetime.timedelta:
    """A duration around ``mean`` days, between ``low`` and ``high``."""
    return DAY * max(low, min(high, rng.gauss(mean, mean / 3)))


@dataclass
class CasePeople:
    lac: int | None
    reviewer: int | None
    senior: int | None
    other_reviewer: int | None
    qa: int | None


def case_events(
    rng: random.Random,
    *,
    opened: datetime.datetime,
    focused: bool,
    people: CasePeople,
) -> list[Event]:
    """The whole life of a case from opening to sign-off (not yet cut at "now")."""
    S = CaseStatus
    review_type = ReviewType.FOCUSED if focused else ReviewType.INITIAL
    decided = {"review_type": review_type, "review_type_reason": ""}
    t = opened
    events = [Event(t, S.AWAITING_ALLOCATION, None, "Case opened: notification eligible")]
    t += days(rng, 18, 1, 120)
    if rng.random() < 0.05 and people.other_reviewer:
        # The first reviewer declared a conflict of interest: allocated again.
        events.append(Event(t, S.ALLOCATED, people.lac, "Allocated", decided))
        t += days(rng, 3, 1, 10)
        events.append(
            Event(t, S.AWAITING_ALLOCATION, people.other_reviewer, "Conflict of interest declared")
        )
        t += days(rng, 7, 1, 30)
    events.append(Event(t, S.ALLOCATED, people.lac, "Allocated", decided))
    t += days(rng, 3, 0.2, 14)
    events.append(Event(t, S.IN_PROGRESS, people.reviewer, "Accepted: no conflict of interest"))
    if rng.random() < 0.15:
        t += days(rng, 40, 5, 120)
        events.append(Event(t, S.ON_HOLD, people.reviewer, "On hold: waiting for the coroner"))
        t += days(rng, 60, 14, 240)
        events.append(Event(t, S.IN_PROGRESS, people.reviewer, "Hold ended"))
    t += days(rng, 85, 20, 250)
    events.append(Event(t, S.AWAITING_QA, people.reviewer, "Submitted for quality assurance"))
    if rng.random() < 0.12:
        t += days(rng, 18, 5, 45)
        events.append(Event(t, S.RETURNED, people.qa, "Returned: more evidence needed"))
        t += days(rng, 14, 3, 45)
        events.append(Event(t, S.AWAITING_QA, people.reviewer, "Resubmitted"))
    t += days(rng, 25, 5, 75)
    events.append(Event(t, S.COMPLETED, people.qa, "Signed off by the QA panel"))
    return events


def cut(events: list[Event], at: datetime.datetime) -> list[Event]:
    """The events that had happened by ``at``."""
    return [e for e in events if e.at <= at]


def notification_decision(
    rng: random.Random, *, outcome: str, screened: datetime.datetime, lac: int | None
) -> Event:
    """The LAC's screening decision."""
    from leder.scale.names import INELIGIBLE_REASONS

    eligible_share = 0.55 if outcome == NotificationStatus.NEEDS_CONFIRMATION else 0.965
    if rng.random() < eligible_share:
        return Event(screened, NotificationStatus.ELIGIBLE, lac, "Eligible for a LeDeR review")
    return Event(screened, NotificationStatus.INELIGIBLE, lac, rng.choice(INELIGIBLE_REASONS))
