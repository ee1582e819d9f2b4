"""The page's popup ad on H5 in Chromium, with the browser's clock installed by the test: "daily"
shows once per calendar day, "once" never again, "always" on every visit; a new popup (other
content, new key) shows even after "once"; its link and close button work."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.browser_support import browser, live_url, phone  # noqa: F401
from tests.page_helpers import block, page_config

pytestmark = pytest.mark.browser

MORNING = datetime(2026, 12, 7, 9, 0)


def _publish(factory, shop, frequency, image="https://cdn.example.com/a.png"):
    factory.publish_page(shop, {**page_config(block("t", "title", title="欢迎")), "popup": {
        "image": {"url": image}, "link": {"kind": "page", "slug": "user"},
        "frequency": frequency}})


def _shown(page, url) -> bool:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("document.querySelector('dialog[data-mk-popup]').open")


def test_daily_once_and_always_follow_the_clock(phone, live_url, factory):  # noqa: F811
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    home = f"{live_url}/s/alpha/"
    phone.clock.install(time=MORNING)

    _publish(factory, shop, "daily")
    assert _shown(phone, home)
    phone.locator(".mk-popup__close").click()
    assert not phone.evaluate("document.querySelector('dialog[data-mk-popup]').open")
    phone.clock.set_fixed_time(datetime(2026, 12, 7, 23, 59))
    assert not _shown(phone, home)  # the same day
    phone.clock.set_fixed_time(datetime(2026, 12, 8, 0, 1))
    assert _shown(phone, home)  # the next day

    _publish(factory, shop, "once", image="https://cdn.example.com/b.png")
    assert _shown(phone, home)  # new content: a new popup
    phone.clock.set_fixed_time(datetime(2027, 1, 20, 9, 0))
    assert not _shown(phone, home)

    _publish(factory, shop, "always", image="https://cdn.example.com/c.png")
    assert _shown(phone, home) and _shown(phone, home)
    phone.locator("dialog[data-mk-popup] a").click()
    phone.wait_for_url("**/s/alpha/pages/user")
