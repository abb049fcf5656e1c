"""The core scale steps (importing this module registers them)."""

from leder.scale.notifications import generate_notifications_and_cases
from leder.scale.organisations import generate_organisations
from leder.scale.staff import generate_staff

__all__ = ["generate_notifications_and_cases", "generate_organisations", "generate_staff"]
