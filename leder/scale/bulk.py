"""Fast writes for synthetic data: ids from the sequence, COPY, history rows, cascade delete.

Only the scale generators use this module. Application code writes through services.

- :func:`allocate_ids`: primary keys taken from the table's own sequence, so rows can
  reference each other before they are written and the sequence stays consistent.
- :func:`copy_rows`: ``COPY ... FROM STDIN`` of model instances (about ten times faster
  than ``bulk_create`` for wide rows), in batches.
- :func:`history_row`: the simple-history row for an instance, with its own date, type,
  user and reason (what ``bulk_create_with_history`` writes, with a date per row).
- :func:`delete_cascade`: deletes rows and everything that references them (found from
  the models' relations, so later features' tables are covered without changes), with
  their history rows.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

DEFAULT_BATCH = 5000


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the sequence behind ``model``'s id column."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def next_values(sequence: str, count: int) -> list[int]:
    """``count`` values from a named sequence (e.g. the notification references)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]


def _column(field: Any) -> str:
    """A concrete field's column name (typed as optional by Django's stubs)."""
    column = field.column
    assert column is not None, field
    return str(column)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _converter(field: models.Field) -> Callable[[Any], str]:
    """How to write ``field``'s values in COPY's text format (``\\N`` is NULL)."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def convert(value: Any) -> str:
            return "\\N" if value is None else _escape(json.dumps(value, cls=encoder))

    elif isinstance(field, models.BooleanField):

        def convert(value: Any) -> str:
            return "\\N" if value is None else ("t" if value else "f")

    elif isinstance(field, models.DateField | models.TimeField):  # DateTimeField too

        def convert(value: Any) -> str:
            return "\\N" if value is None else value.isoformat()

    elif isinstance(field, models.IntegerField | models.UUIDField | models.ForeignKey):

        def convert(value: Any) -> str:
            return "\\N" if value is None else str(value)

    else:

        def convert(value: Any) -> str:
            return "\\N" if value is None else _escape(str(value))

    return convert


Row = models.Model | dict[str, Any]


def copy_rows(
    model: type[models.Model], rows: Sequence[Row], *, batch_size: int = DEFAULT_BATCH
) -> int:
    """Insert ``rows`` with COPY: model instances, or dicts of attribute name to value
    (cheaper to make; every column but the primary key must be there).

    The primary key is written when the first row has one (see :func:`allocate_ids`), else
    left to the sequence. Returns the number of rows written.
    """
    if not rows:
        return 0
    first = rows[0] if isinstance(rows[0], dict) else rows[0].__dict__
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if first.get(model._meta.pk.attname) is None:
        fields = [f for f in fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    converters = [(f.attname, _converter(f)) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            buffer = io.StringIO()
            for row in rows[start : start + batch_size]:
                values = row if isinstance(row, dict) else row.__dict__
                buffer.write("\t".join(convert(values[name]) for name, convert in converters))
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)
    return len(rows)


def history_row(
    obj: models.Model,
    *,
    at: datetime.datetime,
    kind: str = "+",
    user_id: int | None = None,
    reason: str = "",
    **changes: Any,
) -> dict[str, Any]:
    """The simple-history row for ``obj`` as it was at ``at`` (``changes`` override
    fields: an earlier status, say), for :func:`copy_rows` into ``Model.history.model``.
    ``kind``: ``+`` created, ``~`` changed."""
    _, tracked = _history_of(type(obj))
    values = obj.__dict__
    row = {name: values[name] for name in tracked}
    row.update(changes)
    row["history_date"] = at
    row["history_type"] = kind
    row["history_user_id"] = user_id
    row["history_change_reason"] = reason[:100] or None
    return row


@functools.cache
def _history_of(model: type[models.Model]) -> tuple[Any, tuple[str, ...]]:
    """The historical model and the attributes it copies (the manager is costly to get)."""
    history_model = model.history.model  # type: ignore[attr-defined]
    return history_model, tuple(f.attname for f in history_model.tracked_fields)


def _reverse_relations(model: type[models.Model]) -> Iterable[models.ForeignObjectRel]:
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield rel  # type: ignore[misc]


def _ids(sql: str, params: Sequence[Any]) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def select_ids(model: type[models.Model], where: str, params: Sequence[Any] = ()) -> list[Any]:
    """Primary keys of ``model`` rows matching a SQL condition."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(_column(model._meta.pk))
    return _ids(f"SELECT {pk} FROM {table} WHERE {where}", params)  # noqa: S608 - our SQL


def delete_cascade(model: type[models.Model], ids: Sequence[Any]) -> dict[str, int]:
    """Delete rows ``ids`` of ``model``, every row that references them (recursively) and
    their simple-history rows. Returns the rows deleted per table.

    Runs inside the caller's transaction; Django's foreign keys are deferred, so the order
    of the deletes does not matter before commit. Tables whose triggers refuse deletes
    (append-only: the access log, review versions...) have their triggers switched off for
    the delete and on again, inside the same transaction. For synthetic data only.
    """
    deleted: dict[str, int] = {}
    _delete(model, list(ids), deleted, seen={})
    return deleted


def _delete(
    model: type[models.Model],
    ids: list[Any],
    deleted: dict[str, int],
    seen: dict[type[models.Model], set[Any]],
) -> None:
    done = seen.setdefault(model, set())
    ids = [i for i in ids if i not in done]
    if not ids:
        return
    done.update(ids)
    quote = connection.ops.quote_name
    for rel in _reverse_relations(model):
        child = rel.related_model
        fk = rel.field
        child_pk = quote(_column(child._meta.pk))
        child_ids = _ids(
            f"SELECT {child_pk} FROM {quote(child._meta.db_table)} "  # noqa: S608 - our SQL
            f"WHERE {quote(_column(fk))} = ANY(%s)",
            [ids],
        )
        _delete(child, child_ids, deleted, seen)
    history = getattr(model, "history", None)
    history_model = getattr(history, "model", None)
    with connection.cursor() as cursor:
        if history_model is not None and history_model is not model:
            pk_name = quote(model._meta.pk.attname)
            cursor.execute(
                f"DELETE FROM {quote(history_model._meta.db_table)} WHERE {pk_name} = ANY(%s)",  # noqa: S608
                [ids],
            )
            deleted[history_model._meta.db_table] = (
                deleted.get(history_model._meta.db_table, 0) + cursor.rowcount
            )
        guarded = _refuses_deletes(model._meta.db_table)
        if guarded:
            # ALTER TABLE needs no pending (deferred) checks on the table: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {quote(model._meta.db_table)} DISABLE TRIGGER USER")
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608 - our SQL
            f"WHERE {quote(_column(model._meta.pk))} = ANY(%s)",
            [ids],
        )
        deleted[model._meta.db_table] = deleted.get(model._meta.db_table, 0) + cursor.rowcount
        if guarded:
            cursor.execute(f"ALTER TABLE {quote(model._meta.db_table)} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _refuses_deletes(table: str) -> bool:
    """Whether ``table`` has a trigger of its own that fires on DELETE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal AND tgtype & 8 = 8)",
            [table],
        )
        return bool(cursor.fetchone()[0])
