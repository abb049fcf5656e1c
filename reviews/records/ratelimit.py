"""Token guessing is rate-limited: per client address, links that did not work.

Counted in the (Redis) cache, fixed one-hour windows, keyed by a hash of REMOTE_ADDR
(``X-Forwarded-For`` is the client's to write). Over the limit, every link request from
that address gets the "too many attempts" page, working links included, until the window
ends: the answer never tells a guesser which tokens are real.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from reviews.records import conf

WINDOW = 3600


def _key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    client = hashlib.sha256(f"{settings.SECRET_KEY}:records:{address}".encode()).hexdigest()[:32]
    return f"records-link-failures:{client}:{int(time.time() // WINDOW)}"


def blocked(request: HttpRequest) -> bool:
    return int(cache.get(_key(request), 0)) >= conf.link_failures_per_hour()


def count_failure(request: HttpRequest) -> None:
    key = _key(request)
    cache.add(key, 0, timeout=WINDOW + 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW + 60)
