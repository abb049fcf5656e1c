"""Scale step ``staff``: the people of every ICB, and the national roles.

Per ICB: Local Area Contacts, administrators, reviewers and senior reviewers (``reviewers``
in all, in proportion to the ICB's size), QA panel members and governance group members.
Nationally: a regional coordinator per NHS England region and system administrators.
Nobody can sign in with a password (unusable) and nobody has an authenticator app: the
bench signs its virtual users in by writing their sessions.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from leder.models import User
from leder.roles import Role
from leder.scale.bulk import allocate_ids, copy_rows, history_row
from leder.scale.context import SCALE_EMAIL_DOMAIN, ScaleContext
from leder.scale.names import ascii_slug
from leder.scale.organisations import REASON, apportion
from leder.scale.registry import scale_step
from leder.services.roles import sync_roles

# People per ICB, besides the reviewers.
PER_ICB = {Role.LAC: 2, Role.ADMINISTRATOR: 2, Role.QA_PANEL_MEMBER: 6, Role.GOVERNANCE_MEMBER: 4}
SENIOR_SHARE = 0.2  # of an ICB's reviewers
NATIONAL = {Role.REGIONAL_COORDINATOR: 7, Role.SYSTEM_ADMINISTRATOR: 2}
JOB_TITLES = {
    Role.LAC: "Local Area Contact",
    Role.ADMINISTRATOR: "LeDeR administrator",
    Role.REVIEWER: "LeDeR reviewer",
    Role.SENIOR_REVIEWER: "Senior LeDeR reviewer",
    Role.QA_PANEL_MEMBER: "QA panel member",
    Role.GOVERNANCE_MEMBER: "Governance group member",
    Role.REGIONAL_COORDINATOR: "Regional LeDeR coordinator",
    Role.SYSTEM_ADMINISTRATOR: "System administrator",
}


@scale_step("staff", after=("organisations",))
def generate_staff(ctx: ScaleContext) -> dict[str, int]:
    """Staff per ICB (LAC, administrator, reviewers, QA, governance) and national roles."""
    options, rng = ctx.options, ctx.rng
    practices = [len(ctx.practices_by_icb[i]) + 1 for i in ctx.icb_ids]
    reviewers = apportion(options.reviewers, [float(p) for p in practices], minimum=2)
    wanted: list[tuple[int | None, Role]] = []
    for icb_id, count in zip(ctx.icb_ids, reviewers, strict=True):
        seniors = max(1, round(count * SENIOR_SHARE)) if count > 1 else 0
        wanted += [(icb_id, Role.SENIOR_REVIEWER)] * seniors
        wanted += [(icb_id, Role.REVIEWER)] * (count - seniors)
        for role, n in PER_ICB.items():
            wanted += [(icb_id, role)] * n
    for role, n in NATIONAL.items():
        wanted += [(None, role)] * n

    sync_roles()
    groups = dict(Group.objects.values_list("name", "pk"))
    unusable = make_password(None)
    ids = allocate_ids(User, len(wanted))
    users: list[User] = []
    memberships = []
    for (home, role), user_id in zip(wanted, ids, strict=True):
        female = rng.random() < 0.7  # the LeDeR workforce is mostly women
        given = rng.choice(ctx.pools.female if female else ctx.pools.male)
        family = rng.choice(ctx.pools.family)
        joined = ctx.now - datetime.timedelta(days=rng.randint(30, 365 * options.years))
        users.append(
            User(
                id=user_id,
                email=f"{ascii_slug(given)}.{ascii_slug(family)}.{user_id}@{SCALE_EMAIL_DOMAIN}",
                password=unusable,
                full_name=f"{given} {family}",
                job_title=JOB_TITLES[role],
                icb_id=home,
                is_active=True,
                is_staff=role == Role.SYSTEM_ADMINISTRATOR,
                is_superuser=False,
                date_joined=joined,
            )
        )
        memberships.append(User.groups.through(user_id=user_id, group_id=groups[role.group_name]))
        ctx.staff.setdefault(home, {}).setdefault(role.value, []).append(user_id)

    copy_rows(User, users, batch_size=options.batch_size)
    copy_rows(User.groups.through, memberships, batch_size=options.batch_size)
    copy_rows(
        User.history.model,
        [history_row(u, at=u.date_joined, reason=REASON) for u in users],
        batch_size=options.batch_size,
    )
    reviewer_total = sum(1 for _, r in wanted if r in (Role.REVIEWER, Role.SENIOR_REVIEWER))
    return {
        "staff": len(users),
        "reviewers (incl. senior)": reviewer_total,
        "role memberships": len(memberships),
    }
