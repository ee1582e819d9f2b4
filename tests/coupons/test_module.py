"""The coupons module as a switchable module: off -> its blocks, API (404 problem+json) and
console are gone and nothing is lost; on again -> everything back with the settings kept.
Another shop's coupons are out of reach (404, as if they did not exist)."""

from __future__ import annotations

from datetime import UTC, datetime

from runtime.db import use_shop
from runtime.modules import switches
from runtime.modules.coupons.models import MemberCoupon
from runtime.pages import store
from tests.coupons.flow import claim, items, template
from tests.orders.flow import shopper, sku_of
from tests.tenancy_helpers import two_shops

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def _publish_home(app, shop, *blocks):
    regs = app.extensions["mallkit"].registries["pages"]
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        page = store.ensure_page(s, "home", regs)
        config = {"schema": 1, "title": "首页", "kind": "home", "blocks": list(blocks)}
        store.save_draft(s, "home", config, page.draft_revision, regs)
        store.publish(s, "home", registries=regs)
        s.commit()


def _switch(app, shop, on):
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        if on:
            switches.enable(s, "coupons")
        else:
            switches.disable(s, "coupons")
        s.commit()


def _node_ids(nodes):
    return [n["id"] for n in nodes] + [i for n in nodes for i in _node_ids(n["children"])]


def test_off_on_hides_and_brings_back_everything(app, client, factory, shop, clock):
    clock.freeze(NOW)
    owner = factory.merchant(shop)
    csrf = factory.console_login(client, owner)
    alice = shopper(app, client, factory, shop)
    factory.module_on(shop, "coupons", {"remind_hours": 6})
    tid = template(app, factory, shop)
    mine = claim(alice, tid)
    _publish_home(app, shop, {"id": "t", "type": "title", "settings": {"title": "欢迎"}},
                  {"id": "strip", "type": "coupon-strip", "settings": {}},
                  {"id": "centre", "type": "coupon-centre", "settings": {}})

    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json
    strip = next(n for n in layout["nodes"] if n["id"] == "strip")
    assert [c["id"] for c in strip["data"]["coupons"]] == [tid]
    assert strip["data"]["coupons"][0]["claimed"] is False  # never per member in the layout
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert f'data-coupon-id="{tid}"' in html and "_shop-static/coupons.js" in html
    console = client.get(f"/console/shops/{shop.slug}/coupons",
                         headers={"Accept": "application/json"})
    assert console.status_code == 200
    assert [(i["id"], i["claimed"]) for i in console.json["items"]] == [(tid, 1)]

    _switch(app, shop, False)
    api = f"/api/v1/shops/{shop.slug}"
    for response in (client.get(f"{api}/coupons"),
                     alice.call("POST", f"/coupons/{tid}/claim", expect=None),
                     alice.call("GET", "/me/coupons", expect=None)):
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json["code"] == "module_disabled"
    assert _node_ids(client.get(f"{api}/layouts/home").json["nodes"]) == ["t"]
    assert "mk-coupon" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert client.get(f"/console/shops/{shop.slug}/coupons").status_code == 404
    sku = sku_of(factory, shop, factory.product(shop, price_fen=20000))
    alice.add_address()
    off = alice.quote(coupon_id=mine["id"], **items((sku.id, 1)))
    assert off["errors"][0]["code"] == "coupon_unavailable" and "coupons" not in off["extras"]

    enabled = client.post(f"/console/shops/{shop.slug}/coupons/enable",
                          headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert enabled.status_code == 200
    with factory._session() as s:
        use_shop(s, shop.id)
        assert switches.settings_of(s, "coupons")["remind_hours"] == 6
    assert [c["id"] for c in alice.call("GET", "/me/coupons").json["items"]] == [mine["id"]]
    assert alice.quote(coupon_id=mine["id"], **items((sku.id, 1)))["errors"] == []
    assert "strip" in _node_ids(client.get(f"{api}/layouts/home").json["nodes"])


def test_console_creates_edits_and_pushes(app, client, factory, shop, clock, redis_conn):
    clock.freeze(NOW)
    owner = factory.merchant(shop)
    csrf = factory.console_login(client, owner)
    factory.module_on(shop, "coupons")
    base = f"/console/shops/{shop.slug}/coupons"
    form = {"csrf_token": csrf, "name": "满50减5", "kind": "amount", "amount": "5",
            "min_spend": "50.00", "scope": "all", "validity": "days", "valid_days": "3",
            "total": "100", "per_member_limit": "1", "per_day_limit": "0",
            "discount_percent": "100", "claimable": "on"}
    assert client.post(base, data=form).status_code == 302
    bad = client.post(base, data={**form, "amount": "5.001"},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/amount_fen"
    [row] = client.get(base, headers={"Accept": "application/json"}).json["items"]
    assert (row["value_text"], row["rule_text"], row["total"]) == ("¥5", "满50可用", 100)
    page = client.get(f"{base}/{row['id']}").get_data(as_text=True)
    assert "满50减5" in page and "定向发放" in page
    edited = client.post(f"{base}/{row['id']}", json={"total": 200},
                         headers={"X-CSRF-Token": csrf})
    assert edited.status_code == 200
    members = [factory.member(shop) for _ in range(2)]
    pushed = client.post(f"{base}/{row['id']}/push", json={"segment": {}},
                         headers={"X-CSRF-Token": csrf})
    assert pushed.status_code == 200 and pushed.json["targeted"] == len(members)
    stopped = client.post(f"{base}/{row['id']}/status", json={"status": "stopped"},
                          headers={"X-CSRF-Token": csrf})
    assert stopped.json["status"] == "stopped"
    assert client.get(f"/api/v1/shops/{shop.slug}/coupons").json["items"] == []


def test_another_shops_coupons_are_not_found(app, client, factory, clock):
    clock.freeze(NOW)
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "coupons")
    tid = template(app, factory, shops.a)
    mine = claim(shops.alice, tid)
    refused = shops.bob.call("POST", f"/coupons/{tid}/claim", expect=404).json
    assert refused["code"] == "coupon_not_found"
    assert shops.bob.call("GET", f"/coupons?ids={tid}").json["items"] == []
    assert shops.bob.call("GET", "/me/coupons").json["items"] == []
    sku = sku_of(shops.factory, shops.b, shops.factory.product(shops.b, price_fen=20000))
    shops.bob.add_address()
    quote = shops.bob.quote(coupon_id=mine["id"], **items((sku.id, 1)))
    assert quote["errors"][0]["code"] == "coupon_unavailable"
    assert shops.foreign_token_call("GET", "/me/coupons").status_code == 401
    assert (shops.count(shops.a, MemberCoupon), shops.count(shops.b, MemberCoupon)) == (1, 0)
