"""Fault injection against the real PostgreSQL, Redis and Celery worker (issue 8, item 6).

Every kind of outbox email is in flight (notification acknowledgements, case emails,
overdue-action reminders, record-request links) when the test injects a fault:

1. the worker is SIGKILLed in the middle of a send, then started again;
2. the broker (a private ``redis-server``, no persistence) is killed and restarted while
   emails are queued, and more emails are owed while it is down;
3. the worker's database connections are terminated (``pg_terminate_backend``) in the
   middle of sends and between them.

Then the beat sweeps run (the records sweep and the outbox sweep, with the clock moved past
the claim timeout, as beat would run them ten minutes later) and the test counts: every
owed email delivered exactly once (each row has its own address), no row lost, and prints
the recovery time: seconds from the fault to the last email delivered, the sweep's waiting
time (``CLAIM_TIMEOUT``/``ENQUEUE_GRACE``, 10 minutes, plus up to 5 or 15 minutes until the
next sweep) not included.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from leder.lib.outbox import outbox_sweep
from reviews.records.models import RecordRequest, RecordRequestStatus
from reviews.records.services import records_sweep
from tests.faults.conftest import expected_addresses, in_flight, pending_rows, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

EACH = 3  # emails of each kind per batch


def sweep_later() -> int:
    """Beat's sweeps, run as they would be once the claim timeout has passed."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        return records_sweep().requeued + sum(outbox_sweep().values())


def assert_each_sent_once(workers, owed: int) -> Counter:
    expected = expected_addresses()
    assert sum(expected.values()) == owed, "every owed row is still there"
    assert set(expected.values()) == {1}, "the world gives each row its own address"
    got = workers.delivered_to()
    lost = set(expected) - set(got)
    twice = {a: n for a, n in got.items() if n > 1}
    assert not lost, f"lost: {sorted(lost)}"
    assert not twice, f"sent twice: {twice}"
    assert got == expected
    assert pending_rows() == 0
    statuses = set(RecordRequest.objects.values_list("status", flat=True))
    assert statuses == {RecordRequestStatus.SENT}
    return got


def all_delivered(workers, owed: int):
    return lambda: sum(workers.delivered_to().values()) >= owed and pending_rows() == 0


def report(name: str, owed: int, started: float, requeued: int) -> None:
    seconds = time.monotonic() - started
    print(
        f"\nfault {name}: {owed} emails, 0 lost, 0 duplicated, {requeued} re-queued by the "
        f"sweeps; recovery {seconds:.1f} s after the fault"
    )


def test_baseline_every_outbox_is_delivered_once_by_the_worker(workers, owe):
    workers.start()
    started = time.monotonic()
    owed = owe(EACH)
    assert owed == 4 * EACH + 2  # n of each of the 4 outboxes, 2 allocation emails
    wait_for(all_delivered(workers, owed), "every email", workers.log)
    assert_each_sent_once(workers, owed)
    assert sweep_later() == 0
    report("none (baseline)", owed, started, 0)


def test_worker_killed_mid_send(workers, owe):
    first = workers.start(delay=1.0)
    owed = owe(EACH)
    wait_for(lambda: sum(workers.delivered_to().values()) >= 2, "a first send", workers.log)
    wait_for(in_flight, "a send in progress", workers.log)
    time.sleep(0.3)
    first.kill()
    started = time.monotonic()
    assert in_flight(), "the kill interrupted a send"
    assert sum(workers.delivered_to().values()) < owed

    workers.start()  # the queue still holds the other sends; the interrupted one is claimed
    wait_for(lambda: not in_flight() or pending_rows() == 1, "the queue to drain", workers.log)
    wait_for(lambda: pending_rows() == 1, "every send but the interrupted one", workers.log)
    requeued = sweep_later()
    assert requeued >= 1
    wait_for(all_delivered(workers, owed), "every email", workers.log)
    time.sleep(1)  # nothing more arrives
    assert_each_sent_once(workers, owed)
    report("worker SIGKILL mid-send", owed, started, requeued)


def test_broker_restarted_while_emails_are_queued(workers, owe, private_redis):
    workers.start(delay=0.5)
    owed = owe(EACH)
    wait_for(lambda: sum(workers.delivered_to().values()) >= 2, "a first send", workers.log)
    private_redis.kill()  # the queued sends are gone with it
    started = time.monotonic()
    owed += owe(1)  # owed while the broker is down: committed, the enqueue fails quietly
    private_redis.start()
    time.sleep(2)
    assert pending_rows() > 0, "sends were lost with the broker"
    requeued = sweep_later()
    assert requeued >= 1
    wait_for(all_delivered(workers, owed), "every email", workers.log)
    time.sleep(1)
    assert_each_sent_once(workers, owed)
    report("Redis killed and restarted", owed, started, requeued)


def _terminate_worker_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_database_connections_terminated_mid_flight(workers, owe):
    workers.start(delay=0.5)
    owed = owe(EACH)
    wait_for(lambda: sum(workers.delivered_to().values()) >= 1, "a first send", workers.log)
    started = time.monotonic()
    terminated = rounds = 0
    while rounds < 3:  # in the middle of a send, three times
        wait_for(in_flight, "a send in progress", workers.log)
        killed = _terminate_worker_connections()
        rounds += bool(killed)
        terminated += killed
        time.sleep(0.6)
    wait_for(lambda: pending_rows() == 0, "the worker to carry on", workers.log)
    # Between sends: the idle persistent connection is dead; the health check replaces it.
    terminated += _terminate_worker_connections()
    owed += owe(1)
    wait_for(all_delivered(workers, owed), "every email", workers.log)
    time.sleep(1)
    assert_each_sent_once(workers, owed)
    assert "connection lost, retrying" in workers.log.read_text()
    assert sweep_later() == 0, "recovered without the sweep"
    report(f"{terminated} database connections terminated", owed, started, 0)
