"""The records app's models, one idea per module; import them from here."""

from reviews.records.models.emails import RecordEmail
from reviews.records.models.files import FileType, RecordFile, ScanResult
from reviews.records.models.links import LinkKind, RevokeReason, UploadLink
from reviews.records.models.phone import PhoneOffer
from reviews.records.models.requests import (
    LINK_STATUSES,
    OPEN_STATUSES,
    EventKind,
    RecordRequest,
    RecordRequestEvent,
    RecordRequestStatus,
    RecordRequestStatusChange,
)

__all__ = [
    "LINK_STATUSES",
    "OPEN_STATUSES",
    "EventKind",
    "FileType",
    "LinkKind",
    "PhoneOffer",
    "RecordEmail",
    "RecordFile",
    "RecordRequest",
    "RecordRequestEvent",
    "RecordRequestStatus",
    "RecordRequestStatusChange",
    "RevokeReason",
    "ScanResult",
    "UploadLink",
]
