"""Evidence of completion for an action: a file, checked as GP records are.

The checks are the records feature's (``reviews.records``): the type is read from the
bytes (PDF, DOCX, RTF, text, PNG, JPEG, TIFF; programs, HTML and SVG refused), the name
sanitised and matched to the content, the size limited, the virus scanner consulted when
configured (any scanner error refuses the file). Files are stored under generated names
through Django storage; the same file twice on one action is refused.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from governance.models import Action, ActionEvidence, ActionStatus
from governance.services.actions import can_update_action
from leder.lib.history import history_save
from leder.models import User
from reviews.records import conf
from reviews.records.filetypes import CONTENT_TYPES, Refused, detect
from reviews.records.names import has_path, sanitise_name
from reviews.records.scanning import ScanError, VirusFound, scan

# Evidence files per action.
MAX_FILES = 20


def _error(message: str) -> ValidationError:
    return ValidationError({"upload": [message]})


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def action_evidence_add(*, action: Action, upload: UploadedFile, by: User) -> ActionEvidence:
    if not can_update_action(by, action):
        raise ValidationError("You cannot change this action", code="not_allowed")
    if action.status == ActionStatus.CANCELLED:
        raise _error("This action was cancelled: evidence cannot be added")
    shown = (upload.name or "The file")[:80]
    if has_path(upload.name or ""):
        raise _error(f"{shown} has a folder path in its name: rename the file and try again")
    if not upload.size:
        raise _error(f"{shown} is empty")
    limit = conf.max_file_bytes()
    if upload.size > limit:
        raise _error(f"{shown} must be smaller than {limit // conf.MB}MB")
    if action.evidence.count() >= MAX_FILES:
        raise _error(f"An action can have up to {MAX_FILES} evidence files")
    try:
        file_type = detect(upload)
    except Refused as refused:
        raise _error(f"{shown} {refused.reason}") from None
    digest = _sha256(upload)
    if action.evidence.filter(sha256=digest).exists():
        raise _error(f"{shown} has already been uploaded")
    try:
        scan(upload)
    except VirusFound:
        raise _error(f"{shown} contains a virus") from None
    except ScanError:
        raise _error(
            f"{shown} could not be checked for viruses: try again in a few minutes"
        ) from None
    upload.seek(0)
    evidence = ActionEvidence(
        action=action,
        name=sanitise_name(upload.name or "", file_type),
        content_type=CONTENT_TYPES[file_type],  # type: ignore[index]
        size=upload.size,
        sha256=digest,
        uploaded_by=by,
    )
    evidence.file.save("evidence", upload, save=False)
    history_save(evidence, by=by, reason="Evidence uploaded")
    return evidence
