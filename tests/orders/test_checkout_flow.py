"""The full money path through the real API: cart -> quote -> order -> WeChat Pay
(simulator, real signatures) -> paid."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.orders.models import OrderTransition
from runtime.wechat.pay.simulator import send_payment_notification
from runtime.wechat.transport import AppTransport
from tests.orders.flow import shopper, sku_of, stock_of


def test_cart_to_paid_order(app, client, factory, shop, clock):
    product = factory.product(shop, "纯棉T恤", price_fen=9900, stock=10)
    sku = sku_of(factory, shop, product)
    alice = shopper(app, client, factory, shop, openid="o-alice")
    alice.add_address()
    cart = alice.add_to_cart(sku.id, 2)
    assert cart["selected_total_fen"] == 19800

    quote = alice.quote()
    assert quote["goods_total_fen"] == 19800
    assert quote["payable_fen"] == 19800 - quote["discount_total_fen"] + quote["shipping_fen"]
    assert quote["address"]["city"] == "深圳市"

    order = alice.submit(quote["quote_id"]).json
    assert order["status"] == "pending_payment"
    assert order["payable_fen"] == quote["payable_fen"]
    assert stock_of(factory, shop, sku.id) == 8
    assert alice.call("GET", "/cart").json["lines"] == []  # ordered lines left the cart

    started = alice.pay(order["id"])
    params = started["request_payment"]
    assert started["paid"] is False and params["signType"] == "RSA"
    assert params["package"].startswith("prepay_id=")

    with app.app_context():
        delivery = send_payment_notification(order["order_no"], transport=AppTransport(app))
    assert delivery.status == 204

    paid = alice.order(order["id"])
    assert paid["status"] == "paid" and paid["paid_fen"] == quote["payable_fen"]
    assert paid["payments"][0]["status"] == "succeeded"
    assert paid["payments"][0]["transaction_id"]
    assert [e["event"] for e in paid["timeline"]] == ["created", "paid"]
    with factory._session() as s:
        use_shop(s, shop.id)
        paid_row = s.scalars(select(OrderTransition).where(
            OrderTransition.to_status == "paid")).one()
        assert paid_row.actor_type == "wechat" and paid_row.from_status == "pending_payment"
    assert stock_of(factory, shop, sku.id) == 8  # a sale now, not a reservation


def test_paid_followup_records_the_purchase_once(app, client, factory, shop, clock, redis_conn):
    """The notification handler only enqueues the follow-up; the job updates the member."""
    from rq.job import Job

    from runtime.modules.members.models import Member
    from runtime.modules.orders.jobs import order_paid_followup

    sku = sku_of(factory, shop, factory.product(shop, price_fen=12345, stock=3))
    alice = shopper(app, client, factory, shop, openid="o-follow")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    alice.pay(order["id"])
    with app.app_context():
        send_payment_notification(order["order_no"], transport=AppTransport(app))
    job = Job.fetch(f"order-paid-{shop.id}-{order['id']}", connection=redis_conn)
    assert job.func is order_paid_followup
    with app.app_context():
        job.func(*job.args)
        job.func(*job.args)  # a retry changes nothing
    with factory._session() as s:
        use_shop(s, shop.id)
        member = s.get(Member, alice.member.id)
        assert member.order_count == 1 and member.total_spent_fen == order["payable_fen"]


def test_quote_applies_level_discount_template_fee_remark_and_invoice(
        app, client, factory, shop, clock):
    from runtime.modules.fulfilment import service as fulfilment
    from runtime.modules.members.levels import add_growth
    from runtime.modules.orders.settings import update_settings

    factory.level(shop, "金卡", 1, 0, discount_percent=90)
    sku = sku_of(factory, shop, factory.product(shop, "茶具", price_fen=3333, stock=9))
    alice = shopper(app, client, factory, shop, openid="o-gold")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        add_growth(s, alice.member.id, 10, reason="test", key="g-1")
        fulfilment.create_template(s, {"name": "全国", "charge_by": "piece",
                                       "free_over_fen": 10000, "rules": [
                                           {"regions": [], "first_units": 1,
                                            "first_fee_fen": 800, "extra_units": 1,
                                            "extra_fee_fen": 200}]})
        s.commit()
    alice.add_address()
    invoice = {"type": "company", "title": "某某科技有限公司", "tax_no": "91440300MA5F000000",
               "email": "fapiao@example.com"}
    refused = alice.quote(422, source="items", items=[{"sku_id": sku.id, "qty": 2}],
                          invoice=invoice)
    assert refused["errors"][0]["pointer"] == "/invoice"
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, {"invoice_enabled": True})
        s.commit()
    bad = alice.quote(422, source="items", items=[{"sku_id": sku.id, "qty": 2}],
                      invoice={**invoice, "tax_no": "x"})
    assert bad["errors"][0]["pointer"] == "/invoice/tax_no"

    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}],
                        invoice=invoice, remark="请周末送")
    assert quote["goods_total_fen"] == 6666
    assert quote["adjustments"][0]["source"] == "member_level"
    assert quote["adjustments"][0]["amount_fen"] == 667  # 10 % of 66.66, rounded half up
    assert quote["shipping_fen"] == 1000  # 8 + 2 for the second piece (under 100 yuan)
    assert quote["payable_fen"] == 6666 - 667 + 1000
    order = alice.submit(quote["quote_id"]).json
    assert order["invoice"]["tax_no"] == "91440300MA5F000000"
    assert order["buyer_remark"] == "请周末送"
    assert sum(line["payable_fen"] for line in order["lines"]) + order["shipping_fen"] \
        == order["payable_fen"]
    free = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 4}])
    assert free["shipping_fen"] == 0  # 133.32 - 10 % >= 100 yuan: free shipping
