"""The real stack for the bench: PostgreSQL and Redis (given by URL, or embedded under
``var/bench/``, never the development servers under ``var/``), a database per data size,
gunicorn and a Celery worker with the bench settings, and peak-RSS sampling.
Everything it starts, it stops.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psutil

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_VAR = BASE_DIR / "var" / "bench"
SETTINGS = "leder.settings.bench"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Servers:
    """PostgreSQL and Redis: the URLs given, or embedded ones this run started."""

    database_url: str = ""
    redis_url: str = ""
    embedded: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.database_url = os.environ.get("DATABASE_URL", "")
        self.redis_url = os.environ.get("REDIS_URL", "")
        if self.database_url and self.redis_url:
            say("PostgreSQL and Redis: DATABASE_URL and REDIS_URL")
            return
        # The embedded servers' files go under var/bench/, apart from `make run`'s.
        os.environ["LEDER_VAR_DIR"] = str(BENCH_VAR)
        from leder import embedded

        if not self.database_url:
            started = time.monotonic()
            self.database_url = embedded.postgres_url()
            self.embedded.append("postgres")
            say(f"PostgreSQL: embedded in {embedded.PG_DIR} ({time.monotonic() - started:.1f} s)")
        if not self.redis_url:
            self.redis_url = embedded.redis_url(db=0)
            self.embedded.append("redis")
            say(f"Redis: embedded, socket {embedded.REDIS_SOCKET}")

    def stop(self) -> None:
        if not self.embedded:
            return
        from leder import embedded

        if "redis" in self.embedded:
            embedded.redis_stop()
        if "postgres" in self.embedded:
            embedded.postgres_stop()
        say(f"Stopped the embedded {' and '.join(self.embedded)}")
        self.embedded.clear()

    def database_for(self, size: int) -> str | None:
        """A database of its own for ``size`` notifications (made if missing), so each
        size's data is kept for the next run; None when databases cannot be made here."""
        import psycopg2
        from psycopg2 import sql

        parsed = urlparse(self.database_url)
        name = f"{parsed.path.lstrip('/')}_n{size}"
        try:
            with contextlib.closing(psycopg2.connect(self._dsn("postgres"))) as conn:
                conn.autocommit = True
                with conn.cursor() as cursor:
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                    if cursor.fetchone() is None:
                        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg2.Error as exc:
            say(f"Cannot make a database per data size ({str(exc).strip()})")
            return None
        return urlunparse(parsed._replace(path=f"/{name}"))

    def _dsn(self, database: str) -> str:
        parsed = urlparse(self.database_url)
        return urlunparse(parsed._replace(path=f"/{database}", scheme="postgresql"))

    def env(self, database_url: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            DATABASE_URL=database_url,
            REDIS_URL=self.redis_url,
            PYTHONPATH=str(BASE_DIR),
            PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        )
        if "postgres" in self.embedded or "redis" in self.embedded:
            env["LEDER_VAR_DIR"] = str(BENCH_VAR)
        return env


@dataclass
class Processes:
    """gunicorn and the Celery worker for one database."""

    env: dict[str, str]
    logs: Path
    workers: int
    threads: int
    port: int = 0
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_web(self) -> None:
        self.port = int(os.environ.get("BENCH_PORT") or free_port())
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "leder.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "60",
            "--no-control-socket",
        ]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        self.web = self._spawn(command, "gunicorn.log")
        self._wait_ready()

    def start_worker(self) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "leder",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "2",
        ]
        self.worker = self._spawn(command, "celery.log")

    def _spawn(self, command: list[str], log: str) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / log).open("ab") as out:
            return subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.web is not None and self.web.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.logs / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in 60 s: see {self.logs / 'gunicorn.log'}")

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.worker, self.web):
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                for child in psutil.Process(process.pid).children(recursive=True):
                    child.kill()
                process.kill()
                process.wait()
        self.web = self.worker = None


def busy_cpu(seconds: float = 3.0) -> float:
    """How busy the machine is (percent of all CPUs) while the bench does nothing."""
    return float(psutil.cpu_percent(interval=seconds))


class PeakRSS:
    """Samples the resident memory of the web and worker process trees twice a second,
    and the CPU they and the whole machine use meanwhile."""

    def __init__(self, processes: Processes) -> None:
        self.processes = processes
        self.peak: dict[str, int] = {}
        self.cpu: dict[str, float] = {}
        self._cpu_seen: dict[tuple[str, int], float] = {}
        self._cpu_base: dict[tuple[str, int], float] = {}
        self._marked = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def mark(self) -> None:
        """Start measuring CPU from now (the load, not the warm-up)."""
        self.sample()
        self._cpu_base = dict(self._cpu_seen)
        self._marked = time.monotonic()
        psutil.cpu_percent()

    def cpu_since_mark(self) -> dict[str, float]:
        """Percent of all CPUs used since :meth:`mark` by the web and worker process trees,
        and by the whole machine (PostgreSQL, the load tool and anything else included)."""
        self.sample()
        elapsed = time.monotonic() - self._marked
        cpus = psutil.cpu_count() or 1
        for label in ("web", "worker"):
            used = sum(
                v - self._cpu_base.get(key, 0.0)
                for key, v in self._cpu_seen.items()
                if key[0] == label
            )
            self.cpu[f"{label} %"] = round(100 * used / elapsed / cpus, 1)
        self.cpu["machine %"] = float(psutil.cpu_percent())
        return self.cpu

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.5)

    def sample(self) -> None:
        for label, process in (("web", self.processes.web), ("worker", self.processes.worker)):
            if process is None:
                continue
            try:
                root = psutil.Process(process.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for member in tree:
                try:
                    rss = member.memory_info().rss
                    times = member.cpu_times()
                except psutil.Error:
                    continue
                self._keep(f"{label} {'master' if member is root else 'process'}", rss)
                self._cpu_seen[label, member.pid] = times.user + times.system

    def _keep(self, key: str, rss: int) -> None:
        self.peak[key] = max(self.peak.get(key, 0), rss)
