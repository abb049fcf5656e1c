"""Delivery with the real broker and a real worker (not eager mode).

A ``celery -A leder worker`` subprocess runs against pytest-django's test database and
the Redis broker, writing each email it delivers to a directory. The fault test kills
the worker (SIGKILL, its whole process group) in the middle of a slow send, restarts
it, runs the sweep, and counts: every request's link delivered exactly once.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reviews.records.models import RecordEmail, RecordRequest, RecordRequestStatus
from reviews.records.services import records_sweep
from reviews.records.tests.mailbox import delivered
from reviews.records.tests.worker import Worker
from reviews.records.tests.worker import wait_for as shared_wait_for

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 60


@pytest.fixture
def workers(transactional_db, tmp_path):
    """``workers.start(delay=0)`` → a running worker; all are killed at the end, before
    the database is flushed. ``workers.mailbox``: the delivered messages' folder."""
    from leder.celery import app

    app.control.purge()  # nothing left over from other tests on this broker
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    started: list[Worker] = []

    class Workers:
        def start(self, delay: float = 0.0) -> Worker:
            worker = Worker(
                settings_module="reviews.records.tests.worker_settings",
                name="records-test",
                mailbox=mailbox,
                log=tmp_path / "worker.log",
                delay=delay,
            )
            started.append(worker)
            return worker

    found = Workers()
    found.mailbox = mailbox  # type: ignore[attr-defined]
    found.log = tmp_path / "worker.log"  # type: ignore[attr-defined]
    yield found
    for worker in started:
        worker.kill()
    app.control.purge()


def wait_for(condition, what: str, log: Path, timeout: float = WAIT) -> None:
    shared_wait_for(condition, what, log, timeout)


def records_mail(mailbox: Path) -> list:
    """Delivered record-request emails (other apps' emails are not counted)."""
    return [m for m in delivered(mailbox) if m["Message-ID"].startswith("<records-")]


def link_ids(messages) -> Counter:
    """How many times each owed email (by its Message-ID) was delivered."""
    return Counter(m["Message-ID"] for m in messages)


def message_id(email: RecordEmail) -> str:
    from urllib.parse import urlparse

    return f"<records-{email.key}@{urlparse(settings.SITE_URL).hostname}>"


def test_a_request_is_delivered_by_the_worker_after_commit(make_request, workers):
    workers.start()

    request = make_request()

    wait_for(lambda: len(records_mail(workers.mailbox)) == 1, "the link email", workers.log)
    [message] = records_mail(workers.mailbox)
    assert message["To"] == "test.practice@nhs.net"
    assert "/records/upload/" in message.get_payload()[0].get_payload(decode=True).decode()
    wait_for(
        lambda: RecordRequest.objects.get(pk=request.pk).status == RecordRequestStatus.SENT,
        "the request to be marked sent",
        workers.log,
    )
    email = RecordEmail.objects.get(request=request)
    assert email.sent_at and email.attempts == 1
    assert message["Message-ID"] == message_id(email)

    # The same task delivered again (acks_late re-delivery) sends nothing.
    from reviews.records.tasks import send_record_email

    result = send_record_email.delay(email.pk)
    wait_for(lambda: "nothing to do" in workers.log.read_text(), "the repeat", workers.log)
    assert result.id and len(records_mail(workers.mailbox)) == 1


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(make_request, workers):
    first = workers.start(delay=3.0)
    requests = [make_request() for _ in range(5)]
    ids = [r.pk for r in requests]

    def mid_send():
        return RecordEmail.objects.filter(
            request_id__in=ids, claimed_at__isnull=False, sent_at__isnull=True
        ).exists()

    wait_for(mid_send, "a send to start", workers.log)
    time.sleep(0.5)
    first.kill()
    stuck = list(
        RecordEmail.objects.filter(claimed_at__isnull=False, sent_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    assert len(stuck) == 1, "exactly one send was in progress"
    assert len(records_mail(workers.mailbox)) < len(ids)

    workers.start(delay=0.0)  # the queue still holds the other sends
    wait_for(
        lambda: RecordEmail.objects.pending().count() == 1,
        "every send but the interrupted one",
        workers.log,
    )
    # The interrupted row is claimed by a dead worker: the sweep releases and re-queues it
    # once the claim is older than any send can take.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert records_sweep().requeued == 1
    wait_for(lambda: not RecordEmail.objects.pending().exists(), "the last send", workers.log)

    counts = link_ids(records_mail(workers.mailbox))
    keys = {message_id(e) for e in RecordEmail.objects.filter(request_id__in=ids)}
    assert set(counts) == keys, "none lost"
    assert set(counts.values()) == {1}, f"none sent twice: {counts}"
    statuses = set(RecordRequest.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {RecordRequestStatus.SENT}
    assert RecordEmail.objects.get(pk=stuck[0]).attempts == 2


def test_sends_lost_before_the_worker_saw_them_are_found_by_the_sweep(make_request, workers):
    from leder.celery import app

    # A crash between commit and enqueue: the rows are committed, the enqueue never runs.
    with mock.patch("reviews.records.services.emails.enqueue"):
        never_enqueued = [make_request() for _ in range(2)]
    # A broker that lost its queue (a Redis restart without persistence).
    lost = [make_request() for _ in range(2)]
    app.control.purge()
    workers.start()
    time.sleep(1)
    assert records_mail(workers.mailbox) == []

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert records_sweep().requeued == 4
    wait_for(lambda: len(records_mail(workers.mailbox)) == 4, "four link emails", workers.log)
    time.sleep(1)  # nothing more arrives
    counts = link_ids(records_mail(workers.mailbox))
    assert len(counts) == 4 and set(counts.values()) == {1}
    ids = [r.pk for r in never_enqueued + lost]
    assert set(RecordRequest.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        RecordRequestStatus.SENT
    }
