"""Per-product / per-SKU rates edited in the console (422 naming the field), and levels'
upgrade rules evaluated after settlement, their rates applying to later orders only."""

from __future__ import annotations

from datetime import timedelta

from runtime.modules.distribution import service
from runtime.modules.distribution.models import Distributor, DistributorLevel, ProductRate
from tests.distribution.flow import (
    chain,
    commissions,
    drain,
    in_shop,
    read,
    receive,
    sku_of,
    switch_on,
    wechat_paid,
)


def console_of(app, factory, shop):
    console = app.test_client()
    token = factory.console_login(console, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/distribution"

    def post(path, body, expect=200):
        response = console.post(base + path, json=body, headers={"X-CSRF-Token": token})
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json
    return console, token, base, post


def test_product_and_sku_rates_from_the_console(app, client, factory, shop, clock,
                                                redis_conn):
    switch_on(factory, shop)
    product = factory.product(shop, price_fen=10000, stock=50)
    sku = sku_of(factory, shop, product)
    other = factory.product(shop, price_fen=500, stock=5)
    console, token, base, post = console_of(app, factory, shop)
    post("/rates", {"product_id": product.id, "mode": "fixed", "level1_value": 300,
                    "level2_value": 100})
    post("/rates", {"product_id": str(product.id), "sku_id": str(sku.id), "mode": "percent",
                    "level1_value": "20", "level2_value": "8.5"})
    listed = console.get(base + "/rates", headers={"Accept": "application/json"}).json["items"]
    assert [(r["sku_id"], r["mode"], r["level1_value"]) for r in listed] == [
        (None, "fixed", "300.00"), (sku.id, "percent", "20.00")]
    page = console.get(base + "/rates").get_data(as_text=True)
    assert product.title in page and "8.50%" in page
    a, b, c = chain(app, client, factory, shop)
    first = wechat_paid(app, c, [(sku.id, 2)])
    drain(app, redis_conn)
    assert commissions(factory, shop, first["id"]) == [
        (b.member.id, 1, 4000, "pending"), (a.member.id, 2, 1700, "pending")]
    sku_rate = next(r["id"] for r in listed if r["sku_id"] == sku.id)
    post(f"/rates/{sku_rate}/delete", {})
    second = wechat_paid(app, c, [(sku.id, 2)])
    drain(app, redis_conn)
    assert commissions(factory, shop, second["id"]) == [
        (b.member.id, 1, 600, "pending"), (a.member.id, 2, 200, "pending")]
    assert commissions(factory, shop, first["id"])[0][2] == 4000  # recorded: kept

    for body, pointer in (
            ({"product_id": product.id, "mode": "both", "level1_value": 1,
              "level2_value": 1}, "/mode"),
            ({"product_id": product.id, "mode": "percent", "level1_value": "12.345",
              "level2_value": 1}, "/level1_value"),
            ({"product_id": product.id, "mode": "percent", "level1_value": 1,
              "level2_value": 101}, "/level2_value"),
            ({"product_id": product.id, "mode": "fixed", "level1_value": "1.5",
              "level2_value": 0}, "/level1_value"),
            ({"product_id": 99999999, "mode": "fixed", "level1_value": 1,
              "level2_value": 0}, "/product_id"),
            ({"product_id": other.id, "sku_id": sku.id, "mode": "fixed", "level1_value": 1,
              "level2_value": 0}, "/sku_id"),
            ({"product_id": product.id, "mode": "fixed", "level1_value": 1,
              "level2_value": 0, "rate": 1}, "/rate")):
        problem = post("/rates", body, 422)
        assert pointer in [e["pointer"] for e in problem["errors"]], (body, problem)
    form = console.post(base + "/rates", data={"csrf_token": token, "product_id": str(other.id),
                                               "sku_id": "", "mode": "fixed",
                                               "level1_value": "50", "level2_value": "0"})
    assert form.status_code == 302
    assert read(factory, shop, lambda s: s.query(ProductRate).count()) == 2


def test_rates_of_another_shops_product_are_refused(app, client, factory, shop):
    other_shop = factory.shop(slug="shop-other", name="别家")
    switch_on(factory, shop)
    switch_on(factory, other_shop)
    foreign = factory.product(other_shop, price_fen=1000, stock=5)
    _, _, _, post_other = console_of(app, factory, other_shop)
    post_other("/rates", {"product_id": foreign.id, "mode": "fixed", "level1_value": 1,
                          "level2_value": 0})
    foreign_rate = read(factory, other_shop, lambda s: s.query(ProductRate).one().id)
    _, _, _, post = console_of(app, factory, shop)
    problem = post("/rates", {"product_id": foreign.id, "mode": "fixed", "level1_value": 1,
                              "level2_value": 0}, 422)
    assert problem["errors"][0]["pointer"] == "/product_id"
    post(f"/rates/{foreign_rate}/delete", {}, 404)
    assert read(factory, other_shop, lambda s: s.query(ProductRate).count()) == 1


def test_levels_upgrade_after_settlement_and_rate_later_orders(app, client, factory, shop,
                                                               clock, redis_conn):
    switch_on(factory, shop)
    _, _, _, post = console_of(app, factory, shop)
    post("/levels", {"name": "银牌", "rank": 1, "level1_rate": "15", "level2_rate": "6",
                     "upgrade_team": 2})
    post("/levels", {"name": "金牌", "rank": 2, "level1_rate": "20", "level2_rate": "10",
                     "upgrade_direct": 1, "upgrade_commission_fen": 1000})
    post("/levels", {"name": "钻石", "rank": 3, "level1_rate": "30", "level2_rate": "15",
                     "upgrade_direct": 1, "upgrade_sales_fen": 10**7})
    assert post("/levels", {"name": "x", "rank": 4, "level1_rate": "1", "level2_rate": "1",
                            "upgrade_team": -1}, 422)["errors"][0]["pointer"] == "/upgrade_team"
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10000, stock=50))
    a, b, c = chain(app, client, factory, shop)
    first = wechat_paid(app, c, [(sku.id, 1)])
    drain(app, redis_conn)
    receive(c, app, factory, shop, first["id"])
    level_names = {}

    def levels_now(s):
        names = {lv.id: lv.name for lv in s.query(DistributorLevel)}
        return {d.member_id: names.get(d.level_id) for d in s.query(Distributor)}

    level_names = read(factory, shop, levels_now)
    assert (level_names[a.member.id], level_names[b.member.id]) == (None, None)
    clock.advance(timedelta(days=8))
    drain(app, redis_conn)  # settled: B 1000 (direct 1) -> 金牌; A team of 2 -> 银牌
    level_names = read(factory, shop, levels_now)
    assert (level_names[a.member.id], level_names[b.member.id]) == ("银牌", "金牌")
    second = wechat_paid(app, c, [(sku.id, 1)])
    drain(app, redis_conn)
    assert commissions(factory, shop, second["id"]) == [
        (b.member.id, 1, 2000, "pending"), (a.member.id, 2, 600, "pending")]
    assert [x[2] for x in commissions(factory, shop, first["id"])] == [1000, 500]
    # never down by itself: a lower level set by hand stays until the rules lift it again
    silver = read(factory, shop, lambda s: s.query(DistributorLevel).filter_by(rank=1).one().id)
    in_shop(app, factory, shop, service.set_level, b.member.id, silver)
    assert read(factory, shop, levels_now)[b.member.id] == "银牌"
