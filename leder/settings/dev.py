"""Development profile: ``make run`` and ``manage.py`` on a developer's machine."""

from leder.settings.base import *  # noqa: F403
from leder.settings.env import env_bool
from leder.settings.services import cache, celery_broker, database, redis

DEBUG = env_bool("DJANGO_DEBUG", True)
DATABASES = {"default": database(allow_embedded=True)}
REDIS_URL = redis(allow_embedded=True)
CACHES = cache(REDIS_URL)
CELERY_BROKER_URL = celery_broker(REDIS_URL)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
