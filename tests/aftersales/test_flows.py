"""The after-sale flows end to end through the API, the merchant's services, the jobs and
the WeChat Pay simulator: refund only before shipping, return and refund through every
state, exchange with reship, the merchant refunding one of two lines, a balance-paid order
refunded to the wallet. Each checks the money, the stock and the points that come back."""

from __future__ import annotations

from runtime.modules.aftersales import service
from tests.aftersales.flow import (
    MERCHANT,
    aftersale,
    balance_paid,
    buyer,
    drain,
    give_points,
    history,
    in_shop,
    notify_refund,
    points,
    points_balanced,
    refunds,
    ship_order,
    sku_of,
    stock_and_sales,
    wallet_balanced,
    wechat_paid,
    wechat_refund,
)


def test_refund_only_before_shipping_gives_money_stock_and_points_back(
        app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10000, stock=5))
    alice = buyer(app, client, factory, shop)
    give_points(app, factory, shop, alice, 2000)
    order = wechat_paid(app, alice, [(sku.id, 1)], use_points=True)
    assert order["points_used"] == 2000 and order["status"] == "paid"
    drain(app, redis_conn)  # the order-paid follow-up: points earned
    earned = points(factory, shop, alice.member.id)
    assert earned > 0
    assert stock_and_sales(factory, shop, sku.id) == (4, 1)
    line = order["lines"][0]
    paid = line["payable_fen"]

    created = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": paid, "reason": "不想要了"}, 201).json
    assert created["status"] == "apply" and created["freight_fen"] == order["shipping_fen"]
    assert alice.order(order["id"])["aftersale_lines"][str(line["id"])]["status"] == "apply"

    in_shop(app, factory, shop, service.agree, created["id"], MERCHANT)
    assert aftersale(factory, shop, created["id"]).status == "refunding"
    total = paid + order["shipping_fen"]
    assert refunds(factory, shop) == [(created["no"], total, "processing")]
    assert wechat_refund(app, created["no"]) is None  # recorded now, sent by the job ...
    drain(app, redis_conn)
    assert wechat_refund(app, created["no"])["amount"]["refund"] == total
    assert stock_and_sales(factory, shop, sku.id) == (4, 1)  # ... and nothing moved yet

    assert notify_refund(app, created["no"]).status == 204
    done = alice.call("GET", f"/aftersales/{created['id']}").json
    assert done["status"] == "complete"
    assert [h["to_status"] for h in done["history"]] == [
        "apply", "wait_refund", "refunding", "complete"]
    detail = alice.order(order["id"])
    assert detail["refund_status"] == "ALL" and detail["status"] == "closed"
    assert detail["close_reason"] == "refunded"
    assert detail["refunded_fen"] == paid + order["shipping_fen"]
    assert stock_and_sales(factory, shop, sku.id) == (5, 0)
    assert points(factory, shop, alice.member.id) == 2000  # spent back, earned taken back
    assert points_balanced(factory, shop)


def test_return_and_refund_through_every_state(app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=5))
    bob = buyer(app, client, factory, shop, "bob")
    order = wechat_paid(app, bob, [(sku.id, 2)])
    ship_order(app, factory, shop, order["id"])
    line = order["lines"][0]
    created = bob.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "return", "qty": 1,
        "amount_fen": 5000, "reason": "尺码不合适", "description": "大了一号"}, 201).json
    assert created["freight_fen"] == 0
    in_shop(app, factory, shop, service.agree, created["id"], MERCHANT)
    agreed = bob.call("GET", f"/aftersales/{created['id']}").json
    assert agreed["status"] == "seller_agree" and agreed["due_at"]
    shipped = bob.call("POST", f"/aftersales/{created['id']}/return-shipment",
                       {"carrier": "顺丰", "tracking_no": "SF99887766"}).json
    assert shipped["status"] == "buyer_delivery"
    assert shipped["return_shipment"] == {"carrier": "顺丰", "tracking_no": "SF99887766"}
    assert bob.call("POST", f"/aftersales/{created['id']}/cancel", expect=409).json[
        "code"] == "aftersale_invalid_transition"
    in_shop(app, factory, shop, service.receive, created["id"], MERCHANT)
    drain(app, redis_conn)
    assert notify_refund(app, created["no"]).status == 204

    assert history(factory, shop, created["id"]) == [
        (None, "apply", "member"), ("apply", "seller_agree", "merchant"),
        ("seller_agree", "buyer_delivery", "member"), ("buyer_delivery", "wait_refund",
                                                      "merchant"),
        ("wait_refund", "refunding", "merchant"), ("refunding", "complete", "wechat")]
    detail = bob.order(order["id"])
    assert detail["refund_status"] == "PART" and detail["status"] == "shipped"
    assert detail["aftersale_lines"][str(line["id"])]["returned_qty"] == 1
    assert stock_and_sales(factory, shop, sku.id) == (4, 1)  # one of two came back
    assert bob.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": line["payable_fen"] - 5000 + 1, "reason": "再退一件"}, 422).json[
        "errors"][0]["pointer"] == "/amount_fen"


def test_exchange_with_reship(app, client, factory, shop, clock, redis_conn):
    from datetime import timedelta

    sku = sku_of(factory, shop, factory.product(shop, price_fen=3000, stock=3))
    carol = buyer(app, client, factory, shop, "carol")
    order = wechat_paid(app, carol, [(sku.id, 1)])
    ship_order(app, factory, shop, order["id"])
    line = order["lines"][0]
    created = carol.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "exchange",
        "amount_fen": 0, "reason": "颜色不对"}, 201).json
    in_shop(app, factory, shop, service.agree, created["id"], MERCHANT)
    carol.call("POST", f"/aftersales/{created['id']}/return-shipment",
               {"carrier": "中通", "tracking_no": "ZT123456"})
    in_shop(app, factory, shop, service.reship, created["id"], MERCHANT,
            {"carrier": "顺丰", "tracking_no": "SF555"})
    reshipped = carol.call("GET", f"/aftersales/{created['id']}").json
    assert reshipped["status"] == "seller_reship"
    assert reshipped["reship"] == {"carrier": "顺丰", "tracking_no": "SF555"}
    assert stock_and_sales(factory, shop, sku.id) == (2, 1)  # one back in, one out
    clock.advance(timedelta(days=10, seconds=1))
    assert ("aftersale-timer-" + str(shop.id) + "-" + str(created["id"]), "exchanged") in \
        drain(app, redis_conn)
    assert carol.call("GET", f"/aftersales/{created['id']}").json["status"] == "complete"
    assert refunds(factory, shop) == []
    assert carol.order(order["id"])["refund_status"] == "NONE"


def test_merchant_refunds_one_of_two_lines(app, client, factory, shop, clock, redis_conn):
    a = sku_of(factory, shop, factory.product(shop, price_fen=4000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, price_fen=6000, stock=5))
    dave = buyer(app, client, factory, shop, "dave")
    order = wechat_paid(app, dave, [(a.id, 1), (b.id, 1)])
    drain(app, redis_conn)
    before = points(factory, shop, dave.member.id)
    line_b = next(x for x in order["lines"] if x["sku_id"] == b.id)
    made = in_shop(app, factory, shop, service.merchant_refund, order["id"],
                   [{"line_id": line_b["id"]}], "缺货，退这一件", MERCHANT)
    assert [(m.initiator, m.amount_fen, m.freight_fen) for m in made] == [
        ("merchant", line_b["payable_fen"], 0)]
    drain(app, redis_conn)
    assert notify_refund(app, made[0].no).status == 204
    detail = dave.order(order["id"])
    assert detail["refund_status"] == "PART" and detail["status"] == "paid"
    assert detail["refunded_fen"] == line_b["payable_fen"]
    assert stock_and_sales(factory, shop, b.id) == (5, 0)  # never shipped: back on sale
    assert stock_and_sales(factory, shop, a.id) == (4, 1)
    after = points(factory, shop, dave.member.id)
    assert after == before - before * line_b["payable_fen"] // order["paid_fen"]
    assert points_balanced(factory, shop)


def test_balance_paid_order_is_refunded_to_the_wallet(app, client, factory, shop, clock,
                                                      redis_conn):
    from runtime.modules.wallet.service import balance_of

    sku = sku_of(factory, shop, factory.product(shop, price_fen=2500, stock=5))
    erin = buyer(app, client, factory, shop, "erin")
    order = balance_paid(app, factory, shop, erin, [(sku.id, 2)])
    after_paying = in_shop(app, factory, shop, balance_of, erin.member.id).balance_fen
    assert after_paying == 100000 - order["payable_fen"]
    line = order["lines"][0]
    created = erin.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": 2500, "reason": "少买一件"}, 201).json
    in_shop(app, factory, shop, service.agree, created["id"], MERCHANT)
    done = erin.call("GET", f"/aftersales/{created['id']}").json
    assert done["status"] == "complete" and done["refund"]["method"] == "wallet"
    assert in_shop(app, factory, shop, balance_of, erin.member.id).balance_fen == \
        after_paying + 2500
    assert refunds(factory, shop) == [(created["no"], 2500, "succeeded")]
    assert erin.order(order["id"])["refund_status"] == "PART"
    assert wallet_balanced(app, factory, shop) and points_balanced(factory, shop)


def test_the_merchant_disagrees_or_refuses_the_goods_with_a_reason(app, client, factory, shop):
    """SELLER_DISAGREE ends a request, SELLER_REFUSE a return whose goods came back; each
    needs a reason (422 at /reason), which the history keeps; the line is free again."""
    import pytest

    from runtime.errors import ValidationFailed

    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=5))
    gina = buyer(app, client, factory, shop, "gina")
    order = wechat_paid(app, gina, [(sku.id, 1)])
    ship_order(app, factory, shop, order["id"])
    line = order["lines"][0]
    body = {"order_id": order["id"], "line_id": line["id"], "kind": "return",
            "amount_fen": line["payable_fen"], "reason": "不合适"}
    first = gina.call("POST", "/aftersales", body, 201).json
    with pytest.raises(ValidationFailed) as missing:
        in_shop(app, factory, shop, service.disagree, first["id"], MERCHANT, " ")
    assert [e.pointer for e in missing.value.errors] == ["/reason"]
    in_shop(app, factory, shop, service.disagree, first["id"], MERCHANT, "已超过退货期")
    assert aftersale(factory, shop, first["id"]).status == "seller_disagree"
    assert history(factory, shop, first["id"])[-1] == ("apply", "seller_disagree", "merchant")

    second = gina.call("POST", "/aftersales", body, 201).json  # the line is free again
    in_shop(app, factory, shop, service.agree, second["id"], MERCHANT)
    gina.call("POST", f"/aftersales/{second['id']}/return-shipment",
              {"carrier": "顺丰", "tracking_no": "SF9"}, 200)
    in_shop(app, factory, shop, service.refuse_goods, second["id"], MERCHANT, "商品已损坏")
    refused = gina.call("GET", f"/aftersales/{second['id']}").json
    assert refused["status"] == "seller_refuse"
    assert refused["history"][-1]["reason"] == "商品已损坏"
    assert stock_and_sales(factory, shop, sku.id) == (4, 1)  # nothing came back to stock
