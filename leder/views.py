"""Core pages: home (per role), health checks, accessibility statement, privacy notice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from leder.navigation import navigation_for
from leder.roles import Role

# Roles whose work starts on another page: "/" sends them there (first match wins).
HOME_PAGES = (
    ((Role.LAC, Role.ADMINISTRATOR), "reviews:dashboard"),
    ((Role.REVIEWER, Role.SENIOR_REVIEWER), "reviews:my_reviews"),
)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    for home_roles, url_name in HOME_PAGES:
        if user.has_role(*home_roles):  # type: ignore[union-attr]
            return redirect(url_name)
    roles = sorted(user.roles, key=lambda r: list(Role).index(r))  # type: ignore[union-attr]
    links = [item for item in navigation_for(user, "") if item["href"] != "/"]
    return render(
        request,
        "leder/home.jinja",
        {"title": "Home", "roles": roles, "links": links},
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No detail, no authentication."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database and the Celery broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse({k: "ok" if v else "unavailable" for k, v in checks.items()}, status=status)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


def _broker_ok() -> bool:
    from leder.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "leder/accessibility.jinja", {"title": "Accessibility statement"})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "leder/privacy.jinja", {"title": "Privacy notice"})
