"""PostgreSQL databases for test runs: a pool of reusable databases instead of one created
and dropped per run.

``DROP DATABASE`` makes PostgreSQL 15 take an immediate checkpoint of the whole cluster and
wait for it: 20-50 s per run on the shared development machine (measured 2026-12-06), paid
once per xdist worker and once per scratch database. So a run *claims* a pool database
``mallkit_t_pool_<n>`` by taking a session-level advisory lock on it (held on an admin
connection until the run ends, released by PostgreSQL even if the run is killed), which keeps
parallel runs — other worktrees, other xdist workers — apart as before. A claimed database
whose migrations fingerprint (the content of every migration file and of the migration code)
differs from the one noted on it (``COMMENT ON DATABASE``) has its schema dropped and is
migrated again; one that matches is only emptied. Each database is owned by a plain
migration role and used by a plain app role that owns nothing (``tests.pg_roles``), so
row-level security applies to every test as in production. (These pool databases are named
``mallkit_t_rls_pool_<n>``: runs of code from before the two roles keep to their own.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from runtime.db import make_engine
from runtime.migrate import MIGRATIONS_DIR, upgrade, version_locations
from tests.pg_roles import APP_ROLE, OWNER_ROLE, SECRET_KEY, owner_url
from tests.wipe import wipe_database

LOCK_CLASS = 47111  # advisory lock key space of the test pool (first half of the key)
MAX_SLOTS = 64
SCRATCH = "scratch"
RUNTIME = Path(__file__).resolve().parents[1] / "runtime"


def migrations_fingerprint() -> str:
    """A digest of everything that decides the migrated schema."""
    files = sorted({*MIGRATIONS_DIR.rglob("*.py"), RUNTIME / "migrate.py",
                    RUNTIME / "schema_ledger.py",
                    *(p for folder in version_locations() for p in Path(folder).glob("*.py"))})
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


class PooledDatabase:
    """One claimed pool database: ``url`` (as the plain role) until :meth:`release`."""

    def __init__(self, admin_url: str) -> None:
        self._admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
        self._conn: Connection | None = self._admin.connect()
        _ensure_roles(self._conn)
        self.name = self._claim(self._conn)
        if not self._conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": self.name}):
            self._conn.execute(text(f'CREATE DATABASE "{self.name}" OWNER {OWNER_ROLE}'))
        self._admin_url = make_url(admin_url).set(database=self.name)
        self.url = self._admin_url.set(username=APP_ROLE, password=None) \
            .render_as_string(hide_password=False)

    @staticmethod
    def _claim(conn: Connection) -> str:
        for slot in range(MAX_SLOTS):
            if conn.scalar(text("SELECT pg_try_advisory_lock(:c, :s)"),
                           {"c": LOCK_CLASS, "s": slot}):
                return f"mallkit_t_rls_pool_{slot}"
        raise RuntimeError(f"all {MAX_SLOTS} test databases are in use")

    def noted(self) -> str:
        return self._conn.scalar(text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = :n"), {"n": self.name}) or ""

    def note(self, value: str) -> None:
        self._conn.execute(text(f"COMMENT ON DATABASE \"{self.name}\" IS '{value}'"))

    def reset_schema(self) -> None:
        """An empty database again: everything in the public schema (and the owner's private
        one) goes (no checkpoint); the migration role owns the new schema."""
        self.note("")
        engine = create_engine(self._admin_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS mallkit_private CASCADE"))
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text(f"CREATE SCHEMA public AUTHORIZATION {OWNER_ROLE}"))
        engine.dispose()

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()  # closing the session releases its advisory lock
            self._conn = None
        self._admin.dispose()


def _ensure_roles(conn: Connection) -> None:
    for role in (OWNER_ROLE, APP_ROLE):
        conn.execute(text(
            f"DO $$ BEGIN CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"))


def migrated_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """A claimed pool database at the code's migration heads with no rows; returns its URL
    and the function that gives it back."""
    db = PooledDatabase(admin_url)
    try:
        fingerprint = migrations_fingerprint()
        if db.noted() != fingerprint:
            db.reset_schema()
            engine = make_engine(owner_url(db.url))
            upgrade(engine, secret_key=SECRET_KEY, app_role=APP_ROLE)
            engine.dispose()
            db.note(fingerprint)
        else:  # a run that was killed may have left rows behind
            engine = make_engine(db.url)
            wipe_database(engine)
            engine.dispose()
    except BaseException:
        db.release()
        raise
    return db.url, db.release


def scratch_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """A claimed pool database with an empty schema (for tests that migrate themselves)."""
    db = PooledDatabase(admin_url)
    try:
        db.reset_schema()
        db.note(SCRATCH)
    except BaseException:
        db.release()
        raise
    return db.url, db.release
