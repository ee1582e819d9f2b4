"""What the database remembers of each module's schema, so a module whose package is gone
can still be recognised — and forgotten.

Alembic's version table holds bare revision ids; once a module's package (and with it its
migrations folder) is removed, nothing in the code says which of those ids were its. So each
``mallkit db upgrade`` writes, per module with migrations, a row of ``mallkit_module_schema``
(kept next to ``alembic_version``, outside the models): the revisions of its version folder,
the revisions of other branches it builds on (``down_revision`` / ``depends_on``) and the
tables of its models, parents first. With it:

* start-up and ``db upgrade`` set the version rows of a *recorded, no longer installed*
  module aside instead of failing on a revision they do not know
  (:func:`set_aside`); a revision that is unknown *and* unrecorded still stops them
  (newer code, or a module removed before its schema was recorded);
* ``mallkit module forget ID`` drops its version rows (re-adding the revisions of other
  branches they stood for) and, with ``--drop-tables``, its tables and its per-shop switch
  rows (:func:`forget`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import to_tuple
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    MetaData,
    String,
    Table,
    delete,
    inspect,
    select,
    text,
)

from runtime.db import Base
from runtime.modules.loader import Discovered, import_models

LEDGER_TABLE = "mallkit_module_schema"
VERSION_TABLE = "alembic_version"

_metadata = MetaData()
ledger = Table(
    LEDGER_TABLE, _metadata,
    Column("module_id", String(60), primary_key=True),
    Column("revisions", JSON, nullable=False),   # every revision of its version folder
    Column("needs", JSON, nullable=False),       # revisions of other branches it builds on
    Column("tables", JSON, nullable=False),      # its models' tables, parents first
)
_versions = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32), primary_key=True))


class UnknownRevision(RuntimeError):
    """The version table holds a revision neither the code nor the ledger knows."""


@dataclass(frozen=True)
class Record:
    module_id: str
    revisions: tuple[str, ...]
    needs: tuple[str, ...]
    tables: tuple[str, ...]


@dataclass
class SetAside:
    """Version rows of absent modules taken out, and the known revisions put in their place."""

    modules: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def record(conn: Connection, script: ScriptDirectory, found: Iterable[Discovered]) -> None:
    """Write the ledger rows of every installed module with migrations (after an upgrade)."""
    _metadata.create_all(conn, checkfirst=True)
    found = list(found)
    import_models(found)
    rows = []
    for item in found:
        folder = (item.folder / item.module.migrations).resolve() if item.module.migrations \
            else None
        if folder is None or not folder.is_dir():
            continue
        own = [s for s in script.walk_revisions() if Path(s.path).resolve().parent == folder]
        revisions = {s.revision for s in own}
        needs = {script.get_revision(r).revision for s in own
                 for r in (*to_tuple(s.down_revision, ()), *to_tuple(s.dependencies, ()))}
        rows.append({"module_id": item.id, "revisions": sorted(revisions),
                     "needs": sorted(needs - revisions), "tables": _tables_of(item)})
    conn.execute(delete(ledger).where(ledger.c.module_id.in_([r["module_id"] for r in rows])))
    if rows:
        conn.execute(ledger.insert(), rows)


def _tables_of(item: Discovered) -> list[str]:
    package = item.package or item.module.models.rpartition(".")[0]
    names = {m.local_table.name for m in Base.registry.mappers
             if m.class_.__module__ == package or m.class_.__module__.startswith(package + ".")}
    return [t.name for t in Base.metadata.sorted_tables if t.name in names]


def records(conn: Connection) -> dict[str, Record]:
    if not inspect(conn).has_table(LEDGER_TABLE):
        return {}
    return {r.module_id: Record(r.module_id, tuple(r.revisions), tuple(r.needs), tuple(r.tables))
            for r in conn.execute(select(ledger))}


def absent(conn: Connection, found: Iterable[Discovered]) -> dict[str, Record]:
    """Recorded modules that are not installed now."""
    installed = {item.id for item in found}
    return {mid: rec for mid, rec in records(conn).items() if mid not in installed}


def plan(heads: Iterable[str], script: ScriptDirectory, gone: Iterable[Record]) -> SetAside:
    """Which version rows belong to the ``gone`` modules, and which known revisions they
    stood for (a dependency of theirs that no other row covers). Raises
    :class:`UnknownRevision` for a row that is neither known nor theirs."""
    gone = list(gone)
    theirs = {r for rec in gone for r in rec.revisions}
    heads = list(heads)
    result = SetAside(removed=[h for h in heads if h in theirs])
    result.modules = sorted(rec.module_id for rec in gone
                            if set(rec.revisions) & set(result.removed))
    remaining = [h for h in heads if h not in theirs]
    unknown = [h for h in remaining if _unknown(script, h)]
    if unknown:
        raise UnknownRevision(
            f"the database is at revision {', '.join(sorted(unknown))}, which this code does "
            "not know: it comes from newer code, or from a module removed before mallkit "
            "recorded its schema (reinstall that module, run `mallkit db upgrade` once, "
            "remove it again and run `mallkit module forget ID`)")
    if not result.removed:
        return result
    covered = _ancestors(script, remaining)
    needs = {n for rec in gone if rec.module_id in result.modules for n in rec.needs
             if not _unknown(script, n)} - covered
    # keep only the needs no other need descends from (one row per branch tip)
    result.added = sorted(n for n in needs
                          if not any(n in _ancestors(script, [m]) for m in needs - {n}))
    return result


def _unknown(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except Exception:  # alembic raises its own ResolutionError subclasses for an unknown id
        return True


def _ancestors(script: ScriptDirectory, revisions: list[str]) -> set[str]:
    if not revisions:
        return set()
    return {r.revision for r in script.iterate_revisions(tuple(revisions), "base")}


def version_rows(conn: Connection) -> list[str]:
    if not inspect(conn).has_table(VERSION_TABLE):
        return []
    return list(conn.scalars(select(_versions.c.version_num)))


def apply(conn: Connection, change: SetAside) -> None:
    """Take the rows of ``change`` out of the version table and put its added ones in."""
    if change.removed:
        conn.execute(delete(_versions).where(_versions.c.version_num.in_(change.removed)))
    if change.added:
        conn.execute(_versions.insert(), [{"version_num": r} for r in change.added])


def restore(conn: Connection, change: SetAside) -> None:
    """Undo :func:`apply` after an upgrade: the added rows alembic did not move go, the
    absent modules' rows come back (they cover what was added)."""
    if change.added:
        conn.execute(delete(_versions).where(_versions.c.version_num.in_(change.added)))
    if change.removed:
        conn.execute(_versions.insert(), [{"version_num": r} for r in change.removed])


def forget(conn: Connection, script: ScriptDirectory, rec: Record, *,
           drop_tables: bool) -> SetAside:
    """Drop ``rec``'s version rows (and with ``drop_tables`` its tables and per-shop switch
    rows) and its ledger row."""
    change = plan(version_rows(conn), script, [rec])
    apply(conn, change)
    if drop_tables:
        quote = conn.dialect.identifier_preparer.quote
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT set_config('mallkit.platform', 'on', true)"))
        existing = set(inspect(conn).get_table_names())
        for name in reversed(rec.tables):
            if name in existing:
                conn.execute(text(f"DROP TABLE {quote(name)}"))
        conn.execute(text("DELETE FROM shop_modules WHERE module_id = :m"), {"m": rec.module_id})
    conn.execute(delete(ledger).where(ledger.c.module_id == rec.module_id))
    return change
