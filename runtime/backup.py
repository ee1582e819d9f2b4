"""``mallkit backup`` / ``mallkit restore``: the database, the media folder and a manifest.

A backup is a folder: ``database.pgdump`` (``pg_dump`` custom format) or
``database.sqlite3`` (SQLite's online backup API: a consistent copy while the app runs),
``media/`` (a copy of ``DATA_DIR/media``) and ``manifest.json`` (backend, schema revision, row
count per table, SHA-256 per file). Both connect as the tables' owner
(``MALLKIT_MIGRATION_DATABASE_URL``), whom row-level security lets see every shop.
Restoring checks the checksums, refuses a database that has rows unless forced, loads the
database and the media, and checks the row counts. Redis is not backed up: the caller then
runs every periodic sweeper once, which finds what the lost timers would have done (see
:func:`rebuild_redis_state`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url

from runtime.clock import utcnow
from runtime.db import make_engine, set_connection_context
from runtime.migrate import app_role_of, database_heads, secure_database
from runtime.schema_ledger import LEDGER_TABLE, VERSION_TABLE
from runtime.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why."""


def _pg_url(database_url: str) -> str:
    """The libpq form (``postgresql://``) of a SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


def _run(args: list[str]) -> None:
    """Run pg_dump / pg_restore as the tables' owner, whom row-level security lets see
    every shop's rows."""
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


def _tables(conn: Connection) -> list[str]:
    """The data tables: not Alembic's nor the schema ledger (migration bookkeeping), not
    SQLite full-text indexes (virtual tables and their shadow tables are rebuilt from the
    data they index)."""
    derived: tuple[str, ...] = ()
    if conn.dialect.name == "sqlite":
        derived = tuple(conn.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%'")))
    return sorted(t for t in inspect(conn).get_table_names()
                  if t not in (VERSION_TABLE, LEDGER_TABLE) and not t.startswith(derived))


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the whole database (every shop)."""
    with engine.begin() as conn:
        set_connection_context(conn, None, platform=True)
        quote = engine.dialect.identifier_preparer.quote
        return {t: conn.scalar(text(f"SELECT count(*) FROM {quote(t)}"))
                for t in _tables(conn)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksums(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _sha256(p)
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST}


def create_backup(settings: Settings, dest: Path) -> dict[str, Any]:
    """Write a backup of ``settings``' database and media into the new folder ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.owner_database_url)
    try:
        if engine.dialect.name == "postgresql":
            # the private schema (the context seal's secret, the app's key) stays with the
            # database it belongs to; a restore makes its own
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  "--enable-row-security", "--exclude-schema=mallkit_private",
                  f"--file={dest / PG_DUMP}", f"--dbname={_pg_url(settings.owner_database_url)}"])
        else:
            source = sqlite3.connect(make_url(settings.owner_database_url).database)
            target = sqlite3.connect(dest / SQLITE_COPY)
            with target:
                source.backup(target)
            source.close()
            target.close()
        media = settings.data_dir / MEDIA
        if media.is_dir():
            shutil.copytree(media, dest / MEDIA)
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().astimezone(UTC).isoformat(),
            "backend": engine.dialect.name,
            "schema_revision": sorted(database_heads(engine)),
            "tables": row_counts(engine),
            "files": _checksums(dest),
        }
    finally:
        engine.dispose()
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def read_manifest(src: Path) -> dict[str, Any]:
    """The backup's manifest, after checking that every file it lists is intact."""
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} has no readable {MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    found = _checksums(src)
    bad = sorted(name for name, digest in manifest["files"].items() if found.get(name) != digest)
    extra = sorted(set(found) - set(manifest["files"]))
    if bad or extra:
        raise BackupError(f"the backup is damaged: changed or missing {bad}, unlisted {extra}")
    return manifest


def restore_backup(settings: Settings, src: Path, *, force: bool = False) -> dict[str, Any]:
    """Load the backup in ``src`` into ``settings``' database and media folder. A database
    with any row is refused unless ``force`` (its rows and media are then replaced)."""
    manifest = read_manifest(src)
    engine = make_engine(settings.owner_database_url)
    try:
        if engine.dialect.name != manifest["backend"]:
            raise BackupError(f"the backup is of a {manifest['backend']} database, "
                              f"this one is {engine.dialect.name}")
        existing = {t: n for t, n in row_counts(engine).items() if n}
        if existing and not force:
            raise BackupError(f"the database is not empty ({sum(existing.values())} rows in "
                              f"{len(existing)} tables); restore with --force to replace it")
        if engine.dialect.name == "postgresql":
            engine.dispose()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error",
                  f"--dbname={_pg_url(settings.owner_database_url)}", str(src / PG_DUMP)])
            with engine.begin() as conn:  # privileges are not restored: set them again
                secure_database(conn, secret_key=settings.secret_key,
                                app_role=app_role_of(settings))
        else:
            engine.dispose()
            source = sqlite3.connect(src / SQLITE_COPY)
            target = sqlite3.connect(make_url(settings.owner_database_url).database)
            with target:
                source.backup(target)
            source.close()
            target.close()
        media = settings.data_dir / MEDIA
        if media.exists():
            shutil.rmtree(media)
        if (src / MEDIA).is_dir():
            shutil.copytree(src / MEDIA, media)
        restored = row_counts(engine)
        if restored != manifest["tables"]:
            raise BackupError("row counts after the restore differ from the manifest: "
                              f"{_differences(manifest['tables'], restored)}")
    finally:
        engine.dispose()
    return manifest


def _differences(want: dict[str, int], have: dict[str, int]) -> dict[str, tuple[Any, Any]]:
    return {t: (want.get(t), have.get(t)) for t in sorted(set(want) | set(have))
            if want.get(t) != have.get(t)}


def rebuild_redis_state() -> dict[str, str]:
    """Run every periodic sweeper once (in the app context): they close what is overdue and
    re-queue what lost its job. Returns each sweeper's result or error."""
    from runtime.extension import state

    results: dict[str, str] = {}
    for item in state().modules.periodic.values():
        try:
            results[item.name] = repr(item.func())
        except Exception as exc:  # one broken sweeper must not hide the others
            results[item.name] = f"failed: {exc}"
    return results
