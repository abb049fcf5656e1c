"""Container health probes (docker-compose.yml), without curl and without loading Django.

    python -m leder.healthcheck web [PORT]   # GET /healthz on this container
    python -m leder.healthcheck broker       # PING the Redis at REDIS_URL

``web`` sends the first name in DJANGO_ALLOWED_HOSTS as the Host header, so the probe
passes Django's host check whatever the deployment's host names are. Exit 0 = healthy.
"""

from __future__ import annotations

import http.client
import os
import sys


def web(port: int = 8000) -> bool:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
    host = next((h.lstrip(".") for h in hosts if h and h != "*"), "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def broker() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5).ping())
    except (redis.RedisError, OSError, KeyError):
        return False


def main(argv: list[str]) -> int:
    if argv[:1] == ["web"]:
        return 0 if web(int(argv[1]) if len(argv) > 1 else 8000) else 1
    if argv[:1] == ["broker"]:
        return 0 if broker() else 1
    print("usage: python -m leder.healthcheck {web [PORT],broker}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
