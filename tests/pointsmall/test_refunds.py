"""Refunds of exchange orders: a points-only exchange (nothing paid) is refunded for 0 fen
at once, by the merchant or on the buyer's refund-only request before shipping, and gives
back its points and exchange stock once; a points + cash exchange refunded in full through
WeChat Pay gives back its points too, once, and refunded in part gives back the points in
the share of the money refunded; another shop's order is 404."""

from __future__ import annotations

import re
from datetime import timedelta

from runtime.modules.aftersales import service as aftersales
from runtime.modules.aftersales.jobs import sweep
from tests.aftersales.flow import (
    MERCHANT,
    aftersale,
    drain,
    history,
    in_shop,
    notify_refund,
    refunds,
    ship_order,
    stock_and_sales,
    wechat_paid,
)
from tests.orders.flow import shopper, sku_of
from tests.pointsmall.helpers import add_item, balance, give_points, item_row


def _setup(app, client, factory, shop, *, cash_fen=0):
    factory.module_on(shop, "pointsmall")
    bag = sku_of(factory, shop, factory.product(shop, "帆布袋", price_fen=3900, stock=40))
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    give_points(factory, shop, buyer.member.id, 2000)
    item = add_item(factory, shop, bag.id, points=500, cash_fen=cash_fen, stock=10)
    return bag, buyer, item


def _points_only(buyer, item, bag, qty=2):
    quote = buyer.quote(source="items", items=[{"sku_id": bag.id, "qty": qty}],
                        activity={"kind": "pointsmall", "id": item.id})
    order = buyer.submit(quote["quote_id"]).json
    assert (order["status"], order["payable_fen"]) == ("paid", 0)
    return buyer.order(order["id"])


def _console(client, factory, shop):
    factory.console_login(client, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}"
    page = client.get(f"{base}/aftersales").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return base, {"X-CSRF-Token": token, "Accept": "application/json"}


def test_merchant_refunds_a_points_only_exchange_once(app, client, factory, shop, clock,
                                                      redis_conn):
    bag, buyer, item = _setup(app, client, factory, shop)
    me = buyer.member.id
    order = _points_only(buyer, item, bag)
    line = order["lines"][0]
    assert (balance(factory, shop, me), item_row(factory, shop, item.id).stock) == (1000, 8)
    assert stock_and_sales(factory, shop, bag.id)[0] == 38
    base, headers = _console(client, factory, shop)
    page = client.get(f"{base}/orders/{order['id']}").get_data(as_text=True)
    assert "发起退款" in page and "积分兑换（未付现金）" in page
    paid = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": line["id"], "amount_fen": 1}], "reason": "缺货"},
        headers=headers)
    assert paid.status_code == 422 and paid.json["errors"][0]["pointer"] == "/items/0/amount_fen"
    done = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": line["id"]}], "reason": "缺货"}, headers=headers)
    assert done.status_code in (200, 201), done.get_data(as_text=True)
    drain(app, redis_conn)
    assert refunds(factory, shop) == []  # no money moved, no WeChat Pay refund
    assert (balance(factory, shop, me), item_row(factory, shop, item.id).stock) == (2000, 10)
    assert stock_and_sales(factory, shop, bag.id)[0] == 40  # not shipped: goods back
    seen = buyer.order(order["id"])
    assert (seen["status"], seen["refund_status"], seen["refunded_fen"]) == (
        "closed", "ALL", 0)
    assert seen["aftersale_lines"][str(line["id"])]["status"] == "complete"
    listed = client.get(f"{base}/aftersales", query_string={"status": "complete"},
                        headers=headers).json["items"]
    assert [(i["initiator"], i["amount_fen"], i["status"]) for i in listed] == [
        ("merchant", 0, "complete")]
    aid = listed[0]["id"]
    assert history(factory, shop, aid) == [(None, "apply", "merchant"),
                                           ("apply", "wait_refund", "merchant"),
                                           ("wait_refund", "refunding", "merchant"),
                                           ("refunding", "complete", "merchant")]
    detail = client.get(f"{base}/aftersales/{aid}").get_data(as_text=True)
    assert "无需退款（未付现金，退回积分）" in detail and "缺货" in detail
    assert client.get(f"{base}/aftersales/{aid}", headers=headers).json["refund"]["method"] \
        == "none"

    again = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": line["id"]}], "reason": "缺货"}, headers=headers)
    assert again.status_code == 409
    assert (balance(factory, shop, me), item_row(factory, shop, item.id).stock) == (2000, 10)
    assert stock_and_sales(factory, shop, bag.id)[0] == 40
    ledger = buyer.call("GET", "/me/points").json["entries"]
    assert [(e["delta"], e["label"]) for e in ledger[:2]] == [(1000, "兑换退回"),
                                                              (-1000, "积分兑换")]


def test_a_second_zero_refund_of_the_line_is_refused(app, client, factory, shop, clock):
    bag, buyer, item = _setup(app, client, factory, shop)
    order = _points_only(buyer, item, bag)
    line_id = order["lines"][0]["id"]
    made = in_shop(app, factory, shop, aftersales.refund_whole_order, order["id"], "拼团失败",
                   MERCHANT, no="ZR1", initiator="merchant")
    assert [(a.amount_fen, a.status) for a in made] == [(0, "complete")]
    again = in_shop(app, factory, shop, aftersales.refund_whole_order, order["id"], "拼团失败",
                    MERCHANT, no="ZR1", initiator="merchant")
    assert [a.id for a in again] == [made[0].id]
    assert balance(factory, shop, buyer.member.id) == 2000
    assert buyer.order(order["id"])["aftersale_lines"][str(line_id)]["refunded_fen"] == 0


def test_buyer_refund_only_before_shipping(app, client, factory, shop, clock, redis_conn):
    bag, buyer, item = _setup(app, client, factory, shop)
    order = _points_only(buyer, item, bag, qty=1)
    line = order["lines"][0]
    wrong = buyer.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": 100, "reason": "不想要了"}, 422).json
    assert wrong["errors"][0]["pointer"] == "/amount_fen"
    made = buyer.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": 0, "reason": "不想要了"}, 201).json
    assert made["status"] == "apply"
    in_shop(app, factory, shop, aftersales.agree, made["id"], MERCHANT)
    drain(app, redis_conn)
    assert balance(factory, shop, buyer.member.id) == 2000
    assert item_row(factory, shop, item.id).stock == 10
    seen = buyer.order(order["id"])
    assert (seen["status"], seen["refund_status"]) == ("closed", "ALL")
    mine = buyer.call("GET", "/pointsmall/orders").json["items"]
    assert [(e["status"], e["order_status"]) for e in mine] == [("returned", "closed")]
    assert buyer.call("GET", f"/aftersales/{made['id']}").json["status"] == "complete"


def test_a_shipped_points_only_exchange_waits_for_the_merchant(app, client, factory, shop,
                                                              clock, redis_conn):
    bag, buyer, item = _setup(app, client, factory, shop)
    order = _points_only(buyer, item, bag, qty=1)
    ship_order(app, factory, shop, order["id"])
    made = buyer.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": order["lines"][0]["id"], "kind": "refund",
        "amount_fen": 0, "reason": "没收到"}, 201).json
    assert made["due_at"] is None  # 0 fen is under any cap, but the points are not
    clock.advance(timedelta(days=30))
    with app.app_context():
        assert sweep()["timers"] == 0
    assert aftersale(factory, shop, made["id"]).status == "apply"
    assert balance(factory, shop, buyer.member.id) == 1500


def test_mixed_exchange_merchant_refund_returns_points_once(app, client, factory, shop, clock,
                                                            redis_conn):
    bag, buyer, item = _setup(app, client, factory, shop, cash_fen=990)
    order = wechat_paid(app, buyer, [(bag.id, 1)], activity={"kind": "pointsmall",
                                                            "id": item.id})
    drain(app, redis_conn)
    me = buyer.member.id
    assert balance(factory, shop, me) == 1500 + 9  # 9 points earned on ¥9.90
    base, headers = _console(client, factory, shop)
    line = order["lines"][0]
    part = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": line["id"], "amount_fen": 0}], "reason": "缺货"},
        headers=headers)
    assert part.status_code == 422  # money was paid: from 1 fen
    done = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": line["id"]}], "reason": "缺货"}, headers=headers)
    assert done.status_code in (200, 201)
    drain(app, redis_conn)
    no = refunds(factory, shop)[0][0]
    assert refunds(factory, shop)[0][1] == 990
    assert notify_refund(app, no).status == 204
    assert notify_refund(app, no).status == 204  # WeChat repeats itself
    assert buyer.order(order["id"])["status"] == "closed"
    assert balance(factory, shop, me) == 2000  # exchanged points back, earned ones taken
    assert item_row(factory, shop, item.id).stock == 10


def test_another_shops_order_is_404(app, client, factory, shop, clock):
    bag, buyer, item = _setup(app, client, factory, shop)
    order = _points_only(buyer, item, bag)
    other = factory.shop()
    factory.console_login(client, factory.merchant(other))
    base = f"/console/shops/{other.slug}"
    page = client.get(f"{base}/aftersales").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    lost = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": order["lines"][0]["id"]}], "reason": "缺货"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert lost.status_code == 404
    assert balance(factory, shop, buyer.member.id) == 1000
    assert item_row(factory, shop, item.id).stock == 8


def test_a_partial_refund_of_a_mixed_exchange_gives_back_its_share_of_points(
        app, client, factory, shop, clock, redis_conn):
    bag, buyer, item = _setup(app, client, factory, shop, cash_fen=990)
    order = wechat_paid(app, buyer, [(bag.id, 2)], activity={"kind": "pointsmall",
                                                            "id": item.id})
    drain(app, redis_conn)
    me = buyer.member.id
    assert order["paid_fen"] == 1980
    assert balance(factory, shop, me) == 1000 + 19  # 19 points earned on ¥19.80
    line = order["lines"][0]

    def refund_one(reason: str) -> None:
        made = buyer.call("POST", "/aftersales", {
            "order_id": order["id"], "line_id": line["id"], "kind": "refund", "qty": 1,
            "amount_fen": 990, "reason": reason}, 201).json
        in_shop(app, factory, shop, aftersales.agree, made["id"], MERCHANT)
        drain(app, redis_conn)
        no = next(r for r in refunds(factory, shop) if r[2] == "processing")[0]
        assert notify_refund(app, no).status == 204
        assert notify_refund(app, no).status == 204  # WeChat repeats itself

    refund_one("少要一个")
    # half the money back: half the exchanged points back, half the earned ones taken
    assert balance(factory, shop, me) == 1000 + 19 + 500 - 9
    assert item_row(factory, shop, item.id).stock == 8  # the exchange still holds its stock
    assert buyer.order(order["id"])["status"] != "closed"

    clock.advance(timedelta(minutes=1))  # WeChat Pay: a minute between a payment's refunds
    refund_one("都不要了")
    assert balance(factory, shop, me) == 2000
    assert item_row(factory, shop, item.id).stock == 10
    assert buyer.order(order["id"])["status"] == "closed"
    ledger = buyer.call("GET", "/me/points").json["entries"]
    assert sorted(e["delta"] for e in ledger if e["label"] == "兑换退回") == [500, 500]
