"""Files in storage that no row points at: an upload stored just before a crash (the
blob is written before the transaction that records it). Deleted once they are a day
old, so an upload in progress is never touched. Run daily by beat."""

from __future__ import annotations

import datetime
import logging

from django.core.files.storage import default_storage
from django.utils import timezone

from reviews.records.models import RecordFile

logger = logging.getLogger(__name__)
FOLDER = "records"
AGE = datetime.timedelta(days=1)


def record_files_orphans_delete(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    known = set(RecordFile.objects.values_list("storage_name", flat=True))
    deleted = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if path in known or default_storage.get_modified_time(path) > now - AGE:
            continue
        default_storage.delete(path)
        deleted += 1
    if deleted:
        logger.warning("Deleted %s stored record files that no row pointed at", deleted)
    return deleted
