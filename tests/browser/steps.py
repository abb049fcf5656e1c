"""Steps shared by the browser journeys: navigation that waits for the next page, the review
task list's answers, and ``Journey``, which gives each person their own browser context
(signed in with MFA through the real pages), runs axe on every page it visits and saves
numbered screenshots.

Screenshots go to var/screenshots/journey/, or to ``LEDER_SCREENSHOT_DIR`` when set
(``make screenshots`` sets docs/guide/images): a fixed 1280 x 900 viewport, the viewport
only (never the full page), reduced to a 256-colour palette so the PNGs kept in the
repository stay small.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings

VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOT_ENV = "LEDER_SCREENSHOT_DIR"


def click(page: Any, role: str, name: str, **kw: Any) -> None:
    """Click a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, **kw).click()


def heading(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def radio(page: Any, legend: str, answer: str) -> None:
    """Answer a question's own radios (not a follow-up question revealed inside it)."""
    group = page.get_by_role("group", name=legend, exact=True)
    items = group.locator(":scope > .nhsuk-radios > .nhsuk-radios__item")
    items.get_by_label(answer, exact=True).check()


def date(page: Any, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def screenshot_dir() -> Path:
    configured = os.environ.get(SCREENSHOT_ENV)
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else Path(settings.BASE_DIR) / path
    return Path(settings.BASE_DIR) / "var" / "screenshots" / "journey"


def keep_local(context: Any, live_server_url: str, external: list[str]) -> None:
    """Requests leaving the machine are recorded in ``external`` and aborted (``context``:
    a Playwright browser context or page; the ``page`` fixture uses it too)."""
    local = urlparse(live_server_url).hostname

    def route(route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if host in {local, "localhost", "127.0.0.1"}:
            route.continue_()
        else:
            external.append(host or "")
            route.abort()

    context.route("**/*", route)


@dataclass
class Journey:
    """One journey through the service by several people, each in their own browser."""

    browser: Any
    base: str
    axe_check: Callable[[Any], None]
    sign_in: Callable[[Any, Any], None]
    directory: Path = field(default_factory=screenshot_dir)
    pages: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)
    axe_seconds: float = 0.0

    def __post_init__(self) -> None:
        # The directory holds this journey's screenshots only: steps renamed or removed
        # must not leave stale pictures behind.
        for old in self.directory.glob("[0-9][0-9]-*.png"):
            old.unlink()

    def person(
        self,
        user: Any = None,
        *,
        show_sign_in: bool = False,
        password: str = "correct horse battery staple",
    ) -> Any:
        """A new browser context and page; signed in as ``user`` (password and
        authenticator code, through the real pages) if one is given; ``show_sign_in``
        saves a screenshot of each sign-in page."""
        context = self.browser.new_context(viewport=VIEWPORT, base_url=self.base)
        keep_local(context, self.base, self.external)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if user is not None and show_sign_in:
            # The same steps as the ``sign_in`` fixture, with a screenshot of each page.
            from leder.tests.factories import totp_code

            self.goto(page, "/account/login/")
            page.get_by_label("Email address").fill(user.email)
            page.get_by_label("Password", exact=True).fill(password)
            self.shot(page, "sign-in-password")
            self.click(page, "button", "Sign in")
            self.shot(page, "sign-in-security-code")
            page.get_by_label("Security code").fill(totp_code(user))
            click(page, "button", "Continue")
        elif user is not None:
            self.sign_in(page, user)
        if user is not None:
            if "/2fa/authenticate/" in page.url:
                # The code was typed as its 30-second window closed: type the next one, as a
                # person would.
                from leder.tests.factories import totp_code

                page.get_by_label("Security code").fill(totp_code(user))
                page.get_by_role("button", name="Continue").click()
                page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
            self.seen(page)
        return page

    def seen(self, page: Any) -> None:
        """A page the journey visited: axe must find nothing on it."""
        started = time.perf_counter()
        self.axe_check(page)
        self.axe_seconds += time.perf_counter() - started
        self.pages.append(urlparse(page.url).path)

    def goto(self, page: Any, path: str) -> None:
        page.goto(path if path.startswith("http") else f"{self.base}{path}")
        self.seen(page)

    def click(self, page: Any, role: str, name: str, **kw: Any) -> None:
        click(page, role, name, **kw)
        self.seen(page)

    def shot(self, page: Any, name: str, at: Any = None) -> Path:
        """Save the step's screenshot as NN-name.png, numbered in the journey's order: the
        top of the page, or from the element ``at`` (a locator)."""
        from PIL import Image

        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
        if at is not None:
            at.evaluate("element => element.scrollIntoView({block: 'start'})")
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{len(self.shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        self.shots.append(path)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()
