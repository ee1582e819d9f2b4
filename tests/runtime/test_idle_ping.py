"""Pooled connections are pinged before use only after sitting idle (runtime.db.ping_when_idle)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from runtime.db import IDLE_PING_SECONDS, make_engine, ping_when_idle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pinged(engine, monkeypatch) -> list[object]:
    """The connections the dialect pings from now on (each still pinged for real)."""
    calls: list[object] = []
    real = engine.dialect.do_ping

    def do_ping(dbapi_conn):
        calls.append(dbapi_conn)
        return real(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", do_ping)
    return calls


def test_a_connection_in_steady_use_is_not_pinged_an_idle_one_is(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}", pool_size=1)
    clock = Clock()
    ping_when_idle(engine, clock)
    calls = pinged(engine, monkeypatch)
    for step in (0, 1, IDLE_PING_SECONDS - 1):  # new, then used within the idle time
        clock.now += step
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    assert calls == []
    clock.now += IDLE_PING_SECONDS + 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert len(calls) == 1
    engine.dispose()


@pytest.mark.postgres
def test_an_idle_connection_the_server_dropped_is_replaced_before_use(settings, monkeypatch):
    clock = Clock()
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    ping_when_idle(engine, clock)
    killer = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    calls = pinged(engine, monkeypatch)
    backend = "SELECT pg_backend_pid()"
    with engine.connect() as conn:
        first = conn.execute(text(backend)).scalar()
    clock.now += 1
    with engine.connect() as conn:
        assert conn.execute(text(backend)).scalar() == first
    assert calls == []
    with killer.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar()
    clock.now += IDLE_PING_SECONDS + 1
    with engine.connect() as conn:
        assert conn.execute(text(backend)).scalar() != first
    assert len(calls) == 1
    engine.dispose()
    killer.dispose()


def test_postgresql_engines_ping_idle_connections_only():
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert not engine.pool._pre_ping
    assert engine.pool.dispatch.checkout and engine.pool.dispatch.checkin
    assert make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                       pool_pre_ping=True).pool._pre_ping
