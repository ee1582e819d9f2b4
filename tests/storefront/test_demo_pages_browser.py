"""The demo shop as `mallkit demo` seeds it, in Chromium at 320, 375 and 430 px: home, a
product, the category page, the user centre and the cart are no wider than the screen, show no
broken image and no untranslated key, and the simulator banner covers no part of the title bar
(it used to sit on the title); screenshots at 375 px go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import browser, live_url, phone, save_screenshot  # noqa: F401

pytestmark = pytest.mark.browser

WIDTHS = (320, 375, 430)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
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
    phone.goto(f"{live_url}/s/demo/")
    product = phone.locator("a[href*='/pages/product?id=']").first.get_attribute("href")
    paths = ["/s/demo/", product, "/s/demo/pages/category", "/s/demo/pages/user", "/s/demo/cart"]
    for width in WIDTHS:
        phone.set_viewport_size({"width": width, "height": 760})
        for path in paths:
            phone.goto(live_url + path)
            phone.wait_for_load_state("networkidle")
            assert phone.evaluate(OVERFLOW) <= 0, (width, path)
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
