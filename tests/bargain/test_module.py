"""The bargain as a plug-in: its block in the layout and on H5, the H5 pages, the console
(editor with its SKU picker and 422s, launches list, gettext), the module switched off
(blocks, API, pages, console gone; settings kept) and another shop's ids (404)."""

from __future__ import annotations

import re

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules import switches
from runtime.modules.bargain.models import BargainActivity, BargainLaunch
from tests.bargain.flow import help_cut, launch, people, quote_launch, setup, sku_of
from tests.tenancy_helpers import two_shops

HOME = {"schema": 1, "title": "首页", "kind": "home", "blocks": [
    {"id": "t", "type": "title", "version": 2, "settings": {"title": "欢迎"}},
    {"id": "bg", "type": "bargain", "version": 1, "settings": {"limit": 2}}]}


def node_types(client, shop) -> list[str]:
    return [n["type"] for n in client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json[
        "nodes"]]


def test_block_pages_and_module_off_and_on(app, client, factory, shop):
    activity, _sku = setup(app, factory, shop)
    factory.module_on(shop, "bargain", {"share_title": "快来帮我砍", "rules_text": "规则"})
    factory.publish_page(shop, HOME)
    [alice] = people(app, client, factory, shop, "alice")
    made = launch(alice, activity).json
    factory.console_login(client, factory.merchant(shop))

    [_, node] = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"]
    assert node["type"] == "bargain"
    [item] = node["data"]["items"]
    assert (item["id"], item["floor_price_fen"], item["helpers_needed"]) == (activity.id,
                                                                             3000, 5)
    assert item["url"] == f"/s/{shop.slug}/bargain/activities/{activity.id}"
    home = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "mk-bargain" in home and "5 刀砍到底" in home
    page = client.get(f"/s/{shop.slug}/bargain/activities/{activity.id}").get_data(as_text=True)
    assert 'data-page="bargain-activity"' in page and "bargain.js" in page
    page = client.get(f"/s/{shop.slug}/bargain/launches/{made['id']}").get_data(as_text=True)
    assert 'data-page="bargain-launch"' in page
    assert client.get(f"/s/{shop.slug}/_bargain-static/bargain.js").status_code == 200
    assert client.get(f"/s/{shop.slug}/bargain/launches/999999").status_code == 404
    checkout = client.get(f"/s/{shop.slug}/checkout", query_string={
        "sku": made["sku_id"], "activity": "bargain", "activity_id": made["id"]})
    assert f'{{"id": {made["id"]}, "kind": "bargain"}}' in checkout.get_data(
        as_text=True).replace("&#34;", '"')
    detail = alice.call("GET", f"/bargain/launches/{made['id']}").json
    assert detail["share"]["title"] == "快来帮我砍"

    _off(factory, shop)
    assert node_types(client, shop) == ["title"]
    assert "mk-bargain" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    for path in ("/bargain/activities", f"/bargain/activities/{activity.id}",
                 f"/bargain/launches/{made['id']}"):
        answer = client.get(f"/api/v1/shops/{shop.slug}{path}")
        assert answer.status_code == 404 and answer.json["code"] == "module_disabled", path
        assert answer.mimetype == "application/problem+json"
    assert alice.call("POST", f"/bargain/launches/{made['id']}/help", None, 404)
    assert client.get(f"/s/{shop.slug}/bargain/activities/{activity.id}").status_code == 404
    assert client.get(f"/console/shops/{shop.slug}/bargain").status_code == 404
    assert "/bargain" not in client.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)

    factory.module_on(shop, "bargain")
    with factory._session() as s:
        use_shop(s, shop.id)
        assert switches.settings_of(s, "bargain") == {"share_title": "快来帮我砍",
                                                      "rules_text": "规则"}
        assert s.scalar(select(BargainLaunch.cuts)) == 1  # nothing lost
    assert node_types(client, shop) == ["title", "bargain"]


def _off(factory, shop) -> None:
    with factory.app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        s.info["redis"] = factory.app.extensions["mallkit"].redis
        switches.disable(s, "bargain")
        s.commit()


def test_console_editor_and_launches(app, client, factory, shop):
    factory.module_on(shop, "bargain")
    sku = sku_of(factory, shop, factory.product(shop, "羊毛围巾", price_fen=8800, stock=20))
    factory.console_login(client, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/bargain"
    form = client.get(f"{base}/activities/new")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "羊毛围巾" in html and "商品规格" in html
    assert f'<option value="{sku.id}"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    fields = {"csrf_token": token, "title": "围巾砍价", "sku_id": str(sku.id),
              "start_price": "99.00", "floor_price": "88.00", "helpers_needed": "5",
              "launches_per_member": "1", "valid_hours": "24", "stock": "5",
              "starts_at": "2026-11-20T10:00", "ends_at": "2026-12-20T10:00", "self_cut": "on",
              "enabled": "on"}
    refused = client.post(f"{base}/activities", data=fields)
    assert refused.status_code == 422
    assert "超出允许的范围" in refused.get_data(as_text=True)
    saved = client.post(f"{base}/activities", data={**fields, "start_price": "88.00",
                                                   "floor_price": "9.90"})
    assert saved.status_code == 302
    listing = client.get(base).get_data(as_text=True)
    assert "围巾砍价" in listing and "¥9.90" in listing and "砍价活动" in listing
    assert client.get(f"{base}/launches").status_code == 200
    assert "砍价记录" in client.get(f"{base}/launches").get_data(as_text=True)


def test_console_json_422_names_each_field(app, client, factory, shop):
    factory.module_on(shop, "bargain")
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=3))
    csrf = factory.console_login(client, factory.merchant(shop))
    answer = client.post(f"/console/shops/{shop.slug}/bargain/activities", json={
        "title": "", "sku_id": sku.id, "start_price_fen": 2000, "floor_price_fen": 1995,
        "helpers_needed": 6, "stock": 4, "starts_at": "2026-12-01 10:00",
        "ends_at": "2026-12-02T10:00:00+08:00", "colour": "red"},
        headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert {e["pointer"] for e in answer.json["errors"]} == {
        "/title", "/start_price_fen", "/helpers_needed", "/stock", "/starts_at", "/colour"}


def test_another_shop_ids_are_404(app, client, factory):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "bargain")
    activity, _sku = setup(app, factory, shops.a)
    [lena] = people(app, client, factory, shops.a, "lena")
    made = launch(lena, activity).json
    for path in (f"/bargain/activities/{activity.id}", f"/bargain/launches/{made['id']}"):
        assert shops.bob.call("GET", path, expect=None).status_code == 404, path
    assert shops.bob.call("POST", f"/bargain/launches/{made['id']}/help", None,
                          None).status_code == 404
    assert shops.bob.call("POST", "/bargain/launches", {"activity_id": activity.id},
                          None).status_code == 404
    own = sku_of(factory, shops.b, factory.product(shops.b, price_fen=10000, stock=5))
    assert quote_launch(shops.bob, own, made["id"]).status_code == 404
    assert shops.count(shops.b, BargainActivity) == 0
    assert shops.count(shops.b, BargainLaunch) == 0
    help_cut(shops.bob, made["id"], expect=404)
