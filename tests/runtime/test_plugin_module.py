"""A module installed through the entry-point group ``mallkit.modules`` (the test-only
package ``tests/plugin/mallkit_testmod``) plugs into pricing, the order hooks, the blocks,
the API, the console and the demo with no edit outside its folder, and is skipped entirely
for a shop where it is off."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from rq import SimpleWorker

from runtime.jobs import QUEUE_NAMES, get_queue
from runtime.pages.manifests import RegistryFrozen
from runtime.wechat.pay.simulator import send_payment_notification
from runtime.wechat.transport import AppTransport
from tests.factories import Factory
from tests.orders.flow import shopper, sku_of


@pytest.fixture
def plug(testmod_app: Flask):
    from mallkit_testmod import hooks

    factory = Factory(testmod_app)
    on = factory.shop(slug="on", name="开了插件")
    off = factory.shop(slug="off", name="没开插件")
    factory.module_on(on, "testmod", {"discount_fen": 300})
    return testmod_app, factory, on, off, hooks


def _buy(app, factory, shop, openid):
    product = factory.product(shop, "插件测试商品", price_fen=5000, stock=5)
    buyer = shopper(app, app.test_client(), factory, shop, openid=openid)
    buyer.add_address()
    quote = buyer.quote(source="items", items=[{"sku_id": sku_of(factory, shop, product).id,
                                                "qty": 1}])
    return buyer, quote


def _run_jobs(app):
    connection = app.extensions["mallkit"].redis
    queues = [get_queue(name, connection) for name in QUEUE_NAMES]
    with app.app_context():
        SimpleWorker(queues, connection=connection).work(burst=True)


def test_the_module_is_found_through_its_entry_point(plug):
    app, *_ = plug
    modules = app.extensions["mallkit"].modules
    assert "testmod" in modules.modules and "testmod" in modules.manifests
    assert modules.pricing_steps["testmod_discount"].module == "testmod"
    assert "testmod-badge" in app.extensions["mallkit"].registries["pages"].blocks
    with pytest.raises(RegistryFrozen):  # nothing registers after start-up
        modules.add_seeder("late", lambda session, shop: None)


def test_pricing_step_and_order_hooks_run_only_where_the_module_is_on(plug, clock):
    app, factory, on, off, hooks = plug
    buyer, quote = _buy(app, factory, on, "o-on")
    assert [a["source"] for a in quote["adjustments"]] == ["testmod_discount"]
    assert quote["discount_total_fen"] == 300
    order = buyer.submit(quote["quote_id"]).json
    assert ("order_created", on.id, order["id"]) in hooks.CALLS

    other, other_quote = _buy(app, factory, off, "o-off")
    assert other_quote["adjustments"] == [] and other_quote["discount_total_fen"] == 0
    other_order = other.submit(other_quote["quote_id"]).json
    assert all(call[1] != off.id for call in hooks.CALLS)

    buyer.pay(order["id"])
    other.pay(other_order["id"])
    with app.app_context():
        for number in (order["order_no"], other_order["order_no"]):
            assert send_payment_notification(number, transport=AppTransport(app)).status == 204
    _run_jobs(app)
    assert ("order_paid", on.id, order["id"]) in hooks.CALLS
    assert [c for c in hooks.CALLS if c[1] == off.id] == []


def test_block_api_and_console_page_follow_the_switch(plug, clock):
    app, factory, on, off, _hooks = plug
    client = app.test_client()
    assert client.get("/api/v1/shops/on/testmod/ping").json == {"module": "testmod",
                                                                 "shop": "on"}
    missing = client.get("/api/v1/shops/off/testmod/ping")
    assert (missing.status_code, missing.json["code"]) == (404, "module_disabled")

    for shop in (on, off):
        factory.publish_page(shop, {"schema": 1, "title": "首页", "kind": "home", "blocks": [
            {"id": "badge1", "type": "testmod-badge", "version": 1,
             "settings": {"text": "插件来了"}}]})
    assert "插件来了" in client.get("/s/on/").get_data(as_text=True)
    assert "插件来了" not in client.get("/s/off/").get_data(as_text=True)

    for shop, expected in ((on, 200), (off, 404)):
        user = factory.merchant(shop)
        console = app.test_client()
        factory.console_login(console, user)
        assert console.get(f"/console/shops/{shop.slug}/testmod").status_code == expected
        home = console.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)
        assert ("测试模块" in home) is (expected == 200)
        # the module's pending-work figure sits with the core ones on the overview
        assert ('data-waiting="testmod_pending"' in home) is (expected == 200)
        assert 'data-waiting="to_ship"' in home and 'data-waiting="low_stock"' in home
    assert re.search(r'data-waiting="testmod_pending" href="/console/shops/on/testmod">'
                     r'插件待办<strong>\d+</strong>', home_of(app, factory, on))


def home_of(app, factory, shop) -> str:
    console = app.test_client()
    factory.console_login(console, factory.merchant(shop, email=f"again@{shop.slug}.test"))
    return console.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)


def test_demo_runs_the_module_seeder_and_media_sees_its_references(plug):
    app, _factory, _on, _off, hooks = plug
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "seeded testmod" in result.output
    assert any(call[0] == "seed" for call in hooks.CALLS)
    assert "testmod" in app.extensions["mallkit"].modules.reference_finders


def test_without_the_entry_point_the_module_is_absent(app):
    modules = app.extensions["mallkit"].modules
    assert "testmod" not in modules.modules
    assert "testmod_discount" not in modules.pricing_steps
    assert "testmod-badge" not in app.extensions["mallkit"].registries["pages"].blocks


def test_a_plug_in_prices_its_own_activity_orders(plug, clock):
    """An order bought through an activity (the test module's kind ``testmod``, whose id
    is its price) is priced by that module alone: no other discount, its own time to pay,
    and the order remembers the activity. Where the module is off the activity is refused."""
    app, factory, on, off, _hooks = plug
    product = factory.product(on, "活动商品", price_fen=5000, stock=5)
    sku = sku_of(factory, on, product).id
    buyer = shopper(app, app.test_client(), factory, on, openid="act-on")
    buyer.add_address()
    activity = {"kind": "testmod", "id": 3900}
    quote = buyer.quote(source="items", items=[{"sku_id": sku, "qty": 2}], activity=activity)
    assert [(a["source"], a["amount_fen"]) for a in quote["adjustments"]] == [
        ("testmod:3900", 2200)]  # the module's everyday discount stays out
    assert quote["activity"] == {**activity, "group_id": None}
    order = buyer.submit(quote["quote_id"]).json
    assert order["activity"] == activity and order["payable_fen"] == 7800 + order["shipping_fen"]
    created = clock.now()
    assert order["pay_deadline_at"].startswith(f"{created + timedelta(minutes=5):%Y-%m-%dT%H:%M}")
    assert order["lines"][0]["adjustments"] == {"testmod:3900": 2200}

    everyday = buyer.quote(source="items", items=[{"sku_id": sku, "qty": 1}])
    assert [a["source"] for a in everyday["adjustments"]] == ["testmod_discount"]

    other_product = factory.product(off, "别家商品", price_fen=5000, stock=5)
    other = shopper(app, app.test_client(), factory, off, openid="act-off")
    other.add_address()
    refused = other.quote(source="items", activity=activity,
                          items=[{"sku_id": sku_of(factory, off, other_product).id, "qty": 1}])
    assert refused["errors"] == [{"pointer": "/activity", "code": "activity_unavailable",
                                  "message": "this activity is not available"}]
    assert refused["adjustments"] == [] and refused["payable_fen"] == 5000 + \
        refused["shipping_fen"]
    problem = other.submit(refused["quote_id"], expect=422).json
    assert [e["code"] for e in problem["errors"]] == ["activity_unavailable"]


def test_an_activity_order_is_one_sku_without_a_coupon(plug):
    app, factory, on, _off, _hooks = plug
    first, second = (factory.product(on, name, price_fen=1000, stock=5) for name in "AB")
    buyer = shopper(app, app.test_client(), factory, on, openid="act-bad")
    items = [{"sku_id": sku_of(factory, on, p).id, "qty": 1} for p in (first, second)]
    refused = buyer.quote(422, source="items", items=items, coupon_id=7,
                          activity={"kind": "testmod", "id": 500})
    assert {(e["pointer"], e["code"]) for e in refused["errors"]} == {
        ("/activity", "activity_single_line"), ("/coupon_id", "coupon_not_allowed")}
    from_cart = buyer.quote(422, activity={"kind": "testmod", "id": 500})
    assert [e["pointer"] for e in from_cart["errors"]] == ["/activity"]
    malformed = buyer.quote(422, source="items", items=items[:1],
                            activity={"kind": "Bad Kind!", "id": "x"})
    assert {e["pointer"] for e in malformed["errors"]} == {"/activity/kind", "/activity/id"}
