"""Points-mall items: the merchant's rules for them (every bad field named), what shoppers
see through the API and the block, and the module as a switch: off hides the block, the API
(404 problem+json) and the console; on again keeps its settings and items."""

from __future__ import annotations

import pytest

from runtime.db import use_shop
from runtime.errors import ValidationFailed
from runtime.modules import switches
from runtime.modules.pointsmall import service
from tests.orders.flow import shopper, sku_of
from tests.pointsmall.helpers import add_item, give_points


@pytest.fixture
def sku(factory, shop):
    factory.module_on(shop, "pointsmall")
    return sku_of(factory, shop, factory.product(shop, "保温杯", price_fen=5900, stock=40))


def _errors(excinfo):
    return {e.pointer: e.code for e in excinfo.value.errors}


def test_item_fields_are_checked_and_named(app, factory, shop, shop_session, sku):
    with app.app_context():
        with pytest.raises(ValidationFailed) as bad:
            service.create_item(shop_session, {"points": 0, "cash_fen": -1, "stock": "9",
                                               "colour": "red", "status": "maybe"})
        assert _errors(bad) == {"/sku_id": "required", "/points": "range",
                                "/cash_fen": "range", "/stock": "range",
                                "/colour": "unknown", "/status": "enum"}
        with pytest.raises(ValidationFailed) as missing:
            service.create_item(shop_session, {"sku_id": 999999, "points": 10})
        assert _errors(missing) == {"/sku_id": "not_found"}

        item = service.create_item(shop_session, {"sku_id": sku.id, "points": 300,
                                                  "cash_fen": 990, "stock": 5,
                                                  "limit_per_member": 2})
        with pytest.raises(ValidationFailed) as twice:
            service.create_item(shop_session, {"sku_id": sku.id, "points": 10})
        assert _errors(twice) == {"/sku_id": "pointsmall_sku_taken"}
        with pytest.raises(ValidationFailed) as moved:
            service.update_item(shop_session, item.id, {"sku_id": sku.id + 1})
        assert _errors(moved) == {"/sku_id": "immutable"}
        service.update_item(shop_session, item.id, {"points": 250, "status": "off"})
        assert (item.points, item.cash_fen, item.status) == (250, 990, "off")


def test_shoppers_see_items_on_offer(app, client, factory, shop, sku):
    shopper_ = shopper(app, client, factory, shop)
    give_points(factory, shop, shopper_.member.id, 777)
    pure = add_item(factory, shop, sku.id, points=500, stock=3, limit_per_member=1, sort=5)
    other = sku_of(factory, shop, factory.product(shop, "帆布袋", price_fen=3900))
    cash = add_item(factory, shop, other.id, points=200, cash_fen=990, stock=0)
    hidden = sku_of(factory, shop, factory.product(shop, "下架品", price_fen=100))
    add_item(factory, shop, hidden.id, status="off")

    listing = client.get(f"/api/v1/shops/{shop.slug}/pointsmall/products").json
    assert listing["title"] == "积分商城" and listing["balance"] is None
    assert [(i["id"], i["points"], i["cash_fen"], i["price_fen"], i["stock"], i["sold_out"])
            for i in listing["items"]] == [(pure.id, 500, 0, 5900, 3, False),
                                          (cash.id, 200, 990, 3900, 0, True)]
    assert listing["items"][0]["title"] == "保温杯"
    mine = shopper_.call("GET", "/pointsmall/products").json
    assert mine["balance"] == 777
    detail = shopper_.call("GET", f"/pointsmall/products/{pure.id}").json
    assert (detail["limit_per_member"], detail["my_exchanged"]) == (1, 0)
    gone = client.get(f"/api/v1/shops/{shop.slug}/pointsmall/products/{pure.id + 99}")
    assert gone.status_code == 404 and gone.json["code"] == "pointsmall_item_not_found"
    assert gone.content_type == "application/problem+json"
    assert shopper_.call("GET", "/pointsmall/orders").json == {"items": [],
                                                               "next_before_id": None}


def _node_types(layout):
    return [n["type"] for n in layout["nodes"]]


def test_module_off_hides_block_api_and_console_and_keeps_settings(app, client, factory,
                                                                    shop, sku):
    item = add_item(factory, shop, sku.id, points=500)
    factory.module_on(shop, "pointsmall", {"title": "会员积分兑", "free_shipping": False})
    factory.publish_page(shop, {"schema": 1, "title": "首页", "kind": "home", "blocks": [
        {"id": "t", "type": "title", "version": 2, "settings": {"title": "欢迎"}},
        {"id": "pm", "type": "points-mall-grid", "version": 1, "settings": {"limit": 4}}]})
    user = factory.user()
    factory.membership(user, shop)
    factory.console_login(client, user)
    console = f"/console/shops/{shop.slug}/pointsmall/items"

    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json
    node = layout["nodes"][1]
    assert node["type"] == "points-mall-grid"
    assert [(i["id"], i["points"]) for i in node["data"]["items"]] == [(item.id, 500)]
    assert node["data"]["mall_url"] == f"/s/{shop.slug}/pages/pointsmall"
    assert node["data"]["items"][0]["exchange_url"] == (
        f"/s/{shop.slug}/checkout?sku={sku.id}&qty=1&activity=pointsmall&activity_id={item.id}")
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "mk-pmall" in html and "保温杯" in html
    page = client.get(console)
    assert page.status_code == 200 and "兑换商品" in page.get_data(as_text=True)
    assert "积分商城" in client.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)

    with factory._session() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        switches.disable(s, "pointsmall")
        s.commit()
    api = f"/api/v1/shops/{shop.slug}/pointsmall"
    for path in ("/products", f"/products/{item.id}", "/orders"):
        response = client.get(api + path)
        assert response.status_code == 404, path
        assert response.json["code"] == "module_disabled"
        assert response.content_type == "application/problem+json"
    assert _node_types(client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json) == ["title"]
    assert "mk-pmall" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert client.get(console).status_code == 404
    assert "pointsmall/items" not in client.get(
        f"/console/shops/{shop.slug}/").get_data(as_text=True)

    factory.module_on(shop, "pointsmall")
    with factory._session() as s:
        use_shop(s, shop.id)
        assert switches.settings_of(s, "pointsmall") == {"title": "会员积分兑",
                                                         "free_shipping": False}
    listing = client.get(api + "/products").json
    assert listing["title"] == "会员积分兑" and [i["id"] for i in listing["items"]] == [item.id]


def test_console_adds_changes_and_deletes_items(app, client, factory, shop, sku):
    user = factory.user()
    factory.membership(user, shop)
    csrf = factory.console_login(client, user)
    base = f"/console/shops/{shop.slug}/pointsmall/items"
    page = client.get(base).get_data(as_text=True)
    assert "添加兑换商品" in page and "保温杯" in page

    added = client.post(base, data={"csrf_token": csrf, "sku_id": str(sku.id), "points": "800",
                                    "cash_yuan": "9.90", "stock": "12",
                                    "limit_per_member": "1"})
    assert added.status_code == 302
    items = client.get(base, headers={"Accept": "application/json"}).json["items"]
    assert [(i["sku_id"], i["points"], i["cash_fen"], i["stock"], i["limit_per_member"],
             i["status"]) for i in items] == [(sku.id, 800, 990, 12, 1, "on")]
    item_id = items[0]["id"]

    bad = client.post(f"{base}/{item_id}", json={"points": 0, "cash_fen": -5},
                      headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json["errors"]} == {"/points", "/cash_fen"}
    flashed = client.post(f"{base}/{item_id}", data={"csrf_token": csrf, "cash_yuan": "1.234"},
                          follow_redirects=True)
    assert "未保存" in flashed.get_data(as_text=True)
    changed = client.post(f"{base}/{item_id}", json={"status": "off", "stock": 3},
                          headers={"X-CSRF-Token": csrf}).json
    assert (changed["status"], changed["stock"], changed["cash_fen"]) == ("off", 3, 990)
    assert client.post(f"{base}/{item_id}/delete", data={"csrf_token": csrf}).status_code == 302
    assert client.get(base, headers={"Accept": "application/json"}).json["items"] == []
    exchanges = client.get(f"/console/shops/{shop.slug}/pointsmall/exchanges")
    assert exchanges.status_code == 200 and "还没有兑换订单" in exchanges.get_data(as_text=True)
