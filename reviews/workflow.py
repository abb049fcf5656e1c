"""Which status a case may move to from which (the only place this is declared).

The allocation and review issues add their moves here (awaiting_allocation → allocated,
allocated → in_progress, holds, QA...). A National Data Opt-Out stops a case at any
point before it is completed.
"""

from __future__ import annotations

from leder.lib.workflow import TransitionTable
from reviews.models import CaseStatus as S

CASE_TRANSITIONS = TransitionTable(
    {
        S.AWAITING_ALLOCATION: {S.OPTED_OUT},
        S.ALLOCATED: {S.OPTED_OUT},
        S.IN_PROGRESS: {S.OPTED_OUT},
        S.ON_HOLD: {S.OPTED_OUT},
        S.AWAITING_QA: {S.OPTED_OUT},
        S.RETURNED: {S.OPTED_OUT},
        S.COMPLETED: set(),
        S.OPTED_OUT: set(),
    }
)
