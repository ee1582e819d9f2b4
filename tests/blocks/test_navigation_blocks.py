"""The navigation and selling blocks with real data: top tabs (categories or picked pages, the
current one marked), the header combo, the floating button, the best-seller ranking from paid
orders by period, and the recent-purchases ticker's anonymised, cached feed — each kept to its
shop."""

from __future__ import annotations

import re
from datetime import timedelta

from runtime.modules.catalog.taxonomy import create_category
from runtime.modules.orders.rankings import anonymised
from runtime.wechat.pay.simulator import send_payment_notification
from runtime.wechat.transport import AppTransport
from tests.blocks.conftest import in_shop
from tests.orders.flow import shopper, sku_of
from tests.page_helpers import block, page_config


def _categories(app, shop, *names, hidden=()):
    with in_shop(app, shop) as s:
        made = [create_category(s, {"name": n, "is_visible": n not in hidden}) for n in names]
        s.commit()
        return [c.id for c in made]


def _node(client, block_id, slug="home", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    layout = client.get(f"/api/v1/shops/alpha/layouts/{slug}?{query}").json
    return next(n for n in layout["nodes"] if n["id"] == block_id)


def test_category_tabs_list_visible_top_categories_and_mark_the_page(app, client, factory, shop):
    shoes, _hidden, bags = _categories(app, shop, "鞋靴", "内部", "箱包", hidden=("内部",))
    other = factory.shop(slug="beta", name="Beta")
    _categories(app, other, "别家分类")
    tabs = block("tabs", "page-tabs", source="categories", first_tab="精选")
    factory.publish_page(shop, page_config(tabs))
    factory.publish_page(shop, page_config(tabs, kind="category", title="分类"), slug="category")

    data = _node(client, "tabs")["data"]
    assert [t["text"] for t in data["tabs"]] == ["精选", "鞋靴", "箱包"]
    assert data["current"] == 0
    assert [t["category_id"] for t in data["tabs"]] == [None, shoes, bags]
    assert _node(client, "tabs", "category", id=bags)["data"]["current"] == 2
    html = client.get(f"/s/alpha/pages/category?id={bags}").get_data(as_text=True)
    assert re.search(rf'href="/s/alpha/pages/category\?id={bags}" aria-current="page">箱包', html)
    assert "别家分类" not in html


def test_picked_tabs_mark_the_page_they_link_to(client, factory, shop):
    tabs = block("tabs", "page-tabs", source="manual", style="pill", tabs=[
        {"text": "首页", "link": {"kind": "page", "slug": "home"}},
        {"text": "活动", "link": {"kind": "page", "slug": "spring"}}])
    factory.publish_page(shop, page_config(tabs, kind="custom", title="活动"), slug="spring")
    assert _node(client, "tabs", "spring")["data"]["current"] == 1
    html = client.get("/s/alpha/pages/spring").get_data(as_text=True)
    assert 'href="/s/alpha/pages/spring" aria-current="page">活动' in html


def test_the_header_combo_draws_title_search_tabs_and_slides(app, client, factory, shop):
    _categories(app, shop, "鞋靴")
    picture = factory.media_image(shop, 1500, 700)
    factory.publish_page(shop, {**page_config(block(
        "head", "header-combo", placeholder="搜搜看",
        slides=[{"image": {"media_id": picture.id}, "link": {"kind": "page", "slug": "user"}},
                {"image": None, "link": None}])), "nav_style": "immersive"})
    html = client.get("/s/alpha/").get_data(as_text=True)
    head = html.split('data-block-id="head"')[1].split("</header>")[0]
    assert "Alpha 商店" in head  # no title: the shop's name
    assert 'action="/s/alpha/pages/category"' in head and 'placeholder="搜搜看"' in head
    assert 'aria-current="page">推荐' in head and ">鞋靴</a>" in head
    assert head.count("<img") == 1 and 'href="/s/alpha/pages/user"' in head
    assert "env(safe-area-inset-top)" in head  # immersive: starts under the status bar
    node = _node(client, "head")
    assert node["props"]["slides"][0]["image"]["media_id"] == picture.id
    assert [t["text"] for t in node["data"]["tabs"]] == ["推荐", "鞋靴"]


def test_the_floating_button_links_or_opens_its_menu(client, factory, shop):
    factory.publish_page(shop, page_config(block(
        "fab", "floating-button", mode="menu", label="导航", items=[
            {"text": "我的订单", "link": {"kind": "page", "slug": "user"}},
            {"text": "活动", "link": {"kind": "url", "url": "https://example.com/a"}}])))
    html = client.get("/s/alpha/").get_data(as_text=True)
    fab = html.split('data-block-id="fab"')[1].split("</aside>")[0]
    assert "<details>" in fab and 'aria-label="导航"' in fab
    assert re.findall(r'<a href="([^"]+)">', fab) == ["/s/alpha/pages/user", "https://example.com/a"]
    factory.publish_page(shop, page_config(block("fab", "floating-button", mode="link")))
    fab = client.get("/s/alpha/").get_data(as_text=True).split('data-block-id="fab"')[1]
    assert 'class="mk-float__btn" href="/s/alpha/pages/cart"' in fab


def _paid(app, buyer, sku_id, qty):
    order = buyer.buy(sku_id, qty)
    buyer.pay(order["id"])
    with app.app_context():
        send_payment_notification(order["order_no"], transport=AppTransport(app))
    return order


def test_the_ranking_counts_paid_orders_by_period(app, client, factory, shop, clock):
    coat = factory.product(shop, "大衣", price_fen=59900, stock=50)
    hat = factory.product(shop, "帽子", price_fen=9900, stock=50)
    scarf = factory.product(shop, "围巾", price_fen=4900, stock=50)
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-rank")
    buyer.add_address()
    _paid(app, buyer, sku_of(factory, shop, coat).id, 5)
    clock.advance(timedelta(days=10))
    _paid(app, buyer, sku_of(factory, shop, hat).id, 2)
    _paid(app, buyer, sku_of(factory, shop, hat).id, 1)
    buyer.buy(sku_of(factory, shop, scarf).id, 9)  # never paid: does not count
    factory.publish_page(shop, page_config(
        block("week", "product-ranking", period="week"),
        block("all", "product-ranking", period="all", limit=3)))
    week = _node(client, "week")["data"]["products"]
    assert [(p["title"], p["rank"], p["sold"]) for p in week] == [("帽子", 1, 3)]
    everything = _node(client, "all")["data"]["products"]
    assert [(p["title"], p["sold"]) for p in everything] == [("大衣", 5), ("帽子", 3)]
    assert everything[0]["price_fen"] == 59900
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "售出 5 件" in html and "近 7 天" in html


def test_recent_purchases_are_real_anonymised_cached_and_per_shop(app, client, factory, shop,
                                                                 clock):
    coat = factory.product(shop, "大衣", price_fen=59900, stock=50)
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-tick")
    with in_shop(app, shop) as s:
        from runtime.modules.members.models import Member

        s.get(Member, buyer.member.id).nickname = "张三丰"
        s.commit()
    buyer.add_address()
    buyer.buy(sku_of(factory, shop, coat).id, 1)  # unpaid: not shown
    url = "/api/v1/shops/alpha/orders/recent-purchases"
    assert client.get(url).json == {"items": []}
    _paid(app, buyer, sku_of(factory, shop, coat).id, 2)
    assert client.get(url).json == {"items": []}  # cached for a minute
    app.extensions["mallkit"].redis.delete(
        f"mallkit:{shop.id}:orders:recent-purchases")
    answer = client.get(url)
    assert answer.status_code == 200, answer.json
    items = answer.json["items"]
    assert [(i["buyer"], i["product"]) for i in items] == [("张**", "大衣")]
    assert set(items[0]) == {"buyer", "product", "product_id", "paid_at"}
    assert "max-age=60" in answer.headers["Cache-Control"]
    factory.shop(slug="beta", name="Beta")
    assert client.get("/api/v1/shops/beta/orders/recent-purchases").json == {"items": []}
    assert (anonymised(""), anonymised(" 李 ")) == ("微信用户", "李**")
    factory.publish_page(shop, page_config(block("tick", "recent-purchases")))
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "data-mk-ticker" in html and "_shop-static/ticker.js" in html and "张" not in html
