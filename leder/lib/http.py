"""Small request helpers shared by the views."""

from __future__ import annotations

from django.http import HttpRequest


def declared_length(request: HttpRequest) -> int:
    """The body's size as the client declared it (``Content-Length``), without reading
    the body: 0 when missing or not a number. Views refuse an oversize post with it
    before Django parses (and spools) the upload."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
