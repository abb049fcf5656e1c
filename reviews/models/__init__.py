"""The reviews app's models, one idea per module; import them from here."""

from reviews.models.allocation import Allocation, ConflictFlag
from reviews.models.case import (
    CASELOAD_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseStatusChange,
    CaseUserObjectPermission,
    ReviewType,
)
from reviews.models.conflicts import DeclaredConflict
from reviews.models.emails import CaseEmail
from reviews.models.holds import CaseHold, HoldReason
from reviews.models.providers import CaseProvider, ProviderRole
from reviews.models.review import (
    EpisodeSetting,
    KeyEpisode,
    LearningTheme,
    MultiAgencyMeeting,
    ReviewSection,
    SupervisionComment,
)
from reviews.models.reviewers import Employment, ReviewerProfile, training_valid_days
from reviews.models.versions import QAReturn, ReviewSignOff, ReviewVersion

__all__ = [
    "CASELOAD_STATUSES",
    "OPEN_STATUSES",
    "Allocation",
    "Case",
    "CaseEmail",
    "CaseGroupObjectPermission",
    "CaseHold",
    "CaseProvider",
    "CaseStatus",
    "CaseStatusChange",
    "CaseUserObjectPermission",
    "ConflictFlag",
    "DeclaredConflict",
    "Employment",
    "EpisodeSetting",
    "HoldReason",
    "KeyEpisode",
    "LearningTheme",
    "MultiAgencyMeeting",
    "ProviderRole",
    "QAReturn",
    "ReviewSection",
    "ReviewSignOff",
    "ReviewType",
    "ReviewVersion",
    "ReviewerProfile",
    "SupervisionComment",
    "training_valid_days",
]
