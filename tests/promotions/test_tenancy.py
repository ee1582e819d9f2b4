"""Promotions across shops: shop A's discounts and full reductions are out of reach of
shop B — its API, its console, its saves (a SKU of A in B's discount) and its checkout."""

from __future__ import annotations

from tests.orders.flow import sku_of
from tests.promotions.helpers import Console
from tests.tenancy_helpers import two_shops


def test_another_shops_activities_are_404_everywhere(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "promotions")
    sku_a = sku_of(factory, shops.a, factory.product(shops.a, "甲", price_fen=1000, stock=5))
    sku_b = sku_of(factory, shops.b, factory.product(shops.b, "乙", price_fen=1000, stock=5))
    console_a = Console(client, factory, shops.a)
    d = console_a.discount([{"sku_id": sku_a.id, "mode": "price", "value": 500}])
    r = console_a.reduction([{"threshold": 100, "discount_fen": 50}])

    for path in (f"/promotions/discounts/{d['id']}", f"/promotions/full-reductions/{r['id']}"):
        assert shops.alice.call("GET", path).status_code == 200
        response = shops.bob.call("GET", path, expect=404)
        assert response.json["code"] == "promotion_not_found"
    assert shops.bob.call("GET", "/promotions/discounts").json["items"] == []
    assert shops.bob.call("GET", "/promotions/full-reductions").json["items"] == []

    console_b = Console(app.test_client(), factory, shops.b)
    for path in (f"/discounts/{d['id']}", f"/full-reductions/{r['id']}"):
        console_b.call("GET", path, expect=404)
        console_b.call("POST", path, {"name": "抢"}, expect=404)
        console_b.call("POST", f"{path}/close", {}, expect=404)
    foreign = console_b.discount([{"sku_id": sku_a.id, "mode": "price", "value": 500}],
                                 expect=422)
    assert foreign["errors"][0]["pointer"] == "/items/0/sku_id"

    shops.bob.add_address()
    quote = shops.bob.quote(source="items", items=[{"sku_id": sku_b.id, "qty": 1}])
    assert quote["discount_total_fen"] == 0  # A's full reduction is not B's
