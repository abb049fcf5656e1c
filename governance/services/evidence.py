"""Evidence of completion for an action: a file, checked as GP records are.

The checks are the records feature's (``reviews.records``): the type is read from the
bytes (PDF, DOCX, RTF, text, PNG, JPEG, TIFF; programs, HTML and SVG refused), the name
sanitised and matched to the content, the size limited, the virus scanner consulted when
configured (any scanner error refuses the file): one check for both,
``reviews.records.uploads.check_file`` and ``scan_file``. Files are stored under generated names
through Django storage; the same file twice on one action is refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from governance.models import Action, ActionEvidence, ActionStatus
from governance.services.actions import can_update_action
from leder.lib.history import history_save
from leder.models import User
from reviews.records.uploads import FileRefused, check_file, scan_file

# Evidence files per action.
MAX_FILES = 20


def _error(message: str) -> ValidationError:
    return ValidationError({"upload": [message]})


@transaction.atomic
def action_evidence_add(*, action: Action, upload: UploadedFile, by: User) -> ActionEvidence:
    if not can_update_action(by, action):
        raise ValidationError("You cannot change this action", code="not_allowed")
    if action.status == ActionStatus.CANCELLED:
        raise _error("This action was cancelled: evidence cannot be added")
    if action.evidence.count() >= MAX_FILES:
        raise _error(f"An action can have up to {MAX_FILES} evidence files")
    try:
        checked = check_file(upload, seen=set(action.evidence.values_list("sha256", flat=True)))
        scan_file(checked)
    except FileRefused as refused:
        raise _error(refused.message) from None
    upload.seek(0)
    evidence = ActionEvidence(
        action=action,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    evidence.file.save("evidence", upload, save=False)
    history_save(evidence, by=by, reason="Evidence uploaded")
    return evidence
