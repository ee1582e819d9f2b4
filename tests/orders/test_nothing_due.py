"""An order with nothing to pay (payable 0) is paid when it is created, without WeChat Pay:
the PAID transition by the system, method ``none``, stock sold, no unpaid timer."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.jobs import job_is_live
from runtime.modules.orders.effects import close_job_id
from runtime.modules.orders.models import Order, OrderTransition
from tests.orders.flow import shopper, sku_of, stock_of


def test_a_free_order_is_paid_at_once(app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, "赠品", price_fen=0, stock=5))
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    order = buyer.buy(sku.id, 2)
    assert (order["status"], order["payable_fen"]) == ("paid", 0)
    detail = buyer.order(order["id"])
    assert detail["status"] == "paid" and detail["payments"] == []
    with factory._session() as s:
        use_shop(s, shop.id)
        row = s.get(Order, order["id"])
        assert (row.payment_method, row.paid_fen, row.paid_at is not None) == ("none", 0, True)
        events = [t.event for t in s.query(OrderTransition).filter_by(order_id=row.id)
                  .order_by(OrderTransition.id)]
        assert events == ["created", "paid"]
    assert stock_of(factory, shop, sku.id) == 3
    assert not job_is_live(redis_conn, close_job_id(shop.id, order["id"]))
    assert buyer.pay(order["id"], expect=409)["code"] == "already_paid"


def test_an_order_with_something_to_pay_waits_for_it(app, client, factory, shop, clock,
                                                     redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, "一分钱", price_fen=1, stock=5))
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    order = buyer.buy(sku.id)
    assert (order["status"], order["payable_fen"]) == ("pending_payment", 1)
    assert job_is_live(redis_conn, close_job_id(shop.id, order["id"]))
