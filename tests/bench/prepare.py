"""Plan a load run against one database: signed-in sessions for the virtual users, their
samples, and the pages to time. Runs with Django (bench settings); writes JSON.

    python -m tests.bench.prepare --users 20 --seed 1 --out var/bench/.../plan.json

Sessions are made as the test suite makes them (``leder.testing.sign_in_with_mfa``: the
session records a password and an authenticator-app check), so the load tool needs no
password or TOTP code. Virtual users of one role are different people in different ICBs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from tests.bench.journeys import JOURNEYS, PAGES, PREFER, ROLE_USERS, SAMPLES, load, missing

PUBLIC_KEY = "public"


def role_key(role: str | None) -> str:
    return role or PUBLIC_KEY


def share_out(total: int, shares: dict[str, int]) -> dict[str, int]:
    """``total`` users in proportion to ``shares`` (every role with a share gets one)."""
    shares = {k: v for k, v in shares.items() if v > 0}
    if total <= 0 or not shares:
        return {}
    if total < len(shares):  # too few users for every role: the largest shares first
        largest = sorted(shares, key=lambda k: -shares[k])[:total]
        return dict.fromkeys(largest, 1)
    counts = dict.fromkeys(shares, 1)
    spare = total - len(counts)
    weight = sum(shares.values())
    exact = {k: spare * v / weight for k, v in shares.items()}
    for k in counts:
        counts[k] += int(exact[k])
    left = total - sum(counts.values())
    for k in sorted(exact, key=lambda k: exact[k] % 1, reverse=True)[: max(0, left)]:
        counts[k] += 1
    return counts


def _people(role: str, count: int, rng: random.Random) -> list[Any]:
    from leder.models import User
    from leder.roles import Role
    from leder.scale.context import SCALE_EMAIL_DOMAIN

    group = Role(role).group_name
    candidates = list(
        User.objects.filter(
            groups__name=group, is_active=True, email__endswith=f"@{SCALE_EMAIL_DOMAIN}"
        ).order_by("pk")
    )
    if not candidates:
        raise SystemExit(f"No scale users with the role {group}: run manage.py seed_scale")
    rng.shuffle(candidates)
    # Different ICBs first: a LAC per ICB before a second LAC of any ICB.
    seen: set[Any] = set()
    first = [u for u in candidates if not (u.icb_id in seen or seen.add(u.icb_id))]
    ordered = first + [u for u in candidates if u not in first]
    wanted = SAMPLES.get((PREFER.get(role, ""), role))
    if wanted is not None and count:
        # People who have the sample first (looking at a few hundred at most).
        chosen = []
        for user in ordered[:300]:
            if wanted.make(user):
                chosen.append(user)
                if len(chosen) == count:
                    break
        ordered = chosen + [u for u in ordered if u not in chosen]
    return [ordered[i % len(ordered)] for i in range(count)]


def _session(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    from leder.testing import sign_in_with_mfa

    client = sign_in_with_mfa(Client(), user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _samples(role: str | None, user: Any) -> dict[str, Any]:
    made = {}
    for item in SAMPLES.values():
        if item.role == role:
            made[item.name] = item.make(user)
    return made


def plan(total_users: int, seed: int) -> dict[str, Any]:
    from django.conf import settings

    load()
    rng = random.Random(seed)
    skipped = []
    included = []
    for item in JOURNEYS:
        absent = missing(item.requires)
        if absent:
            skipped.append({"journey": item.name, "role": role_key(item.role), "missing": absent})
        else:
            included.append(item)
    active_roles = {j.role for j in included}
    counts = share_out(
        total_users, {role_key(r): s for r, s in ROLE_USERS.items() if r in active_roles}
    )
    roles: dict[str, Any] = {}
    public_samples = _samples(None, None)
    for key, count in counts.items():
        role = None if key == PUBLIC_KEY else key
        people: list[dict[str, Any]] = []
        if role is not None and _is_staff_role(role):
            for user in _people(role, count, rng):
                people.append(
                    {"user_id": user.pk, "session": _session(user), "samples": _samples(role, user)}
                )
        else:  # no account (the public, a GP practice): one set of samples for them all
            shared = public_samples if role is None else _samples(role, None)
            people = [{"user_id": None, "session": "", "samples": shared}] * count
        roles[key] = {
            "count": count,
            "journeys": [{"name": j.name, "weight": j.weight} for j in included if j.role == role],
            "people": people,
        }
    pages = []
    for item in PAGES:
        absent = missing(item.requires)
        key = role_key(item.role)
        if absent:
            skipped.append({"page": item.name, "role": key, "missing": absent})
            continue
        person = _page_person(item, roles.get(key, {}).get("people", []), rng)
        samples = person["samples"] if person else public_samples
        pages.append(
            {
                "name": item.name,
                "role": key,
                "path": item.path(samples),
                "growth": item.growth,
                "ratio_target": item.ratio_target,
                "user_id": person["user_id"] if person else None,
                "session": person["session"] if person else "",
            }
        )
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "roles": roles,
        "pages": pages,
        "skipped": skipped,
    }


def _page_person(item: Any, people: list[dict[str, Any]], rng: random.Random) -> Any:
    """Who the page is timed as: a virtual user of its role (the first with the sample the
    page ``needs``), else another person of the role."""

    def fits(person: dict[str, Any]) -> bool:
        return not item.needs or bool(person["samples"].get(item.needs))

    found = next((p for p in people if fits(p)), None)
    if found is not None or item.role is None:
        return found or next(iter(people), None)
    if not _is_staff_role(item.role):
        return {"user_id": None, "session": "", "samples": _samples(item.role, None)}
    candidates = _people(item.role, 40 if item.needs else 1, rng)
    for user in candidates:
        person = {"user_id": user.pk, "samples": _samples(item.role, user)}
        if fits(person) or user is candidates[-1]:
            return person | {"session": _session(user)}
    return None


def _is_staff_role(role: str) -> bool:
    from leder.roles import Role

    return role in Role.values


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leder.settings.bench")
    import django

    django.setup()
    args.out.write_text(json.dumps(plan(args.users, args.seed), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
