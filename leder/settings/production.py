"""Production profile: gunicorn, Celery worker and beat in containers behind TLS.

Passes ``manage.py check --deploy --fail-level WARNING`` (tested in CI).
Required: DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL, DJANGO_ALLOWED_HOSTS, LEDER_SITE_URL.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from leder.settings.base import *  # noqa: F403
from leder.settings.env import env_bool, env_int, env_str
from leder.settings.services import cache, celery_broker, database, redis

DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be false in production")
SECRET_KEY = env_str("DJANGO_SECRET_KEY", None)
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters")
if "DJANGO_ALLOWED_HOSTS" not in os.environ:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set")
if not SITE_URL.startswith("https://"):  # noqa: F405
    raise ImproperlyConfigured("LEDER_SITE_URL must start with https://")

DATABASES = {"default": database(allow_embedded=False)}
REDIS_URL = redis(allow_embedded=False)
CACHES = cache(REDIS_URL)
CELERY_BROKER_URL = celery_broker(REDIS_URL)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("LEDER_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("LEDER_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MEDIA_ROOT = Path(env_str("LEDER_MEDIA_ROOT", "/var/lib/leder/media"))
