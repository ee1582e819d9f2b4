"""Helpers for the distribution tests: a shop with the module on, distributors in a chain
bound through the API, paid orders (WeChat Pay through the simulator), receipt, refunds
through after-sales, and reads of commissions and balances."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from runtime.modules.aftersales import service as aftersales
from runtime.modules.distribution import ledger
from runtime.modules.distribution.models import Commission, Distributor
from runtime.modules.fulfilment import service as fulfilment
from tests.aftersales.flow import (
    MERCHANT,
    buyer,
    drain,
    in_shop,
    notify_refund,
    read,
    ship_order,
    sku_of,
    wechat_paid,
)
from tests.orders.flow import Shopper

RULES = {"level1_rate": 10, "level2_rate": 5, "after_sale_days": 7}


def switch_on(factory, shop, **settings: Any) -> None:
    factory.module_on(shop, "distribution", {**RULES, **settings})


def freight(app, factory, shop, fee_fen: int = 800) -> None:
    in_shop(app, factory, shop, fulfilment.create_template, {
        "name": "每单运费", "charge_by": "piece", "rules": [
            {"regions": [], "first_units": 1, "first_fee_fen": fee_fen, "extra_units": 1,
             "extra_fee_fen": 0}]})


def distributor(person: Shopper) -> dict[str, Any]:
    """Make ``person`` a distributor (everyone mode) and return their centre."""
    return person.call("POST", "/distribution/apply", {}, 201).json


def bind(person: Shopper, code: str, expect: int = 200) -> Any:
    return person.call("POST", "/distribution/bind", {"code": code}, expect).json


def chain(app, client, factory, shop) -> tuple[Shopper, Shopper, Shopper]:
    """A (level 2) refers B (level 1), who refers the buyer C."""
    a = buyer(app, client, factory, shop, "a")
    b = buyer(app, client, factory, shop, "b")
    c = buyer(app, client, factory, shop, "c")
    code_a = distributor(a)["distributor"]["code"]
    code_b = distributor(b)["distributor"]["code"]
    assert bind(b, code_a)["bound"] is True
    assert bind(c, code_b)["bound"] is True
    return a, b, c


def commissions(factory, shop, order_id: int | None = None) -> list[tuple[int, int, int, str]]:
    """(beneficiary member id, level, amount, status) by level."""
    def get(s):
        query = select(Commission).order_by(Commission.level, Commission.id)
        if order_id is not None:
            query = query.where(Commission.order_id == order_id)
        return [(c.beneficiary_member_id, c.level, c.amount_fen, c.status)
                for c in s.scalars(query)]
    return read(factory, shop, get)


def balances(factory, shop, member_id: int) -> tuple[int, int, int, int]:
    def get(s):
        d = s.scalar(select(Distributor).where(Distributor.member_id == member_id))
        return (d.pending_fen, d.available_fen, d.frozen_fen, d.withdrawn_fen)
    return read(factory, shop, get)


def reconciled(factory, shop) -> bool:
    return read(factory, shop, ledger.reconcile).ok


def receive(person: Shopper, app, factory, shop, order_id: int) -> None:
    ship_order(app, factory, shop, order_id)
    person.call("POST", f"/orders/{order_id}/confirm-receipt", {})


def refund(app, factory, shop, redis_conn, clock, order_id: int, line_id: int,
           amount_fen: int) -> None:
    """The merchant refunds ``amount_fen`` of the line through WeChat Pay (sent by the job,
    confirmed by the simulator's notification)."""
    [request] = in_shop(app, factory, shop, aftersales.merchant_refund, order_id,
                        [{"line_id": line_id, "amount_fen": amount_fen}], "测试退款", MERCHANT)
    clock.advance(timedelta(minutes=1))
    drain(app, redis_conn)
    assert notify_refund(app, request.no).status == 204


__all__ = ["buyer", "drain", "in_shop", "read", "sku_of", "wechat_paid"]


def earned(app, client, factory, shop, clock, redis_conn, price_fen: int = 10000,
           **settings: Any) -> tuple[Shopper, Shopper, Shopper]:
    """The chain of :func:`chain` after C's order of ``price_fen`` was paid, received and
    settled: B holds 10 % available, A 5 %."""
    switch_on(factory, shop, **settings)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=price_fen, stock=50))
    a, b, c = chain(app, client, factory, shop)
    order = wechat_paid(app, c, [(sku.id, 1)])
    drain(app, redis_conn)
    receive(c, app, factory, shop, order["id"])
    clock.advance(timedelta(days=8))
    drain(app, redis_conn)
    return a, b, c
