"""The product form in a real browser (Debian's Chromium through Playwright, headless): build
a 2×2 spec matrix, fill it in bulk, upload a picture through the media picker, save; then drop
a spec value (its SKUs retire, the others keep their ids) and see client and server errors next
to their fields. A screenshot goes to test-artifacts/catalog-product-form.png."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from runtime.db import use_shop
from runtime.modules.catalog import products
from runtime.modules.catalog.models import Product
from tests.browser_support import save_screenshot, watched_context
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1440, "height": 1000}, "locale": "zh-CN"}


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def desktop(browser):
    yield from watched_context(browser, **DESKTOP)


def _product(app, shop) -> tuple[Product, list]:
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        product = s.query(Product).one()
        return product, products.product_skus(s, product.id, include_retired=True)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/console/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/**")


def _add_spec(page, name: str, values: list[str]) -> None:
    page.get_by_role("button", name="+ 添加规格").click()
    page.get_by_label("规格名").last.fill(name)
    page.get_by_label("规格名").last.dispatch_event("change")
    for value in values:
        page.get_by_label("添加规格值").last.fill(value)
        page.get_by_label("添加规格值").last.press("Enter")


def test_build_save_and_edit_a_product_with_its_sku_matrix(app, factory, shop, live_url,
                                                           desktop):
    page = desktop.new_page()
    _log_in(page, live_url, factory.merchant(shop).email)

    page.goto(live_url + "/console/shops/alpha/catalog/products/new")
    expect(page.locator("[data-video]")).not_to_contain_text("null")
    page.locator('[data-field="title"]').fill("撞色连帽卫衣")
    _add_spec(page, "颜色", ["红", "蓝"])
    _add_spec(page, "尺码", ["S", "M"])
    rows = page.locator(".sku-table tbody tr")
    expect(rows).to_have_count(4)
    page.get_by_label("批量设置: 价格（元）").fill("99.90")
    page.get_by_label("批量设置: 库存").fill("5")
    page.get_by_role("button", name="应用").click()
    page.get_by_label("价格（元） 红/S").fill("89.5")

    page.get_by_role("button", name="添加图片").click()
    dialog = page.locator("dialog.media-picker")
    expect(dialog).to_be_visible()
    dialog.locator("input[type=file]").set_input_files(
        files=[{"name": "cover.png", "mimeType": "image/png", "buffer": _png()}])
    expect(dialog).to_have_count(0)
    expect(page.locator(".image-tile img")).to_have_count(1)
    page.locator('input[data-field="status"][value="on_sale"]').check()
    save_screenshot(page, "catalog-product-form.png")
    page.locator("[data-save]").click()
    page.wait_for_url("**/catalog/products/*")
    expect(page.locator(".flash.success")).to_contain_text("商品已发布")

    product, skus = _product(app, shop)
    assert product.title == "撞色连帽卫衣" and product.status == "on_sale"
    assert list(product.images[0]) == ["media_id"]
    assert [(s.spec_values, s.price_fen, s.stock) for s in skus] == [
        (["红", "S"], 8950, 5), (["红", "M"], 9990, 5), (["蓝", "S"], 9990, 5),
        (["蓝", "M"], 9990, 5)]
    red_ids = [s.id for s in skus if s.spec_values[0] == "红"]

    # drop 蓝; a bad price is caught in the browser, an empty title by the server
    page.get_by_role("button", name="删除 蓝").click()
    expect(page.locator(".sku-table tbody tr")).to_have_count(2)
    page.get_by_label("价格（元） 红/M").fill("abc")
    page.locator("[data-save]").click()
    expect(page.locator('[data-pointer="/skus/1/price_fen"]')).to_have_attribute(
        "aria-invalid", "true")
    page.get_by_label("价格（元） 红/M").fill("109")
    page.locator('[data-field="title"]').fill("")
    page.locator("[data-save]").click()
    expect(page.locator('[data-error-for="/title"]')).to_be_visible()
    page.locator('[data-field="title"]').fill("撞色连帽卫衣 二代")
    page.locator("[data-save]").click()
    expect(page.locator(".flash.success")).to_contain_text("商品已保存")

    product, skus = _product(app, shop)
    active = [s for s in skus if s.retired_at is None]
    assert product.title == "撞色连帽卫衣 二代"
    assert [s.id for s in active] == red_ids
    assert [(s.price_fen, s.stock) for s in active] == [(8950, 5), (10900, 5)]
    assert {tuple(s.spec_values) for s in skus if s.retired_at} == {("蓝", "S"), ("蓝", "M")}


def test_select_all_and_take_off_shelf_from_the_list(app, factory, shop, live_url, desktop):
    for title in ("羊毛围巾", "针织帽", "皮手套"):
        factory.product(shop, title)
    page = desktop.new_page()
    _log_in(page, live_url, factory.merchant(shop).email)
    page.goto(live_url + "/console/shops/alpha/catalog/products")
    expect(page.locator(".catalog-table tbody tr")).to_have_count(3)
    page.get_by_label("全选").first.check()
    expect(page.locator('input[name="product_ids"]:checked')).to_have_count(3)
    page.locator('select[name="action"]').select_option("off_shelf")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="应用").click()
    expect(page.locator(".flash.success")).to_contain_text("已更新 3 件商品")
    save_screenshot(page, "catalog-product-list.png")
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert {p.status for p in s.query(Product)} == {"off_shelf"}
