"""The article page in the editor, in a real browser (Chromium through Playwright): with the
content module on, the pages list offers 文章详情页; the merchant opens it (the preview shows
the newest article around the fixed article-body block), drags a notice bar above the fixed
block, publishes, and the H5 article page shows the notice above the article."""

from __future__ import annotations

import pytest

from tests.browser_support import save_screenshot, watched_context
from tests.editor.test_browser import DESKTOP, drag_to, expect, log_in, order, top_of

pytestmark = pytest.mark.browser

NOTICE = "欢迎光临本店，全场满 99 元包邮，下单后 48 小时内发货。"  # notice-bar's default text


@pytest.fixture
def desktop(browser):
    yield from watched_context(browser, **DESKTOP)


def test_decorate_and_publish_the_article_page(desktop, live_url, console, merchant, factory,
                                              shop):
    factory.module_on(shop, "content")
    made = console.post("/articles", json={"title": "会员权益说明", "status": "published",
                                           "body_html": "<h2>会员等级</h2><p>金卡 95 折</p>"})
    assert made.status_code == 201, made.json
    article_id = made.json["id"]
    page = desktop.new_page()
    log_in(page, live_url, merchant.email)

    page.goto(f"{live_url}/console/shops/alpha/pages")
    expect(page.locator("body")).to_contain_text("文章详情页")
    page.goto(f"{live_url}/console/shops/alpha/pages/article/edit")
    expect(page.locator("#editor")).to_have_attribute("data-ready", "true")
    frame = page.frame_locator("[data-frame]")
    body = frame.locator(".mk-block[data-block-type=article-body]")
    expect(body).to_contain_text("会员权益说明")  # the preview's sample: the newest article
    assert order(page) == ["article-body", "title", "article-list"]
    expect(page.locator(".ed-palette-item[data-type=product-buybox]")).to_have_count(0)

    x, y = top_of(body)
    drag_to(page, page.locator(".ed-palette-item[data-type=notice-bar]"), x, y)
    expect(frame.locator(".mk-block[data-block-type=notice-bar]")).to_have_count(1)
    assert order(page)[:2] == ["notice-bar", "article-body"]
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "saved")
    save_screenshot(page, "editor-article-page.png", full_page=False)

    page.locator("[data-publish]").click()
    page.locator("[data-publish-go]").click()
    expect(page.locator(".ed-toast.success")).to_contain_text("已发布为 v2")

    live = page.request.get(f"{live_url}/s/alpha/pages/article?id={article_id}")
    html = live.text()
    assert live.status == 200 and NOTICE in html and "<h2>会员等级</h2>" in html
    assert html.index(NOTICE) < html.index("会员权益说明</h1>")
    layout = page.request.get(
        f"{live_url}/api/v1/shops/alpha/layouts/article?id={article_id}").json()
    assert [n["type"] for n in layout["nodes"]][:2] == ["notice-bar", "article-body"]
    assert page.request.get(f"{live_url}/s/alpha/pages/article?id=987654").status == 404
