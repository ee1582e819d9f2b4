"""The theme flow in a real browser: an agency uploads a theme, sees the validation error on
the file, fixes it and publishes; a merchant previews it on their own home page, installs it,
and switches back. Screenshots go to test-artifacts/themes-*.png."""

from __future__ import annotations

import pytest

from tests.browser_support import save_screenshot
from tests.editor.test_browser import expect, log_in
from tests.page_helpers import block, page_config
from tests.themes.conftest import theme_zip

pytestmark = pytest.mark.browser


def test_upload_fix_publish_preview_install_and_switch_back(desktop, live_url, factory, agency,
                                                             shop, tmp_path):
    factory.publish_page(shop, page_config(block("t1", "title", title="春季上新")))
    factory.user(email="designer@acme.test", agency_id=agency.id)
    merchant = factory.merchant(shop)
    bad, good = tmp_path / "bad.zip", tmp_path / "acme.zip"
    bad.write_bytes(theme_zip(extra={"blocks/title.html": b"{{ 'a' * 10**8 }}"}))
    good.write_bytes(theme_zip(marker="ACME"))

    page = desktop.new_page()
    log_in(page, live_url, "designer@acme.test")
    page.goto(live_url + "/console/agency/themes/")
    page.set_input_files("input[name=package]", str(bad))
    page.click("form[enctype] button[type=submit]")
    report = page.locator("#validation-report")
    expect(report.locator("tr[data-file='blocks/title.html']")).to_contain_text("longer than")
    save_screenshot(page, "themes-report.png")

    page.set_input_files("input[name=package]", str(good))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/console/agency/themes/acme")
    row = page.locator("tr[data-version='1.0.0']")
    expect(row).to_contain_text("草稿")
    row.locator("input[name=changelog]").fill("第一版")
    row.locator("button", has_text="发布").click()
    expect(page.locator("tr[data-version='1.0.0']")).to_contain_text("已发布")
    page.check("input[name=visibility][value=listed]")
    page.click("form.stack button[type=submit]")
    expect(page.locator(".flash.success")).to_contain_text("可见范围已保存")
    save_screenshot(page, "themes-studio.png")
    page.click("header .user-menu summary")
    page.click("form[action$='/logout'] button")

    log_in(page, live_url, merchant.email)
    page.goto(live_url + "/console/shops/alpha/themes")
    card = page.locator(".theme-card[data-theme='acme']")
    with page.expect_popup() as popup:
        card.get_by_text("用我的首页预览").click()
    preview = popup.value
    expect(preview.locator(".acme-title")).to_have_text("ACME 春季上新")
    preview.close()
    shopper = desktop.new_page()
    shopper.goto(live_url + "/s/alpha/")
    expect(shopper.locator(".acme-title")).to_have_count(0)

    card.get_by_role("button", name="使用此主题").click()
    expect(page.locator(".flash.success")).to_contain_text("acme 1.0.0")
    expect(page.locator(".theme-card[data-theme='acme']")).to_contain_text("使用中")
    save_screenshot(page, "themes-gallery.png")
    shopper.reload()
    expect(shopper.locator(".acme-title")).to_have_text("ACME 春季上新")

    page.locator(".theme-card[data-theme='default']").get_by_role(
        "button", name="使用此主题").click()
    expect(page.locator(".theme-card[data-theme='default']")).to_contain_text("使用中")
    shopper.reload()
    expect(shopper.locator(".acme-title")).to_have_count(0)
    expect(shopper.get_by_text("春季上新")).to_be_visible()
