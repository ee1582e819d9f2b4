"""In Chromium, on H5: claim a coupon from the home page's strip, see it applied at checkout
after the full reduction (promotions), submit and pay through the WeChat Pay simulator."""

from __future__ import annotations

import pytest

from tests.browser_support import log_in_h5, require_chromium, serving
from tests.coupons.flow import member_coupon, template
from tests.coupons.test_module import _publish_home
from tests.orders.flow import shopper, sku_of
from tests.orders.test_h5_browser import in_browser
from tests.promotions.helpers import Console


@pytest.mark.browser
def test_claim_from_the_strip_use_it_at_checkout_and_pay(app, client, factory, shop):
    require_chromium()
    sku = sku_of(factory, shop, factory.product(shop, "羊绒大衣", price_fen=20000, stock=5))
    factory.module_on(shop, "coupons")
    factory.module_on(shop, "promotions")
    reduction = Console(client, factory, shop).reduction(
        [{"threshold": 15000, "discount_fen": 2000}])
    tid = template(app, factory, shop, name="满100减10")
    _publish_home(app, shop, {"id": "strip", "type": "coupon-strip", "settings": {}})
    alice = shopper(app, client, factory, shop, openid="o-h5-coupon")
    alice.add_address()
    alice.add_to_cart(sku.id, 1)

    with serving(app) as live_url:
        def steps(phone):
            phone.goto(f"{live_url}/s/{shop.slug}/")
            log_in_h5(phone, live_url, shop.slug, alice.token)
            phone.reload()
            claim = phone.locator(f'[data-coupon-id="{tid}"] [data-claim]')
            claim.wait_for()
            claim.click()
            phone.wait_for_selector(f'[data-coupon-id="{tid}"].mk-coupon--claimed')
            assert claim.inner_text() == "已领取"
            phone.goto(f"{live_url}/s/{shop.slug}/checkout")
            phone.wait_for_selector("text=提交订单")
            phone.wait_for_selector("text=满100减10")  # the best coupon, applied
            breakdown = phone.inner_text("dl.breakdown")
            assert "-¥20.00" in breakdown and "-¥10.00" in breakdown
            phone.click("text=提交订单")
            phone.wait_for_url("**/orders/*", timeout=15000)
            phone.wait_for_selector("text=待发货", timeout=15000)
            return int(phone.url.split("/orders/")[1].split("?")[0])

        order_id = in_browser(steps)
    order = alice.order(order_id)
    assert order["status"] == "paid" and order["discount_fen"] == 3000
    adjustments = order["lines"][0]["adjustments"]
    assert adjustments[f"full_reduction:{reduction['id']}"] == 2000
    [coupon_source] = [k for k in adjustments if k.startswith("coupon:")]
    assert adjustments[coupon_source] == 1000
    used = member_coupon(factory, shop, int(coupon_source.split(":")[1]))
    assert (used.status, used.order_id) == ("used", order_id)
