"""docker-compose.yml, the Dockerfile and the Procfile agree (no Docker engine needed).

The same processes run everywhere: ``make run`` (Procfile through honcho), the image's
default command, and the compose services. These tests read the files as text/YAML and
load the production settings with exactly the environment compose gives the containers.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Values for variables compose requires from the operator (`${NAME:?message}`).
OPERATOR_VALUES = {
    "DJANGO_SECRET_KEY": "compose-test-Xq3vN9pL4mR8tW1zY6bC3dF5gH0jA7kE2sU-example-only",
}
_VARIABLE = re.compile(r"\$\{(\w+)(:?[-?])([^}]*)\}|\$(\w+)")


def interpolate(text: str) -> str:
    """Resolve ``${NAME:-default}`` to its default and ``${NAME:?msg}`` to a test value."""

    def replace(match: re.Match[str]) -> str:
        name, kind, default, bare = match.groups()
        if bare:
            pytest.fail(f"bare ${bare} in {text!r}: give it a default, ${{{bare}:-...}}")
        if kind.endswith("?"):
            assert name in OPERATOR_VALUES, f"add a test value for required {name}"
            return OPERATOR_VALUES[name]
        return default

    return _VARIABLE.sub(replace, text.replace("$$", "\0")).replace("\0", "$")


def words(command: str | list[str]) -> list[str]:
    if isinstance(command, list):
        return [interpolate(w) for w in command]
    return shlex.split(interpolate(command))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


@pytest.fixture(scope="module")
def procfile() -> dict[str, str]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            processes[name.strip()] = command.strip()
    return processes


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Join continuation lines, drop comments.
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines).replace("\\\n", " ")


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: interpolate(str(value)) for key, value in env.items()}


def test_procfile_has_web_worker_and_beat(procfile: dict[str, str]) -> None:
    assert set(procfile) == {"web", "worker", "beat"}
    assert words(procfile["web"])[:2] == ["gunicorn", "leder.wsgi"]
    assert words(procfile["worker"])[:4] == ["celery", "-A", "leder", "worker"]
    assert words(procfile["beat"])[:4] == ["celery", "-A", "leder", "beat"]


def test_every_procfile_process_is_a_compose_service_with_the_same_command(
    procfile: dict[str, str], services: dict[str, Any]
) -> None:
    for name, command in procfile.items():
        assert name in services, f"no compose service for the Procfile's {name}"
        assert words(services[name]["command"]) == words(command), name


def test_web_binds_all_interfaces_on_8000_in_containers(procfile: dict[str, str]) -> None:
    web = words(procfile["web"])
    assert web[web.index("--bind") + 1] == "0.0.0.0:8000"
    assert "--access-logformat" in web
    access_format = web[web.index("--access-logformat") + 1]
    assert "%(U)s" in access_format  # the path without the query string
    assert "%(r)s" not in access_format and "%(q)s" not in access_format


def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    one_offs = one_off_services(services)
    assert one_offs == {"migrate"}
    for name, service in services.items():
        if name in one_offs:
            assert service.get("restart") == "no"
            continue
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name


def one_off_services(services: dict[str, Any]) -> set[str]:
    return {
        dependency
        for service in services.values()
        for dependency, spec in (service.get("depends_on") or {}).items()
        if spec.get("condition") == "service_completed_successfully"
    }


def test_web_healthcheck_uses_healthz(services: dict[str, Any]) -> None:
    test = services["web"]["healthcheck"]["test"]
    assert test[1:] == ["python", "-m", "leder.healthcheck", "web", "8000"]
    probe = (ROOT / "leder" / "healthcheck.py").read_text()
    assert '"/healthz"' in probe


def test_app_services_run_the_production_settings(services: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        env = env_of(services[name])
        assert env["DJANGO_SETTINGS_MODULE"] == "leder.settings.production", name
        assert env["LEDER_SSL_REDIRECT"] == "false", name  # plain HTTP on localhost
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert (env["EMAIL_HOST"], env["EMAIL_PORT"]) == ("mailpit", "1025")


def test_the_secret_key_must_come_from_the_operator() -> None:
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    value = raw["services"]["web"]["environment"]["DJANGO_SECRET_KEY"]
    assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]+\}", value)


def test_production_settings_load_with_the_compose_environment(
    services: dict[str, Any],
) -> None:
    """Every variable the production settings require is given to the containers."""
    for name in APP_SERVICES:
        env = {"PATH": os.environ["PATH"], **env_of(services[name])}
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
        assert result.returncode == 0, f"{name}: {result.stderr}"


def test_required_variables_in_the_production_docstring_are_provided(
    services: dict[str, Any],
) -> None:
    text = (ROOT / "leder" / "settings" / "production.py").read_text()
    required = re.search(r"Required: ([A-Z_, ]+)\.", text)
    assert required, "production.py's docstring lists the required variables"
    names = {n.strip() for n in required.group(1).split(",")}
    assert names <= set(env_of(services["web"]))


def test_app_services_wait_for_healthy_dependencies(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert isinstance(spec, dict) and spec.get("condition"), (name, dependency)
            assert dependency in services
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert words(services["migrate"]["command"]) == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]


def test_backing_services_are_postgres_16_redis_7_and_mailpit(services: dict[str, Any]) -> None:
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_uploads_are_on_a_volume_shared_by_web_and_worker(services: dict[str, Any]) -> None:
    for name in ("web", "worker"):
        env = env_of(services[name])
        assert f"media:{env['LEDER_MEDIA_ROOT']}" in services[name]["volumes"]


def test_dockerfile_stages(dockerfile: str) -> None:
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.MULTILINE | re.I)
    assert len(stages) == 2
    (node_image, node_stage), (python_image, _) = stages
    assert node_image.startswith("node:20") and "slim" in node_image
    assert python_image.startswith("python:3.11-slim")
    node_part, python_part = re.split(r"^FROM\s+python", dockerfile, flags=re.MULTILINE)
    assert "npm ci" in node_part
    assert re.search(r"^RUN pip install \.$", python_part, re.MULTILINE)
    assert re.search(
        rf"^COPY --from={node_stage} \S*node_modules/nhsuk-frontend/dist\s", python_part, re.M
    )
    assert "DJANGO_SETTINGS_MODULE=leder.settings.production" in python_part
    assert "collectstatic --noinput" in python_part
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0"):
        assert package in python_part


def test_dockerfile_runs_as_a_user_that_is_not_root(dockerfile: str) -> None:
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_dockerfile_default_command_is_the_procfile_web_process(
    dockerfile: str, procfile: dict[str, str]
) -> None:
    cmd = re.findall(r"^CMD\s+(.+)$", dockerfile, re.MULTILINE)[-1]
    assert cmd.startswith("exec ")  # shell form, so gunicorn is PID 1 and gets signals
    assert cmd.removeprefix("exec ") == procfile["web"]


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "node_modules", "var", "staticfiles", ".env"} <= ignored
