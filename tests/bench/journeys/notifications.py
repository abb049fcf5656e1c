"""Notifications: the LAC's list, search and detail; the regional coordinator's routing
queue; the public notification form from start to confirmation."""

from __future__ import annotations

import datetime
import random
import re
from typing import Any
from urllib.parse import urlencode

import nhs_number
from django.urls import reverse

from leder.roles import Role
from tests.bench.journeys import PUBLIC, Visit, journey, page, sample

SCREENERS = (Role.LAC, Role.ADMINISTRATOR)
IDEMPOTENCY_KEY = re.compile(r'name="idempotency_key"[^>]*value="([^"]+)"')


# --- Samples (run once per virtual user, with Django) --------------------------------


def _visible(user: Any) -> Any:
    from notifications.access import notifications_for_user

    return notifications_for_user(user)


@sample("references", role=Role.LAC)
def references(user: Any) -> list[str]:
    """Recent notifications (most looked at) and some older ones."""
    visible = _visible(user).order_by("-received_at")
    recent = list(visible.values_list("reference", flat=True)[:40])
    older = list(visible.order_by("?").values_list("reference", flat=True)[:20])
    return recent + older


@sample("search_terms", role=Role.LAC)
def search_terms(user: Any) -> list[str]:
    """Family names, NHS numbers and reference fragments of the user's notifications."""
    visible = _visible(user).exclude(family_name="").order_by("?")
    rows = list(visible.values_list("family_name", "nhs_number", "reference")[:30])
    terms = [family for family, _, _ in rows[:15]]
    terms += [nhs for _, nhs, _ in rows[15:22] if nhs]
    terms += [ref[-6:] for _, _, ref in rows[22:]]
    return terms or ["Smith"]


# Administrators see the same notifications as the ICB's LAC.
sample("references", role=Role.ADMINISTRATOR)(references)
sample("search_terms", role=Role.ADMINISTRATOR)(search_terms)


@sample("unrouted", role=Role.REGIONAL_COORDINATOR)
def unrouted(user: Any) -> list[str]:
    return list(_visible(user).order_by("-received_at").values_list("reference", flat=True)[:20])


@sample("practices", role=PUBLIC)
def practices(user: Any) -> list[list[str]]:
    """Active GP practices of the scale data: [ODS code, a word of the name to search]."""
    from leder.models import Organisation

    rows = (
        Organisation.objects.gp_practices()
        .active()
        .filter(ods_code__startswith="Z")
        .order_by("?")
        .values_list("ods_code", "name")[:200]
    )
    return [[code, next(w for w in name.split() if w != "The")] for code, name in rows]


# --- Staff journeys --------------------------------------------------------------------


def _list(visit: Visit) -> None:
    url = reverse("notifications:list")
    visit.get("notifications:list", url)
    visit.pause()
    visit.get("notifications:list?page", url, page=random.randint(2, 5))
    visit.pause()
    visit.get("notifications:list?status", url, status=random.choice(["received", "eligible"]))


def _search_and_open(visit: Visit) -> None:
    visit.get("notifications:list?q", reverse("notifications:list"), q=visit.pick("search_terms"))
    visit.pause()
    _detail(visit)


def _detail(visit: Visit) -> None:
    reference = visit.pick("references")
    visit.get("notifications:detail", reverse("notifications:detail", args=[reference]))


for _role in SCREENERS:
    journey("notifications: list, next pages, filter", role=_role, weight=3)(_list)
    journey("notifications: search and open", role=_role, weight=2)(_search_and_open)
    journey("notifications: open one", role=_role, weight=3)(_detail)


@journey("notifications: routing queue", role=Role.REGIONAL_COORDINATOR, weight=2)
def routing_queue(visit: Visit) -> None:
    visit.get("notifications:list", reverse("notifications:list"))
    if visit.samples.get("unrouted"):
        visit.pause()
        reference = visit.pick("unrouted")
        visit.get("notifications:detail", reverse("notifications:detail", args=[reference]))


page("notifications:list", role=Role.LAC, path=lambda s: reverse("notifications:list"), growth=True)
page(
    "notifications:list?q",
    role=Role.LAC,
    path=lambda s: reverse("notifications:list") + "?" + urlencode({"q": s["search_terms"][0]}),
    requires=("notifications:list",),
    growth=True,
)
page(
    "notifications:detail",
    role=Role.LAC,
    path=lambda s: reverse("notifications:detail", args=[s["references"][0]]),
)


# --- The public notification form -----------------------------------------------------


def _answers(practice_code: str) -> dict[str, dict[str, str]]:
    died = datetime.date.today() - datetime.timedelta(days=random.randint(1, 30))
    return {
        "person": {
            "given_name": random.choice(["Ada", "Ben", "Cara", "Dev", "Ewan", "Faye"]),
            "family_name": random.choice(["Benchley", "Loadman", "Testworth", "Sample"]),
            "other_names": "",
            "date_of_birth_day": str(random.randint(1, 28)),
            "date_of_birth_month": str(random.randint(1, 12)),
            "date_of_birth_year": str(random.randint(1945, 1995)),
            "nhs_number": nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC)[0],
            "address": "1 Bench Street",
            "postcode": "LS1 4AP",
        },
        "death": {
            "date_of_death_day": str(died.day),
            "date_of_death_month": str(died.month),
            "date_of_death_year": str(died.year),
            "place_of_death": "hospital",
            "hospital_name": "Bench General Hospital",
        },
        "gp-practice": {"gp_practice": practice_code},
        "learning-disability-autism": {
            "learning_disability": "yes",
            "learning_disability_level": "moderate",
            "autism": "no",
        },
        "ethnicity-sex": {"sex": "female", "ethnicity": "A"},
        "what-is-known": {
            "cause_of_death": "Pneumonia",
            "care_concerns": "no",
            "detained_mha": "no",
            "detained_cjs": "no",
            "family_requested_review": "no",
        },
        "family-contact": {"has_contact": "no"},
        "about-you": {
            "notifier_name": "Bea Notifier",
            "notifier_role": "Learning disability nurse",
            "notifier_email": "bench.notifier@example.com",
        },
    }


@journey("public: notify a death, start to confirmation", role=PUBLIC, weight=1)
def notify_a_death(visit: Visit) -> None:
    """Every page GET, each answer POSTed, the practice searched, sent, confirmed."""
    visit.new_session()
    code, word = visit.pick("practices")
    visit.get("notify:start", reverse("notify:start"))
    for slug, data in _answers(code).items():
        url = reverse("notify:step", args=[slug])
        visit.pause()
        visit.get("notify:step", url)
        if slug == "gp-practice":
            visit.get("notify:step?q", url, q=word)
        visit.post("notify:step", url, data)
    check = visit.get("notify:check_answers", reverse("notify:check_answers"))
    found = IDEMPOTENCY_KEY.search(check.text)
    key = found.group(1) if found else ""
    visit.post("notify:check_answers", reverse("notify:check_answers"), {"idempotency_key": key})
    visit.get("notify:confirmation", reverse("notify:confirmation"))


@journey("public: read the form's first pages", role=PUBLIC, weight=1)
def read_the_form(visit: Visit) -> None:
    visit.new_session()
    visit.get("notify:start", reverse("notify:start"))
    visit.pause()
    visit.get("notify:step", reverse("notify:step", args=["person"]))


page("notify:start", role=PUBLIC, path=lambda s: reverse("notify:start"))
page(
    "notify:step?q",
    role=PUBLIC,
    path=lambda s: (
        reverse("notify:step", args=["gp-practice"]) + "?" + urlencode({"q": s["practices"][0][1]})
    ),
    requires=("notify:step",),
)
