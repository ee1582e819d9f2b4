"""Count the SQL statements and transactions an app runs (SQLAlchemy engine events)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0


@contextmanager
def counting(app) -> Iterator[Counted]:
    """Every SQL statement (transaction control apart) and transaction run on the app's
    engine while inside."""
    engine = app.extensions["mallkit"].engine
    counted = Counted()

    def statement(_conn, _cursor, sql, *_args) -> None:
        if not sql.lstrip().upper().startswith(CONTROL):
            counted.statements.append(sql)

    def begin(_conn) -> None:
        counted.transactions += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)
