"""Concurrent payments from one balance never overdraw it; the account row is locked
before it is written; concurrent top-up notifications credit once."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from runtime.db import use_shop
from runtime.modules.wallet import service
from runtime.modules.wallet.errors import InsufficientBalance
from tests.concurrency import run_in_threads


@pytest.mark.postgres
def test_concurrent_payments_never_overdraw(app, factory, shop, session, clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    service.adjust(session, member.id, principal_delta_fen=10000, key="seed")
    session.commit()
    out = run_in_threads(app, shop.id,
                         lambda s, i: service.pay_for_order(s, member.id, i, 3000), 12)
    assert sum(isinstance(o, service.WalletCharge) for o in out) == 3
    assert sum(isinstance(o, InsufficientBalance) for o in out) == 9
    session.expire_all()
    assert service.balance_of(session, member.id).balance_fen == 1000


def test_concurrent_confirmations_of_one_topup_credit_once(app, factory, shop, session, clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    topup = service.create_topup(session, member.id, 10000)
    session.commit()
    out = run_in_threads(app, shop.id, lambda s, i: service.confirm_topup(
        s, topup.out_trade_no, paid_fen=10000, transaction_id="t"), 8)
    assert all(not isinstance(o, Exception) for o in out), out
    session.expire_all()
    assert service.balance_of(session, member.id) == service.WalletBalance(10000, 1000)


@pytest.mark.postgres
def test_account_is_locked_before_it_is_written(app, factory, shop, session, clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    service.adjust(session, member.id, principal_delta_fen=500, key="seed")
    session.commit()
    statements: list[str] = []
    engine = app.extensions["mallkit"].engine

    def watch(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        service.pay_for_order(session, member.id, 5, 200)
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    lock = next(i for i, s in enumerate(statements)
                if "FOR UPDATE" in s and "wallet_accounts" in s)
    write = next(i for i, s in enumerate(statements) if s.startswith("UPDATE wallet_accounts"))
    assert lock < write
