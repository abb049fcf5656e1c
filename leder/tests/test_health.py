"""/healthz (liveness) and /readyz (readiness: database and Celery broker)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from leder.celery import app as celery_app


@pytest.fixture
def dead_broker(tmp_path: Path) -> Iterator[None]:
    """Point the Celery app at a Redis socket that nothing listens on."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis+socket://{tmp_path}/nothing-here.sock"
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous


def test_healthz_answers_without_signing_in_and_says_nothing_more(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_healthz_needs_no_database(client: Client) -> None:
    # No django_db mark: any query here would raise.
    assert client.get("/healthz").status_code == 200


def test_healthz_refuses_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_broker_answer(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_broker_is_down(client: Client, dead_broker: None) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "broker": "unavailable"}


def test_the_container_probe_passes_against_a_live_server(live_server, monkeypatch) -> None:
    from leder import healthcheck

    port = int(live_server.url.rsplit(":", 1)[1])
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", ".localhost,localhost")

    assert healthcheck.web(port)
    assert healthcheck.main(["web", str(port)]) == 0


def test_the_container_probe_fails_when_nothing_listens() -> None:
    import socket

    from leder import healthcheck

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there

    assert not healthcheck.web(port)


def test_the_broker_probe(monkeypatch, tmp_path: Path) -> None:
    from django.conf import settings

    from leder import healthcheck

    monkeypatch.setenv("REDIS_URL", settings.REDIS_URL)
    assert healthcheck.main(["broker"]) == 0
    monkeypatch.setenv("REDIS_URL", f"unix://{tmp_path}/nothing-here.sock")
    assert healthcheck.main(["broker"]) == 1
    assert healthcheck.main([]) == 2
