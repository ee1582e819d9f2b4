"""The H5 money path in Chromium: cart -> checkout (itemised quote) -> submit -> WeChat Pay
(the demo's simulator stands in for wx.requestPayment) -> the paid order's page."""

from __future__ import annotations

import pytest

from tests.orders.flow import shopper, sku_of, stock_of


@pytest.mark.browser
def test_cart_checkout_pay_in_the_browser(app, client, factory, shop, live_url, phone):
    sku = sku_of(factory, shop, factory.product(shop, "真丝围巾", price_fen=25900, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-h5")
    alice.add_address()
    alice.add_to_cart(sku.id, 2)
    phone.goto(f"{live_url}/s/{shop.slug}/cart")
    phone.evaluate("([key, token]) => localStorage.setItem(key, token)",
                   [f"mallkit:{shop.slug}:token", alice.token])
    phone.reload()
    phone.wait_for_selector("text=真丝围巾")
    assert "¥518.00" in phone.inner_text("footer.total")
    phone.click("text=结算(2)")
    phone.wait_for_selector("text=提交订单")
    breakdown = phone.inner_text("dl.breakdown")
    assert "商品金额" in breakdown and "¥518.00" in breakdown and "运费" in breakdown
    assert "深圳市" in phone.inner_text("main")
    phone.click("text=提交订单")
    phone.wait_for_url("**/orders/*", timeout=15000)
    phone.wait_for_selector("text=待发货", timeout=15000)
    assert "真丝围巾" in phone.inner_text("main")
    order_id = int(phone.url.split("/orders/")[1].split("?")[0])
    assert alice.order(order_id)["status"] == "paid"
    assert stock_of(factory, shop, sku.id) == 3

    phone.goto(f"{live_url}/s/{shop.slug}/orders?status=paid")
    phone.wait_for_selector(".order-card")
    assert "待发货" in phone.inner_text(".order-card")
