"""Row locks on the money path: the SQL shows each row locked (FOR UPDATE) before it is
written, in the documented order (the order, then its payment, then the SKUs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from runtime.db import use_shop
from runtime.modules.orders import service as orders
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments.service import apply_transaction
from runtime.wechat.pay.objects import Transaction
from runtime.wechat.pay.simulator import WechatPaySimulator
from tests.orders.flow import shopper, sku_of


@contextmanager
def watch(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", record)


def first(statements: list[str], pattern: str) -> int:
    for i, sql in enumerate(statements):
        if re.search(pattern, sql, re.IGNORECASE):
            return i
    raise AssertionError(f"no statement matches {pattern!r}:\n" + "\n".join(statements))


def lock_of(table: str) -> str:
    return rf"^SELECT .* FROM {table}\b.* FOR UPDATE"


@pytest.mark.postgres
def test_closing_locks_skus_and_the_order_before_writing(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=3))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 1)
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        with watch(s) as sql:
            orders.close_order(s, order["id"], OrderEvent.CANCELLED, Actor.member(1))
            s.commit()
    order_lock = first(sql, lock_of("orders"))
    assert order_lock < first(sql, r"^UPDATE orders ")
    sku_lock = first(sql, lock_of("catalog_skus"))
    assert order_lock < sku_lock < first(sql, r"^UPDATE catalog_skus ")


@pytest.mark.postgres
def test_applying_a_payment_locks_order_then_payment(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=3))
    alice = shopper(app, client, factory, shop, openid="o-lock")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    alice.pay(order["id"])
    with app.app_context():
        record = WechatPaySimulator.for_app(app).mark_paid(order["order_no"])
    tx = Transaction.from_dict({k: v for k, v in record.items() if not k.startswith("_")})
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        with watch(s) as sql:
            apply_transaction(s, tx)
            s.commit()
    order_lock = first(sql, lock_of("orders"))
    payment_lock = first(sql, lock_of("payments"))
    assert order_lock < payment_lock < first(sql, r"^UPDATE payments ")
    assert order_lock < first(sql, r"^UPDATE orders ")
    assert first(sql, lock_of("catalog_skus")) > payment_lock  # stock commit comes after
