"""Synthetic national data for performance work (leder/scale/, docs/performance.md).

    manage.py seed_scale [--notifications 50000] [--seed 1] [--reuse | --reset]

Refuses to run with production settings. Prints the time each step took.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leder.scale import ScaleOptions


class Command(BaseCommand):
    help = "Load synthetic national data (42 ICBs, GP practices, staff, N notifications)."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = ScaleOptions()
        parser.add_argument("--notifications", type=int, default=defaults.notifications)
        parser.add_argument("--icbs", type=int, default=defaults.icbs)
        parser.add_argument("--practices", type=int, default=defaults.practices)
        parser.add_argument(
            "--reviewers",
            type=int,
            default=defaults.reviewers,
            help="reviewers and senior reviewers, nationally",
        )
        parser.add_argument("--years", type=int, default=defaults.years)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="the data's 'today' (YYYY-MM-DD; default today)",
        )
        parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--reuse",
            action="store_true",
            help="keep the scale data there if it was made with the same options (else redo it)",
        )
        group.add_argument("--reset", action="store_true", help="delete the scale data first")
        group.add_argument("--delete", action="store_true", help="delete the scale data and stop")
        parser.add_argument("--list-steps", action="store_true", help="list the steps and stop")
        parser.add_argument(
            "--force", action="store_true", help="run even with production settings"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from leder.scale.registry import ordered_steps
        from leder.scale.runner import ExistingScaleData, reset, seed

        if options["list_steps"]:
            for step in ordered_steps():
                after = f" (after {', '.join(step.after)})" if step.after else ""
                self.stdout.write(f"{step.name}{after}: {step.description}")
            return
        module = getattr(settings, "SETTINGS_MODULE", "") or ""
        if module.endswith("production") and not options["force"]:
            raise CommandError("Refusing to load synthetic data under production settings.")
        if options["delete"]:
            deleted = reset()
            self.stdout.write(f"Deleted {sum(deleted.values()):,} rows of scale data.")
            return
        for name in ("notifications", "icbs", "practices", "reviewers", "years", "batch_size"):
            if options[name] < (0 if name == "notifications" else 1):
                raise CommandError(f"--{name.replace('_', '-')} must be positive")
        if options["icbs"] > 26 * 9:
            raise CommandError("--icbs must be at most 234")
        scale = ScaleOptions(
            notifications=options["notifications"],
            icbs=options["icbs"],
            practices=options["practices"],
            reviewers=options["reviewers"],
            years=options["years"],
            seed=options["seed"],
            as_of=options["as_of"],
            batch_size=options["batch_size"],
        )
        self.stdout.write(
            f"Scale data: {scale.notifications:,} notifications, {scale.icbs} ICBs, "
            f"{scale.practices:,} GP practices, {scale.reviewers:,} reviewers, seed {scale.seed}"
        )
        try:
            report = seed(
                scale, out=self.stdout, reuse=options["reuse"], reset_first=options["reset"]
            )
        except ExistingScaleData as exc:
            raise CommandError(str(exc)) from None
        if report.reused:
            self.stdout.write(
                f"Reused the scale data already there ({report.seconds:.1f} s): "
                + ", ".join(f"{v:,} {k}" for k, v in report.counts.items())
            )
            return
        self.stdout.write(
            f"Scale data loaded in {report.seconds:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in report.counts.items())
        )
