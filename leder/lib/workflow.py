"""Workflow state, declared once per model.

Each stateful model has:
- a ``TransitionTable``: which status may move to which;
- a status-change model (subclass of ``StatusChangeBase``) with a ``subject`` foreign key;
- one service ``<model>_transition(obj=, to=, by=, reason=)`` that calls :func:`transition`.

:func:`transition` locks the row (``SELECT ... FOR UPDATE``), re-reads the status, refuses
moves the table does not allow, writes the new status with simple-history (who and why),
and appends an immutable status-change row. No other code assigns ``status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from leder.lib.history import history_save

M = TypeVar("M", bound=models.Model)


class TransitionNotAllowed(Exception):
    """The move is not in the table (or the object moved on while we looked)."""

    def __init__(self, model: str, from_status: str, to_status: str) -> None:
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"{model} cannot move from {from_status!r} to {to_status!r}")


@dataclass(frozen=True)
class TransitionTable:
    moves: Mapping[str, Iterable[str]]
    _index: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {k: frozenset(v) for k, v in self.moves.items()})

    def allows(self, from_status: str, to_status: str) -> bool:
        return to_status in self._index.get(from_status, frozenset())

    def targets(self, from_status: str) -> frozenset[str]:
        return self._index.get(from_status, frozenset())

    def pairs(self) -> set[tuple[str, str]]:
        return {(a, b) for a, targets in self._index.items() for b in targets}


class StatusChangeBase(models.Model):
    """One immutable row per status change: who, when, from, to, why.

    Subclasses add ``subject = models.ForeignKey(<Model>, related_name="status_changes")``.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=40)
    to_status = models.CharField(max_length=40)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


@transaction.atomic
def transition(
    *,
    obj: M,
    to: str,
    by: Any,
    reason: str,
    table: TransitionTable,
    change_model: type[StatusChangeBase],
    status_field: str = "status",
    also_set: dict[str, Any] | None = None,
) -> M:
    """Move ``obj`` to status ``to``; returns the locked, updated instance.

    ``also_set``: other fields written in the same save (e.g. ``closed_at``).
    """
    model = type(obj)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, status_field)
    if not table.allows(current, to):
        raise TransitionNotAllowed(model.__name__, current, to)
    setattr(locked, status_field, to)
    fields = [status_field]
    for name, value in (also_set or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    history_save(locked, by=by, reason=reason, update_fields=fields)
    change_model._default_manager.create(  # type: ignore[misc]  # subject is per subclass
        subject=locked,
        by=by if getattr(by, "is_authenticated", False) else None,
        from_status=current,
        to_status=to,
        reason=reason,
    )
    # Keep the caller's instance in step with the database.
    for name in fields:
        setattr(obj, name, getattr(locked, name))
    return locked
