"""Which status a meeting or an action may move to from which (the only place this is
declared). The moves are made by ``meeting_transition`` and ``action_transition``.

Meetings: scheduled → in progress (the chair or LAC starts it) → closed (the chair closes
it: the minutes are locked). A scheduled meeting may be cancelled.

Actions: open → in progress → completed (with evidence); open or in progress → cancelled
(with a reason). A completed or cancelled action stays so: a new action is agreed instead.
"""

from __future__ import annotations

from governance.models import ActionStatus as A
from governance.models import MeetingStatus as M
from leder.lib.workflow import TransitionTable

MEETING_TRANSITIONS = TransitionTable(
    {
        M.SCHEDULED: {M.IN_PROGRESS, M.CANCELLED},
        M.IN_PROGRESS: {M.CLOSED},
        M.CLOSED: set(),
        M.CANCELLED: set(),
    }
)

ACTION_TRANSITIONS = TransitionTable(
    {
        A.OPEN: {A.IN_PROGRESS, A.COMPLETED, A.CANCELLED},
        A.IN_PROGRESS: {A.COMPLETED, A.CANCELLED},
        A.COMPLETED: set(),
        A.CANCELLED: set(),
    }
)
