"""Settings for a real Celery worker started by the delivery tests.

The test profile, pointed at pytest-django's test database (its name is passed in the
environment), with an email backend that writes each delivered message to a directory
both processes can see (``reviews.records.tests.mailbox``).
"""

import os

from leder.settings.test import *  # noqa: F403
from leder.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LEDER_WORKER_DB_NAME"]
EMAIL_BACKEND = "reviews.records.tests.mailbox.DirectoryBackend"
