"""Emptying the test database after a test: only the tables that hold rows.

One query asks every table whether it has a row (``EXISTS`` per table, ``UNION ALL``); the
tables that do are emptied with ``DELETE``, children first, and on PostgreSQL every id
sequence used since the last wipe restarts at 1 (as ``TRUNCATE ... RESTART IDENTITY`` did;
a rolled-back insert uses a number too, so emptied tables alone miss some). Asking the
database — rather than tracking what the test's engine wrote — also catches rows written by worker
subprocesses, CLI runs and other connections. ``TRUNCATE`` of all ~80 tables cost 1.5-2 s
per test on PostgreSQL (each truncated table gets new files and its buffers are dropped);
this costs a few milliseconds when a test wrote to a dozen tables.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, Engine, create_engine, text

from runtime.db import Base
from runtime.modules.loader import discover, import_models
from tests.pg_roles import owner_url

_sequences: dict[str, dict[str, str]] = {}  # engine URL -> table -> id sequence (PostgreSQL)


def wipe_database(engine: Engine) -> list[str]:
    """Empty every table with rows; returns the tables emptied (children first). On
    PostgreSQL as the tables' owner: row-level security lets it see every shop's rows, and
    the app role may not restart sequences."""
    ordered = _ordered_tables()
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        engine = _owner_engine(engine)
    with engine.begin() as conn:
        filled = _tables_with_rows(conn, ordered)
        emptied = [name for name in reversed(ordered) if name in filled]
        quote = engine.dialect.identifier_preparer.quote
        for name in emptied:
            conn.execute(text(f"DELETE FROM {quote(name)}"))
        if postgres:
            _restart_sequences(conn, engine)
        elif emptied and conn.execute(text(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            conn.execute(text("DELETE FROM sqlite_sequence"))
    return emptied


_owners: dict[str, Engine] = {}


def _owner_engine(engine: Engine) -> Engine:
    url = owner_url(engine.url.render_as_string(hide_password=False))
    if url not in _owners:
        _owners[url] = create_engine(url, pool_size=1, max_overflow=0)
    return _owners[url]


@cache
def _import_models() -> None:
    import_models(discover())


def _ordered_tables() -> list[str]:
    """Every model table, parents first (every module's models imported first)."""
    _import_models()
    return [t.name for t in Base.metadata.sorted_tables]


def _tables_with_rows(conn: Connection, tables: list[str]) -> set[str]:
    quote = conn.dialect.identifier_preparer.quote
    query = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {quote(name)})"
                               for name in tables)
    return set(conn.scalars(text(query)))


def _restart_sequences(conn: Connection, engine: Engine) -> None:
    key = engine.url.render_as_string(hide_password=False)
    if key not in _sequences:
        with_id = [t.name for t in Base.metadata.sorted_tables if "id" in t.c]
        rows = conn.execute(text("SELECT t, pg_get_serial_sequence(t, 'id') "
                                 "FROM unnest(CAST(:names AS text[])) AS t"),
                            {"names": with_id})
        _sequences[key] = {table: seq for table, seq in rows if seq}
    # every id sequence used since its last restart, whether or not its table holds rows now
    # (a rolled-back insert takes a number too)
    conn.execute(text("SELECT setval(CAST(s AS regclass), 1, false) "
                      "FROM unnest(CAST(:seqs AS text[])) AS s "
                      "WHERE pg_sequence_last_value(CAST(s AS regclass)) IS NOT NULL"),
                 {"seqs": list(_sequences[key].values())})
