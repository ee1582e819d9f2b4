"""Smoke: the module is off by default; on, its activity API answers."""


def test_off_by_default_then_on(app, client, factory, shop):
    assert client.get(f"/api/v1/shops/{shop.slug}/groupbuy/activities").status_code == 404
    factory.module_on(shop, "groupbuy")
    assert client.get(f"/api/v1/shops/{shop.slug}/groupbuy/activities").json["items"] == []
