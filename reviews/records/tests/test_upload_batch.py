"""The organisation's upload POST stores a batch in a fixed number of SQL queries (no page
over 15, docs/performance.md), whatever the number of files, and still all or nothing."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from leder.testing import assert_queries_flat, count_queries
from reviews.records.models import EventKind, RecordFile
from reviews.records.tests.helpers import post_files, stored_files

pytestmark = pytest.mark.django_db

LIMIT = 15


@pytest.mark.django_db(transaction=True)  # the service's atomic block outermost, as in use
def test_the_upload_post_makes_as_many_queries_for_six_files_as_for_one(sent, client):
    request, token = sent
    numbers = itertools.count()
    batch: list[int] = []
    posted: list[int] = []

    def upload() -> None:
        files = [(f"note {n}.txt", f"Clinic letter {next(numbers)}".encode()) for n in batch]
        response = post_files(client, token, files)
        assert response.status_code == 303, response.content.decode()[:2000]
        posted.append(len(files))

    def grow(n: int) -> None:
        batch.extend(range(len(batch), len(batch) + n))

    batch[:] = range(6)
    first = count_queries(upload)  # the first upload also moves the request to "opened"
    batch.clear()
    one, six = assert_queries_flat(upload, grow, small=1, large=6)
    batch[:] = batch[:3]
    three = count_queries(upload)

    print(f"upload POST queries: first (6 files) {first}; 1 file {one}, 3 {three}, 6 {six}")
    assert one == three == six <= LIMIT
    assert first <= LIMIT
    # Every file was kept, each with its history row, and one event per upload.
    assert posted == [6, 1, 1, 6, 3]
    assert request.files.count() == len(stored_files()) == sum(posted)
    history = RecordFile.history.filter(request_id=request.pk)
    assert history.filter(history_type="+").count() == sum(posted)
    assert not history.exclude(history_change_reason="Uploaded by the organisation").exists()
    received = request.events.filter(kind=EventKind.FILES_RECEIVED).order_by("pk")
    assert [e.detail for e in received] == ["6 files", "1 file", "1 file", "6 files", "3 files"]


def test_a_file_the_database_refuses_leaves_nothing_of_the_batch(sent, client):
    """The once-per-request constraint also covers a file the National Data Opt-Out
    removed (not counted as kept, so not caught by the checks before the INSERT): the whole
    batch is refused by name and nothing of it stays, in the database or the storage."""
    request, token = sent
    post_files(client, token, [("first.txt", b"The first letter")])
    earlier = request.files.get()
    RecordFile.objects.filter(pk=earlier.pk).update(
        sha256=hashlib.sha256(b"The same letter").hexdigest(), removed_at=earlier.uploaded_at
    )
    events = request.events.count()

    response = post_files(
        client, token, [("new.txt", b"A new letter"), ("again.txt", b"The same letter")]
    )

    assert response.status_code == 200
    assert "again.txt has already been uploaded" in response.content.decode()
    assert list(request.files.values_list("pk", flat=True)) == [earlier.pk]
    assert RecordFile.history.filter(request_id=request.pk).count() == 1
    assert request.events.count() == events
    assert len(stored_files()) == 1
