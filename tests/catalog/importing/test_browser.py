"""The import screens in a real browser (Debian's Chromium through Playwright, headless):
upload a workbook through the form, watch the progress bar move to done without reloading
while the job runs, and find the error report link; the exports page picks up a finished
export by itself. Screenshot: test-artifacts/catalog-import-progress.png."""

from __future__ import annotations

from typing import Any

import pytest
from rq.job import Job

from runtime.modules.catalog.importing.jobs import export_job_id, import_job_id
from tests.browser_support import save_screenshot, watched_context
from tests.catalog.importing.helpers import workbook_bytes
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def desktop(browser):
    yield from watched_context(browser, viewport={"width": 1280, "height": 900}, locale="zh-CN")


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/console/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/**")


def test_upload_and_watch_the_progress_bar(app, factory, shop, live_url, desktop, redis_conn,
                                           tmp_path):
    user = factory.merchant(shop)
    page = desktop.new_page()
    _log_in(page, live_url, user.email)
    page.goto(f"{live_url}/console/shops/{shop.slug}/catalog/imports")
    path = tmp_path / "商品.xlsx"
    path.write_bytes(workbook_bytes([
        {"product_code": "B-1", "title": "浏览器导入", "price": "12.90", "stock": 3},
        {"product_code": "B-2", "title": "价格写错", "price": "十二"}]))
    page.set_input_files("input[name=file]", str(path))
    save_screenshot(page, "catalog-imports.png")
    page.click("form.import-form button[type=submit]")
    page.wait_for_url("**/catalog/imports/1")
    card = page.locator("[data-import]")
    expect(card.locator('[data-field="status_label"]')).to_have_text("排队中")
    expect(card.locator('[data-field="report"]')).to_be_hidden()

    job = Job.fetch(import_job_id(shop.id, 1), connection=redis_conn)
    with app.app_context():
        assert job.func(*job.args) == "done"
    # the page polls and updates in place
    expect(card.locator('[data-field="status_label"]')).to_have_text("已完成")
    expect(card.locator(".progress-bar")).to_have_attribute("style", "width: 100%;")
    expect(card.locator('[data-field="created"]')).to_have_text("1")
    expect(card.locator('[data-field="failed"]')).to_have_text("1")
    expect(card.locator('[data-field="report"] a')).to_be_visible()
    save_screenshot(page, "catalog-import-progress.png")
    with page.expect_download() as download:
        card.locator('[data-field="report"] a').click()
    assert download.value.suggested_filename == "商品-errors-1.xlsx"


def test_the_exports_page_shows_a_finished_export(app, factory, shop, live_url, desktop,
                                                  redis_conn):
    factory.product(shop, "导出的商品", code="E-1")
    page = desktop.new_page()
    _log_in(page, live_url, factory.merchant(shop).email)
    page.goto(f"{live_url}/console/shops/{shop.slug}/catalog/exports")
    page.click("form.import-form button[type=submit]")
    row = page.locator("[data-export]").first
    expect(row).to_have_attribute("data-status", "queued")
    job = Job.fetch(export_job_id(shop.id, 1), connection=redis_conn)
    with app.app_context():
        assert job.func(*job.args) == "done"
    expect(page.locator("[data-export]").first).to_have_attribute("data-status", "done")
    expect(page.get_by_role("link", name="下载")).to_be_visible()
