"""Fulfilment across shops: pickup points and pickup codes of one shop are out of another's
reach."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.modules.fulfilment import service as fulfilment
from runtime.modules.fulfilment.models import PickupPoint
from runtime.modules.orders.settings import update_settings
from tests.orders.flow import sku_of
from tests.tenancy_helpers import two_shops


def test_other_shop_cannot_see_pickup_points_or_codes(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    with app.app_context(), factory._session() as s:
        use_shop(s, shops.a.id)
        update_settings(s, {"allow_pickup": True})
        point = fulfilment.create_pickup_point(s, {"name": "甲店门店", "address": "一号路",
                                                   "phone": "0755-1"})
        s.commit()
    product = factory.product(shops.a, "甲店商品", price_fen=1000, stock=5)
    order = shops.alice.buy(sku_of(factory, shops.a, product).id, fulfilment="pickup",
                            pickup_point_id=point.id)

    assert [p["name"] for p in shops.alice.call("GET", "/pickup-points").json["items"]] == \
        ["甲店门店"]
    assert shops.bob.call("GET", "/pickup-points").json["items"] == []
    shops.bob.call("GET", f"/orders/{order['id']}/pickup-code", expect=404)
    assert shops.foreign_token_call("GET", f"/orders/{order['id']}/pickup-code"
                                    ).status_code == 401
    assert (shops.count(shops.a, PickupPoint), shops.count(shops.b, PickupPoint)) == (1, 0)
