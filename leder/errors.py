"""Error pages in the NHS style. They show no detail and never fail themselves."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _render(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    html: str
    try:
        html = render_to_string(
            "leder/error.jinja", {"title": title, "body": body, "status": status}, request
        )
    except Exception:  # noqa: BLE001 - an error page must never raise
        html = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{body}</p>"
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        400,
        "Sorry, there is a problem with the service",
        "The request could not be understood. Go back and try again.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        403,
        "You do not have permission to see this page",
        "If you think you should, contact your Local Area Contact.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted the web address, check you copied the entire address.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. Any information you saved has not been lost.",
    )
