"""A line refunded in full before shipping stays in the shop: fulfilment asks the
``lines_not_to_ship`` hook, leaves it out of the parcel and the console's ship form, and
the order still becomes 待收货 once the other lines ship. An order refunded in full is
closed and never ships."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runtime.errors import ValidationFailed
from runtime.modules.aftersales import service
from runtime.modules.aftersales.models import AfterSale
from runtime.modules.fulfilment.shipping import ship
from runtime.modules.orders.errors import InvalidTransition
from tests.aftersales.flow import (
    MERCHANT,
    buyer,
    drain,
    in_shop,
    notify_refund,
    read,
    sku_of,
    stock_and_sales,
    wechat_paid,
)
from tests.aftersales.test_console import console, csrf_of


def _refund_in_full(app, factory, shop, clock, redis_conn, order, lines) -> None:
    made = in_shop(app, factory, shop, service.merchant_refund, order["id"],
                   [{"line_id": line["id"]} for line in lines], "缺货", MERCHANT)
    for aftersale in made:  # WeChat Pay takes a payment's refunds a minute apart
        clock.advance(timedelta(minutes=1))
        drain(app, redis_conn)
        assert notify_refund(app, aftersale.no).status == 204


def test_a_line_refunded_before_shipping_is_not_shipped(app, client, factory, shop, clock,
                                                        redis_conn):
    a = sku_of(factory, shop, factory.product(shop, "棉麻衬衫", price_fen=4000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, "帆布托特包", price_fen=6000, stock=5))
    alice = buyer(app, app.test_client(), factory, shop)
    order = wechat_paid(app, alice, [(a.id, 1), (b.id, 1)])
    line_a, line_b = (next(x for x in order["lines"] if x["sku_id"] == s.id) for s in (a, b))
    made = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line_b["id"], "kind": "refund",
        "amount_fen": line_b["payable_fen"], "reason": "不想要了"}, 201).json
    in_shop(app, factory, shop, service.agree, made["id"], MERCHANT)
    drain(app, redis_conn)
    assert notify_refund(app, made["no"]).status == 204
    detail = alice.order(order["id"])
    assert (detail["status"], detail["refund_status"]) == ("paid", "PART")
    assert detail["lines_not_to_ship"] == [line_b["id"]]
    assert stock_and_sales(factory, shop, b.id) == (5, 0)

    with pytest.raises(ValidationFailed) as refused:  # naming the refunded line: 422
        in_shop(app, factory, shop, ship, order["id"], carrier_code="SF",
                tracking_no="SF7654321", actor=MERCHANT,
                lines=[{"order_line_id": line_b["id"]}])
    assert [e.pointer for e in refused.value.errors] == ["/lines/0/order_line_id"]

    console(client, factory, shop)
    url = f"/console/shops/{shop.slug}/orders/{order['id']}"
    page = client.get(url).get_data(as_text=True)
    assert "已退款，不发货" in page
    assert f'name="qty_{line_a["id"]}"' in page and f'name="qty_{line_b["id"]}"' not in page
    shipped = client.post(f"{url}/ship", data={"csrf_token": csrf_of(page),
                                               "carrier_code": "SF", "tracking_no": "SF1234567"})
    assert shipped.status_code == 302

    detail = alice.order(order["id"])
    assert detail["status"] == "shipped"
    [shipment] = detail["shipments"]
    assert shipment["lines"] == [{"order_line_id": line_a["id"], "qty": 1}]
    assert {x["id"]: x["shipped_qty"] for x in detail["lines"]} == {line_a["id"]: 1,
                                                                    line_b["id"]: 0}
    merchant_view = client.get(url, headers={"Accept": "application/json"}).json
    assert merchant_view["shipments"][0]["lines"] == shipment["lines"]
    assert stock_and_sales(factory, shop, b.id) == (5, 0)  # the refunded bag stayed


def test_an_order_refunded_in_full_is_closed_and_cannot_ship(app, client, factory, shop,
                                                             clock, redis_conn):
    a = sku_of(factory, shop, factory.product(shop, price_fen=4000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, price_fen=6000, stock=5))
    bob = buyer(app, app.test_client(), factory, shop, "bob")
    order = wechat_paid(app, bob, [(a.id, 1), (b.id, 2)])
    _refund_in_full(app, factory, shop, clock, redis_conn, order, order["lines"])
    detail = bob.order(order["id"])
    assert (detail["status"], detail["refund_status"]) == ("closed", "ALL")
    with pytest.raises(InvalidTransition):
        in_shop(app, factory, shop, ship, order["id"], carrier_code="SF",
                tracking_no="SF1234567", actor=MERCHANT)
    console(client, factory, shop)
    page = client.get(f"/console/shops/{shop.slug}/orders/{order['id']}").get_data(
        as_text=True)
    assert "/ship" not in page  # no ship form for a closed order
    assert bob.order(order["id"])["shipments"] == []


def test_a_partly_shipped_order_is_judged_line_by_line(app, factory, shop, clock, redis_conn):
    """Shipped lines take a return; lines still in the shop take a refund only (409
    ``aftersale_kind_not_allowed`` for a return), and such a refund restocks them; a return
    takes back no more than what shipped."""
    a = sku_of(factory, shop, factory.product(shop, "棉麻衬衫", price_fen=4000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, "帆布托特包", price_fen=6000, stock=5))
    carol = buyer(app, app.test_client(), factory, shop, "carol")
    order = wechat_paid(app, carol, [(a.id, 3), (b.id, 1)])
    line_a, line_b = (next(x for x in order["lines"] if x["sku_id"] == s.id) for s in (a, b))
    in_shop(app, factory, shop, ship, order["id"], carrier_code="SF", tracking_no="SF1112223",
            actor=MERCHANT, lines=[{"order_line_id": line_a["id"], "qty": 2}])
    detail = carol.order(order["id"])
    assert detail["status"] == "paid"  # partly shipped: the order is still 待发货
    assert {x["id"]: x["shipped_qty"] for x in detail["lines"]} == {line_a["id"]: 2,
                                                                    line_b["id"]: 0}

    refused = carol.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line_b["id"], "kind": "return",
        "amount_fen": line_b["payable_fen"], "reason": "不想要了"}, 409).json
    assert refused["code"] == "aftersale_kind_not_allowed"
    assert refused["shipped_qty"] == 0
    too_many = carol.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line_a["id"], "kind": "return", "qty": 3,
        "amount_fen": line_a["payable_fen"], "reason": "尺码不合适"}, 422).json
    assert [e["pointer"] for e in too_many["errors"]] == ["/qty"]

    returned = carol.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line_a["id"], "kind": "return", "qty": 2,
        "amount_fen": 8000, "reason": "尺码不合适"}, 201).json
    refund = carol.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line_b["id"], "kind": "refund",
        "amount_fen": line_b["payable_fen"], "reason": "不想要了"}, 201).json
    shipped = {a_id: read(factory, shop, lambda s, i=a_id: s.get(AfterSale, i).goods_shipped)
               for a_id in (returned["id"], refund["id"])}
    assert shipped == {returned["id"]: True, refund["id"]: False}

    in_shop(app, factory, shop, service.agree, refund["id"], MERCHANT)
    drain(app, redis_conn)
    assert notify_refund(app, refund["no"]).status == 204
    assert stock_and_sales(factory, shop, b.id) == (5, 0)  # never left: back in stock
