"""The records sweep at scale: 10,000 due links, handled in bulk (``make bench-records``).

    python -m tests.bench.records_sweep [--links 10000] [--keep]

Uses its own database (``leder_bench_records``, created and migrated on the server of
``DATABASE_URL``, or the embedded one) and the real Redis broker, with the sends
published to a queue no worker reads (removed afterwards). Three scenarios, each on fresh
rows, each swept by a fresh process so its memory is the sweep's own:

- **expired**: N requests whose links all expired: 90% get a new link, 10% (at the last
  re-issue) escalate to the LACs;
- **reminders**: N requests whose links expire within the reminder window;
- **lost sends**: N emails owed and never enqueued (a crash between commit and enqueue).

Prints, per scenario: rows handled, wall time, SQL queries, Celery messages published,
and peak RSS of the sweeping process (and its RSS before the sweep).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DB_NAME = "leder_bench_records"
QUEUE = "leder-bench-records"
SCENARIOS = ("expired", "reminders", "lost")
LIMIT_SECONDS = 10.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.settings.test")
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = DB_NAME
    settings.DATABASES["default"]["TEST"] = {"NAME": DB_NAME}
    django.setup()
    from leder.celery import app

    app.conf.task_default_queue = QUEUE  # published, never consumed


def create_database() -> None:
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)


def clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE records_recordemail, records_recordrequestevent, "
            "records_recordrequeststatuschange, records_uploadlink, "
            "records_historicaluploadlink, records_historicalrecordrequest, "
            "records_recordrequest, reviews_case, reviews_historicalcase, "
            "notifications_notification, notifications_historicalnotification CASCADE"
        )


def prepare(scenario: str, n: int) -> None:
    """N rows due for ``scenario``, written with bulk inserts."""
    import datetime
    import hashlib
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from leder.models import Organisation, OrganisationType, User
    from notifications.models import Notification, NotificationStatus
    from reviews.models import Case
    from reviews.records.models import RecordEmail, RecordRequest, UploadLink

    clear()
    now = timezone.now()
    with transaction.atomic():
        icb, _ = Organisation.objects.get_or_create(
            ods_code="QBN", defaults={"name": "NHS Bench ICB", "org_type": OrganisationType.ICB}
        )
        User.objects.get_or_create(
            email="bench.lac@example.nhs.uk", defaults={"full_name": "Bench LAC", "icb": icb}
        )
        practices = list(Organisation.objects.filter(ods_code__startswith="BNP"))
        if not practices:
            practices = Organisation.objects.bulk_create(
                Organisation(
                    ods_code=f"BNP{i:03d}",
                    name=f"Bench Practice {i}",
                    org_type=OrganisationType.GP_PRACTICE,
                    parent_icb=icb,
                    secure_email=f"bnp{i:03d}@nhs.net",
                )
                for i in range(100)
            )
        notifications = Notification.objects.bulk_create(
            Notification(
                reference=f"LDR-2026-{i:06d}",
                idempotency_key=uuid.uuid4(),
                status=NotificationStatus.ELIGIBLE,
                icb=icb,
                gp_practice=practices[i % 100],
                date_of_death=datetime.date(2026, 1, 10),
                learning_disability="yes",
                autism="no",
                place_of_death="home",
                care_concerns="no",
                detained_mha="no",
                detained_cjs="no",
                family_requested_review="no",
            )
            for i in range(n)
        )
        cases = Case.objects.bulk_create(
            Case(notification=x, icb=icb, reference=x.reference, status="in_progress")
            for x in notifications
        )
        if scenario == "expired":
            status, expires = "sent", now - datetime.timedelta(minutes=5)
        elif scenario == "reminders":
            status, expires = "sent", now + datetime.timedelta(days=2)
        else:
            status, expires = "queued", None
        requests = RecordRequest.objects.bulk_create(
            RecordRequest(
                case=c,
                organisation=practices[i % 100],
                recipient_email=practices[i % 100].secure_email,
                period_from=datetime.date(2023, 1, 10),
                period_to=datetime.date(2026, 1, 10),
                status=status,
                expires_at=expires,
                reissue_count=3 if scenario == "expired" and i % 10 == 0 else i % 3,
            )
            for i, c in enumerate(cases)
        )
        if scenario != "lost":
            UploadLink.objects.bulk_create(
                UploadLink(
                    request=r,
                    token_hash=hashlib.sha256(f"{r.pk}:{uuid.uuid4()}".encode()).hexdigest(),
                    kind="first",
                    expires_at=expires,
                    created_at=now - datetime.timedelta(days=14),
                )
                for r in requests
            )
        else:
            RecordEmail.objects.bulk_create(
                RecordEmail(
                    request=r,
                    kind="link",
                    to_email=r.recipient_email,
                    created_at=now - datetime.timedelta(minutes=30),
                )
                for r in requests
            )


def sweep_in_this_process() -> dict:
    """Run the sweep once; report what it did and what it cost."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leder.celery import app
    from reviews.records.services import records_sweep

    published = []
    original = app.amqp.send_task_message

    def counting(*args, **kwargs):
        published.append(1)
        return original(*args, **kwargs)

    app.amqp.send_task_message = counting
    connection.ensure_connection()
    rss_before = _rss_mb("VmRSS")
    _reset_peak_rss()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = records_sweep()
        seconds = time.perf_counter() - started
    return {
        **vars(result),
        "seconds": round(seconds, 3),
        "queries": len(queries.captured_queries),
        "messages": len(published),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(_rss_mb("VmHWM"), 1),
    }


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB (Linux);
    elsewhere the process's peak RSS from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak_rss() -> None:
    """Start the peak (VmHWM) again from the current RSS (Linux 4.0+), so the peak
    reported is the sweep's own, not Django's start-up."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def drop_queue() -> None:
    from leder.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--sweep-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.sweep_only:
        print(json.dumps(sweep_in_this_process()))
        return 0

    print(f"[bench-records] database {DB_NAME}: creating/migrating", flush=True)
    create_database()
    results = {}
    for scenario in SCENARIOS:
        started = time.perf_counter()
        prepare(scenario, args.links)
        made = time.perf_counter() - started
        print(f"[bench-records] {scenario}: {args.links:,} rows written in {made:.1f}s", flush=True)
        child = subprocess.run(
            [sys.executable, "-m", "tests.bench.records_sweep", "--sweep-only"],
            cwd=BASE_DIR,
            env=os.environ,
            capture_output=True,
            text=True,
            check=True,
        )
        results[scenario] = json.loads(child.stdout.strip().splitlines()[-1])
    drop_queue()
    clear()

    print()
    print(f"Records sweep, {args.links:,} rows per scenario (bulk, batches of 1,000)")
    print(
        f"{'scenario':<10} {'handled':>18} {'seconds':>8} {'queries':>8} {'messages':>9} "
        f"{'RSS before':>11} {'peak RSS':>9}"
    )
    worst = 0.0
    for scenario, r in results.items():
        handled = {
            "expired": f"{r['reissued']:,} new + {r['escalated']:,} esc",
            "reminders": f"{r['reminded']:,} reminded",
            "lost": f"{r['requeued']:,} re-queued",
        }[scenario]
        worst = max(worst, r["seconds"])
        print(
            f"{scenario:<10} {handled:>18} {r['seconds']:>8.2f} {r['queries']:>8} "
            f"{r['messages']:>9} {r['rss_before_mb']:>9.0f}MB {r['peak_rss_mb']:>7.0f}MB"
        )
    ok = worst <= LIMIT_SECONDS
    verdict = "within" if ok else "OVER"
    print(f"\nslowest sweep {worst:.2f}s: {verdict} the {LIMIT_SECONDS:.0f}s budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
