"""Submitting orders: idempotent by key, safe under concurrency, honest about price changes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.catalog.models import StockLedgerEntry, StockReservation
from runtime.modules.catalog.products import update_product
from runtime.modules.orders.models import IdempotencyKey, Order
from tests.orders.flow import new_key, shopper, sku_of, stock_of


def count(factory, shop, model) -> int:
    with factory._session() as s:
        use_shop(s, shop.id)
        return s.scalar(select(func.count()).select_from(model))


def test_double_clicked_submit_gives_one_order(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=500, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}])
    key = new_key()
    first = alice.submit(quote["quote_id"], key)
    again = alice.submit(quote["quote_id"], key, expect=200)
    assert first.status_code == 201 and again.json["id"] == first.json["id"]
    assert count(factory, shop, Order) == 1
    assert stock_of(factory, shop, sku.id) == 3


def test_concurrent_double_click_gives_one_order(app, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=500, stock=50))
    alice = shopper(app, app.test_client(), factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    key = new_key()
    barrier = threading.Barrier(8)

    def click(_i: int):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/api/v1/shops/{shop.slug}/orders", json={"quote_id":
                                                                      quote["quote_id"]},
                           headers={**alice.headers, "Idempotency-Key": key})

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(click, range(8)))
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.json["id"] for a in answers}) == 1
    assert count(factory, shop, Order) == 1
    assert stock_of(factory, shop, sku.id) == 49


def test_same_key_for_another_quote_is_refused(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=500, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    q1 = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    q2 = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}])
    key = new_key()
    alice.submit(q1["quote_id"], key)
    answer = alice.submit(q2["quote_id"], key, expect=409)
    assert answer.json["code"] == "idempotency_key_reused"
    assert count(factory, shop, Order) == 1


def test_missing_or_bad_key_is_a_422(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=500, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    answer = alice.call("POST", "/orders", {"quote_id": quote["quote_id"]}, 422)
    assert answer.json["errors"][0]["pointer"] == "/idempotency_key"
    assert alice.submit(quote["quote_id"], "short", expect=422).json["errors"][0][
        "code"] == "idempotency_key_required"
    assert count(factory, shop, Order) == 0


def test_price_change_after_quote_is_a_409_with_the_new_quote(app, client, factory, shop,
                                                              clock):
    product = factory.product(shop, price_fen=1000, stock=5)
    sku = sku_of(factory, shop, product)
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_product(s, product.id, {"skus": [{"id": sku.id, "price_fen": 1200,
                                                 "stock": 5}]})
        s.commit()
    answer = alice.submit(quote["quote_id"], expect=409)
    assert answer.json["code"] == "quote_changed"
    assert answer.json["quote"]["goods_total_fen"] == 1200
    assert count(factory, shop, Order) == 0
    assert count(factory, shop, IdempotencyKey) == 0  # the key can be used again
    assert stock_of(factory, shop, sku.id) == 5


def test_expired_quote_is_refused(app, client, factory, shop, clock):
    from datetime import timedelta

    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    clock.advance(timedelta(minutes=31))
    assert alice.submit(quote["quote_id"], expect=409).json["code"] == "quote_expired"


def test_fifty_concurrent_submits_for_stock_ten_give_ten_orders(app, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, "限量款", price_fen=1000, stock=10))
    buyers = []
    for i in range(50):
        buyer = shopper(app, app.test_client(), factory, shop, openid=f"o-buyer-{i}")
        buyer.add_address()
        buyers.append((buyer, buyer.quote(source="items",
                                          items=[{"sku_id": sku.id, "qty": 1}])))
    barrier = threading.Barrier(50)

    def submit(pair):
        buyer, quote = pair
        client = app.test_client()
        barrier.wait()
        return client.post(f"/api/v1/shops/{shop.slug}/orders",
                           json={"quote_id": quote["quote_id"]},
                           headers={**buyer.headers, "Idempotency-Key": new_key()})

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(submit, buyers))
    codes = [a.status_code for a in answers]
    assert codes.count(201) == 10, codes
    assert codes.count(409) == 40
    assert {a.json["code"] for a in answers if a.status_code == 409} == {"insufficient_stock"}
    assert count(factory, shop, Order) == 10
    assert stock_of(factory, shop, sku.id) == 0
    assert count(factory, shop, StockReservation) == 10
    with factory._session() as s:
        use_shop(s, shop.id)
        last = s.scalars(select(StockLedgerEntry).where(StockLedgerEntry.sku_id == sku.id)
                         .order_by(StockLedgerEntry.id.desc())).first()
        assert last.balance == 0


def test_cart_line_sold_out_after_the_quote_is_a_409_insufficient_stock(app, client, factory,
                                                                       shop, clock):
    product = factory.product(shop, price_fen=1000, stock=3)
    sku = sku_of(factory, shop, product)
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    alice.add_to_cart(sku.id, 2)
    quote = alice.quote(source="cart")
    assert [line["sku_id"] for line in quote["lines"]] == [sku.id]
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_product(s, product.id, {"skus": [{"id": sku.id, "price_fen": 1000,
                                                 "stock": 0}]})
        s.commit()
    answer = alice.submit(quote["quote_id"], expect=409)
    assert answer.json["code"] == "insufficient_stock"
    assert answer.json["skus"] == [{"sku_id": sku.id, "requested": 2, "available": 0}]
    assert count(factory, shop, Order) == 0
    again = alice.quote(source="cart", expect=422)  # a new quote: nothing left to buy
    assert again["errors"][0]["code"] == "cart_empty"
