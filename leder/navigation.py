"""Role-aware navigation: which links a signed-in person sees in the header."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from leder.roles import Role


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str
    roles: frozenset[Role]


# Features add their entries here; an entry whose URL does not exist yet is skipped.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "home", frozenset(Role)),
    NavItem(
        "Notifications",
        "notifications:list",
        frozenset({Role.LAC, Role.ADMINISTRATOR, Role.REGIONAL_COORDINATOR}),
    ),
    NavItem("Cases", "reviews:dashboard", frozenset({Role.LAC, Role.ADMINISTRATOR})),
    NavItem("My reviews", "reviews:my_reviews", frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER})),
    NavItem(
        "Panel meetings",
        "governance:meetings",
        frozenset({Role.LAC, Role.QA_PANEL_MEMBER, Role.GOVERNANCE_MEMBER}),
    ),
    NavItem("Actions", "governance:actions", frozenset({Role.LAC, Role.GOVERNANCE_MEMBER})),
    NavItem(
        "Reports",
        "governance:kpis",
        frozenset({Role.LAC, Role.GOVERNANCE_MEMBER, Role.REGIONAL_COORDINATOR}),
    ),
    NavItem("Administration", "admin:index", frozenset({Role.SYSTEM_ADMINISTRATOR})),
)


def navigation_for(user: object, current_path: str = "") -> list[dict[str, object]]:
    if not getattr(user, "is_authenticated", False):
        return []
    roles = user.roles  # type: ignore[attr-defined]
    items = []
    for item in NAV_ITEMS:
        if not roles.intersection(item.roles):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = current_path == href or (href != "/" and current_path.startswith(href))
        items.append({"text": item.text, "href": href, "current": current})
    return items
