"""The demo shop's home page in Chromium at a phone's size, seeded exactly as `mallkit demo`
seeds it: banner, icon navigation and products with prices are on screen, the banner swipes,
and a screenshot is saved to test-artifacts/demo-home.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import save_screenshot


@pytest.mark.browser
def test_demo_home_page_on_a_phone(app, live_url, phone):
    seeded = app.test_cli_runner().invoke(args=["demo"])
    assert seeded.exit_code == 0, seeded.output
    assert "seeded home-page" in seeded.output

    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.on("console", lambda msg: errors.append(msg.text)  # a script the CSP blocked
             if "Content Security Policy" in msg.text else None)
    response = phone.goto(f"{live_url}/s/demo/")
    assert response is not None and response.status == 200
    phone.wait_for_load_state("networkidle")

    banner = phone.locator(".mk-banner__slide").first
    assert banner.is_visible()
    assert phone.locator(".mk-banner__slide").count() >= 2
    assert phone.evaluate(
        "() => [...document.querySelectorAll('.mk-banner__img')]"
        ".every(img => img.complete && img.naturalWidth > 0)")

    entries = phone.locator(".mk-nav__item")
    assert entries.count() >= 4
    assert all(entries.nth(i).is_visible() for i in range(4))

    prices = phone.locator(".mk-card .mk-price")
    assert prices.count() >= 4
    prices.first.scroll_into_view_if_needed()
    assert prices.first.is_visible()
    assert re.fullmatch(r"¥\d+\.\d\d", prices.first.inner_text().replace("\n", ""))
    covers = phone.locator(".mk-card__img")
    covers.first.scroll_into_view_if_needed()
    assert phone.evaluate("img => img.complete && img.naturalWidth > 0",
                          covers.first.element_handle())

    # Swiping the banner (here: scrolling its track) moves the indicator along.
    phone.evaluate("() => window.scrollTo(0, 0)")
    track = phone.locator(".mk-banner__track").first
    track.evaluate("el => el.scrollTo({left: el.clientWidth, behavior: 'instant'})")
    expect(phone.locator(".mk-banner__mark").nth(1)).to_have_class(re.compile("is-on"))
    track.evaluate("el => el.scrollTo({left: 0, behavior: 'instant'})")

    assert phone.locator(".mk-tabbar__item.is-current").inner_text().strip() == "首页"
    assert errors == []

    height = phone.evaluate("() => document.documentElement.scrollHeight")
    phone.set_viewport_size({"width": 375, "height": height})
    phone.wait_for_load_state("networkidle")
    path = save_screenshot(phone, "demo-home.png", full_page=False)
    assert path.stat().st_size > 50_000
