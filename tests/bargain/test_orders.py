"""Buying a launch through checkout: its current price as one adjustment, one order per
launch, floor-only, the SKU and quantity, a coupon refused, a closed unpaid order freeing
the launch and its stock, payment marking it bought, a whole refund giving the stock back."""

from __future__ import annotations

from datetime import timedelta

from runtime.modules.aftersales import service as aftersales
from tests.aftersales.flow import MERCHANT, drain, notify_refund
from tests.bargain.flow import (
    help_cut,
    in_shop,
    launch,
    launch_row,
    order_launch,
    paid,
    people,
    quote_launch,
    setup,
    stock,
)
from tests.bargain.test_launches import problem


def test_the_launcher_buys_at_the_current_price(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    made = launch(alice, activity).json
    price = help_cut(bob, made["id"]).json["price_after_fen"]
    quote = quote_launch(alice, sku, made["id"]).json
    [adjustment] = quote["adjustments"]
    assert adjustment["source"] == f"bargain:{made['id']}"
    assert adjustment["amount_fen"] == 10000 - price
    assert quote["lines"][0]["payable_fen"] == price
    order = paid(app, alice, sku, made["id"])
    assert order["paid_fen"] == price + quote["shipping_fen"]
    row = launch_row(factory, shop, made["id"])
    assert (row.status, row.order_id, row.stock_held) == ("bought", order["id"], True)
    assert stock(factory, shop, activity) == 4
    problem(quote_launch(alice, sku, made["id"]), 409, "bargain_already_ordered")
    problem(help_cut(people(app, client, factory, shop, "carol")[0], made["id"], expect=None),
            409, "bargain_finished")


def test_only_the_launcher_buys_one_unit_of_its_sku_without_a_coupon(app, client, factory,
                                                                    shop):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    made = launch(alice, activity).json
    assert quote_launch(bob, sku, made["id"]).status_code == 404
    other = factory.product(shop, "别的商品", price_fen=500, stock=5)
    from tests.bargain.flow import sku_of

    wrong = alice.call("POST", "/checkout/quote", {
        "source": "items", "items": [{"sku_id": sku_of(factory, shop, other).id, "qty": 1}],
        "activity": {"kind": "bargain", "id": made["id"]}}, 422)
    assert wrong.json["errors"][0]["pointer"] == "/items/0/sku_id"
    two = alice.call("POST", "/checkout/quote", {
        "source": "items", "items": [{"sku_id": sku.id, "qty": 2}],
        "activity": {"kind": "bargain", "id": made["id"]}}, 422)
    assert two.json["errors"][0]["pointer"] == "/items/0/qty"
    coupon = alice.call("POST", "/checkout/quote", {
        "source": "items", "items": [{"sku_id": sku.id, "qty": 1}], "coupon_id": 1,
        "activity": {"kind": "bargain", "id": made["id"]}}, 422)
    assert [e["pointer"] for e in coupon.json["errors"]] == ["/coupon_id"]


def test_floor_only_sells_at_the_floor(app, client, factory, shop):
    activity, sku = setup(app, factory, shop, floor_only=True, helpers_needed=2)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    made = launch(alice, activity).json
    problem(quote_launch(alice, sku, made["id"]), 409, "bargain_floor_only")
    help_cut(bob, made["id"])
    assert help_cut(carol, made["id"], expect=409).json["code"] == "bargain_finished"
    quote = quote_launch(alice, sku, made["id"])
    assert quote.status_code == 200 and quote.json["lines"][0]["payable_fen"] == 3000


def test_a_closed_unpaid_order_frees_the_launch(app, client, factory, shop, clock):
    activity, sku = setup(app, factory, shop, valid_hours=48)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    made = launch(alice, activity).json
    order = order_launch(alice, sku, made["id"])
    assert stock(factory, shop, activity) == 4
    problem(help_cut(bob, made["id"], expect=None), 409, "bargain_finished")
    problem(quote_launch(alice, sku, made["id"]), 409, "bargain_already_ordered")
    alice.call("POST", f"/orders/{order['id']}/cancel", {}, 200)
    row = launch_row(factory, shop, made["id"])
    assert (row.status, row.order_id, row.stock_held) == ("cutting", None, False)
    assert stock(factory, shop, activity) == 5
    help_cut(bob, made["id"])  # cutting again
    again = order_launch(alice, sku, made["id"])
    assert again["id"] != order["id"]
    clock.advance(timedelta(hours=48))  # the order outlives the launch, then closes
    alice.call("POST", f"/orders/{again['id']}/cancel", {}, 200)
    assert launch_row(factory, shop, made["id"]).status == "expired"
    problem(quote_launch(alice, sku, made["id"]), 409, "bargain_expired")


def test_the_price_changed_since_the_quote(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    made = launch(alice, activity).json
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}],
                        activity={"kind": "bargain", "id": made["id"]})
    help_cut(bob, made["id"])
    submitted = alice.submit(quote["quote_id"], expect=None)
    assert submitted.status_code == 409, submitted.json
    assert submitted.json["code"] == "quote_changed"  # checkout prices it again at submit
    assert launch_row(factory, shop, made["id"]).order_id is None
    assert stock(factory, shop, activity) == 5


def test_a_whole_refund_gives_the_stock_back_once(app, client, factory, shop, clock,
                                                 redis_conn):
    activity, sku = setup(app, factory, shop)
    [alice] = people(app, client, factory, shop, "alice")
    made = launch(alice, activity).json
    order = paid(app, alice, sku, made["id"])
    assert stock(factory, shop, activity) == 4
    [_request] = in_shop(app, factory, shop, aftersales.refund_whole_order, order["id"],
                        "缺货", MERCHANT, no="BG000001", initiator="merchant")
    clock.advance(timedelta(minutes=1))
    drain(app, redis_conn)
    assert notify_refund(app, "BG000001").status == 204
    assert notify_refund(app, "BG000001").status == 204
    assert stock(factory, shop, activity) == 5
    row = launch_row(factory, shop, made["id"])
    assert (row.status, row.stock_held) == ("bought", False)
