"""Settings from the environment: bad values stop start-up with one line naming the variable,
and the production profile passes Django's deployment checks.

Each test runs ``manage.py`` in a fresh process, as an operator would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")
# A valid production environment (values are examples, never real secrets).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "leder.settings.production",
    "DJANGO_SECRET_KEY": "x7Kq2vN9pL4mR8tW1zY6bC3dF5gH0jA-example-only-not-a-real-key",
    "DJANGO_ALLOWED_HOSTS": "leder.example.nhs.uk",
    "LEDER_SITE_URL": "https://leder.example.nhs.uk",
    "DATABASE_URL": "postgres://leder:example@db.example.internal:5432/leder",
    "REDIS_URL": "redis://redis.example.internal:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    production = env.get("DJANGO_SETTINGS_MODULE") == "leder.settings.production"
    own = (
        ("DJANGO_", "LEDER_", "DATABASE_URL", "REDIS_URL") if production else ("DJANGO_", "LEDER_")
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dev_env(**extra: str) -> dict[str, str]:
    # DATABASE_URL / REDIS_URL are inherited: already set (by CI, or by the test settings
    # for the embedded servers), so these processes never start servers of their own.
    return {"DJANGO_SETTINGS_MODULE": "leder.settings.dev", **extra}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("LEDER_SESSION_IDLE_MINUTES", "abc"),
        ("LEDER_SESSION_IDLE_MINUTES", "0"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "http://localhost:6379"),
        ("LEDER_LOG_LEVEL", "chatty"),
        ("DATABASE_CONN_MAX_AGE", "forever"),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line_naming_it(name: str, value: str) -> None:
    result = manage("check", env=dev_env(**{name: value}))

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "Traceback" not in result.stderr


def test_the_dev_profile_passes_its_checks() -> None:
    result = manage("check", env=dev_env())

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"],
)
def test_production_names_a_missing_required_variable(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = manage("check", env=env)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert missing in lines[0]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECRET_KEY", "too-short"),
        ("DJANGO_DEBUG", "true"),
        ("LEDER_SITE_URL", "http://leder.example.nhs.uk"),
    ],
)
def test_production_refuses_unsafe_values(name: str, value: str) -> None:
    result = manage("check", env={**PRODUCTION_ENV, name: value})

    assert result.returncode == 2, result.stderr
    assert name in result.stderr


def test_production_passes_the_deployment_checks() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_variable_the_settings_read_is_documented() -> None:
    """docs/operations.md is the configuration reference: keep it complete."""
    root = Path(settings.BASE_DIR)
    sources = [*sorted((root / "leder" / "settings").glob("*.py")), root / "leder" / "embedded.py"]
    read = set()
    for path in sources:
        text = path.read_text()
        read |= set(re.findall(r'env_(?:str|bool|int|list|db|redis)\(\s*"([A-Z0-9_]+)"', text))
        read |= set(re.findall(r'os\.environ(?:\.get\(|\[)\s*"([A-Z0-9_]+)"', text))
    documented = set(re.findall(r"`([A-Z0-9_]+)`", (root / "docs" / "operations.md").read_text()))

    assert len(read) > 20
    assert read <= documented, f"document these in docs/operations.md: {sorted(read - documented)}"
