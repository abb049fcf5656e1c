"""Per-client rate limits for the public form, counted in the (Redis) cache.

The client is REMOTE_ADDR, hashed (never X-Forwarded-For, which the client controls).
Fixed windows: simple, and good enough to stop floods.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def allow(request: HttpRequest, scope: str) -> bool:
    """Count one hit for this client in ``scope``; False once over the limit."""
    limit, window = settings.NOTIFY_RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    key = f"notify-rate:{scope}:{client_key(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count <= limit
