"""The governance app's models, one idea per module; import them from here."""

from governance.models.actions import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionEvidence,
    ActionProgress,
    ActionReminder,
    ActionStatus,
    ActionStatusChange,
)
from governance.models.agenda import AgendaItem, PanelConflict
from governance.models.decisions import (
    GOVERNANCE_OUTCOMES,
    AmendmentCheck,
    Decision,
    DecisionSignature,
    GovernanceSignOff,
    MinutesAddendum,
    Outcome,
)
from governance.models.documents import (
    REPORT_KINDS,
    DocumentKind,
    DocumentState,
    GeneratedDocument,
)
from governance.models.meetings import (
    Meeting,
    MeetingGroupObjectPermission,
    MeetingKind,
    MeetingMember,
    MeetingStatus,
    MeetingStatusChange,
    MeetingUserObjectPermission,
)

__all__ = [
    "GOVERNANCE_OUTCOMES",
    "OPEN_ACTION_STATUSES",
    "REPORT_KINDS",
    "Action",
    "ActionEvidence",
    "ActionProgress",
    "ActionReminder",
    "ActionStatus",
    "ActionStatusChange",
    "AgendaItem",
    "AmendmentCheck",
    "Decision",
    "DecisionSignature",
    "DocumentKind",
    "DocumentState",
    "GeneratedDocument",
    "GovernanceSignOff",
    "Meeting",
    "MeetingGroupObjectPermission",
    "MeetingKind",
    "MeetingMember",
    "MeetingStatus",
    "MeetingStatusChange",
    "MeetingUserObjectPermission",
    "MinutesAddendum",
    "Outcome",
    "PanelConflict",
]
