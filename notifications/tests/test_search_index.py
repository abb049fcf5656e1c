"""The staff search's substring conditions can use the trigram indexes (migration 0002): the
expressions Django writes for ``icontains`` must be the indexed ones, or every search reads
every notification of the ICB again."""

from __future__ import annotations

import pytest
from django.db import connection

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the choice visible
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_name_search_can_use_the_trigram_indexes(icb):
    ada = NotificationFactory(icb=icb, given_name="Ada", family_name="Hilton")
    NotificationFactory(icb=icb, given_name="Zed", family_name="Other")
    found = Notification.objects.search("hilton")
    assert list(found) == [ada]
    used = plan(found.order_by())
    for index in (
        "notif_reference_trgm",
        "notif_given_name_trgm",
        "notif_family_name_trgm",
        "notif_other_names_trgm",
        "notif_name_key_trgm",
    ):
        assert index in used, used
