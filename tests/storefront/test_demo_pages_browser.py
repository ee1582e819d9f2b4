"""The demo shop as `mallkit demo` seeds it, in Chromium at 320, 375 and 430 px: home, a
product, the category page, the user centre and the cart are no wider than the screen, show no
broken image and no untranslated key, the simulator banner covers no part of the title bar (it
used to sit on the title), and the home's shortcut icons fill their rows; screenshots at 375 px
go to test-artifacts/. On a product whose SKUs have their own pictures the picker shows the
picked SKU's, and 分享 hands out the link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser,
    live_url,
    phone,
    save_screenshot,
    visit_at_phone_widths,
)

pytestmark = pytest.mark.browser

BROKEN = "[...document.images].filter(i => i.complete && i.src && !i.naturalWidth).map(i => i.src)"
KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\{\{|\}\}")  # a gettext / dict key, a template tag
SCREENSHOTS = {"/s/demo/": "demo-home-375.png", "product": "demo-product-375.png",
               "/s/demo/pages/user": "demo-user-375.png"}


def _overlaps(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return False
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_the_demo_pages_fit_phones_and_the_banner_leaves_the_title_free(app, live_url, phone):  # noqa: F811
    seeded = app.test_cli_runner().invoke(args=["demo"])
    assert seeded.exit_code == 0, seeded.output
    home = app.test_client().get("/api/v1/shops/demo/layouts/home").json["nodes"]
    for nav in (n for n in home if n["type"] == "icon-nav"):  # no entry alone on a row
        assert len(nav["props"]["entries"]) % nav["props"]["columns"] == 0, nav
    phone.goto(f"{live_url}/s/demo/")
    product = phone.locator("a[href*='/pages/product?id=']").first.get_attribute("href")
    paths = ["/s/demo/", product, "/s/demo/pages/category", "/s/demo/pages/user", "/s/demo/cart"]
    for width, path in visit_at_phone_widths(phone, live_url, paths):
        assert phone.evaluate(f"() => {BROKEN}") == [], (width, path)
        assert KEY.findall(phone.inner_text("body")) == [], (width, path)
        banner = phone.locator(".mallkit-simulator-banner").bounding_box()
        assert banner is not None, path
        for part in (".mk-topbar__title", ".mk-topbar__back", ".bar h1", ".bar a"):
            found = phone.locator(part)
            if found.count():
                assert not _overlaps(banner, found.first.bounding_box()), (width, path, part)
        if width == 375 and (path in SCREENSHOTS or path == product):
            name = SCREENSHOTS.get(path) or SCREENSHOTS["product"]
            assert save_screenshot(phone, name, full_page=False).stat().st_size > 10_000


def _product_with_sku_pictures(client) -> dict:
    """A demo product on sale whose SKUs show at least two different pictures."""
    for item in client.get("/api/v1/shops/demo/products?limit=50").json["items"]:
        product = client.get(f"/api/v1/shops/demo/products/{item['id']}").json
        if len({sku.get("image") for sku in product["skus"] if sku.get("image")}) >= 2:
            return product
    raise AssertionError("the demo has no product with SKU pictures")


def test_the_picker_shows_the_picked_sku_s_picture_and_share_gives_the_link(
        app, live_url, phone):  # noqa: F811
    seeded = app.test_cli_runner().invoke(args=["demo"])
    assert seeded.exit_code == 0, seeded.output
    product = _product_with_sku_pictures(app.test_client())
    phone.goto(f"{live_url}/s/demo/pages/product?id={product['id']}")
    phone.wait_for_load_state("networkidle")
    phone.get_by_role("button", name="加入购物车").click()
    picker = phone.locator("dialog.mk-picker")
    picker.wait_for()
    by_picture: dict[str, list[str]] = {}
    for sku in product["skus"]:
        if sku.get("image") and sku["stock"] > 0:
            by_picture.setdefault(sku["image"], sku["spec_values"])
    for picture, values in list(by_picture.items())[:2]:
        for value in values:  # a value already chosen is left alone (a click unpicks it)
            button = picker.get_by_role("button", name=value, exact=True)
            if button.get_attribute("aria-pressed") != "true":
                button.click()
        expect(picker.locator(".mk-picker__img")).to_have_attribute("src", picture)
    phone.keyboard.press("Escape")
    picker.wait_for(state="detached")
    phone.get_by_role("button", name="分享").click()
    expect(phone.locator(".mk-toast")).to_contain_text("分享")
