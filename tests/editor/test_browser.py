"""The editor in a real browser (Debian's Chromium through Playwright, headless): a merchant
builds the home page by dragging blocks in, reorders them, edits, sees validation errors on
the field, undoes and redoes, publishes, finds the change live, rolls back; two tabs do not
overwrite each other; a renamed .exe is refused. Screenshots go to test-artifacts/editor-*.png.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from tests.browser_support import save_screenshot, watched_context
from tests.editor.conftest import Console, block, config
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN"}


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def desktop(browser):
    yield from watched_context(browser, **DESKTOP)


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/console/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/**")


def open_editor(page: Any, base: str, slug: str = "home") -> Any:
    page.goto(f"{base}/console/shops/alpha/pages/{slug}/edit")
    expect(page.locator("#editor")).to_have_attribute("data-ready", "true")
    return page.frame_locator("[data-frame]")


def centre(box: dict[str, float]) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag_to(page: Any, source: Any, x: float, y: float) -> None:
    """Press on source, move in steps to (x, y) and release (pointer events, as a hand)."""
    sx, sy = centre(source.bounding_box())
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 8, sy + 8, steps=2)
    page.mouse.move(x, y, steps=10)
    page.mouse.up()


def top_of(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + 4


def order(page: Any) -> list[str]:
    return page.evaluate("window.mallkitEditor.store.config.blocks.map(b => b.type)")


def wait_saved(page: Any) -> None:
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "saved")


def seed_home(console: Console) -> None:
    state = console.get("/editor/pages/home").json
    response = console.put("/editor/pages/home/draft", json={
        "config": config(block("welcome", "title", title="欢迎光临", align="center",
                               size="large")),
        "revision": state["revision"]})
    assert response.status_code == 200, response.json


def test_build_publish_and_roll_back_the_home_page(desktop, live_url, console, merchant,
                                                   factory, shop):
    factory.product(shop, "有机红富士苹果", price_fen=1290)
    factory.product(shop, "赣南脐橙 5 斤装", price_fen=3990)
    seed_home(console)
    page = desktop.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("欢迎光临")
    save_screenshot(page, "editor-01-open.png", full_page=False)

    # drag a banner under the title, then a product grid under the banner
    welcome = frame.locator("[data-block-id=welcome]")
    box = welcome.bounding_box()
    drag_to(page, page.locator(".ed-palette-item[data-type=banner]"),
            box["x"] + box["width"] / 2, box["y"] + box["height"] + 40)
    banner = frame.locator(".mk-block[data-block-type=banner]")
    expect(banner).to_have_count(1)
    box = banner.bounding_box()
    drag_to(page, page.locator(".ed-palette-item[data-type=product-grid]"),
            box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    expect(frame.locator(".mk-block[data-block-type=product-grid]")).to_have_count(1)
    assert order(page) == ["title", "banner", "product-grid"]
    expect(frame.locator(".mk-block[data-block-type=product-grid]")).to_contain_text("有机红富士苹果")
    save_screenshot(page, "editor-02-blocks-dragged-in.png", full_page=False)

    # reorder in the preview: the product grid goes above the banner
    grid = frame.locator(".mk-block[data-block-type=product-grid]")
    x, y = top_of(banner)
    drag_to(page, grid, x, y)
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "saved")
    assert order(page) == ["title", "product-grid", "banner"]
    ids = frame.locator(".mk-blocks > .mk-block").evaluate_all(
        "els => els.map(e => e.dataset.blockType)")
    assert ids == ["title", "product-grid", "banner"]

    # edit the title: the preview follows
    welcome.click()
    title_field = page.locator(".ed-right .ed-field[data-key=title] input")
    title_field.fill("双十一 全场五折")
    expect(welcome).to_contain_text("双十一 全场五折")
    title_field.press("Tab")

    # too many products: the error is on the field as you type, the preview keeps the last
    # good render, and the autosave reports what needs fixing
    grid.click()
    field = page.locator(".ed-right .ed-field[data-key=limit]")
    count = field.locator(".ed-range-value")
    count.fill("2")
    expect(grid.locator("text=赣南脐橙 5 斤装")).to_be_visible()
    count.press("Tab")
    count.fill("80")
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    expect(field.locator(".ed-field-error")).to_have_text("不能大于 50")
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "invalid")
    expect(page.locator(".ed-layer-row .ed-badge.error")).to_have_count(1)
    expect(grid).to_contain_text("赣南脐橙 5 斤装")
    save_screenshot(page, "editor-03-validation-error.png", full_page=False)

    # undo (keyboard) and redo (keyboard), then undo with the button
    page.keyboard.press("Control+z")
    expect(count).to_have_value("2")
    expect(field.locator(".ed-field-error")).to_be_hidden()
    page.keyboard.press("Control+Shift+z")
    expect(count).to_have_value("80")
    expect(field.locator(".ed-field-error")).to_be_visible()
    page.locator("[data-undo]").click()
    expect(count).to_have_value("2")
    wait_saved(page)
    # structural undo: back past the edits to before the reorder, then forward again
    for _ in range(3):
        page.locator("[data-undo]").click()
    assert order(page) == ["title", "banner", "product-grid"]
    expect(welcome).to_contain_text("欢迎光临")
    for _ in range(3):
        page.locator("[data-redo]").click()
    assert order(page) == ["title", "product-grid", "banner"]
    expect(welcome).to_contain_text("双十一 全场五折")
    wait_saved(page)

    # the live shop has not changed yet
    assert "双十一" not in page.request.get(f"{live_url}/s/alpha/").text()

    # publish with a note
    page.locator("[data-publish]").click()
    page.locator("[data-note]").fill("双十一活动上线")
    save_screenshot(page, "editor-04-publish.png", full_page=False)
    page.locator("[data-publish-go]").click()
    expect(page.locator(".ed-toast.success")).to_contain_text("已发布为 v2")
    live = page.request.get(f"{live_url}/s/alpha/").text()
    assert "双十一 全场五折" in live and "有机红富士苹果" in live
    layout = page.request.get(f"{live_url}/api/v1/shops/alpha/layouts/home").json()
    assert [n["type"] for n in layout["nodes"]] == ["title", "product-grid", "banner"]
    assert layout["nodes"][0]["props"]["title"] == "双十一 全场五折"
    assert layout["page"]["version"] == 2

    # history: preview v1, then roll back to it
    page.locator("[data-history]").click()
    version_one = page.locator(".ed-version[data-version='1']")
    expect(version_one).to_be_visible()
    save_screenshot(page, "editor-05-history.png", full_page=False)
    version_one.locator("[data-action=preview]").click()
    expect(page.locator("[data-version-banner]")).to_contain_text("v1")
    expect(frame.locator("body")).not_to_contain_text("双十一")
    page.locator("[data-version-exit]").click()
    expect(page.locator("#editor")).not_to_have_class("editor ed-viewing-version")
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("双十一 全场五折")
    page.locator("[data-history]").click()
    page.locator(".ed-version[data-version='1'] [data-action=rollback]").click()
    page.locator("[data-confirm-ok]").click()
    expect(page.locator(".ed-toast.success").last).to_contain_text("v1")
    rolled = page.request.get(f"{live_url}/api/v1/shops/alpha/layouts/home").json()
    assert rolled["page"]["version"] == 3
    assert "双十一" not in page.request.get(f"{live_url}/s/alpha/").text()
    assert [n["type"] for n in rolled["nodes"]] != ["title", "product-grid", "banner"]


def test_two_tabs_do_not_overwrite_each_other(desktop, live_url, console, merchant):
    seed_home(console)
    first = desktop.new_page()
    log_in(first, live_url, merchant.email)
    frame_a = open_editor(first, live_url)
    second = desktop.new_page()
    frame_b = open_editor(second, live_url)

    frame_a.locator("[data-block-id=welcome]").click()
    first.locator(".ed-right .ed-field[data-key=title] input").fill("第一个窗口的标题")
    wait_saved(first)

    frame_b.locator("[data-block-id=welcome]").click()
    second.locator(".ed-right .ed-field[data-key=title] input").fill("第二个窗口的标题")
    dialog = second.locator("dialog.ed-conflict")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("为了不覆盖对方的修改")
    expect(second.locator("[data-status]")).to_have_attribute("data-state", "conflict")
    save_screenshot(second, "editor-06-conflict.png", full_page=False)
    stored = console.get("/editor/pages/home").json
    assert stored["config"]["blocks"][0]["settings"]["title"] == "第一个窗口的标题"

    dialog.locator("[data-reload]").click()
    expect(frame_b.locator("[data-block-id=welcome]")).to_contain_text("第一个窗口的标题")
    expect(second.locator("[data-status]")).to_have_attribute("data-state", "saved")


def test_a_renamed_exe_is_refused_and_a_real_image_is_used(desktop, live_url, console,
                                                          merchant):
    seed_home(console)
    page = desktop.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    page.locator(".ed-palette-item[data-type=image-ad]").click()
    expect(frame.locator(".mk-block[data-block-type=image-ad]")).to_have_count(1)
    page.locator(".ed-right .ed-field[data-key=image] .ed-image-frame").click()
    dialog = page.locator("dialog.ed-media")
    expect(dialog).to_be_visible()
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    dialog.locator("[data-media-file]").set_input_files(
        {"name": "holiday-photo.png", "mimeType": "image/png", "buffer": exe})
    refusal = dialog.locator("[data-upload-status].error")
    expect(refusal).to_contain_text("只支持 JPEG、PNG、WebP 或 GIF")
    save_screenshot(page, "editor-07-upload-refused.png", full_page=False)

    png = io.BytesIO()
    Image.new("RGB", (750, 375), (238, 10, 36)).save(png, "PNG")
    dialog.locator("[data-media-file]").set_input_files(
        {"name": "banner.png", "mimeType": "image/png", "buffer": png.getvalue()})
    expect(dialog).to_be_hidden()
    expect(page.locator(".ed-right .ed-field[data-key=image] img")).to_have_attribute(
        "src", re.compile(r"/media/"))
    expect(frame.locator(".mk-block[data-block-type=image-ad] img")).to_have_count(1)
    wait_saved(page)
    image = console.get("/editor/pages/home").json["config"]["blocks"][-1]["settings"]["image"]
    assert set(image) == {"media_id"}


def test_layers_child_blocks_keyboard_and_conditional_fields(desktop, live_url, console,
                                                             merchant):
    state = console.get("/editor/pages/home").json
    console.put("/editor/pages/home/draft", json={"revision": state["revision"], "config": config(
        block("welcome", "title", title="欢迎光临"), block("note", "rich-text"))})
    page = desktop.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)

    # a preset from the palette: a container block with two child blocks
    box = page.locator(".ed-palette-box", has=page.locator("[data-type=test-columns]"))
    box.locator(".ed-palette-more").click()
    box.locator(".ed-preset").first.click()
    columns = frame.locator(".mk-block[data-block-type=test-columns]")
    expect(columns).to_contain_text("左栏")
    right = page.locator(".ed-right")

    # conditional fields: x-visibleIf and if/then
    gap = right.locator(".ed-field[data-key=gap]")
    heading = right.locator(".ed-field[data-key=heading]")
    expect(gap).to_be_hidden()
    right.locator(".ed-field[data-key=layout] .ed-segment", has_text="three").click()
    expect(gap).to_be_visible()
    right.locator(".ed-field[data-key=show_heading] .ed-switch").click()
    expect(heading.locator(".ed-field-error")).to_have_text("不能为空")
    heading.locator("input").fill("精选栏目")
    expect(heading.locator(".ed-field-error")).to_be_hidden()
    expect(columns.locator("h3")).to_have_text("精选栏目")

    # add a child from the settings panel up to the limit of three
    right.locator("[data-add-child=rich-text]").click()
    expect(columns).to_contain_text("在这里输入文字内容")
    parent = page.evaluate("window.mallkitEditor.store.config.blocks[2].id")
    page.evaluate(f"window.mallkitEditor.store.select('{parent}')")
    expect(right.locator("[data-add-child=title]")).to_be_disabled()

    # reorder child blocks by dragging their rows in the layers list
    page.locator("[data-tab=layers]").click()
    rows = page.locator(f".ed-layer[data-parent='{parent}'] > .ed-layer-row")
    expect(rows).to_have_count(3)
    first_box = rows.nth(0).bounding_box()
    drag_to(page, rows.nth(1), first_box["x"] + 40, first_box["y"] + 3)
    children = ("window.mallkitEditor.store.config.blocks[2].blocks"
                ".map(b => b.settings.title || b.type)")
    expect(columns.locator("[data-block-id]").first).to_contain_text("右栏")
    assert page.evaluate(children) == ["右栏", "左栏", "rich-text"]
    save_screenshot(page, "editor-08-layers-and-children.png", full_page=False)

    # keyboard: move, duplicate, delete; and hide from the row's eye button
    welcome_row = page.locator(".ed-layer[data-id=welcome] > .ed-layer-row")
    welcome_row.focus()
    page.keyboard.press("Alt+ArrowDown")
    top = "window.mallkitEditor.store.config.blocks.map(b => b.id)"
    assert page.evaluate(top)[:2] == ["note", "welcome"]
    expect(frame.locator(".mk-blocks > .mk-block").first).to_have_attribute("data-block-id",
                                                                           "note")
    welcome_row.click()
    page.keyboard.press("Control+d")
    assert len(page.evaluate(top)) == 4
    copy_id = page.evaluate("window.mallkitEditor.store.selection")
    expect(frame.locator(f"[data-block-id='{copy_id}']")).to_contain_text("欢迎光临")
    page.locator(f".ed-layer[data-id='{copy_id}'] > .ed-layer-row").focus()
    page.keyboard.press("Delete")
    assert len(page.evaluate(top)) == 3
    page.locator(".ed-layer[data-id=note] > .ed-layer-row").hover()
    page.locator(".ed-layer[data-id=note] > .ed-layer-row [aria-label='隐藏']").click()
    expect(frame.locator("[data-block-id=note]")).to_have_count(0)
    wait_saved(page)

    # theme tokens: the preview follows as they change; nothing is applied until asked
    page.keyboard.press("Escape")
    primary = right.locator(".ed-field[data-key=color_primary] .ed-color-text")
    primary.fill("#0a7cff")
    root_style = "document.documentElement.style.getPropertyValue('--mk-color-primary')"
    expect(page.locator(".ed-theme-actions")).to_contain_text("未应用")
    assert frame.locator("html").evaluate(f"() => {root_style}") == "#0a7cff"
    assert console.get("/editor/theme").json["tokens"]["color_primary"] != "#0a7cff"

    saved = console.get("/editor/pages/home").json["config"]["blocks"]
    assert [b["id"] for b in saved][:2] == ["note", "welcome"] and saved[0]["hidden"] is True
    assert saved[2]["settings"] == {"layout": "three", "gap": 8, "show_heading": True,
                                    "heading": "精选栏目"}


def test_an_unknown_block_is_kept_unchanged(desktop, live_url, console, merchant, app, shop):
    from runtime.db import use_shop
    from runtime.pages import store

    retired = {"id": "old", "type": "retired-block", "version": 3, "settings": {"x": [1, 2]}}
    session = app.extensions["mallkit"].session_factory()
    use_shop(session, shop.id)
    home = store.ensure_page(session, "home", app.extensions["mallkit"].registries["pages"])
    home.draft = config(block("welcome", "title", title="欢迎光临"), retired)
    session.commit()
    session.close()

    page = desktop.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    page.locator("[data-tab=layers]").click()
    expect(page.locator(".ed-layer[data-id=old] .ed-badge.warn")).to_have_text("未知组件")
    frame.locator("[data-block-id=welcome]").click()
    page.locator(".ed-right .ed-field[data-key=title] input").fill("新标题")
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("新标题")
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "invalid")
    kept = page.evaluate("window.mallkitEditor.store.config.blocks[1]")
    assert kept == retired
    page.locator(".ed-layer[data-id=old] > .ed-layer-row").click()
    expect(page.locator(".ed-block-error")).to_contain_text("这种组件已不存在")
    expect(page.locator(".ed-right pre.ed-json")).to_contain_text("retired-block")

    # leaving with changes the server has not taken warns first (and staying is possible)
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert not page.is_closed()
