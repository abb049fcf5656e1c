"""Compiled statements for hot pages, kept per thread and reused (ADR 0015).

A page that builds the same ORM query for the same inputs on every request pays Django
to build the queryset and compile it to SQL each time. For the LAC dashboard that was
most of its CPU: compiling its queue counts took about three times as long as
PostgreSQL took to run them. This module keeps the SQL and parameters Django compiled
and, next time, sends that statement through a cursor and turns the rows into what the
ORM would have returned.

The key is the function that built the queryset and the arguments it was given:

    counts = prepared.aggregate(queue_counts_query, icb_id, today)

To make "same key, same statement" true by construction:

- the builder is a module-level function (no closure, no lambda, nothing it could have
  captured from a request);
- its arguments are plain values: ``None``, ``bool``, ``int``, ``float``, ``str``,
  ``date``/``datetime`` and tuples of them. No model instances, users or requests: a
  builder that needs a user's scope is passed the ids and flags the scope depends on;
- a builder must read nothing else that can change while the process runs. The one
  exception, settings, is handled: any settings change (``override_settings`` in tests)
  empties every thread's statements.

A value that must not become part of a key (what a typed search found, say) is passed
as ``bind=(value, ...)``: the builder gets a :class:`Bound` marker in its place, puts it
where Django passes a parameter through untouched (``RawSQL(sql, (marker,))``), and each
call sends its own value. Bound values are never kept.

Data is never cached: every call runs its statement. Only the compiled text is kept, at
most ``MAX_ENTRIES`` per thread (least recently used dropped). Statements are sent
through Django's cursor, so query counting, ``assertNumQueries`` and execute wrappers
see them as any other.

Three kinds of result, each equal to the ORM's (``leder/tests/test_prepared.py``):

- :func:`objects`: a model queryset (``select_related``, annotations, slicing) or a
  ``values_list()``, as a list; no ``prefetch_related``;
- :func:`aggregate`: ``queryset.aggregate(**counts)`` with ``Count`` expressions only;
- :func:`count`: ``queryset.count()``.

:func:`objects` reads the compiler's column map as Django's own ``ModelIterable`` does
(``select``, ``klass_info``, ``annotation_col_map``): internal API, pinned by the tests
to the Django version we run. :func:`aggregate` and :func:`count` capture the statement
the ORM sends (``connection.execute_wrapper``), public API only.
"""

from __future__ import annotations

import datetime
import threading
import types
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import Count, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

MAX_ENTRIES = 256
PLAIN = (type(None), bool, int, float, str, datetime.date)

Builder = Callable[..., Any]


@dataclass
class _Statement:
    db: str
    sql: str | None  # None: the query can match nothing (Django compiles no SQL for it)
    params: tuple[Any, ...] = ()
    run: Callable[[_Statement, list[tuple[Any, ...]], list[str]], Any] | None = None
    empty: Any = None  # the result when sql is None
    state: dict[str, Any] = field(default_factory=dict)
    slots: tuple[tuple[int, int], ...] = ()  # (position in params, index of a bound value)

    def execute(self, bind: tuple[Any, ...] = ()) -> Any:
        if self.sql is None:
            return self.empty() if callable(self.empty) else self.empty
        params = list(self.params)
        for position, index in self.slots:
            params[position] = bind[index]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
            names = [column[0] for column in cursor.description or ()]
        assert self.run is not None
        return self.run(self, rows, names)


class _Local(threading.local):
    def __init__(self) -> None:
        self.entries: OrderedDict[tuple[Any, ...], _Statement] = OrderedDict()
        self.generation = 0


class Bound:
    """A value a prepared statement takes at each call and does not keep (the cases a
    typed search found, say). The builder gets one per value passed as ``bind`` and puts
    it where Django passes a parameter through untouched: ``RawSQL(sql, (bound,))``."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __repr__(self) -> str:
        return f"Bound({self.index})"


def _slots(params: Any, bind: tuple[Any, ...]) -> tuple[tuple[int, int], ...]:
    slots = tuple((n, p.index) for n, p in enumerate(params) if isinstance(p, Bound))
    if sorted({index for _, index in slots}) != list(range(len(bind))):
        raise TypeError("a builder passes each bound value as a parameter (RawSQL)")
    return slots


_local = _Local()
_generation = 0  # bumped by every settings change; a thread whose own is older forgets all


def clear(**_: Any) -> None:
    """Forget every thread's statements (on any settings change)."""
    global _generation
    _generation += 1


setting_changed.connect(clear, dispatch_uid="leder.lib.prepared.clear")


def _typed(value: Any) -> Any:
    """``value`` as part of a key, with its type: ``True == 1 == 1.0`` in Python, and a
    date equals nothing but a date, but a builder may branch on the type."""
    if isinstance(value, tuple):
        return tuple(_typed(item) for item in value)
    if not isinstance(value, PLAIN):
        raise TypeError(
            f"a prepared statement's arguments are plain values, not {type(value).__name__}"
        )
    return (type(value), value)


def _key(kind: str, builder: Builder, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if (
        not isinstance(builder, types.FunctionType)
        or builder.__closure__ is not None
        or "<" in builder.__qualname__  # <lambda>, <locals>
    ):
        raise TypeError("a prepared statement's builder is a module-level function")
    return (kind, builder.__module__, builder.__qualname__, _typed(args))


_UNREAD = object()


def _run(
    kind: str,
    builder: Builder,
    args: tuple[Any, ...],
    compile: Callable[[], tuple[_Statement, Any]],
    bind: tuple[Any, ...] = (),
) -> Any:
    """The result of the statement kept under (kind, builder, args), compiled first if
    this thread has not kept it (``compile`` returns the statement and, if compiling it
    ran it, the result: a statement captured from the ORM is not sent twice)."""
    key = (*_key(kind, builder, args), len(bind))
    entries = _local.entries
    if _local.generation != _generation:
        entries.clear()
        _local.generation = _generation
    statement = entries.get(key)
    if statement is not None:
        entries.move_to_end(key)
        return statement.execute(bind)
    statement, result = compile()
    entries[key] = statement
    if len(entries) > MAX_ENTRIES:
        entries.popitem(last=False)
    return statement.execute(bind) if result is _UNREAD else result


# objects ---------------------------------------------------------------------------------


def _models(statement: _Statement, rows: list[tuple[Any, ...]], names: list[str]) -> list[Model]:
    compiler = statement.state["compiler"]
    state = statement.state
    start, end = state["fields"]
    model, init_list, populators = state["model"], state["init_list"], state["populators"]
    annotations = list(compiler.annotation_col_map.items())
    found = []
    for row in compiler.results_iter([_trimmed(compiler, rows)]):
        obj = model.from_db(statement.db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations:
            setattr(obj, name, row[position])
        found.append(obj)
    return found


def _tuples(statement: _Statement, rows: list[tuple[Any, ...]], names: list[str]) -> list[Any]:
    compiler = statement.state["compiler"]
    return list(compiler.results_iter([_trimmed(compiler, rows)], tuple_expected=True))


def _trimmed(compiler: Any, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    # As SQLCompiler.execute_sql: columns selected only for ordering are not returned.
    if compiler.has_extra_select:
        return [row[: compiler.col_count] for row in rows]
    return rows


def _markers(bind: tuple[Any, ...]) -> tuple[Bound, ...]:
    return tuple(Bound(index) for index in range(len(bind)))


def _compile_objects(queryset: QuerySet[Any], bind: tuple[Any, ...]) -> tuple[_Statement, Any]:
    iterable = queryset._iterable_class  # type: ignore[attr-defined]
    if iterable not in (ModelIterable, ValuesListIterable):
        raise TypeError("prepared.objects takes a model queryset or a values_list()")
    if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
        raise TypeError("prepared.objects does not prefetch")
    if queryset.query.select_for_update:
        raise TypeError("prepared.objects does not lock rows")
    db = queryset.db
    compiler = queryset.query.get_compiler(using=db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Statement(db=db, sql=None, empty=list), _UNREAD
    state: dict[str, Any] = {"compiler": compiler}
    if iterable is ModelIterable:
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        state.update(
            model=klass_info["model"],
            fields=(start, end),
            init_list=[column[0].target.attname for column in select[start:end]],
            populators=get_related_populators(klass_info, select, db),  # type: ignore[call-arg]  # stubs: Django 6's signature
        )
        run = _models
    else:
        run = _tuples
    statement = _Statement(db=db, sql=sql, params=tuple(params), run=run, state=state)
    statement.slots = _slots(params, bind)
    return statement, _UNREAD


def objects(builder: Builder, *args: Any, bind: tuple[Any, ...] = ()) -> list[Any]:
    """``list(builder(*args))``: the queryset's model instances (or ``values_list`` rows),
    from its statement compiled once per thread for these arguments. ``bind``: values
    sent with the statement, not kept (the builder gets a :class:`Bound` for each)."""
    return _run(
        "objects",
        builder,
        args,
        lambda: _compile_objects(builder(*args, *_markers(bind)), bind),
        bind,
    )


# aggregate and count: the statement the ORM sends, captured ------------------------------


def _capture(
    queryset: QuerySet[Any], call: Callable[[], Any], bind: tuple[Any, ...] = ()
) -> tuple[Any, list[Any]]:
    """Run ``call`` (one ORM read of ``queryset``, its bound values in place of their
    markers) and the statements it sent (with the markers)."""
    sent: list[tuple[str, tuple[Any, ...], list[str]]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        params = tuple(params or ())
        values = [bind[p.index] if isinstance(p, Bound) else p for p in params]
        result = execute(sql, values, many, context)
        cursor = context["cursor"]
        names = [column[0] for column in cursor.description or ()]
        sent.append((sql, params, names))
        return result

    with connections[queryset.db].execute_wrapper(record):
        result = call()
    return result, sent


def _captured(
    queryset: QuerySet[Any], result: Any, sent: list[Any], run: Any, bind: tuple[Any, ...] = ()
) -> _Statement:
    if not sent:  # the query matches nothing by construction: no SQL, a constant result
        return _Statement(db=queryset.db, sql=None, empty=result)
    if len(sent) != 1:
        raise TypeError("a prepared statement is one statement")
    sql, params, names = sent[0]
    return _Statement(
        db=queryset.db,
        sql=sql,
        params=params,
        run=run,
        state={"names": names},
        slots=_slots(params, bind),
    )


def _counts(statement: _Statement, rows: list[tuple[Any, ...]], names: list[str]) -> Any:
    return dict(zip(names, rows[0], strict=True))


def _compile_aggregate(built: tuple[QuerySet[Any], dict[str, Any]]) -> tuple[_Statement, Any]:
    queryset, counts = built
    if not all(isinstance(expression, Count) for expression in counts.values()):
        raise TypeError("prepared.aggregate takes Count expressions")
    result, sent = _capture(queryset, lambda: queryset.aggregate(**counts))
    statement = _captured(queryset, result, sent, _counts)
    if statement.sql is not None and sorted(statement.state["names"]) != sorted(counts):
        raise TypeError("the aggregate's columns are not named as its counts")
    return statement, result


def aggregate(builder: Builder, *args: Any) -> dict[str, int]:
    """``queryset.aggregate(**counts)`` where ``builder(*args)`` returns
    ``(queryset, counts)`` (``Count`` expressions only), from its statement compiled once
    per thread for these arguments."""
    return _run("aggregate", builder, args, lambda: _compile_aggregate(builder(*args)))


def _scalar(statement: _Statement, rows: list[tuple[Any, ...]], names: list[str]) -> Any:
    return rows[0][0]


def _compile_count(queryset: QuerySet[Any], bind: tuple[Any, ...]) -> tuple[_Statement, Any]:
    result, sent = _capture(queryset, queryset.count, bind)
    return _captured(queryset, result, sent, _scalar, bind), result


def count(builder: Builder, *args: Any, bind: tuple[Any, ...] = ()) -> int:
    """``builder(*args).count()``, from its statement compiled once per thread for these
    arguments (``bind``: as :func:`objects`)."""
    return _run(
        "count", builder, args, lambda: _compile_count(builder(*args, *_markers(bind)), bind), bind
    )
