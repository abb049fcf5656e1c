"""Core journeys: a staff member's home page, and the load balancer's health checks."""

from __future__ import annotations

from django.urls import reverse

from leder.roles import Role
from tests.bench.journeys import Visit, journey, page, users

MONITOR = "monitor"  # the load balancer / uptime monitor: no session, health checks only

# Virtual users per role (shares of BENCH_USERS). Features add their roles' shares.
users(Role.LAC, 5)
users(Role.ADMINISTRATOR, 3)
users(Role.REGIONAL_COORDINATOR, 1)
users(None, 6)
users(MONITOR, 1)


def _home_to_dashboard(visit: Visit) -> None:
    """Signing in lands on "home", which sends LACs and administrators to their cases."""
    visit.get("home", reverse("home"), expect=302)
    visit.get("reviews:dashboard", reverse("reviews:dashboard"))


for _role in (Role.LAC, Role.ADMINISTRATOR):
    journey("staff: home, to the dashboard", role=_role, requires=("reviews:dashboard",))(
        _home_to_dashboard
    )


@journey("staff: home page", role=Role.REGIONAL_COORDINATOR)
def home(visit: Visit) -> None:
    visit.get("home", reverse("home"))


@journey("monitor: health checks", role=MONITOR, weight=1)
def health_checks(visit: Visit) -> None:
    visit.get("healthz", reverse("healthz"))
    visit.pause()
    visit.get("readyz", reverse("readyz"))


page("home", role=Role.REGIONAL_COORDINATOR, path=lambda samples: reverse("home"))
