"""insert_rows: one multi-row INSERT, the new rows back as persistent objects in the order
given (an in-memory SQLite database, no app)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from runtime.bulk import insert_rows
from runtime.db import CrossShopWrite, NoShopContext


class _Base(DeclarativeBase):
    pass


class Line(_Base):
    __tablename__ = "bulk_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(Integer)
    sku_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(20))
    shipped_qty: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=lambda: datetime(2026, 1, 2, tzinfo=UTC))


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.info["shop_id"] = 7
        yield s
    engine.dispose()


def test_rows_come_back_in_the_given_order_from_one_statement(session):
    session.add(Line(shop_id=7, sku_id=1, title="earlier"))  # ids of the new rows start at 2
    session.flush()
    statements = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: statements.append(sql))
    made = insert_rows(session, Line, [{"sku_id": sku, "title": f"sku {sku}"}
                                       for sku in (30, 10, 20)], key="sku_id")
    assert len(statements) == 1 and statements[0].count("(?, ?, ?, ?, ?)") == 3
    assert [(line.sku_id, line.title) for line in made] == [(30, "sku 30"), (10, "sku 10"),
                                                            (20, "sku 20")]
    assert [line.id for line in made] == [2, 3, 4]
    assert {line.shop_id for line in made} == {7}
    assert [line.shipped_qty for line in made] == [0, 0, 0]  # column defaults, as flushed
    assert all(line in session and line not in session.new for line in made)
    statements.clear()
    made[0].title = "changed"
    session.flush()
    assert len(statements) == 1 and statements[0].startswith("UPDATE")
    assert session.scalars(select(Line.title).order_by(Line.id)).all() == [
        "earlier", "changed", "sku 10", "sku 20"]


def test_a_key_that_repeats_is_refused_before_any_insert(session):
    with pytest.raises(ValueError, match="sku_id repeats"):
        insert_rows(session, Line, [{"sku_id": 1, "title": "a"}, {"sku_id": 1, "title": "b"}],
                    key="sku_id")
    assert session.scalars(select(Line)).all() == []
    assert insert_rows(session, Line, [], key="sku_id") == []


def test_rows_go_to_the_current_shop_only(session):
    with pytest.raises(CrossShopWrite):
        insert_rows(session, Line, [{"sku_id": 1, "title": "a", "shop_id": 8}], key="sku_id")
    session.info["shop_id"] = None
    with pytest.raises(NoShopContext):
        insert_rows(session, Line, [{"sku_id": 1, "title": "a"}], key="sku_id")
    assert session.scalars(select(Line)).all() == []
