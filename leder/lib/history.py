"""django-simple-history: services say who made a change and why.

Requests carry the user through simple-history's middleware; services, commands and
Celery tasks have no request, so they name the acting user explicitly::

    history_save(case, by=user, reason="Allocated to reviewer")
"""

from __future__ import annotations

from typing import Any

from django.db import models


def history_save(
    obj: models.Model, *, by: Any, reason: str = "", update_fields: list[str] | None = None
) -> None:
    """Save ``obj`` so that its history row records ``by`` and ``reason``."""
    obj._history_user = by if by is not None and getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
    obj._change_reason = reason[:100] if reason else None  # type: ignore[attr-defined]
    try:
        obj.save(update_fields=update_fields)
    finally:
        for attr in ("_history_user", "_change_reason"):
            if hasattr(obj, attr):
                delattr(obj, attr)
