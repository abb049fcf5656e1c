"""For the benchmark only (``leder.settings.bench``): what each request cost the server.

Counts every statement the request sends to the database (sessions, authentication and
the view alike) with ``connection.execute_wrapper``, and reports the count and the time
spent in the database as ``X-Queries`` and ``X-Query-Ms`` response headers, the CPU
time the request's thread used as ``X-CPU-Ms`` (the request's own cost, whatever else the
machine is doing) and the wall-clock time from this middleware's start to its end as
``X-Server-Ms`` (what the client measures beyond it was spent waiting for a worker, in
the network or in the client). It is the outermost middleware, so nothing escapes the
count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse


class _Counter:
    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _Counter()
        wall = time.perf_counter()
        cpu = time.thread_time()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(counter.queries)
        response["X-Query-Ms"] = f"{counter.seconds * 1000:.2f}"
        response["X-CPU-Ms"] = f"{(time.thread_time() - cpu) * 1000:.2f}"
        response["X-Server-Ms"] = f"{(time.perf_counter() - wall) * 1000:.2f}"
        return response
