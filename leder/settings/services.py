"""Database and Redis settings from DATABASE_URL / REDIS_URL, or the embedded servers."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ImproperlyConfigured

from leder import embedded
from leder.settings.env import env_db, env_int, env_redis


def database(*, allow_embedded: bool) -> dict:
    if os.environ.get("DATABASE_URL"):
        config = env_db("DATABASE_URL")
    elif allow_embedded:
        os.environ["DATABASE_URL"] = embedded.postgres_url()  # child processes reuse it
        config = env_db("DATABASE_URL")
    else:
        raise ImproperlyConfigured("DATABASE_URL must be set")
    config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def redis(*, allow_embedded: bool) -> str:
    if os.environ.get("REDIS_URL"):
        return env_redis("REDIS_URL")
    if allow_embedded:
        os.environ["REDIS_URL"] = embedded.redis_url()
        return os.environ["REDIS_URL"]
    raise ImproperlyConfigured("REDIS_URL must be set")


def celery_broker(url: str) -> str:
    """Kombu spells a unix-socket Redis as redis+socket:///path?virtual_host=N."""
    parsed = urlparse(url)
    if parsed.scheme != "unix":
        return url
    db = parse_qs(parsed.query).get("db", ["0"])[0]
    return f"redis+socket://{parsed.path}?virtual_host={db}"


def cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "leder",
        }
    }
