"""The user centre's coupons: GET /me counts a member's usable coupons (unused, not expired)
while the module is on — used and expired ones not, another member's or another shop's
never — and null while it is off; the user card links to 我的优惠券, an H5 shell page by tab
that answers 404 with the module off; each coupon there names the product it is for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.aftersales.flow import buyer
from tests.coupons.flow import claim, items, template
from tests.orders.flow import shopper, sku_of
from tests.page_helpers import block, page_config

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


@pytest.fixture
def on(factory, shop, clock):
    clock.freeze(NOW)
    factory.module_on(shop, "coupons")


def test_the_count_leaves_out_used_and_expired_and_other_members(app, client, factory, shop,
                                                                  on, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=12000))
    alice = buyer(app, client, factory, shop)
    bob = shopper(app, client, factory, shop, openid="o-bob")
    short = template(app, factory, shop, name="两日券", valid_days=2)
    week = template(app, factory, shop, name="周券")
    spent = template(app, factory, shop, name="已用券")
    for tid in (short, week, spent):
        claim(alice, tid)
    used = alice.call("GET", "/me/coupons").json["items"]
    [to_use] = [c for c in used if c["title"] == "已用券"]
    assert alice.call("GET", "/me").json["coupon_count"] == 3
    quote = alice.quote(coupon_id=to_use["id"], **items((sku.id, 1)))
    alice.submit(quote["quote_id"])
    assert alice.call("GET", "/me").json["coupon_count"] == 2
    clock.advance(timedelta(days=3))  # the two-day coupon is past its end, not yet swept
    assert alice.call("GET", "/me").json["coupon_count"] == 1
    assert bob.call("GET", "/me").json["coupon_count"] == 0
    assert [c["title"] for c in bob.call("GET", "/me/coupons").json["items"]] == []

    other = factory.shop("beta")
    factory.module_on(other, "coupons")
    carol = shopper(app, client, factory, other, openid="o-carol")
    claim(carol, template(app, factory, other, name="别家券"))
    assert carol.call("GET", "/me").json["coupon_count"] == 1
    assert alice.call("GET", "/me").json["coupon_count"] == 1
    assert "别家券" not in {c["title"] for c in alice.call("GET", "/me/coupons").json["items"]}


def test_the_count_is_null_and_the_page_gone_with_the_module_off(app, client, factory, shop):
    alice = shopper(app, client, factory, shop)
    assert alice.call("GET", "/me").json["coupon_count"] is None
    assert client.get("/s/alpha/coupons/mine").status_code == 404


def test_my_coupons_page_and_the_card_link(app, client, factory, shop, on):
    factory.publish_page(shop, page_config(block("me", "user-card"), kind="user", title="我的"),
                         "user")
    html = client.get("/s/alpha/pages/user").get_data(as_text=True)
    assert 'href="/s/alpha/coupons/mine" data-coupons-link hidden' in html
    page = client.get("/s/alpha/coupons/mine").get_data(as_text=True)
    assert "<title>我的优惠券" in page and 'data-status="unused"' in page
    for key, label in (("unused", "可使用"), ("used", "已使用"), ("expired", "已过期")):
        assert f'href="/s/alpha/coupons/mine?status={key}"' in page and label in page
    assert 'data-status="used"' in client.get(
        "/s/alpha/coupons/mine?status=used").get_data(as_text=True)
    assert 'data-status="unused"' in client.get(
        "/s/alpha/coupons/mine?status=nonsense").get_data(as_text=True)


def test_a_coupon_names_the_products_it_is_for(app, client, factory, shop, on):
    product = factory.product(shop, price_fen=12000)
    alice = shopper(app, client, factory, shop)
    claim(alice, template(app, factory, shop, scope="products", product_ids=[product.id]))
    [mine] = alice.call("GET", "/me/coupons?status=unused").json["items"]
    assert (mine["scope"], mine["product_ids"], mine["category_ids"]) == (
        "products", [product.id], [])


@pytest.mark.browser
def test_the_card_counts_a_coupon_and_my_coupons_lists_it(app, client, factory, shop, on):
    """Chromium at 375 px: the card shows 1 优惠券; its link (by keyboard) opens 我的优惠券 at
    可使用, which fits 320, 375 and 430 px."""
    from tests.browser_support import (
        assert_fits_phone_widths,
        log_in_h5,
        require_chromium,
        serving,
    )
    from tests.orders.test_h5_browser import in_browser

    require_chromium()
    factory.publish_page(shop, page_config(block("me", "user-card"), kind="user", title="我的"),
                         "user")
    alice = shopper(app, client, factory, shop, openid="o-uc-coupon")
    claim(alice, template(app, factory, shop, name="满100减10"))

    with serving(app) as live_url:
        def steps(phone):
            phone.set_viewport_size({"width": 375, "height": 800})
            phone.goto(f"{live_url}/s/{shop.slug}/pages/user")
            log_in_h5(phone, live_url, shop.slug, alice.token)
            phone.reload()
            link = phone.locator("[data-coupons-link]")
            link.wait_for(state="visible")
            assert link.inner_text().split() == ["1", "优惠券"]
            link.focus()
            phone.keyboard.press("Enter")
            phone.wait_for_url("**/coupons/mine")
            phone.wait_for_selector(".mk-mycoupons__item")
            active = phone.inner_text(".tabs [aria-current=page]")
            item = phone.inner_text(".mk-mycoupons__item")
            assert_fits_phone_widths(phone)
            return active, item

        active, item = in_browser(steps)
    assert active == "可使用"
    assert "满100减10" in item and "¥10" in item and "满100可用" in item and "去使用" in item


def test_the_count_costs_one_statement_however_many_coupons(app, client, factory, shop,
                                                            clock):
    from tests.sqlcount import counting

    clock.freeze(NOW)
    alice = shopper(app, client, factory, shop)

    def statements() -> int:
        alice.call("GET", "/me")  # the token and the module switches cached first
        with counting(app) as me:
            alice.call("GET", "/me")
        return len(me.statements)

    off = statements()
    factory.module_on(shop, "coupons")
    claim(alice, template(app, factory, shop, name="券一"))
    one = statements()
    for name in ("券二", "券三"):
        claim(alice, template(app, factory, shop, name=name))
    assert alice.call("GET", "/me").json["coupon_count"] == 3
    assert statements() == one == off + 1
