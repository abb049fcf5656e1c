"""Where a page's time goes: time or profile one page as one user, on the bench's data.

    DATABASE_URL=postgres://.../leder_bench_n50000 \
        .venv/bin/python -m tests.bench.profile /reviews/ --user 1291           # timings
    ... -m tests.bench.profile /reviews/ --user 1291 --profile             # pyinstrument
    ... -m tests.bench.profile /reviews/ --role lac                        # first LAC

The page is requested through Django's test client (no HTTP server) with
``leder.settings.bench`` as the signed-in user (password and authenticator-app checks
recorded, as the bench's sessions are), warmed up, then requested ``--repeat`` times:
medians of wall-clock and CPU time and the statements sent; or, with ``--profile``, the
pyinstrument call tree of those requests (the profiler's overhead makes every figure in
it about twice as large: read the shares, not the milliseconds). The users of a bench
plan (``var/bench/runs/*/n50000/plan.json``, "user_id" of each page) are the ones the
bench times. A search kept out of the URL (``?q=`` -> ``?s=``) is followed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", help="the page, e.g. /reviews/")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", type=int, help="the user's id")
    who.add_argument("--role", help="the first active user with this role (e.g. lac)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="pyinstrument's call tree")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.settings.bench")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from leder.models import User
    from leder.roles import Role
    from leder.testing import sign_in_with_mfa
    from tests.bench.measure import landing

    client = Client(HTTP_HOST="localhost")
    user = None
    if args.user is not None:
        user = User.objects.get(pk=args.user)
    elif args.role:
        label = Role(args.role).group_name
        user = User.objects.filter(groups__name=label, is_active=True).order_by("pk").first()
        if user is None:
            raise SystemExit(f"no active user with the role {args.role}")
    if user is not None:
        sign_in_with_mfa(client, user)
    path = args.path
    response = client.get(path)
    landed = landing(path, response.status_code, response.get("Location", ""))
    if landed:
        path = landed
        response = client.get(path)
    print(f"{path}: HTTP {response.status_code}, {len(response.content):,} bytes", end="")
    print(f", as user {user.pk}" if user else ", signed out")
    for _ in range(3):
        client.get(path)
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.repeat):
            client.get(path)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
        return 0
    wall, cpu = [], []
    for _ in range(args.repeat):
        started, thread = time.perf_counter(), time.thread_time()
        client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - thread) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    print(
        f"median of {args.repeat}: {statistics.median(wall):.1f} ms, "
        f"CPU {statistics.median(cpu):.1f} ms, {len(captured.captured_queries)} queries"
    )
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
