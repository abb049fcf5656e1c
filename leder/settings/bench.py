"""Benchmark profile (``make bench``, tests/bench/): production settings, on this machine.

Like ``leder.settings.production`` (DEBUG off, hashed static files served by WhiteNoise,
cached templates, the same middleware and database connection reuse) except that it
serves plain HTTP on localhost, keeps email in memory, lifts the public form's per-client
rate limits (every virtual user comes from 127.0.0.1) and adds ``X-Queries`` /
``X-Query-Ms`` response headers (leder/bench_middleware.py), so the bench can report
SQL queries per request. Never for a live service.
"""

from leder.settings.base import *  # noqa: F403
from leder.settings.base import MIDDLEWARE, NOTIFY_RATE_LIMITS
from leder.settings.env import env_str
from leder.settings.services import cache, celery_broker, database, redis

DEBUG = False
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
)
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
DATABASES = {"default": database(allow_embedded=False)}
REDIS_URL = redis(allow_embedded=False)
CACHES = cache(REDIS_URL)
CACHES["default"]["KEY_PREFIX"] = "leder-bench"
CELERY_BROKER_URL = celery_broker(REDIS_URL)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files through production's hashed manifest storage, unchanged: every static()
# of a page must be in the manifest (leder/tests/test_production_static.py).

MIDDLEWARE = ["leder.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]
NOTIFY_RATE_LIMITS = {
    scope: (1_000_000, window) for scope, (_, window) in NOTIFY_RATE_LIMITS.items()
}
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = LOG_LEVEL  # type: ignore[index]  # noqa: F405
