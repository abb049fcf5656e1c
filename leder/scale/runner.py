"""Run the scale steps; find, reuse or delete the scale data.

The scale data is recognised by its markers (``leder.scale.context``): ICB codes
``Q1A``..., staff emails ``@scale.leder.example``, notification idempotency keys
``5ca1e000-...``. A manifest (the options, the steps and the row counts of a finished run)
is kept as the comment of the organisations table, so ``--reuse`` can tell whether the
data there is complete and made with the same options, without a table of its own.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from leder.models import Organisation, User
from leder.scale.bulk import delete_cascade, select_ids
from leder.scale.context import (
    SCALE_EMAIL_DOMAIN,
    SCALE_ICB_CODE_RE,
    SCALE_KEY_FIRST,
    SCALE_KEY_LAST,
    Output,
    ScaleContext,
    ScaleOptions,
)
from leder.scale.registry import Step, ordered_steps

MANIFEST_TABLE = Organisation._meta.db_table
MANIFEST_MARK = "leder-scale "
MANIFEST_VERSION = 1


@dataclass
class SeedReport:
    reused: bool = False
    seconds: float = 0.0
    steps: list[tuple[str, float, dict[str, int]]] = field(default_factory=list)
    deleted: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _scalar(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
        return row[0] if row else None


def scale_org_ids() -> list[int]:
    """The scale ICBs and every organisation under them."""
    return select_ids(
        Organisation,
        "ods_code ~ %s OR parent_icb_id IN (SELECT id FROM leder_organisation WHERE ods_code ~ %s)",
        [SCALE_ICB_CODE_RE, SCALE_ICB_CODE_RE],
    )


def scale_user_ids() -> list[int]:
    return select_ids(User, "email LIKE %s", [f"%@{SCALE_EMAIL_DOMAIN}"])


def scale_notification_ids() -> list[int]:
    from notifications.models import Notification

    return select_ids(
        Notification, "idempotency_key BETWEEN %s AND %s", [SCALE_KEY_FIRST, SCALE_KEY_LAST]
    )


def added_notification_ids() -> list[int]:
    """Notifications in the scale ICBs that the scale data did not make (bench runs'
    public submissions)."""
    from notifications.models import Notification

    orgs = scale_org_ids()
    return select_ids(
        Notification,
        "NOT (idempotency_key BETWEEN %s AND %s) "
        "AND (icb_id = ANY(%s) OR gp_practice_id = ANY(%s))",
        [SCALE_KEY_FIRST, SCALE_KEY_LAST, orgs, orgs],
    )


def present_counts() -> dict[str, int]:
    """What is there now, by marker (compared with the manifest by --reuse)."""
    return {
        "ICBs": _scalar(
            "SELECT count(*) FROM leder_organisation WHERE ods_code ~ %s", [SCALE_ICB_CODE_RE]
        ),
        "organisations": len(scale_org_ids()),
        "staff": len(scale_user_ids()),
        "notifications": len(scale_notification_ids()),
        "cases": _scalar(
            "SELECT count(*) FROM reviews_case c JOIN notifications_notification n "
            "ON n.id = c.notification_id WHERE n.idempotency_key BETWEEN %s AND %s",
            [SCALE_KEY_FIRST, SCALE_KEY_LAST],
        ),
    }


def read_manifest() -> dict[str, Any] | None:
    comment = _scalar("SELECT obj_description(%s::regclass, 'pg_class')", [MANIFEST_TABLE])
    if not comment or not comment.startswith(MANIFEST_MARK):
        return None
    try:
        return json.loads(comment[len(MANIFEST_MARK) :])
    except ValueError:
        return None


def _write_manifest(manifest: dict[str, Any] | None) -> None:
    table = connection.ops.quote_name(MANIFEST_TABLE)
    with connection.cursor() as cursor:
        if manifest is None:
            cursor.execute(f"COMMENT ON TABLE {table} IS NULL")
        else:
            # COMMENT takes a literal only; psycopg quotes the parameter client-side.
            cursor.execute(
                f"COMMENT ON TABLE {table} IS %s", [MANIFEST_MARK + json.dumps(manifest)]
            )


def _wanted(options: ScaleOptions, steps: list[Step]) -> dict[str, Any]:
    return {
        "version": MANIFEST_VERSION,
        "options": options.manifest(),
        "steps": [s.name for s in steps],
    }


def reusable(options: ScaleOptions) -> tuple[bool, str]:
    """Whether the scale data there was made with these options and is complete."""
    manifest = read_manifest()
    if manifest is None:
        return False, "no finished scale data"
    wanted = _wanted(options, ordered_steps())
    for key, value in wanted.items():
        if manifest.get(key) != value:
            return False, f"made with other {key} ({manifest.get(key)} != {value})"
    counts = present_counts()
    if counts != manifest.get("counts"):
        return False, f"rows changed since it was made ({counts} != {manifest.get('counts')})"
    return True, "same options, steps and counts"


@transaction.atomic
def reset() -> dict[str, int]:
    """Delete the scale data and everything that references it (history included)."""
    from notifications.models import Notification

    _write_manifest(None)
    deleted: dict[str, int] = {}
    for model, ids in (
        (Notification, scale_notification_ids() + added_notification_ids()),
        (User, scale_user_ids()),
        (Organisation, scale_org_ids()),
    ):
        for table, rows in delete_cascade(model, ids).items():
            deleted[table] = deleted.get(table, 0) + rows
    return {table: rows for table, rows in deleted.items() if rows}


def remove_added() -> dict[str, int]:
    """Delete what bench runs added to the scale ICBs, keeping the scale data."""
    from notifications.models import Notification

    with transaction.atomic():
        deleted = delete_cascade(Notification, added_notification_ids())
    return {table: rows for table, rows in deleted.items() if rows}


def seed(
    options: ScaleOptions, *, out: Output, reuse: bool = False, reset_first: bool = False
) -> SeedReport:
    """Make the scale data (see the module docstring for --reuse and --reset)."""
    started = time.monotonic()
    report = SeedReport()
    steps = ordered_steps()
    if reuse:
        ok, why = reusable(options)
        if ok:
            report.deleted = remove_added()
            report.reused = True
            report.counts = present_counts()
            report.seconds = time.monotonic() - started
            return report
        out.write(f"Not reusing the scale data there: {why}\n")
    if any(present_counts().values()):
        if not (reuse or reset_first):
            raise ExistingScaleData(
                "Scale data is already there: --reuse keeps it (if it matches), "
                "--reset deletes it first"
            )
        tick = time.monotonic()
        report.deleted = reset()
        out.write(f"Deleted the old scale data ({time.monotonic() - tick:.1f} s)\n")
    else:
        _write_manifest(None)

    ctx = ScaleContext(options, out)
    for step in steps:
        tick = time.monotonic()
        with transaction.atomic():
            _fast_commit()
            made = step.generate(ctx)
        seconds = time.monotonic() - tick
        report.steps.append((step.name, seconds, made))
        out.write(f"  {step.name:<26} {seconds:6.1f} s  {_summary(made)}\n")
        out.flush()
    tick = time.monotonic()
    analyse()
    report.steps.append(("vacuum analyze", time.monotonic() - tick, {}))
    report.counts = present_counts()
    report.seconds = time.monotonic() - started
    _write_manifest(
        {
            **_wanted(options, steps),
            "counts": report.counts,
            "made_at": timezone.now().isoformat(timespec="seconds"),
            "as_of": ctx.today.isoformat(),
            "seconds": round(report.seconds, 1),
        }
    )
    return report


def _fast_commit() -> None:
    """Cheaper writes for the step's transaction: no wait for the WAL to reach the disk at
    commit (synthetic data: a crash loses only the step, and the manifest is written last,
    so --reuse redoes it), and LZ4 for large values (review versions, section answers)
    where the server has it: several times faster to compress than the default pglz."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL default_toast_compression TO 'lz4'")


class ExistingScaleData(Exception):
    pass


def analyse() -> None:
    """Fresh statistics (and visibility maps) so the planner sees the data as it is."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("ANALYZE")  # VACUUM cannot run in a transaction (tests)
        else:
            cursor.execute("VACUUM (ANALYZE)")


def _summary(made: dict[str, int]) -> str:
    return ", ".join(f"{value:,} {key}" for key, value in made.items())
