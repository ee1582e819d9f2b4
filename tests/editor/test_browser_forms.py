"""The settings form in a real browser: fields that do not apply are hidden (x-visibleIf in
the block manifests), text fields count characters and never cut a paste silently, a bad web
address says what is expected, link and radio controls have accessible names, and publishing
with an error selects the broken block and brings its field into view."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.browser_support import save_screenshot, watched_context
from tests.editor.conftest import block, config
from tests.editor.test_browser import expect, log_in, open_editor, wait_saved

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 700}, "locale": "zh-CN"}


@pytest.fixture
def tablet(browser):
    yield from watched_context(browser, **TABLET)


def seed(console, *blocks) -> None:
    state = console.get("/editor/pages/home").json
    answer = console.put("/editor/pages/home/draft", json={"config": config(*blocks),
                                                           "revision": state["revision"]})
    assert answer.status_code == 200, answer.json


def field(page, key: str):
    return page.locator(f".ed-right .ed-field[data-key={key}]")


def test_product_grid_shows_only_the_fields_of_its_source(tablet, live_url, console,
                                                          merchant):
    seed(console, block("grid", "product-grid", source="newest"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    frame.locator("[data-block-id=grid]").click()
    source = field(page, "source").locator("select")
    for key in ("product_ids", "group_id", "tag", "buy_text"):
        expect(field(page, key)).to_be_hidden()
    expect(field(page, "limit")).to_be_visible()

    source.select_option(label="商品分组")
    expect(field(page, "group_id")).to_be_visible()
    expect(field(page, "tag")).to_be_hidden()
    expect(field(page, "product_ids")).to_be_hidden()

    source.select_option(label="手动选择")
    expect(field(page, "product_ids")).to_be_visible()
    expect(field(page, "group_id")).to_be_hidden()
    expect(field(page, "limit")).to_be_hidden()  # a manual pick shows every picked product

    field(page, "buy_button").locator("select").select_option(label="文字按钮")
    expect(field(page, "buy_text")).to_be_visible()
    save_screenshot(page, "editor-forms-01-conditional.png", full_page=False)
    wait_saved(page)
    stored = console.get("/editor/pages/home").json["config"]["blocks"][0]["settings"]
    assert (stored["source"], stored["buy_button"]) == ("manual", "text")


def test_counter_url_message_and_accessible_names(tablet, live_url, console, merchant):
    seed(console, block("welcome", "title", title="欢迎光临"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    frame.locator("[data-block-id=welcome]").click()

    title = field(page, "title")
    expect(title.locator(".ed-counter")).to_have_text("4/40")
    long_text = "春季上新" * 11  # 44 characters: nothing is cut, the counter says by how much
    title.locator("input").fill(long_text)
    expect(title.locator("input")).to_have_value(long_text)
    expect(title.locator(".ed-counter")).to_have_text("超出 4 字（最多 40 字），请删减")
    expect(title.locator(".ed-field-error")).to_have_text("最多 40 个字")
    title.locator("input").fill("春季上新")
    expect(title.locator(".ed-counter")).to_have_text("4/40")
    expect(title.locator(".ed-field-error")).to_be_hidden()

    expect(page.get_by_role("radiogroup", name="对齐")).to_be_visible()
    kind = page.get_by_role("combobox", name="链接：链接类型")
    expect(kind).to_be_visible()
    kind.select_option("url")
    address = page.get_by_role("textbox", name="链接：网页地址")
    address.fill("www.example.com/sale")
    expect(field(page, "link").locator(".ed-field-error")).to_have_text(
        "请填写以 https:// 开头的完整网址（不含空格和引号），例如 https://example.com/sale")
    save_screenshot(page, "editor-forms-02-url-message.png", full_page=False)
    address.fill("https://example.com/sale")
    expect(field(page, "link").locator(".ed-field-error")).to_be_hidden()
    wait_saved(page)


def test_publishing_with_an_error_selects_the_block_and_its_field(tablet, live_url, console,
                                                                 merchant, factory, shop):
    factory.product(shop, "有机红富士苹果", price_fen=1290)
    seed(console, block("welcome", "title", title="欢迎光临"),
         *[block(f"gap{i}", "spacer", height=80) for i in range(4)],
         block("grid", "product-grid", source="newest"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    frame.locator("[data-block-id=grid]").click()
    count = field(page, "limit").locator(".ed-range-value")
    count.fill("80")
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "invalid")
    frame.locator("[data-block-id=welcome]").click()
    expect(field(page, "title")).to_be_visible()

    page.locator("[data-publish]").click()
    page.locator("[data-publish-go]").click()
    expect(page.locator(".ed-toast.error")).to_contain_text("已选中第一个出错的组件")
    assert page.evaluate("window.mallkitEditor.store.selection") == "grid"
    limit = field(page, "limit")
    expect(limit).to_have_class(re.compile(r"\binvalid\b"))
    expect(limit).to_be_in_viewport()
    expect(limit.locator(".ed-field-error")).to_have_text("不能大于 50")
    focused = "document.activeElement.closest('.ed-field')?.dataset.key"
    page.wait_for_function(f"{focused} === 'limit'")
    save_screenshot(page, "editor-forms-03-publish-error.png", full_page=False)
    assert console.get("/editor/pages/home/versions").json  # still only the first version


def test_a_preview_that_cannot_render_says_why(tablet, live_url, console, merchant):
    seed(console, block("welcome", "title", title="欢迎光临"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    problem = page.locator("[data-preview-problem]")
    expect(problem).to_be_hidden()
    page.keyboard.press("Escape")  # nothing selected: the page's own settings
    title = field(page, "title").locator("input")
    title.fill("")
    expect(problem).to_have_text("预览暂停更新：页面标题：不能为空。修正后会继续更新。")
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("欢迎光临")  # last render
    save_screenshot(page, "editor-forms-04-preview-problem.png", full_page=False)
    title.fill("春季上新")
    expect(problem).to_be_hidden()
    page.wait_for_function("document.querySelector('[data-frame]').contentDocument.title"
                           ".startsWith('春季上新')")


@pytest.fixture
def ipad(browser):
    yield from watched_context(browser, viewport={"width": 768, "height": 1024},
                               locale="zh-CN", has_touch=True)


def inside(box, width: int, height: int) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width
            and box["y"] + box["height"] <= height)


def test_the_editor_works_at_tablet_width(ipad, live_url, console, merchant):
    seed(console, block("welcome", "title", title="欢迎光临"))
    page = ipad.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    for selector in ("[data-phone]", "[data-publish]", "[data-history]",
                     ".ed-palette-item[data-type=banner]"):
        assert inside(page.locator(selector).bounding_box(), 768, 1024), selector
    expect(page.locator(".ed-right")).to_be_hidden()  # the preview has the room

    frame.locator("[data-block-id=welcome]").click()
    title = field(page, "title").locator("input")
    expect(title).to_be_visible()
    title.fill("平板上改的标题")
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("平板上改的标题")
    page.wait_for_function(  # the drawer has finished sliding in
        "getComputedStyle(document.querySelector('.ed-right')).transform === 'none'")
    assert inside(page.locator(".ed-right").bounding_box(), 768, 1024)
    save_screenshot(page, "editor-forms-05-tablet.png", full_page=False)
    page.get_by_role("button", name="取消选择").click()
    expect(page.locator(".ed-right")).to_be_hidden()

    page.locator("[data-page-settings]").click()
    expect(field(page, "title").locator("input")).to_have_value("首页")
    page.locator(".ed-palette-item[data-type=banner]").click()  # adding still works
    expect(frame.locator(".mk-block[data-block-type=banner]")).to_have_count(1)
    wait_saved(page)


def test_version_view_is_read_only_and_a_rollback_offers_the_draft(tablet, live_url, console,
                                                                  merchant):
    seed(console, block("welcome", "title", title="双十一上线"))
    state = console.get("/editor/pages/home").json
    assert console.post("/editor/pages/home/publish",
                        json={"revision": state["revision"]}).status_code == 201  # v2
    seed(console, block("welcome", "title", title="第三版"))
    state = console.get("/editor/pages/home").json
    assert console.post("/editor/pages/home/publish",
                        json={"revision": state["revision"]}).status_code == 201  # v3
    seed(console, block("welcome", "title", title="还在改的草稿"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)

    page.locator("[data-history]").click()
    page.locator(".ed-version[data-version='2'] [data-action=preview]").click()
    expect(page.locator("[data-version-banner]")).to_contain_text("v2")
    expect(frame.locator("body")).to_contain_text("双十一上线")
    blocks_before = page.evaluate("window.mallkitEditor.store.config.blocks.length")
    page.locator(".ed-palette-item[data-type=banner]").click(force=True)  # inert: nothing
    page.keyboard.press("Control+z")
    assert page.evaluate("window.mallkitEditor.store.config.blocks.length") == blocks_before
    assert page.evaluate("document.querySelector('.ed-left').inert") is True
    save_screenshot(page, "editor-forms-06-read-only-version.png", full_page=False)
    page.locator("[data-version-exit]").click()
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("还在改的草稿")
    assert page.evaluate("document.querySelector('.ed-left').inert") is False

    page.locator("[data-history]").click()
    page.locator(".ed-version[data-version='2'] [data-action=rollback]").click()
    expect(page.get_by_text("把版本 v2 重新发布为线上页面")).to_be_visible()
    page.locator("[data-confirm-ok]").click()  # the live page is v2 again (as v4)
    offer = page.locator(".ed-toast", has_text="草稿仍是之前编辑的内容")
    expect(offer).to_be_visible()
    page.keyboard.press("Escape")  # close the history
    offer.get_by_role("button", name="把此版本载入草稿").click()
    expect(frame.locator("[data-block-id=welcome]")).to_contain_text("双十一上线")
    wait_saved(page)
    draft = console.get("/editor/pages/home").json["config"]
    assert draft["blocks"][0]["settings"]["title"] == "双十一上线"
    live = console.get("/editor/pages/home/versions/4").json
    assert live["source"] == "rollback" and live["config"]["blocks"] == draft["blocks"]


def test_schedule_publish_from_the_publish_dialog(tablet, live_url, console, merchant, app,
                                                  shop):
    from runtime.db import use_shop
    from runtime.pages import store

    seed(console, block("welcome", "title", title="明早上线"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    open_editor(page, live_url)
    page.locator("[data-publish]").click()
    page.locator("[data-schedule-go]").click()
    expect(page.locator("dialog[open] .ed-field-error")).to_have_text("请选择发布时间")
    page.locator("[data-schedule-at]").fill("2099-01-02T08:30")
    page.locator("[data-schedule-go]").click()
    expect(page.locator(".ed-toast.success")).to_contain_text("已定时：2099-01-02 08:30")
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        [(planned, _page)] = store.pending_schedules(session, "home")
        run_at = planned.run_at if planned.run_at.tzinfo else planned.run_at.replace(tzinfo=UTC)
        assert run_at == datetime(2099, 1, 2, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
        assert planned.config["blocks"][0]["settings"]["title"] == "明早上线"
    assert len(console.get("/editor/pages/home/versions").json["versions"]) == 1  # not yet


def test_scheduled_publications_are_listed_and_cancelled_in_the_editor(tablet, live_url, console,
                                                                      merchant, app, shop):
    from runtime.db import use_shop
    from runtime.pages import store

    seed(console, block("welcome", "title", title="周末上新"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    open_editor(page, live_url)
    page.locator("[data-publish]").click()
    pending = page.locator("dialog[open] [data-schedules]")
    expect(pending).to_contain_text("没有待执行的定时发布")
    page.locator("[data-schedule-at]").fill("2099-03-04T10:15")
    page.locator("[data-schedule-go]").click()
    expect(page.locator(".ed-toast.success")).to_contain_text("已定时：2099-03-04 10:15")

    page.locator("[data-publish]").click()  # the dialog again: the publication is listed
    item = pending.locator("li[data-schedule]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("2099-03-04 10:15")
    save_screenshot(page, "editor-forms-schedules.png", full_page=False)
    item.get_by_role("button", name="取消定时 2099-03-04 10:15").click()
    expect(page.locator(".ed-toast.success", has_text="已取消 2099-03-04 10:15 的定时发布")
           ).to_be_visible()
    expect(item).to_have_count(0)
    expect(pending).to_contain_text("没有待执行的定时发布")
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        assert store.pending_schedules(session, "home") == []
    assert console.get("/pages").json["schedules"] == []


def test_the_article_list_category_is_picked_from_the_shops_categories(tablet, live_url, console,
                                                                      merchant, factory, shop):
    """The ``choice`` widget: the article-list block's category is a drop-down of the shop's
    article categories (全部分类 first), and the choice is what the page keeps."""
    factory.module_on(shop, "content")
    for name in ("新品资讯", "穿搭攻略"):
        made = console.post("/articles/categories", json={"name": name, "sort": 0})
        assert made.status_code == 200, made.json
    seed(console, block("news", "article-list"))
    page = tablet.new_page()
    log_in(page, live_url, merchant.email)
    frame = open_editor(page, live_url)
    frame.locator("[data-block-id=news]").click()
    select = field(page, "category").locator("select")
    expect(select.locator("option")).to_have_text(["全部分类", "新品资讯", "穿搭攻略"])
    select.select_option(label="穿搭攻略")
    wait_saved(page)
    stored = console.get("/editor/pages/home").json["config"]["blocks"][0]["settings"]
    assert stored["category"] == "穿搭攻略"
