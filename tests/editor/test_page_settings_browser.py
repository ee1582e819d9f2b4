"""Page settings in the editor (nothing selected): share title, immersive title bar and the
popup ad's fields, shown only when the popup is on, checked as you type, saved with the draft
and drawn by the preview."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import watched_context
from tests.editor.test_browser import expect, log_in, open_editor, seed_home, wait_saved

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    yield from watched_context(browser, viewport={"width": 1280, "height": 900}, locale="zh-CN")


def field(page, key: str):
    return page.locator(f".ed-right .ed-field[data-key={key}]")


def test_page_settings_edit_the_page_config(desktop, live_url, console, merchant):
    seed_home(console)
    page = desktop.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    field(page, "share_title").locator("input").fill("春季上新，快来看看")
    field(page, "nav_style").get_by_role("radio", name="沉浸式（首个组件延伸到顶部）").check()
    for key in ("popup_image", "popup_link", "popup_frequency"):
        expect(field(page, key)).to_be_hidden()
    field(page, "popup").locator(".ed-switch").click()
    for key in ("popup_image", "popup_link", "popup_frequency"):
        expect(field(page, key)).to_be_visible()
    expect(field(page, "popup_image").locator(".ed-field-error")).to_have_text("必填")
    field(page, "popup_frequency").get_by_role("radio", name="仅一次").check()
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "invalid")
    assert "popup" not in console.get("/editor/pages/home").json["config"]  # refused: no image

    field(page, "popup").locator(".ed-switch").click()
    wait_saved(page)
    stored = console.get("/editor/pages/home").json["config"]
    assert stored["share"] == {"title": "春季上新，快来看看"}
    assert stored["nav_style"] == "immersive" and "popup" not in stored
    expect(frame.locator("body")).to_have_class(re.compile(r"\bmk-page--immersive\b"))
