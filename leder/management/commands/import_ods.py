"""Import GP practices and their ICBs from an NHS ODS ``epraccur`` CSV.

    manage.py import_ods epraccur.csv [--icb-names icbs.csv] [--dry-run]

The rules (columns, statuses, ICB codes) are in leder/services/organisations.py.
Exits 1 when any row had an error, after importing every good row.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from leder.services.organisations import (
    DEFAULT_REASON,
    organisations_import_epraccur,
    parse_icb_names,
    read_text,
)


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import GP practices and their ICBs from an NHS ODS epraccur CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the epraccur CSV file (no header row, 27 columns)")
        parser.add_argument(
            "--icb-names",
            metavar="CSV",
            help="a CSV of ICB code,name used to name ICBs (otherwise new ICBs are 'ICB <code>')",
        )
        parser.add_argument(
            "--reason", default=DEFAULT_REASON, help="change reason for the history rows"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, then roll back"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            text = read_text(options["path"])
            names_text = read_text(options["icb_names"]) if options["icb_names"] else ""
        except OSError as exc:
            raise CommandError(f"Cannot read {exc.filename}: {exc.strerror}") from None
        icb_names, name_errors = parse_icb_names(names_text)
        for error in name_errors:
            self.stderr.write(f"{options['icb_names']}: {error}")

        try:
            with transaction.atomic():
                result = organisations_import_epraccur(
                    text=text, icb_names=icb_names, by=None, reason=options["reason"]
                )
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Dry run: nothing was saved.")

        for error in result.errors:
            self.stderr.write(f"{options['path']}: {error}")
        elapsed = time.monotonic() - started
        self.stdout.write(f"{result.summary()} ({elapsed:.1f} s)")
        failures = len(result.errors) + len(name_errors)
        if failures:
            raise CommandError(f"{failures} rows could not be imported (listed above)")
