"""The buyer's after-sales screens on H5: the shells render, and in Chromium a buyer applies
for a return from an order line with photos (uploaded, shown as thumbnails, one removed),
follows it, ships the goods back after the merchant agreed,
and sees the request move on."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from runtime.modules.aftersales import service
from runtime.modules.switches import update_settings
from tests.aftersales.flow import MERCHANT, buyer, in_shop, ship_order, sku_of, wechat_paid
from tests.browser_support import log_in_h5, require_chromium, serving
from tests.orders.test_h5_browser import in_browser


@pytest.mark.parametrize("path, page", [
    ("orders/7/aftersale?line=3", "aftersale-apply"), ("aftersales", "aftersales"),
    ("aftersales/9", "aftersale")])
def test_pages_render(client, shop, path, page):
    answer = client.get(f"/s/{shop.slug}/{path}")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert f'data-page="{page}"' in body and "shop.js" in body


@pytest.mark.browser
def test_apply_track_and_ship_back_in_the_browser(app, client, factory, shop, clock):
    require_chromium()
    in_shop(app, factory, shop, update_settings, "aftersales", {
        "return_contact": "售后部", "return_phone": "0755-1234",
        "return_address": "深圳市南山区退货仓 1 号"})
    sku = sku_of(factory, shop, factory.product(shop, "棉麻衬衫", price_fen=19900, stock=5))
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    ship_order(app, factory, shop, order["id"])

    with serving(app) as live_url:
        def apply(phone):
            phone.goto(f"{live_url}/s/{shop.slug}/orders/{order['id']}")
            log_in_h5(phone, live_url, shop.slug, alice.token)
            phone.reload()
            phone.click("text=申请售后")
            phone.wait_for_selector("[data-apply-form]")
            assert "可退 ¥199.00" in phone.inner_text("main")
            phone.select_option("select[name=kind]", "return")
            phone.fill("input[name=amount]", "250.00")
            phone.fill("input[name=reason]", "尺码偏大")
            phone.set_input_files("input[name=photo]", files=[
                {"name": f"{i}.png", "mimeType": "image/png", "buffer": png(color)}
                for i, color in enumerate(("red", "blue"))])
            phone.wait_for_selector(".photo-thumb:nth-child(2) img")  # both uploaded, shown
            assert phone.locator(".photo-thumb img").count() == 2
            phone.click("[data-remove='0']")  # × takes the first one off
            phone.wait_for_selector(".photo-thumb:nth-child(2)", state="detached")
            assert phone.locator(".photo-thumb img").count() == 1
            phone.click("text=提交申请")
            phone.wait_for_selector("[data-error]:has-text('19900')")
            phone.fill("input[name=amount]", "199.00")
            phone.click("text=提交申请")
            phone.wait_for_url("**/aftersales/*", timeout=15000)
            phone.wait_for_selector("text=待商家处理")
            return int(phone.url.rsplit("/", 1)[1])

        aftersale_id = in_browser(apply)
        assert len(alice.call("GET", f"/aftersales/{aftersale_id}").json["images"]) == 1
        in_shop(app, factory, shop, service.agree, aftersale_id, MERCHANT)

        def ship_back(phone):
            phone.goto(f"{live_url}/s/{shop.slug}/aftersales/{aftersale_id}")
            log_in_h5(phone, live_url, shop.slug, alice.token)
            phone.reload()
            phone.wait_for_selector("text=待买家退货")
            assert "深圳市南山区退货仓 1 号" in phone.inner_text("main")
            phone.fill("input[name=carrier]", "顺丰")
            phone.fill("input[name=tracking_no]", "SF20261125")
            phone.click("text=提交寄回信息")
            phone.wait_for_selector("text=买家已寄回")
            assert "SF20261125" in phone.inner_text("main")
            phone.goto(f"{live_url}/s/{shop.slug}/aftersales")
            phone.wait_for_selector(".order-card")
            return phone.inner_text(".order-card")

        card = in_browser(ship_back)
    assert "退货退款" in card and "买家已寄回" in card
    assert alice.call("GET", f"/aftersales/{aftersale_id}").json["return_shipment"] == {
        "carrier": "顺丰", "tracking_no": "SF20261125"}


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(out, "PNG")
    return out.getvalue()
