"""``make bench``: the service under load, on this machine, with national-scale data.

    python -m tests.bench            # or: make bench

1. PostgreSQL and Redis from ``DATABASE_URL`` / ``REDIS_URL``, else embedded ones under
   ``var/bench/`` (not the development servers of ``make run``);
2. for each data size (``BENCH_NOTIFICATIONS``, then the ``BENCH_GROWTH`` sizes) a
   database of its own, migrated and loaded with ``seed_scale --reuse`` (kept between runs);
3. at the main size: gunicorn and a Celery worker with ``leder.settings.bench``, a signed-in
   session per virtual user, then one locust headless run of ``BENCH_USERS`` users on their
   roles' journeys (tests/bench/journeys/): ``BENCH_WARMUP`` seconds not counted, then
   ``BENCH_DURATION`` seconds measured, sampling the peak RSS of the web and worker
   processes; then each read-heavy page alone and its SQL floor;
4. at the other sizes: the growth pages alone;
5. prints the tables and writes everything to ``var/bench/<timestamp>.json``; stops all it
   started.

Settings (environment): BENCH_NOTIFICATIONS (50000), BENCH_GROWTH (5000; e.g.
"5000,200000"; "" for none), BENCH_USERS (20), BENCH_DURATION (60), BENCH_WARMUP (10),
BENCH_WEB_WORKERS (3), BENCH_WEB_THREADS (1: sync workers), BENCH_THINK (1: think-time
factor, 0 for none), BENCH_REPEAT (30 timings per page alone), BENCH_SEED (1),
BENCH_PORT (a free one), BENCH_PDF_REPEAT (3 renders of the annual report PDF; 0 for
none), BENCH_SWEEP (1: also run the records sweep of ``make bench-records``). See
docs/performance.md.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench import report
from tests.bench.stack import BASE_DIR, BENCH_VAR, PeakRSS, Processes, Servers, busy_cpu, say


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}")
    return value


@dataclass(frozen=True)
class Config:
    notifications: int
    growth: tuple[int, ...]
    users: int
    duration: int
    warmup: int
    workers: int
    threads: int
    think: str
    repeat: int
    seed: int
    pdf_repeat: int
    sweep: bool

    @classmethod
    def from_env(cls) -> Config:
        raw = os.environ.get("BENCH_GROWTH", "5000")
        try:
            growth = tuple(int(x) for x in raw.replace(" ", "").split(",") if x)
        except ValueError:
            raise SystemExit(f"BENCH_GROWTH must be sizes like 5000,200000, not {raw!r}") from None
        think = os.environ.get("BENCH_THINK", "1")
        try:
            float(think)
        except ValueError:
            raise SystemExit(f"BENCH_THINK must be a number, not {think!r}") from None
        return cls(
            notifications=_int("BENCH_NOTIFICATIONS", 50_000, 1),
            growth=growth,
            users=_int("BENCH_USERS", 20, 1),
            duration=_int("BENCH_DURATION", 60, 5),
            warmup=_int("BENCH_WARMUP", 10, 0),
            workers=_int("BENCH_WEB_WORKERS", 3, 1),
            threads=_int("BENCH_WEB_THREADS", 1, 1),
            think=think,
            repeat=_int("BENCH_REPEAT", 30, 3),
            seed=_int("BENCH_SEED", 1),
            pdf_repeat=_int("BENCH_PDF_REPEAT", 3),
            sweep=os.environ.get("BENCH_SWEEP", "") not in ("", "0"),
        )

    @property
    def sizes(self) -> list[int]:
        return [self.notifications, *sorted(set(self.growth) - {self.notifications})]


def _python(env: dict[str, str], *args: str, log: Path | None = None) -> str:
    """Run ``python *args``; its output is returned (and fails the bench if it fails)."""
    result = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as out:
            out.write(f"$ python {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"python {' '.join(args[:3])} ... failed (exit {result.returncode})")
    return result.stdout


def load_data(env: dict[str, str], size: int, config: Config, logs: Path) -> dict[str, Any]:
    started = time.monotonic()
    _python(env, "manage.py", "migrate", "--noinput", "-v", "0", log=logs / "setup.log")
    migrated = time.monotonic() - started
    started = time.monotonic()
    output = _python(
        env,
        "manage.py",
        "seed_scale",
        "--reuse",
        "--notifications",
        str(size),
        "--seed",
        str(config.seed),
        log=logs / "setup.log",
    )
    seconds = time.monotonic() - started
    reused = "Reused the scale data" in output
    last = output.strip().splitlines()[-1] if output.strip() else ""
    say(f"{size:,} notifications: {'reused' if reused else 'loaded'} in {seconds:.1f} s. {last}")
    return {"reused": reused, "seconds": round(seconds, 1), "migrate_seconds": round(migrated, 1)}


def run_locust(
    env: dict[str, str],
    plan_path: Path,
    results: Path,
    base_url: str,
    users: int,
    seconds: int,
    warmup: int = 0,
    on_warm: Callable[[], None] | None = None,
) -> None:
    """One locust run of ``warmup + seconds``: the users start together and run on from
    the warm-up into the measured window without a pause, so the figures are the steady
    state, not 20 people clicking at the same instant on cold worker processes. Requests
    made in the warm-up are left out of ``results`` (locustfile.py); ``on_warm`` is called
    when the measured window starts (the locustfile touches a marker file then)."""
    marker = results.with_suffix(".warm")
    marker.unlink(missing_ok=True)
    env = {
        **env,
        "BENCH_PLAN": str(plan_path),
        "BENCH_RESULTS": str(results),
        "BENCH_WARMUP": str(warmup),
        "BENCH_WARM_MARKER": str(marker),
    }
    command = [
        "-m",
        "locust",
        "-f",
        str(BASE_DIR / "tests" / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users)),
        "--run-time",
        f"{warmup + seconds}s",
        "--host",
        base_url,
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    log = results.parent / "locust.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        out.write(f"$ python {' '.join(command)}\n")
        out.flush()
        process = subprocess.Popen(
            [sys.executable, *command], cwd=BASE_DIR, env=env, stdout=out, stderr=out
        )
        warm = False
        while process.poll() is None:
            if not warm and marker.exists():
                warm = True
                if on_warm is not None:
                    on_warm()
            time.sleep(0.05)
    if process.returncode != 0:
        sys.stderr.write(log.read_text()[-3000:])
        raise SystemExit(f"locust failed (exit {process.returncode}): see {log}")
    if not warm:
        raise SystemExit(f"locust never reached the measured window: see {log}")


def run_size(
    size: int, servers: Servers, config: Config, run_dir: Path, main_size: bool
) -> dict[str, Any]:
    """Load (or reuse) the data for ``size``; at the main size the load run, then the
    pages alone and their floors (only the growth pages at the other sizes)."""
    database = servers.database_for(size)
    if database is None:
        if not main_size:
            raise RuntimeError("no database of its own")
        database = servers.database_url
    env = servers.env(database)
    logs = run_dir / f"n{size}"
    entry: dict[str, Any] = {"data": load_data(env, size, config, logs)}
    processes = Processes(env, logs, config.workers, config.threads)
    try:
        processes.start_web()
        if main_size:
            processes.start_worker()
        say(
            f"gunicorn: {config.workers} {'gthread' if config.threads > 1 else 'sync'} "
            f"worker(s){f' x {config.threads} threads' if config.threads > 1 else ''} "
            f"on {processes.base_url}" + (", Celery worker: 2 processes" if main_size else "")
        )
        plan_path = logs / "plan.json"
        users = config.users if main_size else 0  # no load at the other sizes
        _python(
            env,
            *("-m", "tests.bench.prepare", "--users", str(users)),
            *("--seed", str(config.seed), "--out", str(plan_path)),
        )
        plan = json.loads(plan_path.read_text())
        entry["skipped"] = plan["skipped"]
        entry["users"] = {k: v["count"] for k, v in plan["roles"].items()}
        if main_size:
            entry.update(load_run(env, config, processes, plan_path, logs))
        say("Timing the pages alone, and their SQL floors")
        pages_path = logs / "pages.json"
        _python(
            env,
            *("-m", "tests.bench.measure", "--plan", str(plan_path)),
            *("--base-url", processes.base_url, "--out", str(pages_path)),
            *("--repeat", str(config.repeat)),
            *([] if main_size else ["--growth-only"]),
        )
        entry["pages"] = json.loads(pages_path.read_text())
        if main_size and config.pdf_repeat:
            say(f"Timing the annual report PDF ({config.pdf_repeat} renders)")
            pdf_path = logs / "pdf.json"
            _python(
                env,
                *("-m", "tests.bench.pdf", "--repeat", str(config.pdf_repeat)),
                *("--out", str(pdf_path)),
                log=logs / "pdf.log",
            )
            entry["pdf"] = json.loads(pdf_path.read_text())
    finally:
        processes.stop()
    return entry


def load_run(
    env: dict[str, str], config: Config, processes: Processes, plan_path: Path, logs: Path
) -> dict[str, Any]:
    """Warm up, then the measured load, sampling memory and CPU."""
    entry: dict[str, Any] = {
        "machine_busy_before": busy_cpu(),
        "load_average_before": os.getloadavg()[0],
    }
    if entry["machine_busy_before"] > 15:
        say(
            f"The machine is busy before the load ({entry['machine_busy_before']:.0f}% CPU "
            "used by other processes): the figures will be pessimistic"
        )
    load_env = {**env, "BENCH_THINK": config.think}
    with PeakRSS(processes) as rss:
        say(
            f"Load: {config.users} users, {config.warmup} s warm-up then "
            f"{config.duration} s measured"
        )
        run_locust(
            load_env, plan_path, logs / "load.json", processes.base_url, config.users,
            config.duration, config.warmup, on_warm=rss.mark,
        )  # fmt: skip
        entry["cpu"] = rss.cpu_since_mark()
    entry["rss"] = rss.peak
    entry["load"] = json.loads((logs / "load.json").read_text())
    return entry


def run_sweep(servers: Servers) -> dict[str, Any]:
    """``make bench-records`` (tests/bench/records_sweep.py), on its own database: its
    table is kept as printed, with the slowest scenario's seconds."""
    say("The records sweep over 10,000 due links (make bench-records)")
    output = _python(servers.env(servers.database_url), "-m", "tests.bench.records_sweep")
    table = output[output.find("Records sweep") :].strip()
    return {"output": table}


def main() -> int:
    config = Config.from_env()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = BENCH_VAR / "runs" / stamp
    servers = Servers()
    result: dict[str, Any] = {
        "started_at": datetime.datetime.now().isoformat(timespec="seconds"),
        "config": config.__dict__ | {"growth": list(config.growth)},
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(_memory_gb(), 1),
            "python": platform.python_version(),
            "commit": _commit(),
        },
        "sizes": {},
    }
    try:
        servers.start()
        for size in config.sizes:
            main_size = size == config.notifications
            try:
                result["sizes"][str(size)] = run_size(size, servers, config, run_dir, main_size)
            except (RuntimeError, SystemExit) as exc:
                if main_size:
                    raise
                say(f"No growth figures at {size:,} notifications: {exc}")
        if config.sweep:
            result["records_sweep"] = run_sweep(servers)
        result["summary"] = report.build(result, config.notifications)
        print(report.render(result, config.notifications, config.duration))
        out = BENCH_VAR / f"{stamp}.json"
        out.write_text(json.dumps(result, indent=1, default=str))
        say(f"Results: {out.relative_to(BASE_DIR)} (logs in {run_dir.relative_to(BASE_DIR)})")
        return 0
    finally:
        servers.stop()


def _memory_gb() -> float:
    import psutil

    return psutil.virtual_memory().total / 2**30


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


if __name__ == "__main__":
    sys.exit(main())
