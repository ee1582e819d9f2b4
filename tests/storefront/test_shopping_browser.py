"""A new shopper buys on the H5 storefront in Chromium at 375 px: home -> search -> a
multi-SKU product -> pick a combination in the picker -> add to cart -> log in with a phone
code -> address -> check out -> pay through the WeChat Pay H5 simulator -> the paid order;
then sees it counted on the user centre's member card, tops up the balance (WeChat Pay H5
again) and buys a single-SKU product now, paying from the balance."""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.orders.models import Order
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, PHONE, require_chromium, serving
from tests.factories import Factory

PHONE_NUMBER = "13912340000"
SPECS = [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M"]}]
SKUS = [{"spec_values": ["红", "S"], "price_fen": 19900, "stock": 5},
        {"spec_values": ["红", "M"], "price_fen": 20900, "stock": 0},
        {"spec_values": ["蓝", "S"], "price_fen": 21900, "stock": 3},
        {"spec_values": ["蓝", "M"], "price_fen": 22900, "original_price_fen": 29900, "stock": 4}]


def in_browser(steps):
    """Run ``steps(page)`` on a phone-sized page of a fresh Chromium, in a worker thread."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                return steps(browser.new_context(**PHONE).new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def login_code(caplog) -> str:
    return re.findall(rf"{PHONE_NUMBER}: (\d{{6}})", caplog.text)[-1]


@pytest.mark.browser
def test_a_shopper_buys_a_multi_sku_product_and_pays_on_h5(sim_app, caplog):
    require_chromium()
    factory = Factory(sim_app)
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    factory.product(shop, "条纹衬衫", specs=SPECS, skus=SKUS, limit_per_order=3,
                    subtitle="纯棉 · 四季可穿")
    factory.product(shop, "帆布包", price_fen=5900, stock=8)

    with serving(sim_app) as live_url, caplog.at_level(logging.WARNING,
                                                        logger="mallkit.members.h5login"):
        def steps(page):
            from playwright.sync_api import expect

            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text)  # a script the CSP blocked
                    if "Content Security Policy" in m.text else None)
            page.goto(f"{live_url}/s/alpha/")
            search = page.get_by_role("searchbox").first
            search.fill("衬衫")
            search.press("Enter")
            page.wait_for_url("**/pages/category?keyword=*")
            page.get_by_role("link", name="条纹衬衫").first.click()
            page.wait_for_url("**/pages/product?id=*")
            buybox = page.locator(".mk-buybox")
            assert "条纹衬衫" in buybox.inner_text() and "199.00" in buybox.inner_text()
            assert "每单限购 3 件" in buybox.inner_text()
            expect(page.locator("[data-stock]").first).to_have_text("库存 12 件")

            page.get_by_role("button", name="加入购物车").click()
            picker = page.locator("dialog.mk-picker")
            picker.wait_for()
            # 红 / S is chosen first (the first in stock); 红 M is sold out, so M is off for 红
            assert picker.get_by_role("button", name="M").is_disabled()
            picker.get_by_role("button", name="蓝").click()
            picker.get_by_role("button", name="M").click()
            assert picker.locator("[data-picker-price]").inner_text() == "¥229.00"
            assert "库存 4 件" in picker.inner_text() and "¥299.00" in picker.inner_text()
            picker.get_by_role("button", name="增加").click()
            picker.get_by_role("button", name="加入购物车").click()
            page.get_by_text("已加入购物车").wait_for()
            assert page.locator("[data-mk-cart-count]").inner_text() == "2"
            page.goto(f"{live_url}/s/alpha/")  # the tab bar's cart badge counts the same cart
            page.locator(".mk-tabbar [data-mk-cart-count]", has_text="2").wait_for()

            page.goto(f"{live_url}/s/alpha/cart")
            page.get_by_text("条纹衬衫").wait_for()
            assert "蓝" in page.inner_text("main") and "¥458.00" in page.inner_text("footer.total")
            page.get_by_role("link", name=re.compile("结算")).click()
            login = page.locator("dialog.mk-login")
            login.get_by_label("手机号").fill(PHONE_NUMBER)
            login.get_by_role("button", name="获取验证码").click()
            login.get_by_text("验证码已发送").wait_for()
            login.get_by_label("验证码").fill(login_code(caplog))
            login.get_by_role("button", name="登录").click()
            page.get_by_text("+ 添加收货地址").click()
            page.wait_for_url("**/addresses?pick=1")
            for label, value in (("收货人", "李四"), ("手机号", PHONE_NUMBER), ("省", "浙江省"),
                                 ("市", "杭州市"), ("区", "西湖区"), ("详细地址", "文三路 1 号")):
                page.get_by_label(label, exact=True).fill(value)
            page.get_by_role("button", name="保存").click()
            page.get_by_role("button", name="使用").click()
            page.wait_for_url("**/checkout?address=*")
            page.get_by_text("提交订单").wait_for()
            assert "杭州市" in page.inner_text("main")
            assert "¥458.00" in page.inner_text("dl.breakdown")
            page.get_by_role("button", name="提交订单").click()
            page.wait_for_url("**/_sim/wechatpay/sim/h5pay*")
            assert "¥458.00" in page.inner_text("main")
            page.get_by_role("button", name="确认支付").click()
            page.wait_for_url("**/s/alpha/orders/*")
            page.get_by_text("待发货").wait_for()
            assert "条纹衬衫" in page.inner_text("main")
            first_order = int(page.url.split("/orders/")[1].split("?")[0])

            # the user centre: the member's figures, then a top-up through WeChat Pay H5
            page.goto(f"{live_url}/s/alpha/pages/user")
            card = page.locator("[data-mk-usercard]")
            card.locator('[data-count="paid"]').wait_for()
            assert card.locator('[data-count="paid"]').inner_text() == "1"
            assert card.locator("[data-balance]").inner_text() == "¥0.00"
            assert card.locator("[data-login]").is_hidden()
            card.get_by_role("link", name=re.compile("余额充值")).click()
            page.get_by_role("button", name=re.compile("充 ¥100.00")).click()
            page.wait_for_url("**/_sim/wechatpay/sim/h5pay*")
            page.get_by_role("button", name="确认支付").click()
            page.wait_for_url("**/s/alpha/wallet?topup=*")
            page.get_by_text("充值成功 +¥110.00").wait_for()
            assert page.locator("[data-balance]").inner_text() == "¥110.00"

            # and pays the next order from the balance: buy now on a single-SKU product
            page.goto(f"{live_url}/s/alpha/")
            page.get_by_role("link", name="帆布包").first.click()
            page.locator("[data-mk-buybox][data-ready]").wait_for()  # its buttons act now
            page.get_by_role("button", name="立即购买").click()
            page.wait_for_url("**/checkout?sku=*")
            page.get_by_text("提交订单").wait_for()
            page.get_by_label("支付方式").select_option("wallet")
            expect(page.locator("footer.total")).to_contain_text("59.00")
            page.get_by_role("button", name="提交订单").click()
            page.wait_for_url("**/s/alpha/orders/*?paid=1")
            page.get_by_text("待发货").wait_for()
            page.goto(f"{live_url}/s/alpha/pages/user")
            expect(page.locator("[data-count=paid]").first).to_have_text("2")
            assert card.locator("[data-balance]").inner_text() == "¥51.00"
            assert not errors, errors
            return first_order

        order_id = in_browser(steps)

    with factory._session() as s:
        use_shop(s, shop.id)
        order = s.get(Order, order_id)
        assert (order.status, order.payable_fen) == ("paid", 45800)
        assert [o.payment_method for o in s.scalars(select(Order).order_by(Order.id))] == [
            "wechatpay", "wallet"]
