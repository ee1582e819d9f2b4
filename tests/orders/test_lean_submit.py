"""A submit is one transaction of at most 15 statements, on both backends, and its answer is
built from what that transaction holds: the same JSON as reading the order back."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.catalog.models import StockLedgerEntry, StockReservation
from runtime.modules.orders.models import Order
from tests.orders.flow import new_key, shopper, sku_of, stock_of
from tests.sqlcount import counting

MAX_STATEMENTS = 15


def _product_with_image(factory, shop, stock: int = 20):
    image = factory.media_image(shop)
    return factory.product(shop, "有图商品", price_fen=2590, stock=stock,
                           images=[{"media_id": image.id}])


def test_buy_now_submit_is_one_transaction_of_at_most_15_statements(app, client, factory,
                                                                     shop, clock):
    sku = sku_of(factory, shop, _product_with_image(factory, shop))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}])
    with counting(app) as counted:
        answer = alice.submit(quote["quote_id"])
    assert counted.transactions == 1, counted.statements
    assert len(counted.statements) <= MAX_STATEMENTS, "\n".join(counted.statements)
    assert stock_of(factory, shop, sku.id) == 18
    assert answer.json == alice.order(answer.json["id"])
    assert answer.json["lines"][0]["image_url"]


def test_cart_submit_is_one_transaction_of_at_most_15_statements(app, client, factory, shop,
                                                                 clock):
    sku = sku_of(factory, shop, _product_with_image(factory, shop))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    alice.add_to_cart(sku.id, 3)
    quote = alice.quote(source="cart")
    with counting(app) as counted:
        answer = alice.submit(quote["quote_id"])
    assert counted.transactions == 1, counted.statements
    assert len(counted.statements) <= MAX_STATEMENTS, "\n".join(counted.statements)
    assert answer.json == alice.order(answer.json["id"])
    assert alice.call("GET", "/cart").json["lines"] == []
    assert stock_of(factory, shop, sku.id) == 17


def _submit_cart_of(app, client, factory, shop, count: int):
    """A fresh shopper orders 2 of each of ``count`` new SKUs from the cart: the statements
    and transactions of the submit, the answer, the SKUs."""
    skus = [sku_of(factory, shop, factory.product(shop, price_fen=990 + i, stock=5))
            for i in range(count)]
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    for sku in skus:
        alice.add_to_cart(sku.id, 2)
    quote = alice.quote(source="cart")
    with counting(app) as counted:
        answer = alice.submit(quote["quote_id"])
    assert answer.json == alice.order(answer.json["id"])
    assert [line["sku_id"] for line in answer.json["lines"]] == [
        line["sku_id"] for line in quote["lines"]]
    return counted, answer.json, skus


def test_the_statements_of_a_submit_do_not_grow_with_its_lines(app, client, factory, shop,
                                                               clock):
    """Modules off (a new shop): one UPDATE takes the stock of every SKU, one INSERT each
    writes their ledger rows, reservations and order lines, on both backends."""
    one, _, _ = _submit_cart_of(app, client, factory, shop, 1)
    many, order, skus = _submit_cart_of(app, client, factory, shop, 6)
    assert one.transactions == many.transactions == 1
    assert len(many.statements) == len(one.statements) <= MAX_STATEMENTS, \
        "\n".join(many.statements)
    assert [stock_of(factory, shop, sku.id) for sku in skus] == [3] * 6
    with factory._session() as s:
        use_shop(s, shop.id)
        held = s.scalars(select(StockReservation.sku_id).where(
            StockReservation.key == f"order-{order['order_no']}")).all()
        ledger = s.execute(select(StockLedgerEntry.sku_id, StockLedgerEntry.delta,
                                  StockLedgerEntry.balance).where(
            StockLedgerEntry.reference == f"order-{order['order_no']}")).all()
    assert sorted(held) == [sku.id for sku in skus]
    assert sorted(ledger) == [(sku.id, -2, 3) for sku in skus]


def test_a_repeated_submit_answers_the_same_order(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, _product_with_image(factory, shop))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    key = new_key()
    first = alice.submit(quote["quote_id"], key)
    again = alice.submit(quote["quote_id"], key, expect=200)
    assert again.json == first.json
    with factory._session() as s:
        use_shop(s, shop.id)
        assert s.query(Order).count() == 1


def test_an_address_edited_after_the_quote_is_not_the_order_address(app, client, factory,
                                                                    shop, clock):
    """The quote is what the buyer confirmed: the order goes to the quoted address."""
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = shopper(app, client, factory, shop)
    address = alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    alice.call("PATCH", f"/addresses/{address['id']}", {"detail": "另一个地址 9 号"})
    order = alice.submit(quote["quote_id"]).json
    assert order["address"]["detail"] == quote["address"]["detail"] == "科技园 1 号"
