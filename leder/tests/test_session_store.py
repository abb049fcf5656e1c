"""leder.sessions: Django's database sessions, read through a prepared statement. What
it reads is what Django's store reads; the key and the time are bound, never kept."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from leder.lib import prepared
from leder.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_reads_what_djangos_store_reads() -> None:
    saved = SessionStore()
    saved["answer"] = 42
    saved.create()
    key = saved.session_key
    assert SessionStore(key).load() == DjangoStore(key).load() == {"answer": 42}
    other = SessionStore()
    other["answer"] = 7
    other.create()
    assert SessionStore(other.session_key).load() == {"answer": 7}  # the same statement
    assert SessionStore(key).load() == {"answer": 42}

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    for store in (SessionStore(key), DjangoStore(key)):
        assert store.load() == {}
        assert store.session_key is None  # an expired or unknown key is dropped
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None

    kept = [s.params for s in prepared._local.entries.values()]
    assert not any(p in (key, other.session_key) for params in kept for p in params)
    assert any(isinstance(p, prepared.Bound) for params in kept for p in params)


def test_signed_in_requests_use_it(lac_client) -> None:
    from django.conf import settings

    assert settings.SESSION_ENGINE == "leder.sessions"
    assert lac_client.get("/reviews/").status_code == 200
    assert isinstance(lac_client.session, SessionStore)
