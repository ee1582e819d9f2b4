"""The H5 product page while its product has a live group buy: the buy box shows the 3人团
badge, the group and leader price and the open group to join, and 开团 / 去参团 lead to the
group-buy checkout; without a group buy (or with the module off) it is the plain buy box."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from runtime.modules import switches
from tests.groupbuy.flow import group_of, in_shop, paid, people, setup


def buybox_text(page, url: str) -> str:
    """The buy box's text once the page has its answer about the product's group buys."""
    with page.expect_response(lambda r: "/groupbuy/activities?product_id=" in r.url) as asked:
        page.goto(url)
    asked.value.finished()
    return ready_text(page)


def ready_text(page) -> str:
    page.locator('[data-mk-buybox][data-ready="true"]').wait_for()
    page.evaluate("() => new Promise(requestAnimationFrame)")
    return page.locator(".mk-buybox").inner_text()


@pytest.mark.browser
def test_the_buy_box_offers_the_group_buy(app, client, factory, shop, phone, live_url):
    activity, sku = setup(app, factory, shop, price_fen=6900)
    [alice] = people(app, client, factory, shop, "alice")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    plain = factory.product(shop, "普通商品", price_fen=1000, stock=3)
    url = f"{live_url}/s/{shop.slug}/pages/product?id="

    phone.goto(url + str(sku.product_id))
    offer = phone.locator("[data-mk-groupbuy]")
    offer.wait_for()
    text = offer.inner_text()
    assert "3人团" in text and "拼团价 ¥59.00" in text and "团长价 ¥49.00" in text
    assert "还差 2 人成团" in text
    assert phone.locator('[data-act="buy"]').inner_text() == "单独购买"
    assert phone.locator("[data-groupbuy-open]").inner_text().split() == ["¥49.00", "开团"]
    join = parse_qs(urlsplit(offer.locator("[data-join]").get_attribute("href")).query)
    assert join == {"sku": [str(sku.id)], "qty": ["1"], "activity": ["groupbuy"],
                    "activity_id": [str(activity.id)], "group_id": [str(gid)]}
    phone.locator("[data-groupbuy-open]").click()
    phone.wait_for_url("**/checkout?*")
    opened = parse_qs(urlsplit(phone.url).query)
    assert opened["activity"] == ["groupbuy"] and "group_id" not in opened
    assert opened["activity_id"] == [str(activity.id)] and opened["sku"] == [str(sku.id)]

    assert "开团" not in buybox_text(phone, url + str(plain.id))
    assert phone.locator("[data-mk-groupbuy]").count() == 0
    in_shop(app, factory, shop, switches.disable, "groupbuy")
    asked = []
    phone.on("request", lambda r: asked.append(r.url) if "/groupbuy/" in r.url else None)
    phone.goto(url + str(sku.product_id))
    assert "拼团价" not in ready_text(phone)
    assert phone.locator("[data-mk-buybox]").get_attribute("data-mk-offers") is None
    assert phone.locator('[data-act="buy"]').inner_text() == "立即购买"
    assert asked == []  # with the module off the page does not ask


@pytest.mark.browser
def test_a_group_only_activity_hides_buying_alone(app, client, factory, shop, phone, live_url):
    _activity, sku = setup(app, factory, shop, allow_single_buy=False)
    buybox_text(phone, f"{live_url}/s/{shop.slug}/pages/product?id={sku.product_id}")
    phone.locator("[data-groupbuy-open]").wait_for()
    assert phone.locator('[data-act="buy"]').is_hidden()
    assert phone.locator('[data-act="cart"]').is_hidden()
