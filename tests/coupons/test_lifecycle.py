"""A coupon's life with orders: used at creation; back (with its original expiry) when the
order is cancelled unpaid or wholly refunded, not on a partial refund; an expired one stays
expired; a used coupon cannot be used twice; the ledger records each change once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from runtime.modules.aftersales import service as aftersales
from tests.aftersales.flow import (
    MERCHANT,
    buyer,
    drain,
    in_shop,
    notify_refund,
    wechat_paid,
)
from tests.coupons.flow import claim, events, items, member_coupon, template
from tests.orders.flow import sku_of

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


@pytest.fixture
def on(factory, shop, clock):
    clock.freeze(NOW)
    factory.module_on(shop, "coupons")
    factory.module_on(shop, "aftersales")


def test_used_at_creation_and_back_when_cancelled_unpaid(app, client, factory, shop, on,
                                                         clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=12000))
    alice = buyer(app, client, factory, shop)
    coupon = claim(alice, template(app, factory, shop))
    expiry = member_coupon(factory, shop, coupon["id"]).valid_until
    quote = alice.quote(coupon_id=coupon["id"], **items((sku.id, 1)))
    order = alice.submit(quote["quote_id"]).json
    assert order["discount_fen"] == 1000
    held = member_coupon(factory, shop, coupon["id"])
    assert (held.status, held.order_id, held.discount_fen) == ("used", order["id"], 1000)
    assert alice.call("GET", "/me/coupons?status=unused").json["items"] == []
    again = alice.quote(coupon_id=coupon["id"], **items((sku.id, 1)))
    assert again["errors"][0]["code"] == "coupon_unavailable"

    alice.call("POST", f"/orders/{order['id']}/cancel", {})
    back = member_coupon(factory, shop, coupon["id"])
    assert (back.status, back.order_id, back.valid_until) == ("unused", None, expiry)
    assert events(factory, shop, coupon["id"]) == ["issue", "use", "return"]
    [mine] = alice.call("GET", "/me/coupons?status=unused").json["items"]
    assert mine["id"] == coupon["id"] and mine["valid_until"] == expiry.isoformat()


def test_an_expired_coupon_stays_expired_when_its_order_is_cancelled(
        app, client, factory, shop, on, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=12000))
    alice = buyer(app, client, factory, shop)
    coupon = claim(alice, template(app, factory, shop, valid_days=1))
    order = alice.buy(sku.id, 1, coupon_id=coupon["id"])
    clock.advance(timedelta(days=2))
    alice.call("POST", f"/orders/{order['id']}/cancel", {})
    assert member_coupon(factory, shop, coupon["id"]).status == "expired"
    [gone] = alice.call("GET", "/me/coupons?status=expired").json["items"]
    assert gone["id"] == coupon["id"] and gone["usable_now"] is False


def test_back_on_a_whole_refund_not_on_a_partial_one(app, client, factory, shop, on, clock,
                                                     redis_conn):
    a = sku_of(factory, shop, factory.product(shop, price_fen=8000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, price_fen=6000, stock=5))
    alice = buyer(app, client, factory, shop)
    coupon = claim(alice, template(app, factory, shop))
    order = wechat_paid(app, alice, [(a.id, 1), (b.id, 1)], coupon_id=coupon["id"])
    drain(app, redis_conn)
    assert member_coupon(factory, shop, coupon["id"]).order_paid_fen == order["paid_fen"]
    line_a, line_b = sorted(order["lines"], key=lambda ln: ln["sku_id"] != a.id)

    made = in_shop(app, factory, shop, aftersales.merchant_refund, order["id"],
                   [{"line_id": line_a["id"]}], "缺货", MERCHANT)
    drain(app, redis_conn)
    assert notify_refund(app, made[0].no).status == 204
    assert alice.order(order["id"])["refund_status"] == "PART"
    assert member_coupon(factory, shop, coupon["id"]).status == "used"  # partial: kept used

    made = in_shop(app, factory, shop, aftersales.merchant_refund, order["id"],
                   [{"line_id": line_b["id"]}], "缺货", MERCHANT)
    clock.advance(timedelta(minutes=2))  # refunds are sent a minute apart
    drain(app, redis_conn)
    assert notify_refund(app, made[0].no).status == 204
    assert alice.order(order["id"])["refund_status"] == "ALL"
    back = member_coupon(factory, shop, coupon["id"])
    assert (back.status, back.order_id, back.order_paid_fen) == ("unused", None, 0)
    assert events(factory, shop, coupon["id"]) == ["issue", "use", "return"]


def test_a_coupon_that_became_unusable_after_the_quote_refuses_the_order(
        app, client, factory, shop, on):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=12000, stock=5))
    alice = buyer(app, client, factory, shop)
    coupon = claim(alice, template(app, factory, shop))
    first = alice.quote(coupon_id=coupon["id"], **items((sku.id, 1)))
    second = alice.quote(coupon_id=coupon["id"], **items((sku.id, 2)))
    alice.submit(first["quote_id"])
    refused = alice.submit(second["quote_id"], expect=409).json
    assert refused["code"] == "coupon_unavailable" and refused["coupon_id"] == coupon["id"]
    assert member_coupon(factory, shop, coupon["id"]).discount_fen == 1000
