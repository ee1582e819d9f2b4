"""Applying and checking the Alembic migrations from code (``mallkit db ...``, start-up)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from runtime import schema_ledger
from runtime.db import context_key
from runtime.migrations.rls import ensure_context_functions
from runtime.modules.loader import Discovered, discover, migration_folders
from runtime.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


log = structlog.get_logger(__name__)


class SchemaOutOfDate(RuntimeError):
    """The database is behind (or ahead of) the code's migrations."""


class ForgetRefused(RuntimeError):
    """``mallkit module forget`` cannot forget that module (installed, or nothing recorded)."""


def version_locations(found: Iterable[Discovered] | None = None) -> list[Path]:
    """The platform's version folder and each module's own (``Module.migrations``)."""
    modules = discover() if found is None else found
    return [MIGRATIONS_DIR / "versions", *migration_folders(modules)]


def alembic_config(found: Iterable[Discovered] | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations",
                        os.pathsep.join(str(p) for p in version_locations(found)))
    return cfg


def upgrade(engine: Engine, target: str = "heads", *, secret_key: str | None = None,
            app_role: str | None = None, found: Iterable[Discovered] | None = None) -> None:
    """Apply migrations as the tables' owner; ``secret_key`` lets a migration re-seal stored
    credentials and (PostgreSQL) registers the app's context key; ``app_role`` is the role
    the app connects as, given row rights on every table (now and made later) and nothing
    else. The version rows of a module no longer installed are set aside while Alembic runs
    (it cannot read a revision whose file is gone) and put back after; the schema ledger is
    rewritten for the installed modules."""
    found = list(discover() if found is None else found)
    cfg = alembic_config(found)
    script = ScriptDirectory.from_config(cfg)
    with engine.begin() as connection:
        change = _set_aside(connection, script, found)
        schema_ledger.apply(connection, change)
        cfg.attributes["connection"] = connection
        cfg.attributes["secret_key"] = secret_key
        command.upgrade(cfg, target)
        schema_ledger.restore(connection, change)
        schema_ledger.record(connection, script, found)
        secure_database(connection, secret_key=secret_key, app_role=app_role)


def _set_aside(connection: Connection, script: ScriptDirectory,
               found: list[Discovered]) -> schema_ledger.SetAside:
    try:
        change = schema_ledger.plan(schema_ledger.version_rows(connection), script,
                                    schema_ledger.absent(connection, found).values())
    except schema_ledger.UnknownRevision as exc:
        raise SchemaOutOfDate(str(exc)) from None
    if change.modules:
        log.warning("modules_not_installed", modules=change.modules, revisions=change.removed,
                    hint="their tables and version rows stay; `mallkit module forget ID "
                         "[--drop-tables]` removes them")
    return change


def secure_database(connection: Connection, *, secret_key: str | None,
                    app_role: str | None) -> None:
    """After migrating or restoring (PostgreSQL, as the owner): the context functions in
    place, the app's context key registered, the app's role given row rights only."""
    if connection.dialect.name != "postgresql":
        return
    ensure_context_functions(connection)
    restrict_owner_functions(connection)
    if secret_key:
        register_context_key(connection, context_key(secret_key))
    if app_role and app_role != connection.engine.url.username:
        grant_app_role(connection, app_role)


#: the context functions every role may call (each checks what it is given)
OPEN_FUNCTIONS = ("mallkit_set_context", "mallkit_context_shop", "mallkit_context_platform")


def restrict_owner_functions(connection: Connection) -> None:
    """No EXECUTE for PUBLIC on the owner's other SECURITY DEFINER functions in the public
    schema (e.g. the catalog's statistics refresh): only the owner and the app's role
    (:func:`grant_app_role`) call them. Their migrations revoke it; this does it again after
    a restore, which re-creates functions with PostgreSQL's default EXECUTE for PUBLIC."""
    open_names = ", ".join(f"'{name}'" for name in OPEN_FUNCTIONS)
    connection.exec_driver_sql(f"""
        DO $$ DECLARE f regprocedure; BEGIN
          FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'public' AND p.prosecdef
                     AND pg_get_userbyid(p.proowner) = current_user
                     AND p.proname NOT IN ({open_names}) LOOP
            EXECUTE 'REVOKE EXECUTE ON FUNCTION ' || f::text || ' FROM PUBLIC';
          END LOOP;
        END $$""")


def app_role_of(settings: Settings) -> str | None:
    """The app's own role when migrations connect as another (the owner)."""
    if not settings.migration_database_url:
        return None
    return make_url(settings.database_url).username


def register_context_key(connection: Connection, key: str) -> None:
    """Make ``key`` the one the database's ``mallkit_set_context`` accepts (a key derived
    from an older secret key stops working)."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    connection.execute(text("DELETE FROM mallkit_private.context_keys WHERE key_sha256 <> :d"),
                       {"d": digest})
    connection.execute(text("INSERT INTO mallkit_private.context_keys (key_sha256) VALUES (:d) "
                            "ON CONFLICT DO NOTHING"), {"d": digest})


def grant_app_role(connection: Connection, role: str) -> None:
    """Row rights (SELECT, INSERT, UPDATE, DELETE) for the app's role on every table of the
    schema and on those later migrations create, and EXECUTE on its functions (the context
    functions; owner functions a module made for the app, e.g. the catalog's statistics
    refresh, which no other role may call); no DDL, no TRUNCATE, no private schema."""
    quoted = connection.dialect.identifier_preparer.quote(role)
    for statement in (
            f"GRANT USAGE ON SCHEMA public TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
            f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE "
            f"ON TABLES TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES "
            f"TO {quoted}"):
        connection.exec_driver_sql(statement)


def downgrade(engine: Engine, target: str, *, secret_key: str | None = None) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        cfg.attributes["secret_key"] = secret_key
        command.downgrade(cfg, target)


def code_heads(found: Iterable[Discovered] | None = None) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(found)).get_heads())


def database_heads(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(schema_ledger.version_rows(connection))


def check_schema(engine: Engine, found: Iterable[Discovered] | None = None) -> None:
    """Refuse to run against a schema that is not exactly at the code's migration heads. The
    version rows of a recorded module that is no longer installed are ignored (logged)."""
    found = list(discover() if found is None else found)
    script = ScriptDirectory.from_config(alembic_config(found))
    with engine.connect() as connection:
        rows = schema_ledger.version_rows(connection)
        change = _set_aside(connection, script, found)
    have = (set(rows) - set(change.removed)) | set(change.added)
    want = set(script.get_heads())
    if have != want and not _heads_applied(have, want, script):
        missing = ", ".join(sorted(want - have)) or "none"
        raise SchemaOutOfDate(
            f"the database schema is out of date (at {sorted(have) or 'no revision'}, "
            f"needs {missing}); run `mallkit db upgrade` and start again")


def _heads_applied(have: set[str], want: set[str], script: ScriptDirectory) -> bool:
    """True when every code head is applied: a head that another branch ``depends_on`` is
    not kept in the version table once the dependant is applied, so follow the graph."""
    applied = {r.revision for r in script.iterate_revisions(tuple(have), "base")}
    return want <= applied and have <= applied


def forget(engine: Engine, module_id: str, *, drop_tables: bool = False,
           found: Iterable[Discovered] | None = None) -> schema_ledger.SetAside:
    """Forget a module whose package was removed: its version rows (and with
    ``drop_tables`` its tables and per-shop switch rows) go, so nothing waits for it."""
    found = list(discover() if found is None else found)
    if module_id in {item.id for item in found}:
        raise ForgetRefused(
            f"module '{module_id}' is installed: remove its package first (forgetting an "
            "installed module would make the next upgrade run its migrations again)")
    script = ScriptDirectory.from_config(alembic_config(found))
    with engine.begin() as connection:
        rec = schema_ledger.records(connection).get(module_id)
        if rec is None:
            raise ForgetRefused(f"the database has no schema recorded for module "
                                f"'{module_id}' (see `mallkit db current`)")
        try:
            return schema_ledger.forget(connection, script, rec, drop_tables=drop_tables)
        except schema_ledger.UnknownRevision as exc:
            raise SchemaOutOfDate(str(exc)) from None
