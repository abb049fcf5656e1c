"""Unknown, expired and revoked links take the same time to refuse.

Each is answered by the same steps (one indexed lookup by the token's hash, the same
page), so the medians of many interleaved requests must agree within a tolerance that
is small next to what a guesser could exploit across the internet.
"""

from __future__ import annotations

import datetime
import statistics
import time

import pytest
from django.test import Client

from reviews.records.models import UploadLink
from reviews.records.services import record_request_cancel
from reviews.records.tests.factories import deliver_owed
from reviews.records.tests.helpers import upload_url

pytestmark = pytest.mark.django_db
ROUNDS = 60


def test_refusals_take_the_same_time_whatever_the_reason(make_request, settings):
    settings.LEDER_RECORDS_LINK_FAILURES_PER_HOUR = 100_000
    expired_request, revoked_request = make_request(), make_request()
    expired_token, revoked_token = deliver_owed()
    UploadLink.objects.filter(request=expired_request).update(
        expires_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    record_request_cancel(request=revoked_request, by=None, reason="test")
    tokens = {"unknown": "Q" * 43, "expired": expired_token, "revoked": revoked_token}
    client = Client()
    for token in tokens.values():  # warm up
        for _ in range(5):
            assert client.get(upload_url(token)).status_code == 404

    times: dict[str, list[float]] = {name: [] for name in tokens}
    for _ in range(ROUNDS):
        for name, token in tokens.items():
            start = time.perf_counter()
            response = client.get(upload_url(token))
            times[name].append(time.perf_counter() - start)
            assert response.status_code == 404

    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print("\nrefusal medians (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in medians.items()))
    spread = max(medians.values()) - min(medians.values())
    assert spread < max(1.0, 0.25 * min(medians.values())), medians
