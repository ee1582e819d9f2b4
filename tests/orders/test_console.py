"""The orders console: list with filters, detail with timeline, ship, verify pickup, close,
remark, settings, the .xlsx export job, and who may see it."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from rq.job import Job

from runtime.db import use_shop
from runtime.modules.fulfilment import service as fulfilment
from runtime.modules.orders.settings import update_settings
from runtime.wechat.pay.simulator import send_payment_notification
from runtime.wechat.transport import AppTransport
from tests.orders.flow import shopper, sku_of


def console(client, factory, shop, **kw):
    user = factory.merchant(shop, **kw)
    token = factory.console_login(client, user)
    return user, {"X-CSRF-Token": token}


def paid(app, buyer, sku_id, **quote):
    order = buyer.buy(sku_id, 1, **quote)
    buyer.pay(order["id"])
    with app.app_context():
        send_payment_notification(order["order_no"], transport=AppTransport(app))
    return order


def test_list_filters_detail_and_ship(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, "羊毛大衣", price_fen=59900, stock=9))
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-buyer")
    buyer.add_address(name="李四", phone="13900001111")
    unpaid = buyer.buy(sku.id, 1)
    order = paid(app, buyer, sku.id)
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/orders"

    page = client.get(base)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert unpaid["order_no"] in html and order["order_no"] in html and "¥599.00" in html
    only_paid = client.get(base, query_string={"status": "paid"},
                           headers={"Accept": "application/json"}).json
    assert [o["order_no"] for o in only_paid["items"]] == [order["order_no"]]
    by_phone = client.get(base, query_string={"keyword": "1111"},
                          headers={"Accept": "application/json"}).json
    assert len(by_phone["items"]) == 2
    by_product = client.get(base, query_string={"keyword": "大衣", "fulfilment": "pickup"},
                            headers={"Accept": "application/json"}).json
    assert by_product["items"] == []
    future = client.get(base, query_string={"date_from": "2026-11-26"},
                        headers={"Accept": "application/json"}).json
    assert future["items"] == []
    bad = client.get(base, query_string={"status": "lost"},
                     headers={"Accept": "application/json"})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/status"

    detail = client.get(f"{base}/{order['id']}")
    assert detail.status_code == 200 and "李四" in detail.get_data(as_text=True)
    shipped = client.post(f"{base}/{order['id']}/ship", data={
        "carrier_code": "SF", "tracking_no": "SF1234567890", **{"csrf_token":
                                                                csrf["X-CSRF-Token"]}})
    assert shipped.status_code == 302
    data = client.get(f"{base}/{order['id']}", headers={"Accept": "application/json"}).json
    assert data["status"] == "shipped" and data["shipments"][0]["tracking_no"] == "SF1234567890"
    assert data["timeline"][-1]["actor_type"] == "merchant"

    remark = client.post(f"{base}/{order['id']}/remark", json={"remark": "VIP 客户"},
                         headers=csrf)
    assert remark.status_code == 200
    closed = client.post(f"{base}/{unpaid['id']}/close", json={"reason": "缺货"}, headers=csrf)
    assert closed.status_code == 200
    assert buyer.order(unpaid["id"])["close_reason"] == "cancelled_by_merchant"
    again = client.post(f"{base}/{unpaid['id']}/close", json={}, headers=csrf)
    assert again.status_code == 409


def test_writes_need_the_csrf_token(app, client, factory, shop, clock):
    console(client, factory, shop)
    answer = client.post(f"/console/shops/{shop.slug}/orders/settings",
                         json={"auto_confirm_days": 5})
    assert answer.status_code == 403 and answer.json["code"] == "csrf_failed"


def test_pickup_verification_screen(app, client, factory, shop, clock):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, {"allow_pickup": True})
        point = fulfilment.create_pickup_point(s, {"name": "旗舰店", "address": "人民路 8 号"})
        s.commit()
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=9))
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-pick")
    order = paid(app, buyer, sku.id, fulfilment="pickup", pickup_point_id=point.id)
    code = buyer.call("GET", f"/orders/{order['id']}/pickup-code").json
    assert code["qr_content"].endswith(f"/orders/pickup?code={code['code']}")
    _user, csrf = console(client, factory, shop)
    url = f"/console/shops/{shop.slug}/orders/pickup"
    page = client.get(url, query_string={"code": code["code"]})
    assert page.status_code == 200 and code["code"] in page.get_data(as_text=True)
    first = client.post(url, json={"code": code["qr_content"]}, headers=csrf)
    assert first.status_code == 200 and first.json["status"] == "completed"
    second = client.post(url, json={"code": code["code"]}, headers=csrf)
    assert second.status_code == 409 and second.json["code"] == "pickup_already_verified"


def test_settings_screens(app, client, factory, shop, clock):
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/orders"
    assert client.get(f"{base}/settings").status_code == 200
    saved = client.post(f"{base}/settings", data={
        "csrf_token": csrf["X-CSRF-Token"], "unpaid_timeout_minutes": "15",
        "auto_confirm_days": "10", "allow_wechatpay": "on", "allow_express": "on",
        "allow_pickup": "on"})
    assert saved.status_code == 302
    values = client.get(f"{base}/settings", headers={"Accept": "application/json"}).json
    assert values["unpaid_timeout_minutes"] == 15 and values["allow_wallet"] is False
    wrong = client.post(f"{base}/settings", json={"auto_confirm_days": 0}, headers=csrf)
    assert wrong.status_code == 422 and wrong.json["errors"][0]["pointer"] == \
        "/auto_confirm_days"

    template = client.post(f"{base}/shipping-templates/new", data={
        "csrf_token": csrf["X-CSRF-Token"], "name": "全国", "charge_by": "piece",
        "free_over": "99", "rule0_regions": "", "rule0_first_units": "1",
        "rule0_first_fee": "8", "rule0_extra_units": "1", "rule0_extra_fee": "2",
        "rule1_regions": "650000, 540000", "rule1_first_units": "1", "rule1_first_fee": "20",
        "rule1_extra_units": "1", "rule1_extra_fee": "10"})
    assert template.status_code == 302
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        [tpl] = fulfilment.list_templates(s)
        rules = fulfilment.template_rules(s, [tpl.id])[tpl.id]
        assert tpl.is_default and tpl.free_over_fen == 9900
        assert [(r.regions, r.first_fee_fen) for r in rules] == [([], 800),
                                                                ([ "650000", "540000"], 2000)]
    local = client.post(f"{base}/local-delivery", data={
        "csrf_token": csrf["X-CSRF-Token"], "origin_lat": "22.54", "origin_lng": "113.93",
        "radius_km": "5", "tier0_km": "3", "tier0_fee": "5", "tier1_km": "5", "tier1_fee": "8"})
    assert local.status_code == 302
    point = client.post(f"{base}/pickup-points", json={"name": "店", "address": "路 1 号"},
                        headers=csrf)
    assert point.status_code == 200
    assert client.get(f"{base}/settings").status_code == 200


def test_export_job_writes_the_filtered_orders(app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, "茶叶", price_fen=12800, stock=9))
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-tea")
    buyer.add_address()
    paid(app, buyer, sku.id)
    buyer.buy(sku.id, 1)
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/orders"
    started = client.post(f"{base}/export?status=paid",
                          headers={**csrf, "Accept": "application/json"})
    assert started.status_code == 202
    export_id = started.json["id"]
    job = Job.fetch(f"orders-export-{shop.id}-{export_id}", connection=redis_conn)
    with app.app_context():
        assert job.func(*job.args) == "done"
    listing = client.get(f"{base}/exports", headers={"Accept": "application/json"}).json
    assert listing["items"][0]["rows"] == 1
    download = client.get(f"{base}/exports/{export_id}")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "订单号" and len(rows) == 2
    assert rows[1][2] == "待发货" and rows[1][13] == 128.0
    assert client.get(f"{base}/exports/nope").status_code == 404


def test_export_never_writes_a_live_formula(app, client, factory, shop, clock, redis_conn):
    """A buyer's remark or name starting with = + - @ stays text (OWASP CSV injection)."""
    sku = sku_of(factory, shop, factory.product(shop, "茶叶", price_fen=12800, stock=9))
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-evil")
    buyer.add_address(name="@SUM(1+1)")
    paid(app, buyer, sku.id, remark='=HYPERLINK("http://evil.example","发票")')
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/orders"
    export_id = client.post(f"{base}/export", headers={**csrf, "Accept": "application/json"}
                            ).json["id"]
    job = Job.fetch(f"orders-export-{shop.id}-{export_id}", connection=redis_conn)
    with app.app_context():
        job.func(*job.args)
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/exports/{export_id}").data)).active
    row = next(sheet.iter_rows(min_row=2))
    assert all(cell.data_type != "f" for cell in row)
    assert row[5].value == "'@SUM(1+1)"
    assert row[14].value == "'=HYPERLINK(\"http://evil.example\",\"发票\")"


def test_access_needs_the_orders_area_and_the_shop(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=9))
    buyer = shopper(app, app.test_client(), factory, shop)
    buyer.add_address()
    order = buyer.buy(sku.id, 1)
    console(client, factory, shop, role="staff", areas=["catalog"])
    assert client.get(f"/console/shops/{shop.slug}/orders").status_code == 403
    other_client = app.test_client()
    other = factory.shop(slug="beta")
    console(other_client, factory, other)
    assert other_client.get(f"/console/shops/{shop.slug}/orders/{order['id']}").status_code \
        == 404
    assert other_client.get(f"/console/shops/beta/orders/{order['id']}").status_code == 404


def test_wechatpay_account_screen(app, client, factory, shop, clock):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def pem(private: bool) -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if private:
            return key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        return key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    staff_client = app.test_client()
    console(staff_client, factory, shop, role="staff", areas=["orders"])
    url = f"/console/shops/{shop.slug}/orders/wechatpay"
    assert staff_client.get(url).status_code == 403
    _user, csrf = console(client, factory, shop)
    status = client.get(url, headers={"Accept": "application/json"}).json
    assert status == {"configured": False, "mchid": None, "appid": None, "key_mode": None,
                      "certificates": [], "certificate_warning": None,
                      "simulator_stands_in": True}
    assert "模拟器" in client.get(url).get_data(as_text=True)
    bad = client.post(url, json={"mchid": "12"}, headers=csrf)
    assert bad.status_code == 422
    assert {"/mchid", "/notify_base_url"} & {e["pointer"] for e in bad.json["errors"]}
    client.post(f"/console/shops/{shop.slug}/settings/wechat",
                json={"appid": "wx0123456789abcdef"}, headers=csrf)
    saved = client.post(url, json={
        "mchid": "1900000109",
        "merchant_serial_no": "5157F09EFDC096DE15", "merchant_private_key_pem": pem(True),
        "apiv3_key": "b" * 32, "public_key_id": "PUB_KEY_ID_0119000001092025",
        "public_key_pem": pem(False), "notify_base_url": "https://shop.example.com"},
        headers=csrf)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.json["configured"] is True and saved.json["mchid"] == "1900000109"
    page = client.get(url).get_data(as_text=True)
    assert "1900000109" in page and "b" * 32 not in page  # secrets are never shown
    off = client.post(f"{url}/disable", headers={**csrf, "Accept": "application/json"})
    assert off.status_code == 200
    assert client.get(url, headers={"Accept": "application/json"}).json["configured"] is False


def test_yuan_fields_are_exact_and_refuse_what_is_not_an_amount(app, client, factory, shop,
                                                                 clock):
    """'1.005' is not rounded to 100 fen, 'inf' is not 500: both are 422s naming the field."""
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/orders"
    form = {"csrf_token": csrf["X-CSRF-Token"], "name": "全国", "charge_by": "piece",
            "rule0_regions": "", "rule0_first_units": "1", "rule0_first_fee": "8",
            "rule0_extra_units": "1", "rule0_extra_fee": "2"}
    as_json = {"Accept": "application/json"}
    for typed, field, code in (("1.005", "free_over", "precision"), ("inf", "free_over", "type"),
                               ("nan", "rule0_first_fee", "type"),
                               ("-1", "rule0_extra_fee", "range")):
        wrong = client.post(f"{base}/shipping-templates/new", data={**form, field: typed},
                            headers=as_json)
        assert wrong.status_code == 422, (typed, wrong.get_data(as_text=True))
        pointer = {"free_over": "/free_over_fen", "rule0_first_fee": "/rules/0/first_fee_fen",
                   "rule0_extra_fee": "/rules/0/extra_fee_fen"}[field]
        assert [(e["pointer"], e["code"]) for e in wrong.json["errors"]] == [(pointer, code)]
    html = client.post(f"{base}/shipping-templates/new", data={**form, "free_over": "1.005"})
    assert "最多两位小数" in html.get_data(as_text=True)
    saved = client.post(f"{base}/shipping-templates/new", data={**form, "free_over": "1.01"},
                        headers=as_json)
    assert saved.status_code == 200 and saved.json["free_over_fen"] == 101

    local = {"csrf_token": csrf["X-CSRF-Token"], "origin_lat": "22.54", "origin_lng": "113.93",
             "radius_km": "5", "tier0_km": "3", "tier0_fee": "5"}
    for field, typed in (("tier0_fee", "inf"), ("tier0_km", "inf"), ("min_order", "1.005")):
        wrong = client.post(f"{base}/local-delivery", data={**local, field: typed},
                            headers=as_json)
        assert wrong.status_code == 422, (field, wrong.get_data(as_text=True))
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert [t.free_over_fen for t in fulfilment.list_templates(s)] == [101]
