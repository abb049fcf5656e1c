"""Test profile (pytest). Real PostgreSQL and Redis: DATABASE_URL / REDIS_URL or embedded."""

import tempfile
from pathlib import Path

from leder.settings.base import *  # noqa: F403
from leder.settings.services import cache, celery_broker, database, redis

DEBUG = False
SECRET_KEY = "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DATABASES = {"default": database(allow_embedded=True)}
DATABASES["default"]["CONN_MAX_AGE"] = 0
REDIS_URL = redis(allow_embedded=True)
CACHES = cache(REDIS_URL)
CACHES["default"]["KEY_PREFIX"] = "leder-test"
CELERY_BROKER_URL = celery_broker(REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="leder-test-media-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
