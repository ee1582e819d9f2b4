"""Payment methods (balance, cash on delivery, WeChat Pay), points spent at checkout,
money that arrives after an order closed, and the simulator's guard rails."""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.fulfilment.shipping import ship
from runtime.modules.orders.service import close_order
from runtime.modules.orders.settings import update_settings
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments.accounts import save_account
from runtime.modules.payments.jobs import refund_paid_after_close, sweep_pending_payments
from runtime.modules.payments.models import Payment, Refund
from runtime.modules.points.service import balance_of as points_balance
from runtime.modules.points.service import credit
from runtime.modules.wallet.service import adjust, balance_of
from runtime.wechat.apps import save_app
from runtime.wechat.pay.simulator import (
    WechatPaySimulator,
    send_payment_notification,
    send_refund_notification,
)
from runtime.wechat.transport import AppTransport
from tests.orders.flow import shopper, sku_of, stock_of


def in_shop(app, factory, shop, func, *args, **kwargs):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        result = func(s, *args, **kwargs)
        s.commit()
        return result


def test_pay_with_balance(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=3000, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    in_shop(app, factory, shop, adjust, alice.member.id, principal_delta_fen=5000,
            key="topup-test")
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}], use_balance=True)
    assert quote["balance_fen"] == quote["payable_fen"] and quote["cash_due_fen"] == 0
    order = alice.submit(quote["quote_id"]).json
    paid = alice.pay(order["id"], "wallet")
    assert paid["paid"] is True and paid["order_status"] == "paid"
    assert in_shop(app, factory, shop, balance_of, alice.member.id).balance_fen == 2000
    assert alice.pay(order["id"], "wallet", expect=409)["code"] == "already_paid"
    assert in_shop(app, factory, shop, balance_of, alice.member.id).balance_fen == 2000

    poor = alice.buy(sku.id, 1)
    answer = alice.pay(poor["id"], "wallet", expect=409)
    assert answer["code"] == "insufficient_balance"
    assert alice.order(poor["id"])["status"] == "pending_payment"


def test_cash_on_delivery_is_a_shop_option(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=3000, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 1)
    answer = alice.pay(order["id"], "cod", expect=422)
    assert answer["errors"][0]["code"] == "payment_method_unavailable"
    in_shop(app, factory, shop, update_settings, {"allow_cod": True})
    started = alice.pay(order["id"], "cod")
    assert started["paid"] is True and started["payment_status"] == "cod_pending"
    detail = alice.order(order["id"])
    assert detail["status"] == "paid" and detail["paid_at"] is None
    assert detail["timeline"][-1]["event"] == "cod_accepted"
    assert alice.pay(order["id"], "bitcoin", expect=422)["errors"][0]["pointer"] == "/method"

    in_shop(app, factory, shop, ship, order["id"], carrier_code="EMS", tracking_no="EM12345",
            actor=Actor.merchant(None, "店员"))
    done = alice.call("POST", f"/orders/{order['id']}/confirm-receipt").json
    assert done["status"] == "completed" and done["paid_fen"] == done["payable_fen"]
    assert done["payments"][0]["status"] == "collected"


def test_points_are_spent_at_submit_and_returned_on_cancel(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10000, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    in_shop(app, factory, shop, credit, alice.member.id, 3000, reason="gift", key="gift-1")
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}], use_points=True)
    assert quote["points_deduction_fen"] == 3000 and quote["points_used"] == 3000
    assert quote["adjustments"][-1]["kind"] == "points"
    order = alice.submit(quote["quote_id"]).json
    assert order["lines"][0]["adjustments"] == {"points": 3000}
    assert in_shop(app, factory, shop, points_balance, alice.member.id) == 0
    cancelled = alice.call("POST", f"/orders/{order['id']}/cancel").json
    assert cancelled["status"] == "closed"
    assert cancelled["close_reason"] == "cancelled_by_member"
    assert in_shop(app, factory, shop, points_balance, alice.member.id) == 3000
    assert stock_of(factory, shop, sku.id) == 5
    assert alice.call("POST", f"/orders/{order['id']}/cancel", expect=409).json[
        "code"] == "invalid_transition"


def test_money_after_close_is_refunded_and_the_refund_notification_applies_once(
        app, client, factory, shop, clock):
    """The payer pays a second before the deadline; the timer could not reach WeChat and
    closed the order; the late notification is recorded and the money goes back."""
    sku = sku_of(factory, shop, factory.product(shop, price_fen=2500, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-late")
    alice.add_address()
    order = alice.buy(sku.id, 2)
    alice.pay(order["id"])
    clock.advance(timedelta(minutes=30) - timedelta(seconds=1))
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        sim.mark_paid(order["order_no"])
    clock.advance(timedelta(seconds=2))
    in_shop(app, factory, shop, close_order, order["id"], OrderEvent.TIMED_OUT,
            Actor.system("unpaid-timeout"))
    with app.app_context():
        delivery = sim.deliver(sim.payment_notification(order["order_no"]), AppTransport(app))
    assert delivery.status == 204
    detail = alice.order(order["id"])
    assert detail["status"] == "closed" and detail["payments"][0]["status"] == "succeeded"
    with factory._session() as s:
        use_shop(s, shop.id)
        payment_id = s.scalars(select(Payment.id)).one()
    with app.app_context():
        assert refund_paid_after_close(shop.id, payment_id) == "processing"
        assert refund_paid_after_close(shop.id, payment_id) == "processing"  # same refund
    with factory._session() as s:
        use_shop(s, shop.id)
        refund = s.scalars(select(Refund)).one()
        assert refund.amount_fen == 5000
        out_refund_no = refund.out_refund_no
    with app.app_context():
        first = send_refund_notification(out_refund_no, transport=AppTransport(app))
        replay = sim.deliver(sim.refund_notification(out_refund_no), AppTransport(app))
    assert first.status == 204 and replay.status == 204
    detail = alice.order(order["id"])
    assert detail["payments"][0]["refunded_fen"] == 5000
    assert detail["payments"][0]["refunds"][0]["status"] == "succeeded"
    with app.app_context():
        assert refund_paid_after_close(shop.id, payment_id) == "succeeded"


def test_reconcile_sweeper_applies_a_payment_whose_notification_never_came(
        app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=2500, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-quiet")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    alice.pay(order["id"])
    with app.app_context():
        WechatPaySimulator.for_app(app).mark_paid(order["order_no"])  # no notification
        assert sweep_pending_payments() == 0  # too early to ask
    clock.advance(timedelta(minutes=6))
    with app.app_context():
        assert sweep_pending_payments() == 1
    assert alice.order(order["id"])["status"] == "paid"


def test_cli_simulate_paid(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=2500, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-cli")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    runner = app.test_cli_runner()
    early = runner.invoke(args=["wechatpay", "simulate-paid", order["order_no"]])
    assert early.exit_code != 0 and "not been sent to WeChat Pay" in early.output
    alice.pay(order["id"])
    result = runner.invoke(args=["wechatpay", "simulate-paid", order["order_no"]])
    assert result.exit_code == 0, result.output
    assert "answered 204" in result.output
    assert alice.order(order["id"])["status"] == "paid"


def test_a_shop_with_real_credentials_never_trusts_the_simulator(app, client, factory, shop,
                                                                 clock):
    """Once the shop has its own merchant account, a notification signed by the simulator
    (for an order it prepaid earlier) fails verification and changes nothing."""
    sku = sku_of(factory, shop, factory.product(shop, price_fen=2500, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-real")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    alice.pay(order["id"])
    def pem(private: bool) -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if private:
            return key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        return key.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    real = {"mchid": "1900000109", "appid": "wx0123456789abcdef",
            "merchant_private_key_pem": pem(True), "merchant_serial_no": "5157F09EFDC096DE15",
            "apiv3_key": "a" * 32, "public_key_id": "PUB_KEY_ID_0119000001092025",
            "public_key_pem": pem(False), "notify_base_url": "https://shop.example.com"}
    with app.test_request_context():
        in_shop(app, factory, shop, save_app, {"appid": real["appid"]},
                app.extensions["mallkit"].settings.secret_key)
        in_shop(app, factory, shop, save_account, real, shop.slug)
    with app.app_context():
        delivery = send_payment_notification(order["order_no"], transport=AppTransport(app))
    assert delivery.status == 401  # the simulator's key is not this merchant's WeChat key
    assert alice.order(order["id"])["status"] == "pending_payment"
