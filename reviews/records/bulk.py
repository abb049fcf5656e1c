"""Set-based writes for the sweep and other bulk moves: one statement per step for a
whole batch, with the history the house style asks for written the same way.

``history_snapshot`` appends one django-simple-history row per id, copied by PostgreSQL
from the current row (``INSERT ... SELECT``): the rows simple-history itself would write
after ``bulk_update``, without building a model instance per row in Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _user_id(by: Any) -> int | None:
    return by.pk if getattr(by, "is_authenticated", False) else None


def history_snapshot(
    model: type[models.Model],
    ids: Sequence[int],
    *,
    reason: str,
    at: datetime.datetime,
    by: Any = None,
    history_type: str = "~",
) -> int:
    """One history row per id of ``model``, as the rows are now."""
    if not ids:
        return 0
    historical = model.history.model  # type: ignore[attr-defined]
    columns = [f.column for f in historical.tracked_fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    target = connection.ops.quote_name(historical._meta.db_table)
    source = connection.ops.quote_name(model._meta.db_table)
    # Names come from the models' metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {target} "  # noqa: S608
        f"({quoted}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {quoted}, %s, %s, %s, %s FROM {source} WHERE id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, reason[:100], history_type, _user_id(by), list(ids)])
        return int(cursor.rowcount)


def links_revoke_returning(
    request_ids: Sequence[int], *, reason: str, at: datetime.datetime
) -> list[int]:
    """Revoke every unrevoked link of these requests; the links revoked."""
    from reviews.records.models import UploadLink

    table = connection.ops.quote_name(UploadLink._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET revoked_at = %s, revoked_reason = %s "  # noqa: S608
            "WHERE request_id = ANY(%s) AND revoked_at IS NULL RETURNING id",
            [at, reason, list(request_ids)],
        )
        return [row[0] for row in cursor.fetchall()]


def emails_insert(
    request_ids: Sequence[int], *, kind: str, to_organisation: bool, at: datetime.datetime
) -> list[int]:
    """One owed email of ``kind`` per request (to its recipient, for the organisation's
    emails); the new rows' ids."""
    from reviews.records.models import RecordEmail, RecordRequest

    emails = connection.ops.quote_name(RecordEmail._meta.db_table)
    requests = connection.ops.quote_name(RecordRequest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {emails} (key, request_id, kind, to_email, created_at, attempts, "  # noqa: S608
            "recipients_count, last_error) "
            "SELECT gen_random_uuid(), id, %s, CASE WHEN %s THEN recipient_email ELSE '' END, "
            f"%s, 0, 0, '' FROM {requests} WHERE id = ANY(%s) ORDER BY id RETURNING id",
            [kind, to_organisation, at, list(request_ids)],
        )
        return [row[0] for row in cursor.fetchall()]
