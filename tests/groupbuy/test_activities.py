"""Activities: validation (one 422 naming each field), the buyer API (states, SKU prices,
short cache), the console (list, the form with its SKU table, groups), the share card, the
module switched off (blocks, API, console gone; settings kept) and another shop's ids."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules import switches
from runtime.modules.groupbuy import activities
from runtime.modules.groupbuy.models import GroupbuyActivity
from tests.groupbuy.flow import (
    buyer,
    group_of,
    in_shop,
    paid,
    people,
    quote_raw,
    setup,
    sku_of,
)
from tests.tenancy_helpers import two_shops


def pointers(app, factory, shop, data) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        in_shop(app, factory, shop, activities.create_activity, data)
    return {e.pointer: e.code for e in failed.value.errors}


def test_rules_are_checked_field_by_field(app, factory, shop):
    factory.module_on(shop, "groupbuy")
    sku = sku_of(factory, shop, factory.product(shop, price_fen=6900, stock=10))
    other = sku_of(factory, shop, factory.product(shop, price_fen=100, stock=1))
    now = utcnow()
    good = {"title": "3人团", "product_id": sku.product_id, "group_size": 3,
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(),
            "skus": [{"sku_id": sku.id, "group_price_fen": 5900, "leader_price_fen": 4900,
                      "stock": 5}]}
    assert pointers(app, factory, shop, {**good, "group_size": 1}) == {"/group_size": "range"}
    assert pointers(app, factory, shop, {**good, "group_size": 101}) == {"/group_size": "range"}
    assert pointers(app, factory, shop, {**good, "ends_at": now.isoformat(),
                                         "on_target_full": "wait", "virtual_min_pct": 101}) == {
        "/ends_at": "order", "/on_target_full": "enum", "/virtual_min_pct": "range"}
    assert pointers(app, factory, shop, {**good, "starts_at": "2026-12-01 10:00"}) == {
        "/starts_at": "datetime"}
    bad_skus = [{"sku_id": sku.id, "group_price_fen": 7000, "leader_price_fen": 7000,
                 "stock": 11}, {"sku_id": other.id, "group_price_fen": 50, "stock": 1}]
    assert pointers(app, factory, shop, {**good, "skus": bad_skus}) == {
        "/skus/0/group_price_fen": "range", "/skus/0/stock": "range",
        "/skus/1/sku_id": "not_found"}
    assert pointers(app, factory, shop, {**good, "skus": []}) == {"/skus": "required"}
    made = in_shop(app, factory, shop, activities.create_activity, good)
    assert (made.valid_hours, made.on_target_full, made.allow_single_buy) == (24, "open_new",
                                                                              True)


def test_the_api_tells_not_started_from_ended(app, client, factory, shop, clock):
    activity, _sku = setup(app, factory, shop)
    base = f"/api/v1/shops/{shop.slug}/groupbuy/activities"
    listed = client.get(base)
    assert listed.headers["Cache-Control"] == "public, max-age=5"
    [item] = listed.json["items"]
    assert (item["badge"], item["group_price_fen"], item["leader_price_fen"]) == (
        "3人团", 5900, 4900)
    detail = client.get(f"{base}/{activity.id}").json
    assert detail["state"] == "live" and detail["skus"][0]["price_fen"] == 6900
    clock.advance(timedelta(days=8))
    assert client.get(f"{base}/{activity.id}").json["state"] == "ended"
    assert client.get(base).json["items"] == []
    clock.advance(timedelta(days=-10))
    assert client.get(f"{base}/{activity.id}").json["state"] == "not_started"
    missing = client.get(f"{base}/999999")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_the_product_page_asks_for_one_products_group_buys(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    other = factory.product(shop, "别的商品", price_fen=1000, stock=3)
    base = f"/api/v1/shops/{shop.slug}/groupbuy/activities"
    [item] = client.get(base, query_string={"product_id": sku.product_id}).json["items"]
    assert item["id"] == activity.id and item["open_groups"] == []
    assert [(s["sku_id"], s["group_price_fen"], s["leader_price_fen"], s["stock"])
            for s in item["skus"]] == [(sku.id, 5900, 4900, 5)]
    assert client.get(base, query_string={"product_id": other.id}).json["items"] == []
    for bad in ("abc", "0", "-3"):
        refused = client.get(base, query_string={"product_id": bad})
        assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
        assert refused.json["errors"][0]["pointer"] == "/product_id"


def console(client, factory, shop) -> str:
    return factory.console_login(client, factory.merchant(shop))


def test_console_activities_and_groups(app, client, factory, shop):
    factory.module_on(shop, "groupbuy")
    sku = sku_of(factory, shop, factory.product(shop, "羊毛围巾", price_fen=8800, stock=20))
    console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/groupbuy"
    form = client.get(f"{base}/activities/new", query_string={"product_id": sku.product_id})
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "羊毛围巾" in html and "¥88.00" in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    fields = {"csrf_token": token, "product_id": str(sku.product_id), "title": "围巾拼团",
              "group_size": "3", "valid_hours": "24", "starts_at": "2026-11-20T10:00",
              "ends_at": "2026-12-20T10:00", "per_order_limit": "0", "per_user_limit": "0",
              "virtual_min_pct": "100", "on_target_full": "open_new", "enabled": "on",
              "sku_id": str(sku.id), "group_price": "99.00", "leader_price": "",
              "stock": "5"}
    refused = client.post(f"{base}/activities", data=fields)
    assert refused.status_code == 422
    assert "超出允许的范围" in refused.get_data(as_text=True)
    saved = client.post(f"{base}/activities", data={**fields, "group_price": "66.00"})
    assert saved.status_code == 302
    listing = client.get(base).get_data(as_text=True)
    assert "围巾拼团" in listing and "¥66.00" in listing and "3人团" in listing
    assert client.get(f"{base}/groups").status_code == 200
    assert f'href="{base}"' in listing  # the nav entry


def test_share_card_is_a_png(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    [alice] = people(app, client, factory, shop, "alice")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    card = client.get(f"/api/v1/shops/{shop.slug}/groupbuy/groups/{gid}/share-card")
    assert card.status_code == 200 and card.mimetype == "image/png"
    assert Image.open(io.BytesIO(card.data)).size == (600, 800)
    group = client.get(f"/api/v1/shops/{shop.slug}/groupbuy/groups/{gid}").json
    assert group["seats_left"] == 2 and group["share_path"] == f"/pages/groupbuy/group?id={gid}"


def test_module_off_hides_everything_and_keeps_settings(app, client, factory, shop):
    activity, _sku = setup(app, factory, shop)
    in_shop(app, factory, shop, switches.update_settings, "groupbuy",
            {"share_title": "一起拼"})
    console(client, factory, shop)
    in_shop(app, factory, shop, switches.disable, "groupbuy")
    api = client.get(f"/api/v1/shops/{shop.slug}/groupbuy/activities/{activity.id}")
    assert api.status_code == 404 and api.json["code"] == "module_disabled"
    assert client.get(f"/console/shops/{shop.slug}/groupbuy").status_code == 404
    from runtime.pages.palette import available_blocks

    types = {b["type"] if isinstance(b, dict) else getattr(b, "type", b)
             for b in in_shop(app, factory, shop, available_blocks, "home")}
    assert "groupbuy" not in types and "group-progress" not in types
    factory.module_on(shop, "groupbuy")
    assert in_shop(app, factory, shop, switches.settings_of, "groupbuy")["share_title"] == "一起拼"
    assert client.get(f"/api/v1/shops/{shop.slug}/groupbuy/activities/{activity.id}").json[
        "id"] == activity.id


def test_other_shop_ids_are_404(app, client, factory):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "groupbuy")
    activity, sku = setup(app, factory, shops.a)
    lead = paid(app, buyer(app, client, factory, shops.a, "lead"), activity, sku)
    gid = group_of(factory, shops.a, lead["id"]).id
    for path in (f"/groupbuy/activities/{activity.id}", f"/groupbuy/groups/{gid}",
                 f"/groupbuy/groups/{gid}/share-card"):
        answer = shops.bob.call("GET", path, expect=None)
        assert answer.status_code == 404, path
    assert shops.bob.call("POST", f"/groupbuy/groups/{gid}/leave", expect=None).status_code == 404
    own = sku_of(factory, shops.b, factory.product(shops.b, price_fen=6900, stock=5))
    for activity_ref in ({"kind": "groupbuy", "id": activity.id},
                         {"kind": "groupbuy", "id": activity.id, "group_id": gid}):
        quote = quote_raw(shops.bob, source="items", items=[{"sku_id": own.id, "qty": 1}],
                          activity=activity_ref)
        assert quote.status_code == 404, quote.json
    assert shops.count(shops.b, GroupbuyActivity) == 0


def test_another_shops_activity_is_not_in_the_console_or_the_product_filter(app, client,
                                                                           factory):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "groupbuy")
    activity, sku = setup(app, factory, shops.a)
    listed = shops.bob.call("GET", f"/groupbuy/activities?product_id={sku.product_id}").json
    assert listed["items"] == []
    console(client, factory, shops.b)
    edit = client.get(f"/console/shops/{shops.b.slug}/groupbuy/activities/{activity.id}")
    assert edit.status_code == 404
    assert activity.title not in client.get(
        f"/console/shops/{shops.b.slug}/groupbuy").get_data(as_text=True)


def test_h5_pages_and_checkout_with_the_activity(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    [alice] = people(app, client, factory, shop, "alice")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    page = client.get(f"/s/{shop.slug}/groupbuy/activities/{activity.id}")
    assert page.status_code == 200 and 'data-page="groupbuy-activity"' in page.get_data(
        as_text=True)
    group_page = client.get(f"/s/{shop.slug}/groupbuy/groups/{gid}").get_data(as_text=True)
    assert 'data-page="groupbuy-group"' in group_page and "groupbuy.js" in group_page
    assert client.get(f"/s/{shop.slug}/_groupbuy-static/groupbuy.js").status_code == 200
    checkout = client.get(f"/s/{shop.slug}/checkout", query_string={
        "sku": sku.id, "activity": "groupbuy", "activity_id": activity.id, "group_id": gid})
    assert f'"group_id": {gid}' in checkout.get_data(as_text=True).replace("&#34;", '"')
    assert client.get(f"/s/{shop.slug}/groupbuy/groups/999999").status_code == 404
    in_shop(app, factory, shop, switches.disable, "groupbuy")
    assert client.get(f"/s/{shop.slug}/groupbuy/activities/{activity.id}").status_code == 404
