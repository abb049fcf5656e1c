"""A real ``celery -A leder worker`` for tests, and waiting on what it does.

Used by the records delivery tests (``test_worker.py``) and the fault tests
(``tests/faults``): the worker runs against pytest-django's test database with the given
settings module, writes each email it delivers to ``mailbox``
(``reviews.records.tests.mailbox``) and logs to ``log``; ``kill()`` SIGKILLs its whole
process group (no shutdown, no acknowledgements).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

READY_TIMEOUT = 60


def wait_for(condition: Callable[[], bool], what: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text()[-4000:] if log.exists() else ""
            pytest.fail(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.1)


class Worker:
    def __init__(
        self,
        *,
        settings_module: str,
        name: str,
        mailbox: Path,
        log: Path,
        delay: float,
        broker: str | None = None,
    ) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "LEDER_WORKER_DB_NAME": connection.settings_dict["NAME"],
            "LEDER_TEST_MAILBOX": str(mailbox),
            "LEDER_TEST_SEND_DELAY": str(delay),
        }
        if broker is not None:
            env["REDIS_URL"] = broker
        self.log_file = log.open("ab")
        start = log.stat().st_size
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "leder", "worker", "--pool=solo"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"),
                *("-n", f"{name}-{uuid.uuid4().hex[:8]}@%h"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in log.read_text()[start:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker's process group: no shutdown, no acknowledgements."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        if not self.log_file.closed:
            self.log_file.close()
