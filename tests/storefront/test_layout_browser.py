"""The H5 pages at phone widths and with a keyboard: nothing wider than the screen from
320 to 430 px; the SKU picker works with Tab, Enter and Escape; the sign-in card hides its
login form once the shopper has logged in (it used to stay, half under the 客服 button)."""

from __future__ import annotations

import logging
import re

import pytest

from runtime.db import use_shop
from runtime.modules import switches
from tests.browser_support import OVERFLOW, require_chromium, serving, visit_at_phone_widths
from tests.page_helpers import block, page_config
from tests.storefront.test_shopping_browser import SKUS, SPECS, in_browser


@pytest.mark.browser
def test_pages_fit_from_320_to_430_px_and_the_picker_works_by_keyboard(sim_app):
    require_chromium()
    from tests.factories import Factory

    factory = Factory(sim_app)
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    product = factory.product(shop, "一件标题很长很长很长很长很长很长很长很长的条纹衬衫",
                              specs=SPECS, skus=SKUS)
    paths = ["/s/alpha/", f"/s/alpha/pages/product?id={product.id}", "/s/alpha/pages/user",
             "/s/alpha/pages/category", "/s/alpha/cart"]
    with serving(sim_app) as live_url:
        def steps(page):
            from playwright.sync_api import expect  # no eval: the storefront's CSP forbids it

            visited = list(visit_at_phone_widths(page, live_url, paths, height=740))
            assert len(visited) == 3 * len(paths)  # each page fits 320, 375 and 430 px
            page.goto(f"{live_url}/s/alpha/pages/product?id={product.id}")
            expect(page.locator("[data-stock]").first).to_have_text("库存 12 件")
            page.get_by_role("button", name="规格").focus()
            page.keyboard.press("Enter")
            picker = page.locator("dialog.mk-picker")
            picker.wait_for()
            focused = page.evaluate("document.activeElement.textContent")
            assert focused == "红"  # the chosen value has the focus
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")  # 蓝
            assert picker.locator("[data-picker-price]").inner_text() == "¥219.00"
            assert page.evaluate(OVERFLOW) <= 0
            page.keyboard.press("Escape")
            picker.wait_for(state="detached")
        in_browser(steps)


@pytest.mark.browser
def test_the_signin_card_hides_its_login_form_after_login(sim_app, caplog):
    require_chromium()
    from tests.factories import Factory

    factory = Factory(sim_app)
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    with sim_app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        switches.enable(s, "signin")
        s.commit()
    factory.publish_page(shop, page_config(block("sg", "signin-calendar"),
                                           block("svc", "service-button", bottom=96)))
    with serving(sim_app) as live_url, caplog.at_level(logging.WARNING,
                                                        logger="mallkit.members.h5login"):
        def steps(page):
            page.goto(f"{live_url}/s/alpha/")
            card = page.locator(".mk-signin")
            form = card.locator("[data-login]")
            assert form.is_hidden()
            card.get_by_role("button", name="立即签到").click()
            assert form.is_visible()
            form.get_by_placeholder("手机号").fill("13912340001")
            form.get_by_role("button", name="获取验证码").click()
            card.get_by_text("验证码已发送").wait_for()
            code = re.findall(r"13912340001: (\d{6})", caplog.text)[-1]
            form.get_by_placeholder("验证码").fill(code)
            form.get_by_role("button", name="登录").click()
            form.wait_for(state="hidden")
            card.get_by_role("button", name="立即签到").click()
            card.get_by_role("button", name="已签到").wait_for()
            assert form.is_hidden()
            # the 客服 button does not cover the end of the page
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            fab = page.locator(".mk-fab").bounding_box()
            last = card.bounding_box()
            assert last["y"] + last["height"] <= fab["y"]
        in_browser(steps)
