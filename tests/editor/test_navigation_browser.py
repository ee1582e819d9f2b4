"""The bottom tab bar's editor panel in a real browser: the items' form (the editor's list and
field widgets), errors shown on their field before saving, the preview following the form,
saving, and the H5 shop showing the saved bar with the cart badge of the shopper's cart."""

from __future__ import annotations

import pytest

from tests.browser_support import save_screenshot, watched_context
from tests.editor.test_browser import expect, log_in
from tests.orders.flow import sku_of

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    yield from watched_context(browser, viewport={"width": 1280, "height": 900}, locale="zh-CN")


def item(page, index: int):
    return page.locator(f".nav-editor__form .ed-list-item[data-index='{index}']")


def test_edit_save_and_see_the_bar_in_the_shop(desktop, live_url, console, merchant, factory,
                                               shop, client):
    page = desktop.new_page()
    log_in(page, live_url, merchant.email)
    page.goto(f"{live_url}/console/shops/alpha/navigation")
    expect(page.locator("#nav-editor")).to_have_attribute("data-ready", "true")
    preview = page.locator("[data-bar] .nav-editor__item")
    expect(preview).to_have_count(4)
    save = page.locator("[data-save]")
    expect(save).to_be_disabled()

    item(page, 1).locator(".ed-list-toggle").click()
    text = item(page, 1).locator(".ed-field[data-key=text] input")
    text.fill("全部商品分类")
    text.fill("全部商品分类呀")  # 7 characters: at most 6
    expect(item(page, 1).locator(".ed-field[data-key=text] .ed-field-error")).to_be_visible()
    save.click()
    assert console.get("/editor/navigation").json["revision"] == 0  # refused before sending
    text.fill("全部")
    expect(preview.nth(1)).to_contain_text("全部")

    page.locator(".nav-editor__form .ed-list-add").click()
    expect(preview).to_have_count(5)
    expect(page.locator(".nav-editor__form .ed-list-add")).to_be_disabled()  # 5 at most
    new = item(page, 4)
    new.locator(".ed-field[data-key=text] input").fill("订单")
    new.locator(".ed-icon-choice[aria-label='订单']").click()
    save_screenshot(page, "navigation-editor.png", full_page=False)
    save.click()
    expect(page.locator("[data-status]")).to_have_text("")
    stored = console.get("/editor/navigation").json
    assert stored["revision"] == 1
    assert [i["text"] for i in stored["navigation"]["items"]] == ["首页", "全部", "购物车", "我的",
                                                                  "订单"]
    assert stored["navigation"]["items"][4]["icon"] == "order"

    product = factory.product(shop, "T恤", price_fen=1000, stock=9)
    sku_id = sku_of(factory, shop, product).id
    guest = client.post("/api/v1/shops/alpha/cart/items", json={"sku_id": sku_id, "qty": 3})
    shopper = desktop.new_page()
    shopper.goto(f"{live_url}/s/alpha/")
    shopper.evaluate("token => localStorage.setItem('mallkit:alpha:cart', token)",
                     guest.headers["X-Cart-Token"])
    shopper.reload()
    tabs = shopper.locator(".mk-tabbar a")
    expect(tabs).to_have_count(5)
    expect(tabs.nth(1)).to_contain_text("全部")
    expect(tabs.nth(2).locator("[data-mk-cart-count]")).to_have_text("3")
    expect(tabs.nth(0)).to_have_attribute("aria-current", "page")
