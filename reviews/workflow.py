"""Which status a case may move to from which (the only place this is declared).

Allocation (``reviews.services.allocation``):
- awaiting allocation → allocated: the LAC allocates a reviewer;
- allocated → in progress: the reviewer accepts, confirming no conflict of interest;
- allocated → awaiting allocation: the reviewer declares a conflict instead;
- allocated / in progress → allocated: the LAC reallocates (the previous allocation ends,
  its grants are revoked; the status-change row keeps the move).

The review (``reviews.services.holds``, ``reviews.services.qa``):
- in progress ↔ on hold: ``case_hold`` / ``case_resume`` (held days stop the 6-month clock);
- in progress / returned → awaiting QA: ``case_submit_for_qa`` (a frozen version);
- awaiting QA → returned: ``case_return_to_reviewer`` (the panel's comments);
- awaiting QA → completed: ``case_complete`` (a version signed off);
- in progress / returned / awaiting QA → in progress: ``case_escalate_to_focused`` (the
  self-move from in progress leaves a status-change row saying why).

A National Data Opt-Out stops a case at any point before it is completed.
"""

from __future__ import annotations

from leder.lib.workflow import TransitionTable
from reviews.models import CaseStatus as S

CASE_TRANSITIONS = TransitionTable(
    {
        S.AWAITING_ALLOCATION: {S.ALLOCATED, S.OPTED_OUT},
        S.ALLOCATED: {S.IN_PROGRESS, S.AWAITING_ALLOCATION, S.ALLOCATED, S.OPTED_OUT},
        S.IN_PROGRESS: {S.ALLOCATED, S.IN_PROGRESS, S.ON_HOLD, S.AWAITING_QA, S.OPTED_OUT},
        S.ON_HOLD: {S.IN_PROGRESS, S.OPTED_OUT},
        S.AWAITING_QA: {S.RETURNED, S.COMPLETED, S.IN_PROGRESS, S.OPTED_OUT},
        S.RETURNED: {S.AWAITING_QA, S.IN_PROGRESS, S.OPTED_OUT},
        S.COMPLETED: set(),
        S.OPTED_OUT: set(),
    }
)
