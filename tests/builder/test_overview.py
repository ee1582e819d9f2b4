"""The shop overview (店铺概况): today's and yesterday's paid amount, paid orders and paying
members by the shop's calendar, the work waiting (to ship, unpaid, low stock) and shortcuts,
from the shop's own rows only; members without the orders area see no money."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.accounts.helpers import HTML
from tests.orders.flow import shopper, sku_of
from tests.orders.test_console import paid


def figure(html: str, key: str) -> str:
    match = re.search(rf'data-(?:figure|waiting)="{key}"[^>]*>[^<]*<strong>([^<]*)</strong>'
                      rf'(?:<small class="muted">([^<]*)</small>)?', html)
    assert match, key
    return " | ".join(g for g in match.groups() if g is not None)


def test_overview_counts_the_days_on_the_shops_clock(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, "羊毛大衣", skus=[
        {"price_fen": 1000, "stock": 9, "low_stock_threshold": 6}]))
    dear = sku_of(factory, shop, factory.product(shop, "羊绒围巾", price_fen=2000, stock=50))
    alice = shopper(app, app.test_client(), factory, shop, openid="o-alice")
    alice.add_address()
    bob = shopper(app, app.test_client(), factory, shop, openid="o-bob")
    bob.add_address()
    clock.freeze(datetime(2026, 11, 24, 15, 59, tzinfo=UTC))  # 23:59 on the 24th in Shanghai
    paid(app, alice, sku.id)
    clock.freeze(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))  # 00:00 on the 25th
    paid(app, alice, sku.id)
    clock.freeze(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))
    paid(app, bob, dear.id)
    bob.buy(sku.id, 1)  # unpaid

    other = factory.shop(slug="beta", name="Beta 店")  # another shop's sale counts nowhere here
    carol = shopper(app, app.test_client(), factory, other, openid="o-carol")
    carol.add_address()
    paid(app, carol, sku_of(factory, other, factory.product(other, "别家", price_fen=9900,
                                                            stock=5)).id)

    factory.console_login(client, factory.merchant(shop))
    html = client.get(f"/console/shops/{shop.slug}/", headers=HTML).get_data(as_text=True)
    assert "2026-11-25" in html
    assert figure(html, "paid_fen") == "¥30.00 | 昨日 ¥10.00"
    assert figure(html, "orders") == "2 | 昨日 1"
    assert figure(html, "paying_members") == "2 | 昨日 1"
    assert figure(html, "to_ship") == "3"
    assert figure(html, "unpaid") == "1"
    assert figure(html, "low_stock") == "1"  # the coat: 5 left (one reserved), alert at 6
    assert f'href="/console/shops/{shop.slug}/orders?status=paid"' in html
    for label in ("发布商品", "待发货订单", "装修首页"):
        assert label in html


def test_staff_without_the_orders_area_see_no_money(app, client, factory, shop, clock):
    factory.product(shop, "羊毛大衣", skus=[{"price_fen": 1000, "stock": 1,
                                            "low_stock_threshold": 2}])
    factory.console_login(client, factory.merchant(shop, role="staff", areas=["catalog"],
                                                   email="clerk@alpha.test"))
    html = client.get(f"/console/shops/{shop.slug}/", headers=HTML).get_data(as_text=True)
    assert "data-overview-figures" not in html and 'data-waiting="to_ship"' not in html
    assert figure(html, "low_stock") == "1"
    assert "发布商品" in html and "装修首页" not in html
