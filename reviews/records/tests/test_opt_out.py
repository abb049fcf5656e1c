"""A National Data Opt-Out stops the case's record requests and deletes the records."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from notifications.services import notification_opt_out
from reviews.records.models import RecordFile, RecordRequestStatus
from reviews.records.services import record_request_cancel
from reviews.records.tests import factories as f
from reviews.records.tests.factories import deliver_owed
from reviews.records.tests.helpers import post_files, stored_files, upload_url

pytestmark = pytest.mark.django_db


def test_it_cancels_requests_revokes_links_and_deletes_files(
    sent, make_request, client, lac, reviewer, django_capture_on_commit_callbacks
):
    request, token = sent
    post_files(client, token, [("Ada Testperson letter.pdf", f.PDF)])
    other = make_request()
    deliver_owed()
    record_request_cancel(request=other, by=reviewer, reason="Ada's other practice closed")
    assert len(stored_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        notification_opt_out(notification=request.case.notification, by=lac)

    request.refresh_from_db()
    assert request.status == RecordRequestStatus.CANCELLED
    assert client.get(upload_url(token)).status_code == 404
    assert stored_files() == []
    row = RecordFile.objects.get()
    assert row.removed_at and "Ada" not in row.original_name
    assert not default_storage.exists(row.storage_name)
    assert not RecordFile.history.filter(original_name__contains="Ada").exists()
    everything = str(list(other.events.values("detail"))) + str(
        list(other.status_changes.values("reason"))
    )
    assert "Ada" not in everything
