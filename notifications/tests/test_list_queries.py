"""The staff list keeps a flat query count from 5 to 500 notifications."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.urls import reverse

from leder.testing import assert_queries_flat, search_url
from leder.tests.factories import GPPracticeFactory
from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

counter = itertools.count(1)


def test_it_keeps_the_list_query_count_flat(lac_client, icb, capsys):
    practices = [GPPracticeFactory(parent_icb=icb) for _ in range(3)]
    original = NotificationFactory(icb=icb, gp_practice=practices[0])
    template = NotificationFactory.build(icb=icb)

    def grow(n: int) -> None:
        rows = []
        for _ in range(n):
            i = next(counter)
            rows.append(
                Notification(
                    **{
                        f.attname: getattr(template, f.attname)
                        for f in Notification._meta.concrete_fields
                        if not f.primary_key
                    }
                    | {
                        "reference": f"LDR-2025-{i:06d}",
                        "idempotency_key": uuid.uuid4(),
                        "gp_practice_id": practices[i % 3].pk,
                        "duplicate_of_id": original.pk if i % 2 else None,
                        "status": NotificationStatus.DUPLICATE
                        if i % 2
                        else NotificationStatus.RECEIVED,
                    }
                )
            )
        Notification.objects.bulk_create(rows)

    url = reverse("notifications:list")

    def request() -> None:
        assert lac_client.get(url).status_code == 200

    small, large = assert_queries_flat(request, grow, small=5, large=500)
    with capsys.disabled():
        print(f"\nnotifications list queries: {small} with 5 rows, {large} with 500 rows")
    found = search_url(lac_client, url, {"q": "a", "status": "duplicate"})
    searched = assert_queries_flat(
        lambda: lac_client.get(found),
        lambda n: grow(n),
        small=1,
        large=50,
    )
    assert searched[0] == searched[1]
