"""Back up and restore the database and the uploaded files, with a checksum manifest.

    python -m leder.backup dump DIR [--database-url URL] [--media DIR]
    python -m leder.backup restore DIR --database-url URL --media DIR [--create]
    python -m leder.backup verify DIR

``dump`` writes into a new directory ``DIR``: ``database.dump`` (``pg_dump
--format=custom``), ``media.tar.gz`` (every file under the media root), ``manifest.json``
(row counts per table, SHA-256 of every media file, tool and server versions, time taken)
and ``SHA256SUMS`` (``sha256sum -c`` format, for the two archives and the manifest).

``restore`` checks ``SHA256SUMS`` first, then restores into an **empty** database
(``--create`` makes it with ``CREATE DATABASE``) with ``pg_restore --no-owner --no-acl
--exit-on-error --single-transaction``, unpacks the media into an empty directory (no
absolute paths, no ``..``, no links: tarfile's ``data`` filter), and compares the restored
row counts and file checksums with the manifest; any difference exits 1.

The database URL is libpq's (``postgres://user@host:5432/name``, or
``postgresql:///name?host=/socket/dir``); it defaults to ``DATABASE_URL``, the media root to
``LEDER_MEDIA_ROOT``. Passwords: prefer ``PGPASSWORD`` or ``~/.pgpass`` to one in the URL
(a URL shows in the process list). docs/operations.md, "Backups and restore".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every regular file under ``root``, by path relative to it (POSIX)."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _connect(url: str) -> Any:
    import psycopg2

    return psycopg2.connect(_libpq(url))


def _libpq(url: str) -> str:
    """Django-style ``postgres://`` is libpq's too; only the scheme name is normalised."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in {"postgres", "postgresql"}:
        raise BackupError("the database URL must start postgres:// or postgresql://")
    return f"postgresql://{rest}"


def _count(cursor: Any) -> dict[str, int]:
    from psycopg2 import sql

    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the ``public`` schema."""
    conn = _connect(url)
    try:
        with conn.cursor() as cursor:
            return _count(cursor)
    finally:
        conn.close()


def _server_version(url: str) -> str:
    with _connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    conn.close()
    return str(version)


def _tool_version(tool: str) -> str:
    return subprocess.run(  # noqa: S603 - our own argument list, no shell
        [tool, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()


def _major(version: str) -> int:
    found = re.search(r"(\d+)", version)
    return int(found.group(1)) if found else 0


def _tool(name: str, database_url: str) -> str:
    """``pg_dump`` / ``pg_restore`` able to read the server: the first of
    ``$LEDER_PG_BIN``, the ``PATH`` and the embedded PostgreSQL's own (pgserver, used by
    ``make run`` and ``make test`` when ``DATABASE_URL`` is unset) whose major version is
    at least the server's (pg_dump refuses a newer server)."""
    candidates = []
    if os.environ.get("LEDER_PG_BIN"):
        candidates.append(str(Path(os.environ["LEDER_PG_BIN"]) / name))
    candidates.append(shutil.which(name) or "")
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:  # the production image has no embedded server
        pass
    server = _major(_server_version(database_url))
    found = [c for c in candidates if c and os.access(c, os.X_OK)]
    for candidate in found:
        if _major(_tool_version(candidate).rsplit(" ", 1)[-1]) >= server:
            return candidate
    raise BackupError(
        f"no {name} for PostgreSQL {server} (looked at: {', '.join(found) or 'none found'}); "
        "install the PostgreSQL client of the server's version or set LEDER_PG_BIN"
    )


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True)  # noqa: S603 - no shell
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:2000]}")


def dump(out: Path, *, database_url: str, media_root: Path) -> dict[str, Any]:
    """Write a backup into the new directory ``out``; returns the manifest."""
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=False)
    os.chmod(out, 0o700)  # special-category data: owner only
    # The counts and the dump read the same snapshot: a live service may write meanwhile.
    import psycopg2.extensions

    conn = _connect(database_url)
    try:
        conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor)
            pg_dump = _tool("pg_dump", database_url)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-acl",
                    f"--snapshot={snapshot}",
                    f"--file={out / DUMP}",
                    f"--dbname={_libpq(database_url)}",
                ]
            )
    finally:
        conn.close()
    files = media_checksums(media_root)
    with tarfile.open(out / MEDIA, "w:gz") as tar:
        for name in files:
            tar.add(media_root / name, arcname=name, recursive=False)
    manifest = {
        "format": 1,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "pg_dump": _tool_version(pg_dump),
        "server_version": _server_version(database_url),
        "tables": counts,
        "rows": sum(counts.values()),
        "media_files": files,
        "sizes": {DUMP: (out / DUMP).stat().st_size, MEDIA: (out / MEDIA).stat().st_size},
        "seconds": round(time.monotonic() - started, 2),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    (out / SUMS).write_text(
        "".join(f"{sha256_of(out / name)}  {name}\n" for name in (DUMP, MEDIA, MANIFEST))
    )
    for name in (DUMP, MEDIA, MANIFEST, SUMS):
        os.chmod(out / name, 0o600)
    return manifest


def verify(backup: Path) -> dict[str, Any]:
    """Check ``SHA256SUMS``; returns the manifest. Raises BackupError on any mismatch."""
    sums = backup / SUMS
    if not sums.exists():
        raise BackupError(f"{sums} is missing: not a backup made by leder.backup")
    expected = {}
    for line in sums.read_text().splitlines():
        digest, name = line.split("  ", 1)
        expected[name] = digest
    if set(expected) != {DUMP, MEDIA, MANIFEST}:
        raise BackupError(f"{SUMS} does not list {DUMP}, {MEDIA} and {MANIFEST}")
    for name, digest in expected.items():
        if not (backup / name).exists() or sha256_of(backup / name) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return json.loads((backup / MANIFEST).read_text())


def _database_is_empty(url: str) -> bool:
    with _connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        empty = cursor.fetchone()[0] == 0
    conn.close()
    return bool(empty)


def _create_database(url: str) -> None:
    """``CREATE DATABASE`` the URL's database, connected to the server's ``postgres``."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(_libpq(url))
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise BackupError("the database URL names no database")
    admin = f"postgresql://{parts.netloc}/postgres" + (f"?{parts.query}" if parts.query else "")
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def restore(
    backup: Path, *, database_url: str, media_root: Path, create: bool = False
) -> dict[str, Any]:
    """Restore ``backup`` into an empty database and media directory, then check it
    against the manifest. Returns a summary; raises BackupError on any difference."""
    started = time.monotonic()
    manifest = verify(backup)
    if create:
        _create_database(database_url)
    if not _database_is_empty(database_url):
        raise BackupError("the target database is not empty: restore into a new database")
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore into a new media directory")
    _run(
        [
            _tool("pg_restore", database_url),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_libpq(database_url)}",
            str(backup / DUMP),
        ]
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup / MEDIA, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    counts = row_counts(database_url)
    files = media_checksums(media_root)
    wrong_tables = sorted(
        t
        for t in set(counts) | set(manifest["tables"])
        if counts.get(t) != manifest["tables"].get(t)
    )
    wrong_files = sorted(
        f
        for f in set(files) | set(manifest["media_files"])
        if files.get(f) != manifest["media_files"].get(f)
    )
    if wrong_tables or wrong_files:
        raise BackupError(
            f"the restore differs from the backup: tables {wrong_tables[:20]}, "
            f"files {wrong_files[:20]}"
        )
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(files),
        "seconds": round(time.monotonic() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leder.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("dump", "restore", "verify"):
        sub = commands.add_parser(name)
        sub.add_argument("directory", type=Path)
        if name == "verify":
            continue
        sub.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
        sub.add_argument("--media", type=Path, default=os.environ.get("LEDER_MEDIA_ROOT", ""))
        if name == "restore":
            sub.add_argument("--create", action="store_true", help="CREATE DATABASE first")
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            manifest = verify(args.directory)
            print(
                f"{args.directory}: checksums match; {len(manifest['tables'])} tables, "
                f"{manifest['rows']} rows, {len(manifest['media_files'])} files"
            )
            return 0
        if not args.database_url or not str(args.media):
            parser.error("give --database-url and --media (or DATABASE_URL, LEDER_MEDIA_ROOT)")
        if args.command == "dump":
            manifest = dump(args.directory, database_url=args.database_url, media_root=args.media)
            print(
                f"{args.directory}: {len(manifest['tables'])} tables, {manifest['rows']} rows, "
                f"{len(manifest['media_files'])} files, database {manifest['sizes'][DUMP]} "
                f"bytes, media {manifest['sizes'][MEDIA]} bytes, {manifest['seconds']} s"
            )
        else:
            summary = restore(
                args.directory,
                database_url=args.database_url,
                media_root=args.media,
                create=args.create,
            )
            print(
                f"Restored and checked: {summary['tables']} tables, {summary['rows']} rows, "
                f"{summary['files']} files match the manifest ({summary['seconds']} s)"
            )
    except BackupError as error:
        print(f"leder.backup: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
