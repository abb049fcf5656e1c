"""The conflict-of-interest engine: every reason a reviewer should not review a case.

Pure reads, no writes. A reviewer has a conflict when they:

- work, or worked within ``LEDER_CONFLICT_WINDOW_YEARS`` (default 3), for the person's GP
  practice, the place of death, or any other organisation linked to the case
  (``CaseProvider``); a place of death typed by the notifier that names one of their
  employers counts too;
- declared a personal connection whose names match the person who died (full name), their
  family (a surname alone), or the family member or friend named in the notification, or
  whose NHS number is the person's;
- notified the death themselves (same email address).

Each ``Conflict`` has a ``code``, a plain-English ``reason`` for the LAC, and a ``key``
naming its source (an organisation, a declaration), so two checks can be compared: a
provider added later raises a flag only for conflicts the LAC has not already seen.
Reasons name organisations and the reviewer's own declaration, never the person who died.

``conflicts_for_many`` checks many reviewers in a fixed number of queries (for ranking).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from leder.jinja2 import nhs_date
from notifications.choices import PlaceOfDeath
from notifications.models import normalise_name
from reviews.models import CaseProvider, DeclaredConflict, Employment, ProviderRole

if TYPE_CHECKING:
    from reviews.models import Case

# A place of death typed by the notifier is compared with employers' names only when the
# name is at least this long once normalised (so "Home" never matches "Homes Ltd").
MIN_PLACE_NAME_LETTERS = 8
PLACES_WITH_AN_ORGANISATION = {
    PlaceOfDeath.HOSPITAL,
    PlaceOfDeath.CARE_HOME,
    PlaceOfDeath.HOSPICE,
    PlaceOfDeath.OTHER,
}


class ConflictCode(models.TextChoices):
    GP_PRACTICE = "gp_practice", "Works or worked for the GP practice"
    PLACE_OF_DEATH = "place_of_death", "Works or worked where the person died"
    PROVIDER = "provider", "Works or worked for an organisation involved in care"
    PERSONAL = "personal", "Declared a personal connection"
    NOTIFIER = "notifier", "Notified the death"


@dataclass(frozen=True)
class Conflict:
    code: str
    reason: str
    key: str

    @property
    def label(self) -> str:
        return str(ConflictCode(self.code).label)

    def as_dict(self, person: str = "reviewer") -> dict[str, str]:
        return {"person": person, "code": self.code, "key": self.key, "reason": self.reason}


@dataclass(frozen=True)
class _Organisation:
    id: int
    name: str
    code: str  # ConflictCode
    role_text: str  # "the person's GP practice", "where the person died"...


@dataclass
class CaseFacts:
    """What the checks need from a case, read once."""

    organisations: dict[int, _Organisation] = field(default_factory=dict)
    place_key: str = ""
    place_text: str = ""
    person_keys: set[str] = field(default_factory=set)
    family_keys: set[str] = field(default_factory=set)
    contact_key: str = ""
    nhs_number: str = ""
    notifier_email: str = ""


def window_years() -> int:
    return int(getattr(settings, "LEDER_CONFLICT_WINDOW_YEARS", 3))


def years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year without one
        return on.replace(year=on.year - years, day=28)


def case_facts(case: Case) -> CaseFacts:
    """Two queries: the notification (with its GP practice) and the linked organisations."""
    from notifications.models import Notification

    n = (
        Notification.objects.select_related("gp_practice")
        .only(
            "given_name",
            "family_name",
            "other_names",
            "nhs_number",
            "contact_name",
            "notifier_email",
            "place_of_death",
            "place_of_death_detail",
            "gp_practice__name",
        )
        .get(pk=case.notification_id)
    )
    facts = CaseFacts()
    providers = (
        CaseProvider.objects.filter(case_id=case.pk)
        .select_related("organisation")
        .order_by("added_at", "pk")
    )
    # The most specific reason wins for an organisation with several roles.
    for p in providers:
        if p.role == ProviderRole.PLACE_OF_DEATH:
            entry = _Organisation(
                p.organisation_id,
                p.organisation.name,
                ConflictCode.PLACE_OF_DEATH,
                "where the person died",
            )
            facts.organisations[p.organisation_id] = entry
        elif p.organisation_id not in facts.organisations:
            facts.organisations[p.organisation_id] = _Organisation(
                p.organisation_id,
                p.organisation.name,
                ConflictCode.PROVIDER,
                f"linked to the case as {p.get_role_display().lower()}",
            )
    if n.gp_practice is not None:
        facts.organisations[n.gp_practice.pk] = _Organisation(
            n.gp_practice.pk, n.gp_practice.name, ConflictCode.GP_PRACTICE, "the GP practice"
        )
    if n.place_of_death in PLACES_WITH_AN_ORGANISATION and n.place_of_death_detail:
        facts.place_key = normalise_name(n.place_of_death_detail)
        facts.place_text = n.place_of_death_detail
    family = normalise_name(n.family_name)
    if n.given_name or n.family_name:
        facts.person_keys.add(normalise_name(n.given_name, n.family_name))
    for alias in (n.other_names or "").split(","):
        alias = alias.strip()
        if alias:
            facts.person_keys.add(normalise_name(alias if " " in alias else f"{alias} {family}"))
    if family:
        facts.family_keys.add(family)
    if n.contact_name.strip():
        facts.contact_key = normalise_name(n.contact_name)
        facts.family_keys.add(normalise_name(n.contact_name.split()[-1]))
    facts.person_keys.discard("")
    facts.family_keys.discard("")
    facts.nhs_number = re.sub(r"\D", "", n.nhs_number or "")
    facts.notifier_email = (n.notifier_email or "").strip().casefold()
    return facts


def _employment_conflicts(
    employments: Iterable[Employment], facts: CaseFacts, on: datetime.date
) -> list[Conflict]:
    years = window_years()
    since = years_before(on, years)
    found: dict[str, Conflict] = {}
    for job in employments:
        if job.ended_on is not None and job.ended_on < since:
            continue
        when = (
            f"works there now (since {nhs_date(job.started_on)})"
            if job.ended_on is None or job.ended_on >= on
            else f"worked there until {nhs_date(job.ended_on)}, within {years} years"
        )
        org = facts.organisations.get(job.organisation_id)
        key = f"organisation:{job.organisation_id}"
        if org is not None and key not in found:
            found[key] = Conflict(
                org.code, f"{org.name} is {org.role_text}: the reviewer {when}.", key
            )
            continue
        name_key = normalise_name(job.organisation.name)
        if (
            facts.place_key
            and key not in found
            and len(name_key) >= MIN_PLACE_NAME_LETTERS
            and (name_key in facts.place_key or facts.place_key in name_key)
            and len(facts.place_key) >= MIN_PLACE_NAME_LETTERS
        ):
            found[key] = Conflict(
                ConflictCode.PLACE_OF_DEATH,
                f"The notifier said the person died at “{facts.place_text}”, which matches "
                f"{job.organisation.name}: the reviewer {when}.",
                key,
            )
    return list(found.values())


def _declared_conflicts(declared: Iterable[DeclaredConflict], facts: CaseFacts) -> list[Conflict]:
    found: list[Conflict] = []
    for d in declared:
        matched: list[str] = []
        for name in d.name_list():
            key = normalise_name(name)
            if len(key) < 2:
                continue
            if " " in name.strip():
                if key in facts.person_keys:
                    matched.append("the name of the person who died")
                if facts.contact_key and key == facts.contact_key:
                    matched.append("the family member or friend named in the notification")
            elif key in facts.family_keys:
                matched.append("the family name")
        number = re.sub(r"\D", "", d.nhs_number or "")
        if number and facts.nhs_number and number == facts.nhs_number:
            matched.append("the NHS number of the person who died")
        if matched:
            what = ", ".join(dict.fromkeys(matched))
            found.append(
                Conflict(
                    ConflictCode.PERSONAL,
                    f"The reviewer declared a personal connection (“{d.description}”) that "
                    f"matches {what}.",
                    f"declared:{d.pk}",
                )
            )
    return found


def conflicts_for_many(
    reviewers: Iterable[Any], case: Case, *, on: datetime.date | None = None
) -> dict[int, list[Conflict]]:
    """Conflicts per reviewer (user) id, in four queries however many reviewers."""
    users = list(reviewers)
    on = on or timezone.localdate()
    facts = case_facts(case)
    ids = [u.pk for u in users]
    jobs: dict[int, list[Employment]] = defaultdict(list)
    for job in Employment.objects.filter(profile__user_id__in=ids).select_related(
        "organisation", "profile"
    ):
        jobs[job.profile.user_id].append(job)
    declared: dict[int, list[DeclaredConflict]] = defaultdict(list)
    for d in DeclaredConflict.objects.filter(profile__user_id__in=ids, active=True).select_related(
        "profile"
    ):
        declared[d.profile.user_id].append(d)
    result: dict[int, list[Conflict]] = {}
    for user in users:
        found = _employment_conflicts(jobs[user.pk], facts, on)
        found += _declared_conflicts(declared[user.pk], facts)
        if facts.notifier_email and (user.email or "").strip().casefold() == facts.notifier_email:
            found.append(
                Conflict(
                    ConflictCode.NOTIFIER,
                    "The reviewer notified this death (the notifier's email address is theirs).",
                    "notifier",
                )
            )
        result[user.pk] = found
    return result


def conflicts_for(
    reviewer_user: Any, case: Case, *, on: datetime.date | None = None
) -> list[Conflict]:
    """Every conflict between ``reviewer_user`` and ``case``, each with its reason."""
    return conflicts_for_many([reviewer_user], case, on=on)[reviewer_user.pk]
