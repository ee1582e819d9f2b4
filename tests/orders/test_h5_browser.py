"""The H5 money path in Chromium: cart -> checkout (itemised quote) -> submit -> WeChat Pay
(the demo's simulator stands in for wx.requestPayment) -> the paid order's page.

Playwright runs in a thread of its own, so this test works whether or not another test
package's session-wide browser (``tests.browser_support``) is open in the main thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    log_in_h5,
    require_chromium,
    serving,
)
from tests.orders.flow import shopper, sku_of, stock_of


def in_browser(steps):
    """Run ``steps(page)`` on a phone-sized page of a fresh Chromium, in a worker thread."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(**PHONE)
                return steps(context.new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.mark.browser
def test_cart_checkout_pay_in_the_browser(app, client, factory, shop):
    require_chromium()
    sku = sku_of(factory, shop, factory.product(shop, "真丝围巾", price_fen=25900, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-h5")
    alice.add_address()
    alice.add_to_cart(sku.id, 2)

    with serving(app) as live_url:
        def steps(phone):
            # logged in as H5 pages are: the token in the HttpOnly cookie, a flag for scripts
            phone.context.add_cookies([{
                "name": "mallkit_member", "value": alice.token, "httpOnly": True,
                "sameSite": "Lax", "url": f"{live_url}/api/v1/shops/{shop.slug}/"}])
            phone.goto(f"{live_url}/s/{shop.slug}/cart")
            phone.evaluate("(key) => localStorage.setItem(key, '1')",
                           f"mallkit:{shop.slug}:member")
            assert phone.evaluate("document.cookie") == ""  # scripts cannot read the token
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
            phone.goto(f"{live_url}/s/{shop.slug}/orders?status=paid")
            phone.wait_for_selector(".order-card")
            assert "待发货" in phone.inner_text(".order-card")
            return order_id

        order_id = in_browser(steps)
    assert alice.order(order_id)["status"] == "paid"
    assert stock_of(factory, shop, sku.id) == 3


@pytest.mark.browser
def test_the_buyer_downloads_the_invoice_pdf_from_the_order_page(app, client, factory, shop,
                                                                 clock):
    from runtime.db import use_shop
    from runtime.modules.orders import invoices
    from runtime.modules.orders.settings import update_settings
    from tests.orders.test_console import paid
    from tests.orders.test_invoices import INVOICE, pdf_bytes

    require_chromium()
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, {"invoice_enabled": True})
        s.commit()
    sku = sku_of(factory, shop, factory.product(shop, "真丝围巾", price_fen=25900, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-h5-invoice")
    alice.add_address()
    order = paid(app, alice, sku.id, invoice=INVOICE)
    document = pdf_bytes(1)

    def steps(phone):
        phone.goto(f"{live_url}/s/{shop.slug}/orders/{order['id']}")
        log_in_h5(phone, live_url, shop.slug, alice.token)
        phone.reload()
        phone.wait_for_selector("[data-invoice]")
        waiting = phone.inner_text("[data-invoice]")
        with app.app_context(), factory._session() as s:  # the shop issues it meanwhile
            use_shop(s, shop.id)
            invoices.attach_pdf(s, order["id"], document)
            s.commit()
        phone.reload()
        phone.wait_for_selector("[data-invoice-pdf]")
        with phone.expect_download() as caught:
            phone.click("text=下载发票 PDF")
        download = caught.value
        return waiting, download.suggested_filename, Path(download.path()).read_bytes()

    with serving(app) as live_url:
        waiting, name, data = in_browser(steps)
    assert "某某科技有限公司" in waiting and "商家开具后会在这里显示" in waiting
    assert name == f"发票-{order['order_no']}.pdf"
    assert data == document
