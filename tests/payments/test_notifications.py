"""WeChat Pay notifications: applied exactly once; a replay, a tampered signature, a stale
timestamp, a wrong amount, an unknown order and a signature probe each get the right answer
and change nothing."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.orders.models import Order, OrderTransition
from runtime.modules.payments.models import Payment, PaymentNotification
from runtime.wechat.pay.simulator import SignedNotification, WechatPaySimulator
from runtime.wechat.transport import AppTransport
from tests.orders.flow import shopper, sku_of


@pytest.fixture
def prepaid(app, client, factory, shop, clock):
    """An order of 2 x 99.00 sent to the simulated WeChat Pay, and the simulator."""
    product = factory.product(shop, "帆布包", price_fen=9900, stock=5)
    sku = sku_of(factory, shop, product)
    alice = shopper(app, client, factory, shop, openid="o-alice")
    alice.add_address()
    order = alice.buy(sku.id, 2)
    alice.pay(order["id"])
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        sim.mark_paid(order["order_no"])
    return alice, order, sim


def snapshot(factory, shop) -> dict:
    """Everything a notification could change."""
    with factory._session() as s:
        use_shop(s, shop.id)
        order = s.scalars(select(Order)).one()
        payment = s.scalars(select(Payment)).one()
        return {"status": order.status, "paid_fen": order.paid_fen,
                "payment": (payment.status, payment.transaction_id),
                "transitions": s.scalar(select(func.count()).select_from(OrderTransition)),
                "notifications": s.scalar(select(func.count())
                                          .select_from(PaymentNotification))}


def deliver(app, sim, notification: SignedNotification):
    with app.app_context():
        return sim.deliver(notification, AppTransport(app))


def test_notification_applies_once_and_a_replay_changes_nothing(app, factory, shop, prepaid):
    _alice, order, sim = prepaid
    with app.app_context():
        notification = sim.payment_notification(order["order_no"])
    first = deliver(app, sim, notification)
    assert first.status == 204
    after_first = snapshot(factory, shop)
    assert after_first["status"] == "paid" and after_first["notifications"] == 1
    replay = deliver(app, sim, notification)
    assert replay.status == 204  # acknowledged, so WeChat stops retrying
    assert snapshot(factory, shop) == after_first


def test_a_second_notification_id_for_a_paid_order_is_harmless(app, factory, shop, prepaid):
    _alice, order, sim = prepaid
    with app.app_context():
        n1 = sim.payment_notification(order["order_no"])
        tx = sim.transaction(order["order_no"])
        resource = {k: v for k, v in tx.items() if not k.startswith("_")}
        n2 = sim.build_notification(mchid=tx["mchid"], url=n1.url, event_id=str(uuid.uuid4()),
                                    event_type="TRANSACTION.SUCCESS", summary="支付成功",
                                    original_type="transaction", resource=resource)
    assert deliver(app, sim, n1).status == 204
    before = snapshot(factory, shop)
    assert deliver(app, sim, n2).status == 204
    after = snapshot(factory, shop)
    assert after["transitions"] == before["transitions"] and after["status"] == "paid"
    assert after["notifications"] == before["notifications"] + 1  # recorded as already_applied


def test_tampered_signature_is_rejected(app, factory, shop, prepaid):
    _alice, order, sim = prepaid
    with app.app_context():
        good = sim.payment_notification(order["order_no"])
    before = snapshot(factory, shop)
    body = json.loads(good.body)
    body["summary"] = "支付成功!"  # any change to the signed body
    tampered = SignedNotification(good.url, good.headers,
                                  json.dumps(body, ensure_ascii=False,
                                             separators=(",", ":")).encode(),
                                  good.event_id, good.event_type)
    answer = deliver(app, sim, tampered)
    assert answer.status == 401
    assert json.loads(answer.body)["code"] == "FAIL"
    assert snapshot(factory, shop) == before
    signature = dict(good.headers)
    original = signature["Wechatpay-Signature"]
    # another first base64 character: the first byte's top bits differ, whatever it was
    signature["Wechatpay-Signature"] = ("B" if original[0] == "A" else "A") + original[1:]
    assert signature["Wechatpay-Signature"] != original
    forged = SignedNotification(good.url, signature, good.body, good.event_id, good.event_type)
    assert deliver(app, sim, forged).status == 401
    assert snapshot(factory, shop) == before


def test_stale_timestamp_is_rejected(app, factory, shop, prepaid, clock):
    _alice, order, sim = prepaid
    stale = int((clock.now() - timedelta(minutes=6)).timestamp())
    with app.app_context():
        notification = sim.payment_notification(order["order_no"], timestamp=stale)
    before = snapshot(factory, shop)
    answer = deliver(app, sim, notification)
    assert answer.status == 401
    assert snapshot(factory, shop) == before


def test_wrong_amount_is_rejected_and_not_recorded(app, factory, shop, prepaid):
    _alice, order, sim = prepaid
    with app.app_context():
        tx = sim.transaction(order["order_no"])
        resource = {k: v for k, v in tx.items() if not k.startswith("_")}
        resource["amount"] = {**resource["amount"], "total": 1, "payer_total": 1}
        notification = sim.build_notification(
            mchid=tx["mchid"], url=sim.payment_notification(order["order_no"]).url,
            event_id=str(uuid.uuid4()), event_type="TRANSACTION.SUCCESS", summary="支付成功",
            original_type="transaction", resource=resource)
    before = snapshot(factory, shop)
    answer = deliver(app, sim, notification)
    assert answer.status == 400
    assert "amount" in json.loads(answer.body)["message"]
    assert snapshot(factory, shop) == before


def test_unknown_order_is_rejected(app, factory, shop, prepaid):
    _alice, order, sim = prepaid
    with app.app_context():
        tx = sim.transaction(order["order_no"])
        resource = {k: v for k, v in tx.items() if not k.startswith("_")}
        resource["out_trade_no"] = "99999999999999999999"
        notification = sim.build_notification(
            mchid=tx["mchid"], url=sim.payment_notification(order["order_no"]).url,
            event_id=str(uuid.uuid4()), event_type="TRANSACTION.SUCCESS", summary="支付成功",
            original_type="transaction", resource=resource)
    before = snapshot(factory, shop)
    answer = deliver(app, sim, notification)
    assert answer.status == 404
    assert snapshot(factory, shop) == before


def test_signature_probe_is_answered_with_a_rejection(app, factory, shop, prepaid):
    _alice, order, sim = prepaid
    with app.app_context():
        tx = sim.transaction(order["order_no"])
        url = sim.payment_notification(order["order_no"]).url
        probe = sim.signature_probe(url, mchid=tx["mchid"])
    before = snapshot(factory, shop)
    answer = deliver(app, sim, probe)
    assert answer.status >= 400
    assert snapshot(factory, shop) == before


def test_notification_for_another_shop_url_is_rejected(app, factory, shop, prepaid):
    """Delivered to shop B's notify URL, shop A's notification is not B's to apply."""
    _alice, order, sim = prepaid
    other = factory.shop(slug="beta")
    with app.app_context():
        notification = sim.payment_notification(order["order_no"])
    moved = SignedNotification(notification.url.replace("/alpha", f"/{other.slug}"),
                               notification.headers, notification.body, notification.event_id,
                               notification.event_type)
    before = snapshot(factory, shop)
    answer = deliver(app, sim, moved)
    assert answer.status in (400, 404)
    assert snapshot(factory, shop) == before


def test_concurrent_retries_of_one_notification_apply_once(app, factory, shop, prepaid):
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    _alice, order, sim = prepaid
    with app.app_context():
        notification = sim.payment_notification(order["order_no"])
    barrier = threading.Barrier(6)

    def send(_i):
        client = app.test_client()
        barrier.wait()
        return client.post(urlsplit(notification.url).path, data=notification.body,
                           headers=notification.headers).status_code

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(send, range(6))) == {204}
    after = snapshot(factory, shop)
    assert after["status"] == "paid" and after["notifications"] == 1
    assert after["transitions"] == 2  # created, paid: once
