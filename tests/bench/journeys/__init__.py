"""What the virtual users do: journeys per role, the pages the floors and growth tables
follow, and the samples (real references, practice codes...) the journeys pick from.

A feature adds its load in one module here (``tests/bench/journeys/<feature>.py``; every
module in this package is loaded):

    from tests.bench.journeys import Visit, journey, page, sample

    @sample("my_cases", role=Role.REVIEWER)
    def my_cases(user):                       # runs once per virtual user, with Django
        return list(cases_for_user(user).granted_to(user).values_list("reference", flat=True)[:50])

    @journey("review: task list and save", role=Role.REVIEWER, weight=3,
             requires=("reviews:task_list",))
    def review_task_list(visit: Visit) -> None:  # runs in locust, again and again
        ref = visit.pick("my_cases")
        visit.get("reviews:task_list", reverse("reviews:task_list", args=[ref]))
        visit.pause()
        visit.post("reviews:section_save", ..., data={...})

    page("reviews:task_list", role=Role.REVIEWER, path=lambda s: ..., growth=True)

- ``journey``: one pass of a person's real path through the service; ``weight`` is how
  often it is chosen among its role's journeys. ``requires``: URL names it needs; while one
  is missing from the URLconf the journey is left out (and the report says so).
- ``page``: a read-heavy page timed alone (p50/p95 without load), with its SQL floor (the
  same queries through a raw cursor) and, with ``growth=True``, at every data size.
  ``ratio_target``: the most page/floor may be (3 for dashboards and KPI pages).
  ``needs``: a sample the person timed must have (a reviewer with reviews, say): the first
  person of the role who has it is taken.
- ``ROLE_USERS``: how many of the virtual users play each role (``None``: the public).
  Roles with no journey get no users; the rest are shared out in these proportions.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

PUBLIC = None  # the role of a member of the public: no account, no session


class Response(Protocol):
    status_code: int
    text: str
    headers: Any
    cookies: Any


class Visit(Protocol):
    """What a journey can do (tests/bench/locustfile.py implements it)."""

    samples: dict[str, Any]

    def get(self, name: str, path: str, *, expect: int = 200, **params: Any) -> Response: ...

    def post(
        self, name: str, path: str, data: dict[str, Any], *, expect: int = 302
    ) -> Response: ...

    def upload(
        self, name: str, path: str, data: dict[str, Any], files: dict[str, Any], *, expect: int
    ) -> Response: ...

    def pick(self, sample: str) -> Any: ...

    def pause(self) -> None: ...

    def new_session(self) -> None: ...


@dataclass(frozen=True)
class Journey:
    name: str
    role: str | None
    weight: int
    run: Callable[[Visit], None]
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None
    path: Callable[[dict[str, Any]], str]  # a virtual user's samples -> path (with query)
    requires: tuple[str, ...]
    growth: bool
    ratio_target: float | None
    needs: str | None = None  # a sample the timed person must have (not empty)


@dataclass(frozen=True)
class Sample:
    name: str
    role: str | None
    make: Callable[[Any], Any]  # the user (None for the public) -> JSON-able value


JOURNEYS: list[Journey] = []
PAGES: list[Page] = []
SAMPLES: dict[tuple[str, str | None], Sample] = {}  # (name, role) -> sample
# Shares of the virtual users per role (None: the public). A feature adding a role's
# first journey adds the role here.
ROLE_USERS: dict[str | None, int] = {}
# role -> a sample the role's virtual users should have (people with it are chosen first).
PREFER: dict[str, str] = {}


def journey(
    name: str, *, role: Any, weight: int = 1, requires: tuple[str, ...] = ()
) -> Callable[[Callable[[Visit], None]], Callable[[Visit], None]]:
    def register(run: Callable[[Visit], None]) -> Callable[[Visit], None]:
        JOURNEYS.append(Journey(name, _role(role), weight, run, tuple(requires)))
        return run

    return register


def page(
    name: str,
    *,
    role: Any,
    path: Callable[[dict[str, Any]], str],
    requires: tuple[str, ...] = (),
    growth: bool = False,
    ratio_target: float | None = None,
    needs: str | None = None,
) -> None:
    PAGES.append(
        Page(name, _role(role), path, tuple(requires) or (name,), growth, ratio_target, needs)
    )


def sample(name: str, *, role: Any) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(make: Callable[[Any], Any]) -> Callable[[Any], Any]:
        SAMPLES[name, _role(role)] = Sample(name, _role(role), make)
        return make

    return register


def users(role: Any, share: int, *, prefer: str | None = None) -> None:
    """``share`` of the virtual users play ``role``; ``prefer``: a sample they should have
    (a reviewer with a review open for editing), so their journeys go all the way."""
    ROLE_USERS[_role(role)] = share
    if prefer and role is not None:
        PREFER[str(_role(role))] = prefer


def _role(role: Any) -> str | None:
    return None if role is None else str(getattr(role, "value", role))


def load() -> None:
    """Import every journey module in this package (each registers itself once)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def missing(requires: tuple[str, ...]) -> list[str]:
    """The URL names in ``requires`` that the URLconf does not have."""
    from django.urls import NoReverseMatch, reverse

    absent = []
    for name in requires:
        try:
            reverse(name)
        except NoReverseMatch as exc:
            # A name that is there but needs arguments fails differently: it is there.
            text = str(exc)
            if "not a valid view function or pattern name" in text or "namespace" in text:
                absent.append(name)
    return absent
