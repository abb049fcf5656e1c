"""Organisation writes: the ODS import of GP practices and their ICBs.

The NHS Organisation Data Service (ODS) publishes GP practices as ``epraccur``: a CSV
with no header row and 27 columns. The columns this import reads (1-based, as in the
ODS specification):

====  ============================  ===================================================
col   ODS name                      use here
====  ============================  ===================================================
1     Organisation Code             the practice's ODS code (the key: upsert by it)
2     Name                          name (UPPER CASE in ODS files: tidied to Title Case)
4     High Level Health Geography   the practice's **ICB** code (e.g. ``QWO``)
5-9   Address lines 1-5             address, joined with ", "
10    Postcode                      postcode, normalised to ``AB1 2CD``
13    Status Code                   A active, C closed, D dormant, P proposed
26    Prescribing Setting           only ``4`` (GP practice) rows are imported
====  ============================  ===================================================

Column 15, "Commissioner", holds the *sub-ICB location* (the former CCG, e.g. ``15F``),
not the ICB; since the 2022 ICB changes ODS puts the ICB code in column 4, which is what
a case's routing needs (docs/operations.md, "GP practices from ODS").

Rules: closed, dormant and proposed practices are imported inactive (only status A is
active); rows of other prescribing settings (walk-in centres, prisons, hospices...) are
skipped and counted; ICBs missing from the database are created by code, named from the
optional ICB-names CSV (``code,name``) or "ICB <code>". Practices that are absent from
the file are left as they are (a partial file closes nothing).

Each bad row is reported with its line number and the reason; the other rows are still
imported. Everything is written in one transaction with bulk queries (about 6,500 rows
in England) and simple-history rows for every organisation created or changed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from leder.models import Organisation, OrganisationType

GP_PRESCRIBING_SETTING = "4"
ACTIVE_STATUS = "A"
STATUSES = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
EPRACCUR_MIN_COLUMNS = 26  # the prescribing setting is column 26 (a 27th is usually empty)
BATCH_SIZE = 1000
DEFAULT_REASON = "ODS import"

_ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
_ICB_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
# UK postcode format (outward code, space, inward code), as ODS publishes them.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
# Words kept in capitals, and short words kept in lower case, when tidying ODS names.
_KEEP_UPPER = {
    "NHS",
    "ICB",
    "GP",
    "GPS",
    "PCN",
    "UK",
    "HMP",
    "HMYOI",
    "UTC",
    "CIC",
    "LLP",
    "II",
    "III",
}
_KEEP_LOWER = {"and", "of", "the", "at", "on", "in", "for", "by", "with", "upon"}


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class PracticeRow:
    line: int
    ods_code: str
    name: str
    icb_code: str
    address: str
    postcode: str
    is_active: bool


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_other_settings: int = 0
    icbs_created: int = 0
    icbs_renamed: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"GP practices: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.skipped_other_settings} rows of other "
            f"prescribing settings skipped; ICBs: {self.icbs_created} created, "
            f"{self.icbs_renamed} renamed; {len(self.errors)} rows with errors"
        )


def read_text(path: str | Path) -> str:
    """ODS files are ASCII in practice; accept UTF-8 (with or without BOM) or Windows-1252."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def tidy_case(text: str) -> str:
    """``"THE OLD SCHOOL SURGERY"`` -> ``"The Old School Surgery"``; mixed case is kept."""
    text = " ".join(text.split())
    if not text or text != text.upper():
        return text
    words = []
    for index, word in enumerate(text.split(" ")):
        bare = word.strip("(),.&-'")
        if bare in _KEEP_UPPER or (bare and not any(c.isalpha() for c in bare)):
            words.append(word)
        elif index > 0 and word.lower() in _KEEP_LOWER:
            words.append(word.lower())
        else:
            words.append(_capitalise(word))
    return " ".join(words)


def _capitalise(word: str) -> str:
    # "ST. JOHN'S" -> "St. John's"; "WEST-END" -> "West-End"; "(DR SMITH)" -> "(Dr Smith)"
    out = []
    start = True
    for char in word.lower():
        out.append(char.upper() if start and char.isalpha() else char)
        if char.isalpha():
            start = False
        elif char in "-(/":
            start = True
    return "".join(out)


def normalise_postcode(text: str) -> str | None:
    """``"ls14ap"`` -> ``"LS1 4AP"``; None when it is not a UK postcode."""
    match = _POSTCODE.match("".join(text.upper().split()))
    return f"{match.group(1)} {match.group(2)}" if match else None


def parse_icb_names(text: str) -> tuple[dict[str, str], list[RowError]]:
    """An ICB-names CSV: column 1 the ICB code, column 2 its name (a header row is skipped)."""
    names: dict[str, str] = {}
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if not row or not "".join(row).strip():
            continue
        code = row[0].strip().upper()
        if reader.line_num == 1 and not _ICB_CODE.match(code):
            continue  # a header row
        if not _ICB_CODE.match(code):
            errors.append(RowError(reader.line_num, f"{code!r} is not an ICB code"))
        elif len(row) < 2 or not row[1].strip():
            errors.append(RowError(reader.line_num, f"no name for ICB {code}"))
        else:
            names[code] = tidy_case(row[1])[:200]
    return names, errors


def parse_epraccur(text: str) -> tuple[list[PracticeRow], int, list[RowError]]:
    """Parse an epraccur file: (GP practice rows, count of other settings, row errors)."""
    rows: list[PracticeRow] = []
    errors: list[RowError] = []
    skipped = 0
    first_line_of: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        line = reader.line_num
        if not cells or not "".join(cells).strip():
            continue
        code = cells[0].strip().upper()
        if line == 1 and not _ODS_CODE.match(code):
            continue  # a header row (ODS's newer export tool adds one)
        parsed = _parse_row(line, cells)
        if isinstance(parsed, RowError):
            errors.append(parsed)
        elif parsed is None:
            skipped += 1
        elif parsed.ods_code in first_line_of:
            first = first_line_of[parsed.ods_code]
            errors.append(
                RowError(line, f"{parsed.ods_code} appears again (first on line {first})")
            )
        else:
            first_line_of[parsed.ods_code] = line
            rows.append(parsed)
    return rows, skipped, errors


def _parse_row(line: int, cells: list[str]) -> PracticeRow | RowError | None:
    cells = [c.strip() for c in cells]
    if len(cells) < EPRACCUR_MIN_COLUMNS:
        return RowError(line, f"expected 27 columns, found {len(cells)}")
    code = cells[0].upper()
    if not _ODS_CODE.match(code):
        return RowError(line, f"organisation code {cells[0]!r} is not an ODS code")
    setting = cells[25]
    if not setting.isdigit():
        return RowError(line, f"{code}: prescribing setting {setting!r} is not a number")
    if setting != GP_PRESCRIBING_SETTING:
        return None
    name = tidy_case(cells[1])
    if not name:
        return RowError(line, f"{code}: no name")
    icb_code = cells[3].upper()
    if not _ICB_CODE.match(icb_code):
        return RowError(line, f"{code}: ICB code (column 4) {cells[3]!r} is not an ICB code")
    status = cells[12].upper()
    if status not in STATUSES:
        return RowError(line, f"{code}: status {cells[12]!r} is not one of A, C, D, P")
    postcode = ""
    if cells[9]:
        postcode = normalise_postcode(cells[9]) or ""
        if not postcode:
            return RowError(line, f"{code}: postcode {cells[9]!r} is not a UK postcode")
    address = ", ".join(tidy_case(part) for part in cells[4:9] if part)
    return PracticeRow(
        line=line,
        ods_code=code,
        name=name[:200],
        icb_code=icb_code,
        address=address[:300],
        postcode=postcode,
        is_active=status == ACTIVE_STATUS,
    )


@transaction.atomic
def organisations_import_epraccur(
    *,
    text: str,
    icb_names: Mapping[str, str] | None = None,
    by: Any = None,
    reason: str = DEFAULT_REASON,
) -> ImportResult:
    """Create or update GP practices (and their ICBs) from the text of an epraccur file.

    Idempotent: a second run with the same file changes nothing and writes no history.
    ``by`` is the acting user for the history rows (None for a command or the demo seed).
    """
    icb_names = dict(icb_names or {})
    rows, skipped, errors = parse_epraccur(text)
    result = ImportResult(skipped_other_settings=skipped, errors=errors)
    icbs = _ensure_icbs({r.icb_code for r in rows}, icb_names, by, reason, result)

    existing = {
        org.ods_code: org
        for org in Organisation.objects.filter(ods_code__in=[r.ods_code for r in rows])
    }
    to_create: list[Organisation] = []
    to_update: list[Organisation] = []
    for row in rows:
        icb = icbs.get(row.icb_code)
        if icb is None:
            result.errors.append(
                RowError(row.line, f"{row.ods_code}: {row.icb_code} is not an ICB")
            )
            continue
        wanted = {
            "name": row.name,
            "address": row.address,
            "postcode": row.postcode,
            "parent_icb_id": icb.pk,
            "is_active": row.is_active,
        }
        org = existing.get(row.ods_code)
        if org is None:
            to_create.append(
                Organisation(ods_code=row.ods_code, org_type=OrganisationType.GP_PRACTICE, **wanted)
            )
        elif org.org_type != OrganisationType.GP_PRACTICE:
            result.errors.append(
                RowError(
                    row.line,
                    f"{row.ods_code} is already a {org.get_org_type_display()}, not a GP practice",
                )
            )
        elif any(getattr(org, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(org, name, value)
            to_update.append(org)
        else:
            result.unchanged += 1

    if to_create:
        bulk_create_with_history(
            to_create,
            Organisation,
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            Organisation,
            ["name", "address", "postcode", "parent_icb", "is_active"],
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
    result.created = len(to_create)
    result.updated = len(to_update)
    result.errors.sort(key=lambda e: e.line)
    return result


def _ensure_icbs(
    codes: Iterable[str],
    names: Mapping[str, str],
    by: Any,
    reason: str,
    result: ImportResult,
) -> dict[str, Organisation]:
    """The ICBs for ``codes``, creating missing ones; renamed when ``names`` says so.

    A code held by an organisation that is not an ICB maps to nothing (the rows report it).
    """
    codes = set(codes)
    found = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=codes) if o.ods_code}
    icbs = {code: org for code, org in found.items() if org.org_type == OrganisationType.ICB}
    renamed = []
    for code, org in icbs.items():
        if code in names and org.name != names[code]:
            org.name = names[code]
            renamed.append(org)
    if renamed:
        bulk_update_with_history(
            renamed, Organisation, ["name"], default_user=by, default_change_reason=reason
        )
    new = [
        Organisation(
            ods_code=code,
            name=names.get(code, f"ICB {code}"),
            org_type=OrganisationType.ICB,
        )
        for code in sorted(codes - found.keys())
    ]
    if new:
        new = bulk_create_with_history(
            new, Organisation, default_user=by, default_change_reason=reason
        )
        icbs.update({org.ods_code: org for org in new if org.ods_code})
    result.icbs_created = len(new)
    result.icbs_renamed = len(renamed)
    return icbs
