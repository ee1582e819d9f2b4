"""The one INSERT ... ON CONFLICT: the SQL it writes for both databases, and what it does on
an in-memory SQLite database (no app)."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from runtime.upsert import upsert, upsert_statement


class _Base(DeclarativeBase):
    pass


class Counter(_Base):
    __tablename__ = "upsert_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(20), unique=True)
    value: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(20), default="")


DIALECTS = {"postgresql": postgresql.dialect(), "sqlite": sqlite.dialect()}


@pytest.mark.parametrize("name", DIALECTS)
def test_do_nothing_and_do_update_in_both_dialects(name: str) -> None:
    nothing = upsert_statement(name, Counter, [{"owner": "a", "value": 1}], conflict=("owner",))
    assert "ON CONFLICT (owner) DO NOTHING" in str(nothing.compile(dialect=DIALECTS[name]))
    update = upsert_statement(name, Counter, {"owner": "a", "value": 1}, conflict=("owner",),
                              update=("value",), returning=(Counter.id,))
    sql = str(update.compile(dialect=DIALECTS[name]))
    assert "ON CONFLICT (owner) DO UPDATE SET value = excluded.value" in sql
    assert "RETURNING" in sql


def test_partial_index_is_named_with_where() -> None:
    statement = upsert_statement("postgresql", Counter, {"owner": "a", "value": 1},
                                 conflict=("owner",), where=Counter.note == "")
    sql = str(statement.compile(dialect=DIALECTS["postgresql"],
                                compile_kwargs={"literal_binds": True}))
    assert "ON CONFLICT (owner) WHERE note = '' DO NOTHING" in sql


@pytest.fixture
def session() -> Session:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def test_insert_once_then_ignore_or_update(session: Session) -> None:
    first = upsert(session, Counter, {"owner": "a", "value": 1, "note": "first"},
                   conflict=("owner",), returning=(Counter.id,)).first()
    again = upsert(session, Counter, [{"owner": "a", "value": 5}, {"owner": "b", "value": 2}],
                   conflict=("owner",), returning=(Counter.owner,)).all()
    assert first is not None and [row.owner for row in again] == ["b"]
    assert session.execute(select(Counter.owner, Counter.value).order_by(Counter.owner)).all() \
        == [("a", 1), ("b", 2)]
    upsert(session, Counter, {"owner": "a", "value": 9, "note": "ignored"}, conflict=("owner",),
           update=("value",))
    assert session.execute(select(Counter.value, Counter.note)
                           .where(Counter.owner == "a")).one() == (9, "first")
