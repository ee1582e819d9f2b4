"""Cart across shops: a member's token works only in its shop, and another shop's cart line
cannot be read, changed or removed."""

from __future__ import annotations

from runtime.modules.cart.models import CartLine
from tests.orders.flow import sku_of
from tests.tenancy_helpers import two_shops


def test_other_shop_cannot_touch_a_cart(app, client, factory):
    shops = two_shops(app, client, factory)
    product = factory.product(shops.a, "甲店商品", price_fen=1000, stock=5)
    line_id = shops.alice.add_to_cart(sku_of(factory, shops.a, product).id, 2)["lines"][0]["id"]

    assert shops.foreign_token_call("GET", "/cart").status_code == 401
    assert shops.foreign_token_call("POST", "/cart/items",
                                     {"sku_id": 1, "qty": 1}).status_code == 401
    shops.bob.call("PATCH", f"/cart/items/{line_id}", {"qty": 9}, expect=404)
    shops.bob.call("DELETE", f"/cart/items/{line_id}")  # removes nothing of shop A
    sku_a = sku_of(factory, shops.a, product).id
    refused = shops.bob.call("POST", "/cart/items", {"sku_id": sku_a, "qty": 1}, expect=None)
    assert refused.status_code in (404, 422)  # shop A's SKU does not exist in shop B

    assert shops.bob.call("GET", "/cart").json["lines"] == []
    assert shops.alice.call("GET", "/cart").json["lines"][0]["qty"] == 2
    assert (shops.count(shops.a, CartLine), shops.count(shops.b, CartLine)) == (1, 0)
