"""Concurrent debits of one account: row locks keep the balance from going negative; the
lock is taken before the balance is written."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from runtime.db import use_shop
from runtime.modules.points import service
from runtime.modules.points.errors import InsufficientPoints
from tests.concurrency import run_in_threads


@pytest.mark.postgres
def test_concurrent_debits_never_overdraw(app, factory, shop, session, clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    service.credit(session, member.id, 100, reason="gift", key="start")
    session.commit()

    outcomes = run_in_threads(app, shop.id, lambda s, i: service.debit(
        s, member.id, 30, reason="spend", key=f"spend-{i}"), 10)
    ok = [o for o in outcomes if isinstance(o, service.LedgerResult)]
    refused = [o for o in outcomes if isinstance(o, InsufficientPoints)]
    assert (len(ok), len(refused)) == (3, 7)
    session.expire_all()
    assert service.balance_of(session, member.id) == 10


def test_concurrent_retries_of_one_key_apply_once(app, factory, shop, session, clock):
    member = factory.member(shop)
    outcomes = run_in_threads(app, shop.id, lambda s, i: service.credit(
        s, member.id, 5, reason="gift", key="one-key"), 8)
    assert all(isinstance(o, service.LedgerResult) for o in outcomes), outcomes
    assert sum(o.applied for o in outcomes) == 1
    use_shop(session, shop.id)
    assert service.balance_of(session, member.id) == 5


@pytest.mark.postgres
def test_account_is_locked_before_the_balance_is_written(app, factory, shop, session, clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    service.credit(session, member.id, 50, reason="gift", key="start")
    session.commit()
    statements: list[str] = []
    engine = app.extensions["mallkit"].engine

    def watch(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        service.debit(session, member.id, 20, reason="spend", key="watched")
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    lock = next(i for i, s in enumerate(statements)
                if "FOR UPDATE" in s and "point_accounts" in s)
    write = next(i for i, s in enumerate(statements)
                 if s.startswith("UPDATE point_accounts"))
    assert lock < write
