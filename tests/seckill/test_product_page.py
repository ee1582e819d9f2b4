"""The normal product page offers the seckill while a SKU of the product is in a live slot
(or one that opens later today): the buy box names the activity modules that are on, its
script reads the seckill price, state and stock from the short-cached live board (never the
cached page) and links to the seckill buy path."""

from __future__ import annotations

import pytest

from runtime.db import use_shop
from runtime.modules import switches
from tests.browser_support import require_chromium, serving
from tests.orders.test_h5_browser import in_browser
from tests.seckill.helpers import at, example


def product_page(client, shop, product_id):
    return client.get(f"/s/{shop.slug}/pages/product?id={product_id}").get_data(as_text=True)


def offers_of(client, shop, product_id):
    live = client.get(f"/api/v1/shops/{shop.slug}/seckill/live").json
    return [(item["state"], item["today"], sku["seckill_price_fen"], sku["left"])
            for item in live["items"] for sku in item["skus"] if sku["product_id"] == product_id]


def test_the_buy_box_offers_seckill_only_while_the_module_is_on(app, client, factory, shop,
                                                                 clock, redis_conn):
    ids = example(app, factory, shop)
    at(clock, 2026, 12, 5, 9, 0)
    html = product_page(client, shop, ids["product_id"])
    assert 'data-mk-offers="seckill"' in html
    source = client.get(f"/s/{shop.slug}/_seckill-static/offer.js").get_data(as_text=True)
    assert '"/seckill/live"' in source and "/seckill/${activity.activity_id}?sku=" in source
    script = client.get(f"/s/{shop.slug}/_shop-static/storefront.js").get_data(as_text=True)
    assert "-static/offer.js" in script

    assert offers_of(client, shop, ids["product_id"]) == [("not_started", True, 5900, 100)]
    redis_conn.delete(f"mallkit:{{{shop.id}}}:seckill:live")
    at(clock, 2026, 12, 5, 10, 30)
    assert offers_of(client, shop, ids["product_id"]) == [("running", True, 5900, 100)]
    redis_conn.delete(f"mallkit:{{{shop.id}}}:seckill:live")
    at(clock, 2026, 12, 4, 23, 0)  # the next window is tomorrow: no "starts at" today
    assert offers_of(client, shop, ids["product_id"]) == [("not_started", False, 5900, 100)]

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        switches.disable(s, "seckill")
        s.commit()
    assert "data-mk-offers" not in product_page(client, shop, ids["product_id"])
    assert client.get(f"/s/{shop.slug}/_seckill-static/offer.js").status_code == 404


@pytest.mark.browser
def test_h5_product_page_shows_the_seckill_price_countdown_and_buy_path(app, factory, shop,
                                                                         clock):
    require_chromium()
    ids = example(app, factory, shop)
    at(clock, 2026, 12, 5, 10, 30)

    with serving(app) as live_url:
        def steps(phone):
            errors = []
            phone.on("pageerror", lambda e: errors.append(str(e)))
            phone.goto(f"{live_url}/s/{shop.slug}/pages/product?id={ids['product_id']}")
            offer = phone.locator(".mk-sk-offer")
            offer.wait_for()
            seen = offer.inner_text()
            buy = offer.locator("[data-sk-buy]")
            found = (seen, buy.inner_text(), buy.get_attribute("href"))
            buy.click()
            phone.wait_for_url(f"**/seckill/{ids['activity_id']}?sku={ids['sku_id']}")
            phone.locator("[data-buy]").wait_for()
            return (*found, phone.locator("[data-buy]").inner_text(), errors)

        seen, label, href, page_button, errors = in_browser(steps)
    assert "秒杀" in seen and "¥59.00" in seen and "¥99.00" in seen and "剩 100 件" in seen
    assert "距结束 01:2" in seen or "距结束 01:30:00" in seen
    assert (label, href) == ("马上抢", f"/s/{shop.slug}/seckill/{ids['activity_id']}"
                                     f"?sku={ids['sku_id']}")
    assert page_button == "马上抢" and errors == []
