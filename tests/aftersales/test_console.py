"""The after-sales console: the list and a request's detail with its actions (HTML forms
with the CSRF token, and JSON), the merchant refund dialog on the order detail, the nav
entry, the merchant refund's audit event, and the overview's pending after-sales count;
writes without the token are refused."""

from __future__ import annotations

import re

from runtime.modules.aftersales.models import AfterSale
from runtime.modules.fulfilment.shipping import CARRIERS
from tests.aftersales.flow import buyer, drain, notify_refund, sku_of, wechat_paid


def console(client, factory, shop):
    user = factory.merchant(shop)
    return factory.console_login(client, user)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_list_detail_and_actions(app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, "羊毛围巾", price_fen=8800, stock=5))
    alice = buyer(app, app.test_client(), factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    line = order["lines"][0]
    made = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund",
        "amount_fen": 3000, "reason": "有瑕疵"}, 201).json
    console(client, factory, shop)
    base = f"/console/shops/{shop.slug}"

    page = client.get(f"{base}/aftersales")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert made["no"] in html and "羊毛围巾" in html and "¥30.00" in html
    assert f'href="/console/shops/{shop.slug}/aftersales"' in client.get(
        f"{base}/orders").get_data(as_text=True)  # the nav entry
    done = client.get(f"{base}/aftersales", query_string={"status": "complete"},
                      headers={"Accept": "application/json"}).json
    assert done["items"] == []

    detail = client.get(f"{base}/aftersales/{made['id']}").get_data(as_text=True)
    assert "同意退款" in detail and "拒绝申请" in detail and "有瑕疵" in detail
    refused = client.post(f"{base}/aftersales/{made['id']}/agree", data={})
    assert refused.status_code in (400, 403)  # no CSRF token
    agreed = client.post(f"{base}/aftersales/{made['id']}/agree",
                         data={"csrf_token": csrf_of(detail)})
    assert agreed.status_code == 302
    drain(app, redis_conn)
    assert notify_refund(app, made["no"]).status == 204
    after = client.get(f"{base}/aftersales/{made['id']}").get_data(as_text=True)
    assert "售后完成" in after and "售后已结束" in after and "原路退回" in after
    again = client.post(f"{base}/aftersales/{made['id']}/disagree",
                        json={"reason": "晚了"}, headers={"X-CSRF-Token": csrf_of(after)})
    assert again.status_code == 409 and again.json["code"] == "aftersale_invalid_transition"


def test_merchant_refund_dialog_on_the_order_detail(app, client, factory, shop, clock,
                                                    redis_conn):
    a = sku_of(factory, shop, factory.product(shop, "杯子", price_fen=2000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, "盘子", price_fen=3000, stock=5))
    alice = buyer(app, app.test_client(), factory, shop)
    order = wechat_paid(app, alice, [(a.id, 1), (b.id, 1)])
    console(client, factory, shop)
    base = f"/console/shops/{shop.slug}"
    page = client.get(f"{base}/orders/{order['id']}").get_data(as_text=True)
    assert "发起退款" in page and f'name="line_{order["lines"][0]["id"]}"' in page
    line_b = next(x for x in order["lines"] if x["sku_id"] == b.id)
    bad = client.post(f"{base}/orders/{order['id']}/refund",
                      data={"csrf_token": csrf_of(page), f"line_{line_b['id']}": "1",
                            f"amount_{line_b['id']}": "30.001", "reason": "缺货"})
    assert bad.status_code == 302  # back to the order with the error shown
    assert alice.order(order["id"])["refund_status"] == "NONE"
    over = client.post(f"{base}/orders/{order['id']}/refund", json={
        "items": [{"line_id": line_b["id"], "amount_fen": line_b["payable_fen"] + 1}],
        "reason": "缺货"}, headers={"X-CSRF-Token": csrf_of(page),
                                   "Accept": "application/json"})
    assert over.status_code == 422
    assert over.json["errors"][0]["pointer"] == "/items/0/amount_fen"
    ok = client.post(f"{base}/orders/{order['id']}/refund",
                     data={"csrf_token": csrf_of(page), f"line_{line_b['id']}": "1",
                           f"amount_{line_b['id']}": "12.50", "reason": "缺货"})
    assert ok.status_code == 302
    drain(app, redis_conn)
    refunded = alice.order(order["id"])["aftersale_lines"][str(line_b["id"])]
    assert refunded["status"] == "refunding" and refunded["open_aftersale_id"]
    listed = client.get(f"{base}/aftersales", headers={"Accept": "application/json"}).json
    assert [(i["initiator"], i["amount_fen"]) for i in listed["items"]] == [("merchant", 1250)]

    # one audit event, for the refund that happened (the refused ones rolled back theirs)
    events = client.get(f"{base}/audit", query_string={"action": "merchant_refund"},
                        headers={"Accept": "application/json"}).json["events"]
    assert len(events) == 1
    [event] = events
    assert event["actor"] and event["actor_user_id"]
    assert event["detail"] == {
        "order_id": order["id"], "order_no": order["order_no"], "amount_fen": 1250,
        "reason": "缺货", "lines": [{"line_id": line_b["id"], "amount_fen": 1250,
                                   "aftersale_no": listed["items"][0]["no"]}]}
    screen = client.get(f"{base}/audit").get_data(as_text=True)
    assert "商家主动退款" in screen or "Merchant refund" in screen
    assert f"订单 {order['order_no']}：行 {line_b['id']} ¥12.50，共 ¥12.50，原因：缺货" in screen


def test_overview_counts_after_sales_waiting_for_the_merchant(app, client, factory, shop,
                                                              clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = buyer(app, app.test_client(), factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    console(client, factory, shop)

    def waiting() -> str:
        html = client.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)
        return re.search(r'data-waiting="aftersales"[^>]*>[^<]*<strong>(\d+)</strong>',
                         html).group(1)

    assert waiting() == "0"
    made = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": order["lines"][0]["id"], "kind": "refund",
        "amount_fen": 500, "reason": "少发了"}, 201).json
    assert waiting() == "1"
    alice.call("POST", f"/aftersales/{made['id']}/cancel")
    assert waiting() == "0"


def test_the_demo_seeder_makes_one_real_after_sale(app, client, factory, shop, clock,
                                                   redis_conn):
    from runtime.modules.aftersales.demo import seed_demo_aftersale
    from tests.aftersales.flow import in_shop, read

    in_shop(app, factory, shop, seed_demo_aftersale, shop)  # no paid order: nothing
    assert read(factory, shop, lambda s: s.query(AfterSale).count()) == 0
    sku = sku_of(factory, shop, factory.product(shop, price_fen=3000, stock=5))
    alice = buyer(app, app.test_client(), factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    for _ in range(2):
        in_shop(app, factory, shop, seed_demo_aftersale, shop)
    [made] = alice.call("GET", "/aftersales").json["items"]
    assert (made["order_id"], made["amount_fen"], made["status"]) == (order["id"], 500,
                                                                      "refunding")
    drain(app, redis_conn)
    assert notify_refund(app, made["no"]).status == 204
    assert alice.order(order["id"])["refunded_fen"] == 500


def test_the_aftersales_and_orders_screens_in_english_show_no_chinese_labels(
        app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, "羊毛围巾", price_fen=8800, stock=5))
    alice = buyer(app, app.test_client(), factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    made = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": order["lines"][0]["id"], "kind": "refund",
        "amount_fen": 3000, "reason": "有瑕疵"}, 201).json
    token = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}"
    chinese_default = client.get(f"{base}/aftersales/{made['id']}").get_data(as_text=True)
    assert "待商家处理" in chinese_default and "仅退款" in chinese_default
    assert "待发货" in client.get(f"{base}/orders/{order['id']}").get_data(as_text=True)

    assert client.patch("/console/account", json={"locale": "en"},
                        headers={"X-CSRF-Token": token}).status_code == 200
    address = order.get("address") or {}
    data = ("羊毛围巾", "羊", "有瑕疵", *CARRIERS.values(), "— 微信支付",
            *(str(v) for v in address.values() if isinstance(v, str)))
    pages = {"aftersales": "Awaiting the merchant",
             f"aftersales/{made['id']}": "Agree to refund",
             "orders": "Awaiting shipment", f"orders/{order['id']}": "WeChat Pay"}
    for page, label in pages.items():
        html = client.get(f"{base}/{page}").get_data(as_text=True)
        main = re.sub(r"<script.*?</script>", "",
                      html.split("<main", 1)[1].split("</main>", 1)[0], flags=re.S)
        # the goods (and their initial as a thumbnail), what people wrote, the couriers'
        # names and the payment's timeline note
        for shown in data:
            main = main.replace(shown, "") if shown else main
        assert label in main, page
        assert not re.findall(r"[\u4e00-\u9fff]", main), (page, "|".join(sorted(set(
            re.findall(r"[\u4e00-\u9fff]+", main)))))
