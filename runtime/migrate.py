"""Applying and checking the Alembic migrations from code (``mallkit db ...``, start-up)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from runtime.modules.loader import Discovered, discover, migration_folders

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    """The database is behind (or ahead of) the code's migrations."""


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
            found: Iterable[Discovered] | None = None) -> None:
    """Apply migrations; ``secret_key`` lets a migration re-seal stored credentials."""
    cfg = alembic_config(found)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        cfg.attributes["secret_key"] = secret_key
        command.upgrade(cfg, target)


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
        return set(MigrationContext.configure(connection).get_current_heads())


def check_schema(engine: Engine, found: Iterable[Discovered] | None = None) -> None:
    """Refuse to run against a schema that is not exactly at the code's migration heads."""
    found = list(discover() if found is None else found)
    have, want = database_heads(engine), code_heads(found)
    if have != want and not _heads_applied(have, want, found):
        missing = ", ".join(sorted(want - have)) or "none"
        raise SchemaOutOfDate(
            f"the database schema is out of date (at {sorted(have) or 'no revision'}, "
            f"needs {missing}); run `mallkit db upgrade` and start again (a revision the "
            "code does not know comes from newer code or from a module no longer installed)")


def _heads_applied(have: set[str], want: set[str], found: list[Discovered]) -> bool:
    """True when every code head is applied: a head that another branch ``depends_on`` is
    not kept in the version table once the dependant is applied, so follow the graph."""
    script = ScriptDirectory.from_config(alembic_config(found))
    try:
        applied = {r.revision for r in script.iterate_revisions(tuple(have), "base")}
    except Exception:  # a revision the code does not know: the database is ahead
        return False
    return want <= applied and have <= applied
