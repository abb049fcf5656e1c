"""The ODS (epraccur) import of GP practices and ICBs."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from leder.models import Organisation, OrganisationType
from leder.services.organisations import (
    normalise_postcode,
    organisations_import_epraccur,
    parse_icb_names,
    tidy_case,
)
from leder.tests.factories import ICBFactory, OrganisationFactory

TINY = Path(__file__).parent / "fixtures" / "epraccur_tiny.csv"

pytestmark = pytest.mark.django_db


def epraccur_row(code: str, **overrides: str) -> list[str]:
    cells = [""] * 27
    cells[0] = code
    cells[1] = overrides.get("name", f"PRACTICE {code}")
    cells[3] = overrides.get("icb", "QTA")
    cells[4] = overrides.get("address", "1 HIGH STREET")
    cells[9] = overrides.get("postcode", "DM1 1AA")
    cells[12] = overrides.get("status", "A")
    cells[25] = overrides.get("setting", "4")
    return cells


def as_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_it_imports_gp_practices_and_creates_their_icbs() -> None:
    call_command("import_ods", str(TINY), stdout=io.StringIO())

    practices = Organisation.objects.gp_practices()
    assert sorted(practices.values_list("ods_code", flat=True)) == [
        "T81001",
        "T81002",
        "T81003",
        "T81004",
        "T81007",
        "T81008",
    ]
    riverside = practices.get(ods_code="T81001")
    assert riverside.name == "Riverside Medical Practice"
    assert riverside.address == "Riverside House, 1 Mill Lane, Eastmere"
    assert riverside.postcode == "DM1 1AA"
    assert riverside.parent_icb.ods_code == "QTA"
    assert riverside.parent_icb.org_type == OrganisationType.ICB
    assert riverside.parent_icb.name == "ICB QTA"
    assert practices.get(ods_code="T81004").postcode == "DM2 4AE"


def test_it_imports_closed_and_dormant_practices_inactive() -> None:
    call_command("import_ods", str(TINY), stdout=io.StringIO())

    inactive = Organisation.objects.gp_practices().filter(is_active=False)
    assert set(inactive.values_list("ods_code", flat=True)) == {"T81003", "T81007"}


def test_it_skips_rows_of_other_prescribing_settings() -> None:
    out = io.StringIO()
    call_command("import_ods", str(TINY), stdout=out)

    assert not Organisation.objects.filter(ods_code__in=["T81005", "T81006"]).exists()
    assert "2 rows of other prescribing settings skipped" in out.getvalue()


def test_it_is_idempotent_and_writes_history_once() -> None:
    call_command("import_ods", str(TINY), stdout=io.StringIO())
    history_rows = Organisation.history.count()
    out = io.StringIO()

    call_command("import_ods", str(TINY), stdout=out)

    assert Organisation.history.count() == history_rows
    assert "0 created, 0 updated, 6 unchanged" in out.getvalue()
    assert Organisation.objects.count() == 8  # 6 practices + 2 ICBs


def test_it_records_history_with_the_change_reason() -> None:
    call_command("import_ods", str(TINY), stdout=io.StringIO())

    record = Organisation.history.get(ods_code="T81001")
    assert record.history_type == "+"
    assert record.history_change_reason == "ODS import"
    assert record.history_user is None


def test_it_updates_changed_practices_with_a_history_row() -> None:
    icb = ICBFactory(ods_code="QTA", name="NHS Test Integrated Care Board")
    practice = OrganisationFactory(
        ods_code="T81001",
        org_type=OrganisationType.GP_PRACTICE,
        name="Old name",
        parent_icb=icb,
        secure_email="riverside@nhs.net",
    )

    call_command("import_ods", str(TINY), stdout=io.StringIO())

    practice.refresh_from_db()
    assert practice.name == "Riverside Medical Practice"
    assert practice.secure_email == "riverside@nhs.net"  # local settings are kept
    icb.refresh_from_db()
    assert icb.name == "NHS Test Integrated Care Board"  # no names file: existing name kept
    latest = practice.history.first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "ODS import"


def test_it_moves_a_practice_to_its_new_icb() -> None:
    organisations_import_epraccur(text=as_csv([epraccur_row("T90001", icb="QTA")]))
    organisations_import_epraccur(text=as_csv([epraccur_row("T90001", icb="QTB")]))

    assert Organisation.objects.get(ods_code="T90001").parent_icb.ods_code == "QTB"


def test_it_names_icbs_from_the_names_file(tmp_path: Path) -> None:
    names = tmp_path / "icbs.csv"
    names.write_text("Code,Name\nQTA,NHS TEST AREA INTEGRATED CARE BOARD\n")

    call_command("import_ods", str(TINY), "--icb-names", str(names), stdout=io.StringIO())

    assert Organisation.objects.get(ods_code="QTA").name == "NHS Test Area Integrated Care Board"
    assert Organisation.objects.get(ods_code="QTB").name == "ICB QTB"


def test_it_reports_bad_rows_by_line_and_imports_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "epraccur.csv"
    path.write_text(
        as_csv(
            [
                epraccur_row("T90001"),
                epraccur_row("T90002", status="X"),
                ["T90003", "TOO SHORT"],
                epraccur_row("T90004", postcode="NOT A POSTCODE"),
                epraccur_row("T90005", icb=""),
                epraccur_row("T90001"),
                epraccur_row("T90006", setting="four"),
                epraccur_row("T90007"),
            ]
        )
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="6 rows could not be imported"):
        call_command("import_ods", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines == [
        f"{path}: line 2: T90002: status 'X' is not one of A, C, D, P",
        f"{path}: line 3: expected 27 columns, found 2",
        f"{path}: line 4: T90004: postcode 'NOT A POSTCODE' is not a UK postcode",
        f"{path}: line 5: T90005: ICB code (column 4) '' is not an ICB code",
        f"{path}: line 6: T90001 appears again (first on line 1)",
        f"{path}: line 7: T90006: prescribing setting 'four' is not a number",
    ]
    assert set(Organisation.objects.gp_practices().values_list("ods_code", flat=True)) == {
        "T90001",
        "T90007",
    }


def test_it_refuses_to_turn_another_organisation_into_a_practice() -> None:
    OrganisationFactory(ods_code="T90001", org_type=OrganisationType.NHS_TRUST)

    result = organisations_import_epraccur(text=as_csv([epraccur_row("T90001")]))

    assert [str(e) for e in result.errors] == [
        "line 1: T90001 is already a NHS trust, not a GP practice"
    ]
    assert Organisation.objects.get(ods_code="T90001").org_type == OrganisationType.NHS_TRUST


def test_it_skips_a_header_row() -> None:
    header = ["Organisation Code", "Name", *[f"Column {n}" for n in range(3, 28)]]
    result = organisations_import_epraccur(text=as_csv([header, epraccur_row("T90001")]))

    assert result.errors == []
    assert result.created == 1


def test_dry_run_saves_nothing() -> None:
    out = io.StringIO()
    call_command("import_ods", str(TINY), "--dry-run", stdout=out)

    assert "Dry run" in out.getvalue()
    assert "6 created" in out.getvalue()
    assert not Organisation.objects.exists()


def test_it_reports_a_missing_file() -> None:
    with pytest.raises(CommandError, match=r"Cannot read /nonexistent\.csv"):
        call_command("import_ods", "/nonexistent.csv")


def test_it_imports_a_national_sized_file_quickly(tmp_path: Path) -> None:
    """About 6,500 practices in England: the import stays a few seconds, not minutes."""
    rows = [
        epraccur_row(f"T{n:05d}", icb=f"Q{n % 42:02d}", postcode=f"DM{n % 9 + 1} {n % 10}AB")
        for n in range(6500)
    ]
    text = as_csv(rows)

    started = time.monotonic()
    result = organisations_import_epraccur(text=text)
    first = time.monotonic() - started
    started = time.monotonic()
    again = organisations_import_epraccur(text=text)
    second = time.monotonic() - started

    assert (result.created, result.icbs_created, again.unchanged) == (6500, 42, 6500)
    assert Organisation.history.count() == 6500 + 42
    assert first < 30, f"first import took {first:.1f} s"
    assert second < 15, f"re-import took {second:.1f} s"
    print(f"6,500 rows: first import {first:.2f} s, unchanged re-import {second:.2f} s")


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("THE OLD SCHOOL SURGERY", "The Old School Surgery"),
        ("ST. MARY'S HEALTH CENTRE", "St. Mary's Health Centre"),
        ("NHS WEST YORKSHIRE ICB", "NHS West Yorkshire ICB"),
        ("DR SMITH & PARTNERS (WEST-END)", "Dr Smith & Partners (West-End)"),
        ("HOUSE OF THE RISING SUN", "House of the Rising Sun"),
        ("Already Mixed case", "Already Mixed case"),
        ("12A HIGH STREET", "12A High Street"),
    ],
)
def test_tidy_case(raw: str, tidy: str) -> None:
    assert tidy_case(raw) == tidy


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("ls14ap", "LS1 4AP"), ("SW1A 1AA", "SW1A 1AA"), (" m1  1ae ", "M1 1AE"), ("12345", None)],
)
def test_normalise_postcode(raw: str, normalised: str | None) -> None:
    assert normalise_postcode(raw) == normalised


def test_parse_icb_names_reports_bad_rows() -> None:
    names, errors = parse_icb_names("QTA,NHS Test ICB\nnot a code!,X\nQTB,\n")

    assert names == {"QTA": "NHS Test ICB"}
    assert [str(e) for e in errors] == [
        "line 2: 'NOT A CODE!' is not an ICB code",
        "line 3: no name for ICB QTB",
    ]
