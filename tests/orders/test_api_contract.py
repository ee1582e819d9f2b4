"""The API contract: every money-path endpoint is in the OpenAPI document; addresses keep
one default; another shop's orders, carts and addresses are out of reach."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.orders.models import Address, Order
from tests.orders.flow import ADDRESS, shopper, sku_of


def test_openapi_lists_the_money_path(client):
    document = client.get("/api/v1/openapi.json").json
    paths = document["paths"]
    base = "/api/v1/shops/{shop_slug}"
    expected = {
        f"{base}/cart": {"get"}, f"{base}/cart/items": {"post"},
        f"{base}/cart/items/{{line_id}}": {"patch", "delete"},
        f"{base}/checkout/quote": {"post"}, f"{base}/checkout/options": {"get"},
        f"{base}/orders": {"get", "post"}, f"{base}/orders/{{order_id}}": {"get"},
        f"{base}/orders/{{order_id}}/pay": {"post"},
        f"{base}/orders/{{order_id}}/cancel": {"post"},
        f"{base}/orders/{{order_id}}/confirm-receipt": {"post"},
        f"{base}/orders/{{order_id}}/pickup-code": {"get"},
        f"{base}/addresses": {"get", "post"},
        f"{base}/addresses/{{address_id}}": {"get", "patch", "delete"},
        f"{base}/pickup-points": {"get"},
        "/api/v1/payments/wechatpay/notify/{shop_slug}": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    submit = paths[f"{base}/orders"]["post"]
    assert submit["security"] == [{"bearerAuth": []}]
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    assert "Quote" in document["components"]["schemas"]


def test_addresses_crud_with_one_default(app, client, factory, shop):
    alice = shopper(app, client, factory, shop)
    first = alice.add_address()
    assert first["is_default"] is True  # the first address is the default
    second = alice.add_address(name="王五", is_default=True)
    listed = alice.call("GET", "/addresses").json["items"]
    assert [a["id"] for a in listed] == [second["id"], first["id"]]
    assert [a["is_default"] for a in listed] == [True, False]
    alice.call("POST", f"/addresses/{first['id']}/default")
    assert alice.call("GET", f"/addresses/{first['id']}").json["is_default"] is True
    assert alice.call("GET", f"/addresses/{second['id']}").json["is_default"] is False
    changed = alice.call("PATCH", f"/addresses/{second['id']}", {"detail": "新地址 9 号"}).json
    assert changed["detail"] == "新地址 9 号"
    alice.call("DELETE", f"/addresses/{first['id']}", expect=204)
    assert alice.call("GET", "/addresses").json["items"][0]["is_default"] is True
    bad = alice.call("POST", "/addresses", {**ADDRESS, "phone": "12", "adcode": "x",
                                            "latitude": 200, "nickname": "?"}, 422).json
    assert {e["pointer"] for e in bad["errors"]} == {"/phone", "/adcode", "/latitude",
                                                     "/nickname"}
    missing = alice.call("POST", "/addresses", {}, 422).json
    assert {e["pointer"] for e in missing["errors"]} >= {"/name", "/phone", "/detail"}


def test_another_shop_cannot_see_or_touch_orders(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-a")
    address = alice.add_address()
    order = alice.buy(sku.id, 1)
    other = factory.shop(slug="beta")
    mallory = shopper(app, app.test_client(), factory, other, openid="o-a")
    assert mallory.call("GET", f"/orders/{order['id']}", expect=404).json["code"] == \
        "order_not_found"
    assert mallory.call("POST", f"/orders/{order['id']}/pay", {"method": "wechatpay"},
                        expect=404).status_code == 404
    assert mallory.call("POST", f"/orders/{order['id']}/cancel", expect=404)
    assert mallory.call("GET", f"/addresses/{address['id']}", expect=404)
    assert mallory.call("GET", "/orders").json["items"] == []
    assert mallory.call("POST", "/cart/items", {"sku_id": sku.id}, 422).json["errors"][0][
        "pointer"] == "/sku_id"  # shop alpha's SKU does not exist in beta
    # alpha's token is not a beta token
    answer = client.get("/api/v1/shops/beta/orders", headers=alice.headers)
    assert answer.status_code == 401
    # a fellow member of the same shop cannot read it either
    bob = shopper(app, app.test_client(), factory, shop, openid="o-b")
    assert bob.call("GET", f"/orders/{order['id']}", expect=404)
    with factory._session() as s:
        use_shop(s, other.id)
        assert s.scalar(select(func.count()).select_from(Order)) == 0
        assert s.scalar(select(func.count()).select_from(Address)) == 0
