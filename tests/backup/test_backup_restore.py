"""Backup and restore (docs/operations.md, "Backups and restore"): data with uploaded files
is dumped with ``python -m leder.backup dump``, restored into a database created for the
test and an empty media directory, and checked here independently of the tool: the row
count of every table and the SHA-256 of every file match the source."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from leder import backup

pytestmark = [pytest.mark.backup, pytest.mark.django_db(transaction=True)]


def url_for(name: str) -> str:
    """A libpq URL for database ``name`` on the test server (TCP or the embedded socket)."""
    db = connection.settings_dict
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or ""  # embedded: a socket dir
    query = {"host": host, "port": str(db.get("PORT") or "")}
    query.update({"user": db.get("USER") or "", "password": db.get("PASSWORD") or ""})
    params = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items() if v)
    return f"postgresql:///{quote(name)}" + (f"?{params}" if params else "")


def counts(url: str) -> dict[str, int]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT relname FROM pg_stat_user_tables ORDER BY relname")
            tables = [row[0] for row in cursor.fetchall()]
            found = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                found[table] = cursor.fetchone()[0]
            return found
    finally:
        conn.close()


def checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def drop(name: str) -> None:
    conn = psycopg2.connect(url_for("postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture
def world(icb, make_user):
    """A completed review with uploaded GP records, action evidence and a notification."""
    from governance.tests.factories import make_action, submitted_case
    from leder.roles import Role
    from notifications.tests.factories import NotificationFactory
    from reviews.records.models import RecordFile
    from reviews.records.tests.factories import RecordRequestFactory

    lac = make_user(Role.LAC)
    case = submitted_case(icb, lac, given_name="Backup", family_name="Person")
    NotificationFactory.create_batch(5, icb=icb)
    make_action(icb=icb, by=lac)
    request = RecordRequestFactory(case=case)
    for i in range(5):
        content = os.urandom(50_000 + i * 1000)
        name = default_storage.save(f"records/{uuid.uuid4().hex}", ContentFile(content))
        RecordFile.objects.create(
            request=request,
            storage_name=name,
            original_name=f"record {i}.pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            file_type="pdf",
            scan="not_scanned",
        )
    default_storage.save("evidence/nested/minutes.docx", ContentFile(b"PK\x03\x04 evidence"))
    return case


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leder.backup", *args],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
        timeout=300,
    )


def test_a_dump_restores_into_a_fresh_database_with_every_row_and_file(world, tmp_path):
    source_url = url_for(connection.settings_dict["NAME"])
    media = Path(settings.MEDIA_ROOT)
    before_rows, before_files = counts(source_url), checksums(media)
    assert before_files and sum(before_rows.values()) > 100

    started = time.monotonic()
    dumped = run(
        "dump", str(tmp_path / "backup"), "--database-url", source_url, "--media", str(media)
    )
    dump_seconds = time.monotonic() - started
    assert dumped.returncode == 0, dumped.stderr
    assert oct((tmp_path / "backup").stat().st_mode)[-3:] == "700"
    assert run("verify", str(tmp_path / "backup")).returncode == 0

    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    restored_media = tmp_path / "restored-media"
    try:
        started = time.monotonic()
        restored = run(
            "restore",
            str(tmp_path / "backup"),
            "--database-url",
            url_for(name),
            "--media",
            str(restored_media),
            "--create",
        )
        restore_seconds = time.monotonic() - started
        assert restored.returncode == 0, restored.stderr
        after_rows = counts(url_for(name))
        assert after_rows == before_rows
        assert checksums(restored_media) == before_files
        # Restoring again over it is refused: only into an empty database.
        again = run(
            "restore",
            str(tmp_path / "backup"),
            "--database-url",
            url_for(name),
            "--media",
            str(tmp_path / "other-media"),
        )
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        drop(name)
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "backup").iterdir()}
    print(
        f"\nbackup: {len(before_rows)} tables, {sum(before_rows.values())} rows, "
        f"{len(before_files)} files; database.dump {sizes['database.dump']:,} bytes, "
        f"media.tar.gz {sizes['media.tar.gz']:,} bytes; dump {dump_seconds:.2f} s, "
        f"restore and check {restore_seconds:.2f} s"
    )


def test_a_damaged_backup_is_refused_before_anything_is_restored(world, tmp_path):
    source_url = url_for(connection.settings_dict["NAME"])
    manifest = backup.dump(
        tmp_path / "b", database_url=source_url, media_root=Path(settings.MEDIA_ROOT)
    )
    assert manifest["tables"] == counts(source_url)
    dump_file = tmp_path / "b" / "database.dump"
    data = bytearray(dump_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump_file.write_bytes(bytes(data))
    target = tmp_path / "media"
    with pytest.raises(backup.BackupError, match=r"database\.dump does not match"):
        backup.restore(tmp_path / "b", database_url=url_for("never_created"), media_root=target)
    assert not target.exists()
