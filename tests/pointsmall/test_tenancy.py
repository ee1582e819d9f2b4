"""The points mall across shops: another shop's items and exchanges answer 404 exactly like
ones that exist nowhere, and its console cannot change them."""

from __future__ import annotations

from runtime.modules.pointsmall.models import PointsMallItem
from tests.orders.flow import sku_of
from tests.pointsmall.helpers import add_item
from tests.tenancy_helpers import two_shops


def test_another_shops_items_are_not_found(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "pointsmall")
    sku = sku_of(factory, shops.a, factory.product(shops.a, "甲店礼品"))
    item = add_item(factory, shops.a, sku.id, points=50)

    own = shops.alice.call("GET", f"/pointsmall/products/{item.id}").json
    assert own["id"] == item.id
    foreign = shops.bob.call("GET", f"/pointsmall/products/{item.id}", expect=404).json
    nowhere = shops.bob.call("GET", f"/pointsmall/products/{item.id + 1000}", expect=404).json
    assert foreign["code"] == nowhere["code"] == "pointsmall_item_not_found"
    assert shops.bob.call("GET", "/pointsmall/products").json["items"] == []
    assert shops.foreign_token_call("GET", "/pointsmall/orders").status_code == 401

    user = factory.user()
    factory.membership(user, shops.b)
    csrf = factory.console_login(client, user)
    base = f"/console/shops/{shops.b.slug}/pointsmall/items"
    assert client.post(f"{base}/{item.id}", json={"points": 1},
                       headers={"X-CSRF-Token": csrf}).status_code == 404
    assert client.post(f"{base}/{item.id}/delete", json={},
                       headers={"X-CSRF-Token": csrf}).status_code == 404
    taken = client.post(base, json={"sku_id": sku.id, "points": 5},
                        headers={"X-CSRF-Token": csrf})
    assert taken.status_code == 422 and taken.json["errors"][0]["code"] == "not_found"
    assert (shops.count(shops.a, PointsMallItem), shops.count(shops.b, PointsMallItem)) == (1, 0)
    assert shops.alice.call("GET", f"/pointsmall/products/{item.id}").json["points"] == 50
