"""The console's editors as a browser uses them: form rows of SKUs and tiers, times in the
shop's zone, the 422 shown on the row it concerns, lists with the rule in words."""

from __future__ import annotations

from tests.orders.flow import sku_of


def test_discount_and_full_reduction_editors_through_forms(app, client, factory, shop, clock):
    factory.module_on(shop, "promotions")
    sku = sku_of(factory, shop, factory.product(shop, "茶壶", price_fen=5000, stock=9))
    token = factory.console_login(client, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/promotions"
    page = client.get(f"{base}/discounts/new").get_data(as_text=True)
    assert "新建限时折扣" in page and 'name="sku_id[]"' in page
    form = {"csrf_token": token, "name": "周末特价", "tag": "周末价",
            "starts_at": "2026-11-25T13:00", "ends_at": "2026-11-27T12:00",
            "per_member_limit": "", "sku_id[]": [str(sku.id), "", str(sku.id + 999)],
            "mode[]": ["price", "percent", "percent"], "value[]": ["3900", "", "80"]}
    refused = client.post(f"{base}/discounts", data=form)
    assert refused.status_code == 422
    assert "no such SKU in this shop" in refused.get_data(as_text=True)
    form.update({"sku_id[]": [str(sku.id)], "mode[]": ["price"], "value[]": ["3900"]})
    saved = client.post(f"{base}/discounts", data=form)
    assert saved.status_code == 302
    listed = client.get(f"{base}/discounts").get_data(as_text=True)
    assert "周末特价" in listed and "未开始" in listed  # now is 12:00 in Shanghai
    edit = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'value="2026-11-25T13:00"' in edit and "茶壶" in edit

    tiers = {"csrf_token": token, "name": "满减", "starts_at": "2026-11-25T10:00",
             "ends_at": "2026-12-25T10:00", "condition": "amount", "scope": "all",
             "product_ids": "", "max_discount_fen": "",
             "threshold[]": ["9900", "19900", ""], "discount_fen[]": ["1000", "3000", ""],
             "discount_pct[]": ["", "", ""], "free_shipping[]": ["0", "1", "0"],
             "give_points[]": ["", "100", ""], "give_coupons[]": ["", "", ""]}
    assert client.post(f"{base}/full-reductions", data=tiers).status_code == 302
    listed = client.get(f"{base}/full-reductions").get_data(as_text=True)
    assert "满99减10，满199减30包邮送100积分" in listed and "进行中" in listed
