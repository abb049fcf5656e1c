"""``manage.py purge_retention --dry-run``: what is past its retention period, per kind;
``manage.py purge_retention --confirm [--by EMAIL]``: destroy it (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from leder.models import User
from leder.retention.models import PurgeKind
from leder.retention.services import retention_plan, retention_purge


class Command(BaseCommand):
    help = (
        "Destroy personal data past its retention period, keeping a stub. Run with "
        "--dry-run first and review the report; then --confirm."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be purged; change nothing."
        )
        parser.add_argument(
            "--confirm", action="store_true", help="Purge (after reviewing the --dry-run report)."
        )
        parser.add_argument(
            "--by", metavar="EMAIL", help="The person running it (else the service account)."
        )
        parser.add_argument(
            "--references",
            action="store_true",
            help="With --dry-run: list the references due (no personal data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"] == options["confirm"]:
            raise CommandError(
                "Run with --dry-run first and review what would be purged, "
                "then run again with --confirm"
            )
        if options["dry_run"]:
            self._report(options["references"])
            return
        by = None
        if options["by"]:
            by = User.objects.filter(email__iexact=options["by"], is_active=True).first()
            if by is None:
                raise CommandError("--by: no active user with that email address")
        result = retention_purge(by=by, trigger="command")
        for kind, refs in result.purged.items():
            self.stdout.write(f"{PurgeKind(kind).label}: {len(refs)} purged")
        self.stdout.write(f"{PurgeKind.ACCESS_LOG.label}: {result.access_log_rows} deleted")
        self.stdout.write(f"Files deleted from storage: {result.files}")
        if result.skipped:
            self.stdout.write(f"Skipped (held by another run, or no longer due): {result.skipped}")
        self.stdout.write(f"Purge run {result.run}: see the purge log (retention.PurgeRecord)")

    def _report(self, with_references: bool) -> None:
        self.stdout.write(
            f"Retention dry run, {timezone.localtime():%d %B %Y %H:%M}: nothing changed"
        )
        total = 0
        for plan in retention_plan():
            label = PurgeKind(plan.kind).label
            closed = f"closed before {timezone.localdate(plan.cutoff):%d %B %Y}"
            line = f"{label} ({plan.years} years, {closed}): {plan.count}"
            if plan.kind == PurgeKind.REVIEW:
                line += f", {plan.files} stored files"
            self.stdout.write(line)
            if with_references and plan.references:
                self.stdout.write("  " + ", ".join(plan.references))
            if plan.kind != PurgeKind.ACCESS_LOG:
                total += plan.count
        self.stdout.write(f"Total to purge: {total} records, besides the access-log rows")
