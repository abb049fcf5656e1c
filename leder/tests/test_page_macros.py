"""templates/components/page.jinja writes the NHS.UK frontend header's markup (base.jinja uses
it instead of the frontend's macro, which costs about 0.8 ms of CPU on every page).

Ours and the frontend's macro are rendered with the same params and compared twice: the
whitespace-squeezed HTML as in test_table_macro.py (exact escaping and attribute order), and
a parsed form that keeps where whitespace falls between elements and text (squeezing drops
the space in ``Browse </span>More``, which the browser shows)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.urls import reverse
from markupsafe import Markup

from leder.navigation import navigation_for
from leder.roles import Role
from leder.testing import squeeze_html as squeeze

NHS = '{% from "nhsuk/components/header/macro.jinja" import header %}{{ header(params) }}'
OURS = '{% from "components/page.jinja" import header %}{{ header(params) }}'
HOSTILE = "<script>O'Brien & co</script>"


def render(source: str, params: dict[str, Any]) -> str:
    return engines["jinja2"].env.from_string(source).render(params=params)


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("empty", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data)
        if self.tokens and self.tokens[-1][0] == "text":
            text = re.sub(r"\s+", " ", self.tokens.pop()[1] + text)
        self.tokens.append(("text", text))


def canonical(html: str) -> list[tuple[Any, ...]]:
    """Elements with their attributes (in order) and text, each run of whitespace as one
    space: what differs only in whitespace a browser collapses compares equal."""
    parser = _Tokens()
    parser.feed(html.strip())
    parser.close()
    return parser.tokens


def assert_same(ours: str, nhs: str) -> None:
    assert squeeze(ours) == squeeze(nhs)
    assert canonical(ours) == canonical(nhs)


def header_params(user: Any, path: str, *, account: dict[str, Any] | None = None) -> dict[str, Any]:
    """The params base.jinja passes for this user on this path."""
    if account is None and user.is_authenticated:
        account = {
            "items": [
                {"text": user.full_name or user.email, "icon": True},
                {"href": reverse("account_security"), "text": "Account and security"},
                {"href": reverse("account_logout"), "text": "Sign out"},
            ]
        }
    home = reverse("home")
    return {
        "service": {"text": settings.SERVICE_NAME, "href": home},
        "logo": {"href": home, "ariaLabel": f"NHS {settings.SERVICE_NAME} homepage"},
        "account": account,
        "navigation": {"items": navigation_for(user, path)},
    }


def stand_in(*roles: Role, full_name: str = "Priya Shah") -> SimpleNamespace:
    """What navigation_for and base.jinja read from a signed-in user."""
    return SimpleNamespace(
        is_authenticated=True, roles=frozenset(roles), full_name=full_name, email="p@nhs.net"
    )


SIGNED_OUT = SimpleNamespace(is_authenticated=False)


def _role_cases() -> list[Any]:
    cases = []
    for role in Role:
        user = stand_in(role)
        items = navigation_for(user, "/")
        # Each role on its first non-home section (a current item), or home.
        path = items[1]["href"] if len(items) > 1 else "/"
        cases.append(pytest.param(header_params(user, str(path)), id=f"role-{role.value}"))
    return cases


ALL_ROLES = stand_in(*Role)
CASES = [
    pytest.param(header_params(SIGNED_OUT, "/account/login/"), id="signed-out"),
    pytest.param(
        {**header_params(SIGNED_OUT, "/"), "navigation": {"items": []}},
        id="signed-out-empty-navigation",
    ),
    pytest.param({**header_params(SIGNED_OUT, "/"), "navigation": None}, id="no-navigation"),
    *_role_cases(),
    pytest.param(header_params(ALL_ROLES, "/"), id="every-role-home-current"),
    pytest.param(header_params(ALL_ROLES, "/no/such/section/"), id="nothing-current"),
    pytest.param(
        header_params(stand_in(Role.LAC, full_name=HOSTILE), "/reviews/"), id="hostile-name"
    ),
    pytest.param(header_params(stand_in(Role.LAC, full_name=""), "/"), id="no-name-shows-email"),
    pytest.param(
        {
            **header_params(ALL_ROLES, "/"),
            "navigation": {
                "items": [
                    {"text": "Current", "href": "/a/", "current": True},
                    {"text": "Active", "href": "/b/", "active": True},
                    {"text": "Both", "href": "/c/", "active": True, "current": True},
                    {"text": HOSTILE, "href": "/d/?x=1&y='2'", "classes": "leder-extra"},
                    {"html": Markup("<em>Trusted</em>"), "href": "/e/", "current": True},
                    {"text": "No link"},
                    {"text": "No link, active", "active": True},
                    None,
                ],
                "ariaLabel": "Sections & more",
                "classes": "leder-nav",
            },
        },
        id="current-active-hostile-nav",
    ),
    pytest.param(
        header_params(
            ALL_ROLES,
            "/",
            account={
                "items": [
                    {"text": f"  {HOSTILE}  ", "icon": True, "classes": "leder-me"},
                    {"html": Markup("<b>Trusted</b>"), "href": "/me/", "icon": True},
                    {"text": "Sign out", "action": "/account/logout/"},
                    {"text": "Get out", "action": "/out/?a=1&b=2", "method": "get"},
                    {"text": ""},
                    None,
                ],
                "ariaLabel": "Your account",
                "classes": "leder-account",
            },
        ),
        id="account-forms-icons-html",
    ),
    pytest.param(
        {
            "service": {"text": HOSTILE, "href": "/"},
            "logo": {"href": "/"},
            "account": None,
            "navigation": {"items": []},
        },
        id="combined-link-default-aria-label",
    ),
    pytest.param(
        {"service": {"text": "Service", "href": "/service/"}, "logo": {"href": "/nhs/"}},
        id="separate-logo-and-service-links",
    ),
    pytest.param({"service": {"text": "Service"}, "logo": {}}, id="no-links"),
    pytest.param({"service": {"text": "Service", "href": "/s/"}}, id="service-link-only"),
]


def case(name: str) -> dict[str, Any]:
    return next(c.values[0] for c in CASES if c.id == name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("params", CASES)
def test_same_markup_as_the_frontend_macro(params: dict[str, Any]) -> None:
    ours = render(OURS, params)
    assert_same(ours, render(NHS, params))
    assert "<script>" not in ours  # text is escaped, html is not


def test_the_comparison_sees_a_difference() -> None:
    """Control: one changed attribute value, a dropped space a browser would show, and two
    attributes swapped each fail the comparison."""
    params = case("role-lac")
    nhs = render(NHS, params)
    assert 'aria-current="page"' in nhs and "Browse </span>" in nhs
    for changed in (
        nhs.replace('aria-current="page"', 'aria-current="true"'),
        nhs.replace("Browse </span>", "Browse</span>"),
        nhs.replace('focusable="false" role="img"', 'role="img" focusable="false"'),
        nhs.replace("nhsuk-header__navigation-item--current", "nhsuk-header__navigation-item"),
    ):
        assert changed != nhs
        with pytest.raises(AssertionError):
            assert_same(changed, nhs)


def test_current_and_active_items_and_escaping() -> None:
    html = squeeze(render(OURS, case("current-active-hostile-nav")))
    assert (
        '<a class="nhsuk-header__navigation-link" href="/a/" aria-current="page">'
        '<strong class="nhsuk-header__navigation-item-current-fallback">Current</strong></a>'
    ) in html
    assert 'href="/b/" aria-current="true">' in html
    assert "&lt;script&gt;O&#39;Brien &amp; co&lt;/script&gt;" in html
    assert 'href="/d/?x=1&amp;y=&#39;2&#39;"' in html


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_pages_render_the_same_header(
    client_for: Callable[..., Client], role: Role
) -> None:
    """Through base.jinja: the page's header is the frontend macro's for that user and path,
    with a hostile full name."""
    client = client_for(role, full_name=HOSTILE)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    path = response.request["PATH_INFO"]
    html = response.content.decode()
    page_header = re.search(r"<header class=\"nhsuk-header.*?</header>", html, re.S)
    assert page_header, html[:2000]
    params = header_params(client.user, path)  # type: ignore[attr-defined]
    assert page_header.group(0) == render(OURS, params).strip()  # base.jinja uses ours
    assert_same(page_header.group(0), render(NHS, params))
    assert "&lt;script&gt;O&#39;Brien &amp; co&lt;/script&gt;" in page_header.group(0)


@pytest.mark.django_db
def test_signed_out_page_renders_the_same_header(client: Client) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    page_header = re.search(r"<header class=\"nhsuk-header.*?</header>", html, re.S)
    assert page_header
    params = header_params(SIGNED_OUT, reverse("account_login"))
    assert page_header.group(0) == render(OURS, params).strip()  # base.jinja uses ours
    nhs = render(NHS, params)
    assert_same(page_header.group(0), nhs)
    assert "nhsuk-header__account" not in nhs and "nhsuk-header__navigation" not in nhs
