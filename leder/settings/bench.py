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
# templates/base.jinja asks the static manifest for a directory (static("nhsuk/assets")),
# which the manifest does not hold: under production settings every page is a 500
# (reported to its owner; docs/performance.md). Until that is fixed the bench lets the
# manifest fall back to the unhashed name, so the pages can be measured at all.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "leder.bench_middleware.LenientManifestStaticFilesStorage"},
}

MIDDLEWARE = ["leder.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]
NOTIFY_RATE_LIMITS = {
    scope: (1_000_000, window) for scope, (_, window) in NOTIFY_RATE_LIMITS.items()
}
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = LOG_LEVEL  # type: ignore[index]  # noqa: F405
