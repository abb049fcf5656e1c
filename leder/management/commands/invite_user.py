"""Invite a staff member: ``manage.py invite_user --email a@nhs.net --name "A B" --icb QWO
--role lac --role reviewer``. They get an email with a link to set their password."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leder.models import Organisation
from leder.roles import Role
from leder.services.users import user_invite


class Command(BaseCommand):
    help = "Create a staff account and email its set-your-password invitation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--icb", help="ODS code of the person's ICB (none for national roles)")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=[r.value for r in Role],
            help="Repeat for several roles",
        )
        parser.add_argument("--job-title", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        icb = None
        if options["icb"]:
            icb = Organisation.objects.icbs().filter(ods_code__iexact=options["icb"]).first()
            if icb is None:
                raise CommandError(f"No ICB with ODS code {options['icb']!r}")
        try:
            user = user_invite(
                email=options["email"],
                full_name=options["name"],
                icb=icb,
                roles={Role(r) for r in options["role"]},
                invited_by=None,
                job_title=options["job_title"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Invited {user.email}: invitation email sent."))
