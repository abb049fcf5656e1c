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


INDEXES = (
    "notif_reference_trgm",
    "notif_given_name_trgm",
    "notif_family_name_trgm",
    "notif_other_names_trgm",
    "notif_name_key_trgm",
)


def server_has_pg_trgm() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def indexes_in_database() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s",
            [Notification._meta.db_table],
        )
        return {row[0] for row in cursor.fetchall()} & set(INDEXES)


def test_a_name_search_can_use_the_trigram_indexes(icb):
    ada = NotificationFactory(icb=icb, given_name="Ada", family_name="Hilton")
    NotificationFactory(icb=icb, given_name="Zed", family_name="Other")
    found = Notification.objects.search("hilton")
    assert list(found) == [ada]
    if not server_has_pg_trgm():
        # The embedded PostgreSQL (pgserver) has no contrib extensions: the migration
        # leaves the indexes out there, and the search works without them.
        assert indexes_in_database() == set()
        return
    assert indexes_in_database() == set(INDEXES)
    used = plan(found.order_by())
    for index in INDEXES:
        assert index in used, used
