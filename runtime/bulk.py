"""New rows of one model in one INSERT statement, back as ORM objects.

A flush inserts rows one by one wherever the database cannot say which returned row is
which (SQLite's RETURNING comes back in any order), so a path that pins its statement count
(the order submit) inserts its rows here instead: one multi-row INSERT ... RETURNING on both
databases, the returned objects matched to the given rows by a column whose values differ
between them. Like a flush, it writes on the session's connection and checks the shop
itself: every row gets the current shop's id, and a row naming another shop is refused.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql.dml import Insert

from runtime.db import CrossShopWrite, NoShopContext, current_shop_id

T = TypeVar("T")


def insert_rows(session: Session, model: type[T], rows: Sequence[Mapping[str, Any]], *,
                key: str) -> list[T]:
    """Insert ``rows`` into ``model``'s table in the current shop and return them as
    persistent objects in the order of ``rows``; ``key`` names a column whose value is
    distinct in every row (e.g. ``sku_id`` among one order's lines)."""
    if not rows:
        return []
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise NoShopContext(f"new {model.__name__} rows with no current shop")
    if any(row.get("shop_id", shop_id) != shop_id for row in rows):
        raise CrossShopWrite(f"{model.__name__} rows for another shop than {shop_id}")
    if len({row[key] for row in rows}) != len(rows):
        raise ValueError(f"insert_rows: {key} repeats among the rows")
    statement, names = _insert_returning(model)
    session.flush()  # rows the new ones refer to (an order before its lines) go first
    made = {}
    for row in session.connection().execute(statement,
                                            [{**row, "shop_id": shop_id} for row in rows]):
        obj = _loaded(model, dict(zip(names, row, strict=True)))
        session.add(obj)
        made[getattr(obj, key)] = obj
    return [made[row[key]] for row in rows]


@functools.cache
def _insert_returning(model: type) -> tuple[Insert, tuple[str, ...]]:
    """``model``'s INSERT ... RETURNING every column (built once per model) and the
    attribute names of the returned columns."""
    mapper = inspect(model)
    columns = list(mapper.local_table.columns)
    return (insert(mapper.local_table).returning(*columns),
            tuple(mapper.get_property_by_column(column).key for column in columns))


def _loaded(model: type[T], values: dict[str, Any]) -> T:
    """A detached ``model`` holding ``values`` as if loaded from the database: written to
    its state as a query's rows are, without the constructor's per-attribute events."""
    obj = inspect(model).class_manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    return obj
