"""Settings for the real Celery worker the fault tests start.

The test profile pointed at pytest-django's test database, with persistent database
connections as in production (``CONN_MAX_AGE`` 60 and ``CONN_HEALTH_CHECKS``, so a
connection the database dropped is noticed and replaced), the broker given by the test
(``REDIS_URL``: a private Redis it may restart), and the directory email backend of the
records tests (each delivered message is one file).
"""

import os

from leder.settings.test import *  # noqa: F403
from leder.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LEDER_WORKER_DB_NAME"]
DATABASES["default"]["CONN_MAX_AGE"] = 60
assert DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
EMAIL_BACKEND = "reviews.records.tests.mailbox.DirectoryBackend"
