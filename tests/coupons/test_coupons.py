"""The coupons module: off -> its API and console screen are gone; on -> entries are kept
per shop, a paid order adds one entry (once), and another shop sees none of them."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.modules.coupons import service
from runtime.modules.coupons.hooks import order_paid
from tests.tenancy_helpers import two_shops


def test_off_by_default_then_on(app, client, factory, shop):
    assert client.get(f"/api/v1/shops/{shop.slug}/coupons").status_code == 404
    factory.module_on(shop, "coupons")
    assert client.get(f"/api/v1/shops/{shop.slug}/coupons").json == {"count": 0, "items": []}


def test_an_order_adds_one_entry_however_often_it_is_paid(app, factory, shop):
    class PaidOrder:
        id, order_no = 7, "T0007"

    factory.module_on(shop, "coupons")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        for _ in range(2):
            order_paid(session=s, order=PaidOrder, lines=[])
        assert [e.title for e in service.list_entries(s)] == ["订单 T0007 已支付"]


def test_another_shop_sees_none_of_the_entries(app, client, factory):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "coupons")
    with app.app_context(), factory._session() as s:
        use_shop(s, shops.a.id)
        service.add_entry(s, "只属于甲店")
        s.commit()
    assert client.get(f"/api/v1/shops/{shops.a.slug}/coupons").json["count"] == 1
    assert client.get(f"/api/v1/shops/{shops.b.slug}/coupons").json["count"] == 0
