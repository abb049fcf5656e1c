"""Demo data for development: one ICB, its GP practices, and a signed-in-able user per role.

    manage.py seed_demo [--force]

Idempotent: run it as often as you like (``make run`` runs it every time). Synthetic data
only. Refuses to run with production settings unless ``--force``.

The demo ICB holds a story a newcomer can explore: seventeen deaths, one in every state a
notification, a case, a record request, a meeting and an action can be in, each told
through the real services at the moment it would have happened (reviews/demo.py,
governance/demo.py; the table is in docs/operations.md, "Demo data").

Every demo user has the password ``DEMO_PASSWORD`` and an authenticator app (TOTP) whose
secret is derived from their email address, so it is the same on every machine and every
run: add it to an authenticator app once, or read the current code from
``python -m leder.devstack logins``.

Later features add demo data as *steps*: write ``def seed_<thing>(demo: DemoContext)``
(idempotent: get-or-create by a natural key, through your app's services) and append it
to ``STEPS``. Steps run in order, each in its own transaction, after the organisations
and users exist.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from leder.roles import Role

if TYPE_CHECKING:
    from leder.models import Organisation, User

DEMO_PASSWORD = "leder-demo-password"
DEMO_ICB_CODE = "QZZ"
DEMO_ICB_NAME = "NHS Demo Integrated Care Board"
DEMO_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "epraccur_demo.csv"
_TOTP_SALT = "leder-demo-totp-v1"


@dataclass(frozen=True)
class DemoPerson:
    role: Role
    email: str
    full_name: str
    job_title: str

    @property
    def totp_secret(self) -> str:
        return demo_totp_secret(self.email)


DEMO_PEOPLE: list[DemoPerson] = [
    DemoPerson(Role.LAC, "lac@leder.example", "Priya Shah", "Local Area Contact"),
    DemoPerson(Role.ADMINISTRATOR, "admin@leder.example", "Tom Hughes", "LeDeR administrator"),
    DemoPerson(Role.REVIEWER, "reviewer@leder.example", "Grace Okafor", "LeDeR reviewer"),
    DemoPerson(
        Role.SENIOR_REVIEWER, "senior@leder.example", "Daniel Evans", "Senior LeDeR reviewer"
    ),
    DemoPerson(Role.QA_PANEL_MEMBER, "qa@leder.example", "Helen Price", "Safeguarding lead"),
    DemoPerson(
        Role.GOVERNANCE_MEMBER,
        "governance@leder.example",
        "Samuel Reid",
        "Deputy chief nursing officer",
    ),
    DemoPerson(
        Role.REGIONAL_COORDINATOR,
        "regional@leder.example",
        "Aisha Rahman",
        "Regional LeDeR coordinator",
    ),
    DemoPerson(
        Role.SYSTEM_ADMINISTRATOR, "sysadmin@leder.example", "Chris Walker", "System administrator"
    ),
]


def demo_totp_secret(email: str) -> str:
    """A fixed base32 TOTP secret per demo email (160 bits, like allauth's own)."""
    digest = hashlib.sha1(f"{_TOTP_SALT}:{email}".encode()).digest()  # noqa: S324 - not security
    return base64.b32encode(digest).decode()


@dataclass
class DemoContext:
    """What the steps share: the demo ICB, the users by role, and where to report."""

    out: TextIO | OutputWrapper
    icb: Organisation | None = None
    users: dict[Role, User] = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.out.write(message + "\n")


def seed_organisations(demo: DemoContext) -> None:
    """The demo ICB and its GP practices, through the ODS import (docs/operations.md)."""
    from leder.models import Organisation
    from leder.services.organisations import organisations_import_epraccur, read_text

    result = organisations_import_epraccur(
        text=read_text(DEMO_CSV),
        icb_names={DEMO_ICB_CODE: DEMO_ICB_NAME},
        reason="Demo data",
    )
    if result.errors:
        raise CommandError("; ".join(str(e) for e in result.errors))
    demo.icb = Organisation.objects.icbs().get(ods_code=DEMO_ICB_CODE)
    demo.say(f"Organisations: {DEMO_ICB_NAME} ({DEMO_ICB_CODE}). {result.summary()}")


def seed_users(demo: DemoContext) -> None:
    """A user per role, with the demo password and a pre-enrolled authenticator app."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password

    from leder.auth.totp import totp_enrol, totp_secret
    from leder.lib.history import history_save
    from leder.models import User
    from leder.services.roles import user_set_roles

    created = 0
    # One hash for every demo user (they share the published password): hashing is slow
    # by design, and once per run keeps ``make run`` quick. A demo user with any other
    # hash (a changed password) is reset to it.
    shared = next(
        (
            u.password
            for u in User.objects.filter(email__in=[p.email for p in DEMO_PEOPLE])
            if u.check_password(DEMO_PASSWORD)
        ),
        None,
    ) or make_password(DEMO_PASSWORD)
    for person in DEMO_PEOPLE:
        icb = None if person.role.is_national else demo.icb
        wanted: dict[str, Any] = {
            "full_name": person.full_name,
            "job_title": person.job_title,
            "icb": icb,
            "is_staff": person.role == Role.SYSTEM_ADMINISTRATOR,
            "is_active": True,
        }
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User(email=person.email, password=shared, **wanted)
            history_save(user, by=None, reason="Demo data")
            created += 1
        else:
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            if user.password != shared:
                user.password = shared
                changed.append("password")
            for name in changed:
                if name != "password":
                    setattr(user, name, wanted[name])
            if changed:
                history_save(user, by=None, reason="Demo data reset")
        user_set_roles(user=user, roles={person.role})
        try:
            enrolled = totp_secret(user) == person.totp_secret
        except (Authenticator.DoesNotExist, Authenticator.MultipleObjectsReturned):
            enrolled = False
        if not enrolled:
            totp_enrol(user=user, secret=person.totp_secret)
        demo.users[person.role] = user
    demo.say(f"Users: {created} created, {len(DEMO_PEOPLE) - created} already there.")


def seed_reviews(demo: DemoContext) -> None:
    """Reviewer profiles, and the demo story: a death in every state (reviews/demo.py)."""
    from reviews.demo import seed_reviews as seed

    if demo.icb is not None:
        seed(icb=demo.icb, users=demo.users, say=demo.say)


def seed_governance(demo: DemoContext) -> None:
    """Last month's QA panel (returned, signed off), the next meetings, and actions."""
    from governance.demo import seed_governance as seed

    if demo.icb is not None:
        seed(icb=demo.icb, users=demo.users, say=demo.say)


# The steps, in order. Features append theirs (see the module docstring).
STEPS: list[Callable[[DemoContext], None]] = [
    seed_organisations,
    seed_users,
    seed_reviews,
    seed_governance,
]


def logins_table(at: float | None = None) -> str:
    """The demo logins with each TOTP secret and the code current at ``at`` (default now)."""
    from leder.auth.totp import totp_code_for_secret

    now = at if at is not None else time.time()
    rows = [("Role", "Email", "TOTP secret", f"Code now (for {30 - int(now) % 30} s)")]
    rows += [
        (
            str(p.role.label),
            p.email,
            p.totp_secret,
            totp_code_for_secret(p.totp_secret, now),
        )
        for p in DEMO_PEOPLE
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(
        [
            f"Demo logins (development only). Password for every user: {DEMO_PASSWORD}",
            *lines,
            "Codes change every 30 seconds: add the secret to an authenticator app, or run",
            "`make logins` (python -m leder.devstack logins) for the current codes.",
            "Notifiers and GP practices need no login: notify a death at /notify/; a",
            "practice uses the link in its records email (the worker prints emails in",
            "development: ask for records from a case page to get one).",
        ]
    )


class Command(BaseCommand):
    help = "Create or refresh the demo ICB, GP practices and a user per role (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with production settings (never on a live service)",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="do not print logins")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings
        from django.db import transaction

        module = getattr(settings, "SETTINGS_MODULE", "") or ""
        if module.endswith("production") and not options["force"]:
            raise CommandError(
                "Refusing to create demo users with known passwords under production settings "
                "(use --force only on a throwaway environment)."
            )
        demo = DemoContext(out=self.stdout)
        # The story grants and revokes per-object access hundreds of times: its audit lines
        # would bury the logins table in `make run`'s output (the grants are in the database).
        grants_log = logging.getLogger("leder.services.grants")
        level = grants_log.level
        grants_log.setLevel(logging.WARNING)
        try:
            for step in STEPS:
                with transaction.atomic():
                    step(demo)
        finally:
            grants_log.setLevel(level)
        if not options["quiet_logins"]:
            self.stdout.write(logins_table())
