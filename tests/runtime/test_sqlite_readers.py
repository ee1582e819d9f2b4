"""SQLite: units of work that only read begin DEFERRED and read beside a writer; ones that may
write take the lock at BEGIN; a reader's request that writes after all is run again as a
writer when SQLite refuses the upgrade."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from runtime.db import is_lock_conflict, make_engine, reader_bind, use_shop
from runtime.modules.members.models import MemberToken
from runtime.modules.members.tokens import TOUCH_INTERVAL


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.sqlite3'}")
    # after mallkit's pragmas: wait 0.2 s, not 30, for a lock that will not come
    event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA busy_timeout=200"))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(text("INSERT INTO t (id, n) VALUES (1, 0)"))
    yield engine
    engine.dispose()


def _sqlite_only(app):
    if app.extensions["mallkit"].engine.dialect.name != "sqlite":
        pytest.skip("SQLite's transaction modes")


def test_a_reader_reads_while_another_connection_writes(engine):
    with reader_bind(engine).connect() as reader, engine.connect() as writer:
        reader.begin()
        assert reader.execute(text("SELECT n FROM t")).scalar() == 0
        with writer.begin():  # would wait for the lock if the reader had taken it
            writer.execute(text("UPDATE t SET n = 1"))
        assert reader.execute(text("SELECT n FROM t")).scalar() == 0  # its snapshot
        with pytest.raises(OperationalError) as refused:  # an upgrade after that commit
            reader.execute(text("UPDATE t SET n = 2"))
        assert is_lock_conflict(refused.value)
        reader.rollback()


def test_a_writer_holds_the_lock_from_begin(engine):
    with engine.connect() as first, engine.connect() as second:
        first.begin()
        first.execute(text("SELECT n FROM t"))
        with pytest.raises(OperationalError) as waited:
            second.begin()
            second.execute(text("SELECT n FROM t"))
        assert is_lock_conflict(waited.value)
        first.rollback()


def _statements(app):
    seen: list[str] = []
    engine = app.extensions["mallkit"].engine

    def record(_conn, _cursor, sql, *_args) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


def test_safe_methods_read_deferred_and_others_write(app, client, factory, shop, clock):
    _sqlite_only(app)
    token = factory.member_token(shop, factory.member(shop))
    headers = {"Authorization": f"Bearer {token}"}
    client.get(f"/api/v1/shops/{shop.slug}/me", headers=headers)  # the token's first use
    seen, stop = _statements(app)
    try:
        assert client.get(f"/api/v1/shops/{shop.slug}/me", headers=headers).status_code == 200
        reads = list(seen)
        seen.clear()
        assert client.post(f"/api/v1/shops/{shop.slug}/addresses", headers=headers, json={
            "name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
            "district": "南山区", "detail": "科技园 1 号"}).status_code == 201
    finally:
        stop()
    assert [s for s in reads if s.startswith("BEGIN")] == ["BEGIN"]
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]


def test_a_reader_that_meets_the_lock_runs_again_as_a_writer(app, client, factory, shop,
                                                             clock):
    """GET /me with a token due for its touch: between the request's first read and its
    UPDATE another connection commits, SQLite refuses the upgrade, and the request is run
    again with BEGIN IMMEDIATE instead of answering 500."""
    _sqlite_only(app)
    member = factory.member(shop)
    token = factory.member_token(shop, member)
    headers = {"Authorization": f"Bearer {token}"}
    client.get(f"/api/v1/shops/{shop.slug}/me", headers=headers)
    clock.advance(TOUCH_INTERVAL + timedelta(seconds=1))
    engine = app.extensions["mallkit"].engine
    seen, stop = _statements(app)

    def commit_elsewhere_first(_conn, _cursor, sql, *_args) -> None:
        if sql.startswith("UPDATE member_tokens") and "BEGIN" in seen and len(
                [s for s in seen if s.startswith("UPDATE member_tokens")]) == 1:
            with factory._session() as s:
                use_shop(s, shop.id)
                s.execute(text("UPDATE members SET nickname = 'elsewhere' WHERE id = :id"),
                          {"id": member.id})
                s.commit()

    event.listen(engine, "before_cursor_execute", commit_elsewhere_first)
    try:
        answer = client.get(f"/api/v1/shops/{shop.slug}/me", headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", commit_elsewhere_first)
        stop()
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["nickname"] == "elsewhere"
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins[0] == "BEGIN" and set(begins[1:]) == {"BEGIN IMMEDIATE"}, begins
    assert len([s for s in seen if s.startswith("UPDATE member_tokens")]) == 2  # refused, run
    with factory._session() as s:
        use_shop(s, shop.id)
        assert s.query(MemberToken).one().last_used_at == clock.now()
