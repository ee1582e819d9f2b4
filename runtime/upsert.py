"""One race-safe ``INSERT ... ON CONFLICT`` for both databases (SQLAlchemy's PostgreSQL and
SQLite ``insert``): rows created on first use (accounts, state rows) and writes deduplicated
by a unique key (notices) go through :func:`upsert` instead of a savepoint and a retry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Result
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

Rows = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def upsert_statement(dialect: str, model: Any, rows: Rows, *, conflict: Sequence[str],
                     update: Sequence[str] = (), where: ColumnElement[bool] | None = None,
                     returning: Sequence[Any] = ()) -> Insert:
    """``INSERT rows ON CONFLICT (conflict)``: ``DO NOTHING``, or with ``update`` set those
    columns to the inserted values (``excluded``). ``where`` names a partial unique index."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(rows if isinstance(rows, Mapping) else list(rows))
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict), index_where=where,
            set_={name: statement.excluded[name] for name in update})
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict),
                                                     index_where=where)
    return statement.returning(*returning) if returning else statement


def upsert(session: Session, model: Any, rows: Rows, *, conflict: Sequence[str],
           update: Sequence[str] = (), where: ColumnElement[bool] | None = None,
           returning: Sequence[Any] = ()) -> Result[Any]:
    """Run :func:`upsert_statement` on the session's database (a concurrent insert of the same
    key waits for the other transaction, then does nothing or updates)."""
    dialect = session.get_bind().dialect.name
    return session.execute(upsert_statement(dialect, model, rows, conflict=conflict,
                                            update=update, where=where, returning=returning))
