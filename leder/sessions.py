"""Django's database sessions, with the session read through a prepared statement.

Every signed-in request reads its session row. Django's store builds and compiles that
query each time (``Session.objects.get(session_key=..., expire_date__gt=now)``); this store
sends the same statement compiled once per worker (``leder.lib.prepared``, ADR 0015). The
session key and the time are bound values, sent with each read and never kept.
Saving, expiry and deletion are Django's (``SESSION_ENGINE = "leder.sessions"``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from leder.lib import prepared


def session_query(key: Any, now: Any) -> QuerySet[Session]:
    """The unexpired session row with this key (both bound values)."""
    return Session.objects.filter(
        session_key=RawSQL("%s", (key,)), expire_date__gt=RawSQL("%s", (now,))
    )


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        found = prepared.objects(session_query, bind=(self.session_key, timezone.now()))
        if found:
            return found[0]  # type: ignore[no-any-return]
        self._session_key = None
        return None
