"""Promotions through the real endpoints: the console saves activities (overlap refused
with a pointer, closed is final), checkout prices them per line and stores every share on
the order lines, a per-member limit holds, the tier's gifts come after payment and go back
with a whole refund; module off hides API, blocks and console, on again keeps settings."""

from __future__ import annotations

from sqlalchemy import select

from runtime.clock import utcnow
from runtime.db import use_shop
from runtime.modules.points import service as points
from runtime.modules.promotions.models import DiscountCounter, GiftGrant
from tests.orders.flow import shopper, sku_of
from tests.promotions.helpers import Console, window


def _setup(app, client, factory, shop, *, price=10000, stock=50):
    factory.module_on(shop, "promotions")
    sku = sku_of(factory, shop, factory.product(shop, "茶具", price_fen=price, stock=stock))
    return sku, Console(client, factory, shop)


def test_checkout_prices_discount_and_full_reduction_per_line(app, client, factory, shop,
                                                             clock):
    a = sku_of(factory, shop, factory.product(shop, "A", price_fen=10000, stock=9))
    b = sku_of(factory, shop, factory.product(shop, "B", price_fen=5000, stock=9))
    factory.module_on(shop, "promotions")
    factory.level(shop, "银卡", 1, 0, discount_percent=95)
    console = Console(client, factory, shop)
    d = console.discount([{"sku_id": a.id, "mode": "price", "value": 8000}])
    assert d["status"] == "active" and d["items"][0]["mode"] == "price"
    r = console.reduction([{"threshold": 15000, "discount_fen": 2000}])
    assert r["summary"] == "满150减20"
    alice = shopper(app, client, factory, shop)
    with factory._session() as s:
        from runtime.modules.members.levels import add_growth

        use_shop(s, shop.id)
        add_growth(s, alice.member.id, 10, reason="test", key="g-1")
        s.commit()
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": a.id, "qty": 1},
                                               {"sku_id": b.id, "qty": 2}])
    lines = {ln["sku_id"]: ln for ln in quote["lines"]}
    assert lines[a.id]["adjustments"] == {f"limited_discount:{d['id']}": 2000,
                                          f"full_reduction:{r['id']}": 914}
    assert lines[b.id]["adjustments"] == {"member_level": 500,
                                          f"full_reduction:{r['id']}": 1086}
    order = alice.submit(quote["quote_id"]).json
    stored = {ln["sku_id"]: ln["adjustments"] for ln in order["lines"]}
    assert stored == {k: v["adjustments"] for k, v in lines.items()}
    assert order["payable_fen"] == 17500 - 2000 + order["shipping_fen"]

    api = f"/api/v1/shops/{shop.slug}/promotions"
    body = client.get(f"{api}/discounts?product_id={a.product_id}").json
    assert body["now"] == utcnow().isoformat()  # the mini-program's countdown runs from it
    listed = body["items"]
    assert listed[0]["items"][0]["discount_price_fen"] == 8000
    assert client.get(f"{api}/full-reductions").json["items"][0]["summary"] == "满150减20"
    assert client.get(f"{api}/discounts?product_id=x").status_code == 422


def test_overlap_is_refused_with_a_pointer_and_closed_is_final(app, client, factory, shop,
                                                              clock):
    sku, console = _setup(app, client, factory, shop)
    first = console.discount([{"sku_id": sku.id, "mode": "percent", "value": 80}])
    clash = console.discount([{"sku_id": sku.id + 999_999, "mode": "percent", "value": 80},
                              {"sku_id": sku.id, "mode": "amount_off", "value": 100}],
                             expect=422)
    pointers = {e["pointer"]: e["code"] for e in clash["errors"]}
    assert pointers == {"/items/0/sku_id": "not_found",
                        "/items/1/sku_id": "sku_in_another_discount"}
    # after the first one's window: no overlap
    later = console.discount([{"sku_id": sku.id, "mode": "percent", "value": 90}],
                             **window(30, 40))
    assert later["status"] == "scheduled"
    console.call("POST", f"/discounts/{first['id']}/close", {})
    again = console.call("POST", f"/discounts/{first['id']}", {"name": "再开"}, 409).json
    assert again["code"] == "activity_final"
    console.call("POST", f"/discounts/{first['id']}/close", {}, 409)
    # closed frees the SKU for an overlapping discount
    console.discount([{"sku_id": sku.id, "mode": "percent", "value": 85}])
    bad = console.discount([{"sku_id": sku.id, "mode": "percent", "value": 100}],
                           expect=422, **window(50, 60))
    assert bad["errors"][0]["pointer"] == "/items/0/value"
    bad = console.reduction([{"threshold": 100, "discount_fen": 100}], expect=422)
    assert bad["errors"][0]["pointer"] == "/tiers/0/discount_fen"
    bad = console.reduction([{"threshold": 100, "discount_fen": 10},
                             {"threshold": 200, "discount_fen": 20}], expect=422, repeat=True)
    assert bad["errors"][0]["pointer"] == "/tiers"


def test_per_member_limit_holds_and_comes_back_on_cancel(app, client, factory, shop, clock):
    sku, console = _setup(app, client, factory, shop, price=1000)
    d = console.discount([{"sku_id": sku.id, "mode": "price", "value": 500}],
                         per_member_limit=2)
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 3}])
    assert quote["lines"][0]["adjustments"] == {f"limited_discount:{d['id']}": 1000}
    order = alice.submit(quote["quote_id"]).json
    second = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    assert second["lines"][0]["adjustments"] == {}  # the limit is used up
    alice.call("POST", f"/orders/{order['id']}/cancel", {}, 200)
    third = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    assert third["lines"][0]["adjustments"] == {f"limited_discount:{d['id']}": 500}
    with factory._session() as s:
        use_shop(s, shop.id)
        assert s.scalar(select(DiscountCounter.used)) == 0


def test_gifts_after_payment_and_taken_back_on_whole_refund(app, client, factory, shop,
                                                            clock, redis_conn):
    from runtime.modules.aftersales import service as aftersales
    from tests.aftersales.flow import MERCHANT, balance_paid, buyer, drain, in_shop

    sku, console = _setup(app, client, factory, shop, price=20000)
    r = console.reduction([{"threshold": 19900, "discount_fen": 3000, "give_points": 88}])
    alice = buyer(app, client, factory, shop)
    order = balance_paid(app, factory, shop, alice, [(sku.id, 1)])
    assert order["lines"][0]["adjustments"] == {f"full_reduction:{r['id']}": 3000}
    drain(app, redis_conn)  # the order-paid follow-up: points earned, gifts given
    drain(app, redis_conn)
    with factory._session() as s:
        use_shop(s, shop.id)
        grant = s.scalar(select(GiftGrant))
        assert (grant.reduction_id, grant.points, grant.revoked_at) == (r["id"], 88, None)
        entry = s.scalar(select(points.PointEntry).where(
            points.PointEntry.idempotency_key == f"promotions-gift-{order['id']}-{r['id']}"))
        assert entry.delta == 88
    in_shop(app, factory, shop, aftersales.merchant_refund, order["id"],
            [{"line_id": order["lines"][0]["id"]}], "整单退款", MERCHANT)
    drain(app, redis_conn)
    assert alice.order(order["id"])["refund_status"] == "ALL"
    with factory._session() as s:
        use_shop(s, shop.id)
        grant = s.scalar(select(GiftGrant))
        assert grant.revoked_at is not None and grant.points_taken_back == 88
        back = s.scalar(select(points.PointEntry).where(
            points.PointEntry.idempotency_key == f"promotions-gift-{order['id']}-{r['id']}-back"))
        assert back.delta == -88


def test_module_off_hides_api_blocks_console_and_on_keeps_settings(app, client, factory, shop,
                                                                  clock):
    from runtime.modules import switches

    sku, console = _setup(app, client, factory, shop)
    factory.publish_page(shop, {"schema": 1, "title": "首页", "kind": "home", "blocks": [
        {"id": "t", "type": "title", "settings": {"title": "欢迎"}},
        {"id": "fr", "type": "full-reduction-notice", "settings": {}},
        {"id": "ld", "type": "limited-discount", "settings": {}}]})
    console.discount([{"sku_id": sku.id, "mode": "percent", "value": 80}])
    console.reduction([{"threshold": 19900, "discount_fen": 3000}])
    factory.module_on(shop, "promotions", {"preview_hours": 48})
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "满199减30" in html and "mk-ltd" in html and "¥100.00" in html  # struck through
    assert "<small>¥</small>80<small>.00</small>" in html
    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json
    assert [n["id"] for n in layout["nodes"]] == ["t", "fr", "ld"]

    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        switches.disable(s, "promotions")
        s.commit()
    api = f"/api/v1/shops/{shop.slug}/promotions"
    for path in ("/discounts", "/full-reductions", "/discounts/1"):
        response = client.get(api + path)
        assert response.status_code == 404 and response.json["code"] == "module_disabled"
    assert [n["id"] for n in client.get(
        f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"]] == ["t"]
    assert console.call("GET", "/discounts", expect=None).status_code == 404
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    assert alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}])[
        "discount_total_fen"] == 0

    factory.module_on(shop, "promotions")
    with factory._session() as s:
        use_shop(s, shop.id)
        assert switches.settings_of(s, "promotions")["preview_hours"] == 48
    assert len(client.get(f"{api}/discounts").json["items"]) == 1
    assert alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}])[
        "discount_total_fen"] == 4000 + 3000 * 0  # 2 x 2000 off; 16000 < 19900
