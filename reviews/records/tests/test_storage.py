"""Stored files no row points at (a crash between storing and recording) are deleted
once a day old; files with rows, and fresh ones, are kept."""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from reviews.records.services.storage import record_files_orphans_delete
from reviews.records.tests import factories as f
from reviews.records.tests.helpers import post_files, stored_files

pytestmark = pytest.mark.django_db


def age(name: str, days: float) -> None:
    path = default_storage.path(name)
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_it_deletes_only_old_files_without_a_row(sent, client):
    _, token = sent
    post_files(client, token, [("letter.pdf", f.PDF)])
    [kept] = stored_files()
    age(f"records/{kept.name}", 3)
    old = default_storage.save("records/orphan-old", ContentFile(b"x"))
    age(old, 2)
    fresh = default_storage.save("records/orphan-new", ContentFile(b"y"))

    assert record_files_orphans_delete() == 1

    assert not default_storage.exists(old)
    assert default_storage.exists(fresh) and kept.exists()


def test_nothing_stored_yet_is_fine():
    assert record_files_orphans_delete() == 0


def test_the_beat_schedule_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["records-orphan-files"]
    assert entry["task"] == "reviews.records.tasks.delete_orphan_record_files"
    assert datetime.timedelta(seconds=entry["schedule"]) == datetime.timedelta(days=1)
