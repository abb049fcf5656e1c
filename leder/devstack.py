"""The development stack behind ``make run``: one command, everything running, Ctrl-C stops it.

    python -m leder.devstack run      # servers, migrate, demo data, web + worker + beat
    python -m leder.devstack logins   # the demo logins with their current TOTP codes
    python -m leder.devstack stop     # stop the embedded PostgreSQL and Redis under var/

``run``:
1. uses ``DATABASE_URL`` / ``REDIS_URL`` when they are set; otherwise starts (or reuses)
   the embedded PostgreSQL and Redis under ``var/`` (leder/embedded.py) and exports their
   URLs, so every child process uses the same servers;
2. ``manage.py migrate`` and ``manage.py seed_demo`` (idempotent);
3. prints the address and the demo logins, then runs the ``Procfile`` (gunicorn, Celery
   worker, Celery beat) through honcho;
4. on Ctrl-C (or SIGTERM) honcho stops its processes, then the embedded servers are
   stopped, so nothing is left running. Servers given by URL are never started or stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path
from types import FrameType

# pgserver's platformdirs warns about XDG_RUNTIME_DIR on servers; it does not matter here.
warnings.filterwarnings("ignore", module="platformdirs")

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = "leder.settings.dev"
DEFAULT_PORT = 8000


def _say(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True)  # noqa: S603


class Stack:
    """The embedded servers this run started (and so must stop)."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def start_services(self) -> None:
        from leder import embedded

        if os.environ.get("DATABASE_URL"):
            _say("PostgreSQL: using DATABASE_URL")
        else:
            started = time.monotonic()
            self.embedded.append("postgres")
            os.environ["DATABASE_URL"] = embedded.postgres_url()
            _say(
                f"PostgreSQL: embedded, socket in {embedded.PG_DIR} "
                f"({time.monotonic() - started:.1f} s)"
            )
        if os.environ.get("REDIS_URL"):
            _say("Redis: using REDIS_URL")
        else:
            self.embedded.append("redis")
            os.environ["REDIS_URL"] = embedded.redis_url()
            _say(f"Redis: embedded, socket {embedded.REDIS_SOCKET}")

    def stop_services(self) -> None:
        from leder import embedded

        if "redis" in self.embedded:
            embedded.redis_stop()
            _say("Redis: stopped")
        if "postgres" in self.embedded:
            embedded.postgres_stop()
            _say("PostgreSQL: stopped")
        self.embedded.clear()


def run() -> int:
    started = time.monotonic()
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    # The Procfile's commands (gunicorn, celery) come from this virtualenv.
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    # The Procfile binds ${LEDER_BIND_HOST:-0.0.0.0}: on a developer's machine, with demo
    # users whose passwords are public, listen on this machine only unless told otherwise.
    os.environ.setdefault("LEDER_BIND_HOST", "127.0.0.1")
    url = f"http://localhost:{port}/"
    stack = Stack()
    honcho: subprocess.Popen[bytes] | None = None
    stopping = threading.Event()

    def forward(signum: int, frame: FrameType | None) -> None:
        # Ctrl-C reaches honcho too (same process group), so give it a moment to stop its
        # processes; a signal sent to this process alone (kill) is passed on. Either way we
        # wait for honcho, then stop the servers.
        stopping.set()
        if honcho is None or honcho.poll() is not None:
            raise KeyboardInterrupt
        if signum == signal.SIGINT:
            timer = threading.Timer(2.0, _terminate, args=(honcho,))
            timer.daemon = True
            timer.start()
        else:
            _terminate(honcho)

    signal.signal(signal.SIGTERM, forward)
    try:
        stack.start_services()
        _say("Migrating the database")
        _manage("migrate", "--noinput", "-v", "0")
        _say("Loading demo data")
        _manage("seed_demo")
        _say(
            f"Starting web, worker and beat from the Procfile ({time.monotonic() - started:.1f} s)"
        )
        signal.signal(signal.SIGINT, forward)
        honcho = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "honcho",
                "start",
                "-f",
                str(BASE_DIR / "Procfile"),
                "-d",
                str(BASE_DIR),
                "-p",
                str(port),
            ]
        )
        threading.Thread(target=_announce, args=(url, started, honcho), daemon=True).start()
        code = honcho.wait()
        return 0 if stopping.is_set() else code  # stopped on request: not a failure
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as exc:
        _say(f"Stopped: {' '.join(map(str, exc.cmd[1:]))} failed (exit {exc.returncode})")
        return exc.returncode or 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot skip clean-up
        if honcho is not None and honcho.poll() is None:
            honcho.terminate()
            honcho.wait()
        stack.stop_services()
        _say("Everything stopped")


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()


def _announce(url: str, started: float, honcho: subprocess.Popen[bytes]) -> None:
    """Print the address once the web process answers /healthz."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and honcho.poll() is None:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    _say(
                        f"Ready in {time.monotonic() - started:.1f} s: open {url} and sign in "
                        "with a demo login above (`make logins` for current codes). "
                        "Ctrl-C stops everything."
                    )
                    return
        except OSError:
            pass
        time.sleep(0.5)


def logins() -> int:
    """The codes come from the fixed demo secrets: no database needed, none started."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    os.environ.setdefault("DATABASE_URL", "postgres://unused@localhost/unused")
    os.environ.setdefault("REDIS_URL", "redis://localhost:6379/0")
    import django

    django.setup()
    from leder.management.commands.seed_demo import logins_table

    print(logins_table())
    return 0


def stop() -> int:
    from leder import embedded

    embedded.stop_all()
    _say("Embedded PostgreSQL and Redis stopped (if they were running)")
    return 0


COMMANDS = {"run": run, "logins": logins, "stop": stop}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: python -m leder.devstack {{{','.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
