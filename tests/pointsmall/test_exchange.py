"""Exchanging in the points mall through the real checkout: the worked example of
docs/modules/pointsmall.md, cash paid with WeChat Pay (simulator) and refunded, points and
exchange stock given back exactly once, the per-member limit and the balance under
concurrent exchanges, and the module switched off."""

from __future__ import annotations

from pathlib import Path

from runtime.db import use_shop
from runtime.errors import ValidationFailed
from runtime.modules import switches
from runtime.modules.aftersales import service as aftersales
from runtime.modules.orders import checkout
from runtime.modules.orders.models import Order
from runtime.modules.points.errors import InsufficientPoints
from runtime.modules.pointsmall import service
from runtime.modules.pointsmall.errors import ExchangeSoldOut
from runtime.modules.pointsmall.jobs import return_closed
from runtime.modules.pointsmall.models import PointsMallExchange
from tests.aftersales.flow import MERCHANT, drain, in_shop, notify_refund, wechat_paid
from tests.concurrency import run_in_threads
from tests.orders.flow import new_key, shopper, sku_of, stock_of
from tests.pointsmall.helpers import add_item, balance, give_points, item_row

DOC = Path(__file__).parents[2] / "docs" / "modules" / "pointsmall.md"
# (payable, points, item stock) after each step of the worked example, as the test sees them
EXAMPLE = [("990", "2000", "30"), ("990", "1200", "29"), ("", "1200", "29"),
           ("", "2000", "30"), ("0", "1000", ""), ("", "1000", "")]


def test_the_docs_show_the_figures_the_example_checks():
    section = DOC.read_text().split("## Worked example", 1)[1]
    rows = [[cell.strip().replace("*", "") for cell in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert [tuple(row[1:]) for row in rows[1:]] == EXAMPLE


def _exchange(item, sku, qty=1):
    return {"source": "items", "items": [{"sku_id": sku.id, "qty": qty}],
            "activity": {"kind": "pointsmall", "id": item.id}}


def _setup(app, client, factory, shop, points=2000):
    factory.module_on(shop, "pointsmall")
    cup = sku_of(factory, shop, factory.product(shop, "保温杯", price_fen=5900, stock=40))
    bag = sku_of(factory, shop, factory.product(shop, "帆布袋", price_fen=3900, stock=40))
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    give_points(factory, shop, buyer.member.id, points)
    return cup, bag, buyer


def test_worked_example(app, client, factory, shop, clock):
    cup, bag, buyer = _setup(app, client, factory, shop)
    cup_item = add_item(factory, shop, cup.id, points=800, cash_fen=990, stock=30,
                        limit_per_member=1)
    bag_item = add_item(factory, shop, bag.id, points=500, stock=10)
    me = buyer.member.id

    quote = buyer.quote(**_exchange(cup_item, cup))
    assert [(a["source"], a["amount_fen"], a["meta"]["points"]) for a in quote["adjustments"]] \
        == [(f"pointsmall:{cup_item.id}", 4910, 800)]
    assert (quote["payable_fen"], quote["shipping_fen"]) == (990, 0)
    assert quote["lines"][0]["adjustments"] == {f"pointsmall:{cup_item.id}": 4910}
    order = buyer.submit(quote["quote_id"]).json
    assert (order["status"], order["payable_fen"]) == ("pending_payment", 990)
    assert (balance(factory, shop, me), item_row(factory, shop, cup_item.id).stock) == (1200, 29)
    assert stock_of(factory, shop, cup.id) == 39

    again = buyer.quote(expect=422, **_exchange(cup_item, cup))
    assert [(e["pointer"], e["code"]) for e in again["errors"]] == [
        ("/items/0/qty", "exchange_limit_reached")]

    assert buyer.call("POST", f"/orders/{order['id']}/cancel", {}).json["status"] == "closed"
    assert (balance(factory, shop, me), item_row(factory, shop, cup_item.id).stock) == (2000, 30)
    assert stock_of(factory, shop, cup.id) == 40
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert service.give_back(s, order["id"], "closed") is False  # once only
        assert return_closed(s) == 0
        s.commit()
    assert (balance(factory, shop, me), item_row(factory, shop, cup_item.id).stock) == (2000, 30)

    free = buyer.submit(buyer.quote(**_exchange(bag_item, bag, 2))["quote_id"]).json
    assert (free["status"], free["payable_fen"]) == ("paid", 0)
    detail = buyer.order(free["id"])
    assert detail["payments"] == []
    with factory._session() as s:
        use_shop(s, shop.id)
        row = s.get(Order, free["id"])
        assert (row.payment_method, row.activity_kind, row.activity_id) == (
            "none", "pointsmall", bag_item.id)
    assert balance(factory, shop, me) == 1000
    short = buyer.quote(expect=409, **_exchange(bag_item, bag, 3))
    assert (short["code"], short["balance"], short["requested"]) == (
        "insufficient_points", 1000, 1500)

    mine = buyer.call("GET", "/pointsmall/orders").json["items"]
    assert [(e["order_id"], e["points"], e["status"], e["order_status"]) for e in mine] == [
        (free["id"], 1000, "taken", "paid"), (order["id"], 800, "returned", "closed")]
    ledger = buyer.call("GET", "/me/points").json["entries"]
    assert [(e["delta"], e["label"]) for e in ledger[:4]] == [
        (-1000, "积分兑换"), (800, "兑换退回"), (-800, "积分兑换"), (2000, "赠送")]


def test_quote_refusals_name_the_field(app, client, factory, shop, clock):
    cup, bag, buyer = _setup(app, client, factory, shop, points=100)
    item = add_item(factory, shop, cup.id, points=50, stock=1)
    wrong = buyer.quote(expect=422, **_exchange(item, bag))
    assert wrong["errors"][0]["pointer"] == "/items/0/sku_id"
    nowhere = buyer.quote(expect=422, source="items", items=[{"sku_id": cup.id, "qty": 1}],
                          activity={"kind": "pointsmall", "id": item.id + 50})
    assert (nowhere["errors"][0]["pointer"], nowhere["errors"][0]["code"]) == (
        "/activity/id", "activity_unavailable")
    sold = buyer.quote(expect=409, **_exchange(item, cup, 2))
    assert (sold["code"], sold["available"]) == ("exchange_sold_out", 1)
    coupon = buyer.quote(expect=422, coupon_id=3, **_exchange(item, cup))
    assert ("/coupon_id", "coupon_not_allowed") in [
        (e["pointer"], e["code"]) for e in coupon["errors"]]
    points_too = buyer.quote(use_points=True, **_exchange(item, cup))
    assert [a["source"] for a in points_too["adjustments"]] == [f"pointsmall:{item.id}"]
    assert points_too["points_used"] == 0


def test_cash_paid_with_wechat_then_refunded_gives_points_and_stock_back_once(
        app, client, factory, shop, clock, redis_conn):
    cup, _bag, buyer = _setup(app, client, factory, shop)
    item = add_item(factory, shop, cup.id, points=800, cash_fen=990, stock=5)
    order = wechat_paid(app, buyer, [(cup.id, 1)],
                        activity={"kind": "pointsmall", "id": item.id})
    assert (order["status"], order["paid_fen"]) == ("paid", 990)
    drain(app, redis_conn)
    assert balance(factory, shop, buyer.member.id) == 1200 + 9  # 9 points earned on ¥9.90
    line = order["lines"][0]
    created = buyer.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": line["payable_fen"], "reason": "不想要了"}, 201).json
    in_shop(app, factory, shop, aftersales.agree, created["id"], MERCHANT)
    drain(app, redis_conn)
    assert notify_refund(app, created["no"]).status == 204
    assert buyer.order(order["id"])["status"] == "closed"
    assert balance(factory, shop, buyer.member.id) == 2000
    assert item_row(factory, shop, item.id).stock == 5
    assert notify_refund(app, created["no"]).status == 204  # WeChat repeats itself
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert return_closed(s) == 0
        s.commit()
    assert (balance(factory, shop, buyer.member.id), item_row(factory, shop, item.id).stock) \
        == (2000, 5)


def test_closed_while_the_module_was_off_is_given_back_by_the_sweeper(app, client, factory,
                                                                       shop, clock):
    cup, _bag, buyer = _setup(app, client, factory, shop)
    item = add_item(factory, shop, cup.id, points=300, cash_fen=100, stock=5)
    order = buyer.submit(buyer.quote(**_exchange(item, cup))["quote_id"]).json
    with factory._session() as s:
        use_shop(s, shop.id)
        switches.disable(s, "pointsmall")
        s.commit()
    buyer.call("POST", f"/orders/{order['id']}/cancel", {})
    assert (balance(factory, shop, buyer.member.id), item_row(factory, shop, item.id).stock) \
        == (1700, 4)
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert return_closed(s) == 1
        assert return_closed(s) == 0
        s.commit()
    assert (balance(factory, shop, buyer.member.id), item_row(factory, shop, item.id).stock) \
        == (2000, 5)
    factory.module_on(shop, "pointsmall")


def test_module_off_refuses_the_exchange(app, client, factory, shop, clock):
    cup, _bag, buyer = _setup(app, client, factory, shop)
    item = add_item(factory, shop, cup.id, points=300)
    with factory._session() as s:
        use_shop(s, shop.id)
        switches.disable(s, "pointsmall")
        s.commit()
    quote = buyer.quote(**_exchange(item, cup))
    assert [(e["pointer"], e["code"]) for e in quote["errors"]] == [
        ("/activity", "activity_unavailable")]
    refused = buyer.submit(quote["quote_id"], expect=422).json
    assert refused["errors"][0]["code"] == "activity_unavailable"
    assert balance(factory, shop, buyer.member.id) == 2000


def _quotes(app, factory, shop, buyer, item, sku, n):
    tokens = []
    for _ in range(n):
        tokens.append(buyer.quote(**_exchange(item, sku))["quote_id"])
    return tokens


def test_twenty_exchanges_racing_one_balance_never_overdraw(app, client, factory, shop,
                                                             clock):
    cup, _bag, buyer = _setup(app, client, factory, shop, points=1000)
    item = add_item(factory, shop, cup.id, points=100, stock=30)
    tokens = _quotes(app, factory, shop, buyer, item, cup, 20)

    def exchange(session, i):
        with app.app_context():
            return checkout.submit(session, buyer.member.id, tokens[i], new_key())

    outcomes = run_in_threads(app, shop.id, exchange, 20)
    made = [o for o in outcomes if isinstance(o, checkout.SubmitResult)]
    refused = [o for o in outcomes if isinstance(o, InsufficientPoints)]
    assert (len(made), len(refused)) == (10, 10), outcomes
    assert balance(factory, shop, buyer.member.id) == 0
    assert item_row(factory, shop, item.id).stock == 20
    with factory._session() as s:
        use_shop(s, shop.id)
        assert s.query(PointsMallExchange).count() == 10


def test_one_member_racing_past_the_limit_gets_it_once(app, client, factory, shop, clock):
    cup, _bag, buyer = _setup(app, client, factory, shop)
    item = add_item(factory, shop, cup.id, points=100, stock=30, limit_per_member=1)
    tokens = _quotes(app, factory, shop, buyer, item, cup, 8)

    def exchange(session, i):
        with app.app_context():
            return checkout.submit(session, buyer.member.id, tokens[i], new_key())

    outcomes = run_in_threads(app, shop.id, exchange, 8)
    made = [o for o in outcomes if isinstance(o, checkout.SubmitResult)]
    assert len(made) == 1, outcomes
    refused = [o for o in outcomes if o not in made]
    assert all(isinstance(o, ValidationFailed) and o.errors[0].code == "exchange_limit_reached"
               for o in refused), refused
    assert balance(factory, shop, buyer.member.id) == 1900
    assert item_row(factory, shop, item.id).stock == 29


def test_the_last_unit_goes_to_one_of_two_members(app, client, factory, shop, clock):
    cup, _bag, first = _setup(app, client, factory, shop)
    second = shopper(app, client, factory, shop)
    second.add_address()
    give_points(factory, shop, second.member.id, 2000, key="gift-2")
    item = add_item(factory, shop, cup.id, points=100, stock=1)
    tokens = [(p.member.id, p.quote(**_exchange(item, cup))["quote_id"])
              for p in (first, second)]

    def exchange(session, i):
        with app.app_context():
            return checkout.submit(session, tokens[i][0], tokens[i][1], new_key())

    outcomes = run_in_threads(app, shop.id, exchange, 2)
    assert sorted(type(o).__name__ for o in outcomes) == sorted(
        ["SubmitResult", ExchangeSoldOut.__name__]), outcomes
    assert item_row(factory, shop, item.id).stock == 0
    assert balance(factory, shop, first.member.id) + balance(factory, shop,
                                                             second.member.id) == 3900
