"""WeChat Pay refunds of after-sales through the simulator: a retried send reaches WeChat
once, refunds of one payment go a minute apart, CLOSED goes back to 待退款 with an alert and
a new attempt number, ABNORMAL waits for the merchant, and a replayed, tampered or
mismatched REFUND notification changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from runtime.modules.aftersales import service
from runtime.modules.aftersales.jobs import send_refund
from runtime.modules.aftersales.models import AfterSale, AfterSaleTransition
from runtime.modules.payments.models import Refund
from runtime.modules.points.models import PointEntry
from runtime.wechat import keys
from runtime.wechat.pay.simulator import SignedNotification, WechatPaySimulator
from runtime.wechat.transport import AppTransport
from tests.aftersales.flow import (
    MERCHANT,
    aftersale,
    buyer,
    drain,
    in_shop,
    notify_refund,
    read,
    refunds,
    sku_of,
    stock_and_sales,
    wechat_paid,
    wechat_refund,
)


def refund_requested(app, client, factory, shop, redis_conn, price=3000, lines=1):
    skus = [sku_of(factory, shop, factory.product(shop, price_fen=price, stock=5))
            for _ in range(lines)]
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(s.id, 1) for s in skus])
    drain(app, redis_conn)
    made = in_shop(app, factory, shop, service.merchant_refund, order["id"],
                   [{"line_id": line["id"]} for line in order["lines"]], "缺货", MERCHANT)
    return alice, order, [(m.id, m.no) for m in made], skus


def test_a_retried_refund_reaches_wechat_once(app, client, factory, shop, clock, redis_conn):
    _alice, order, [(aid, no)], _ = refund_requested(app, client, factory, shop, redis_conn)
    drain(app, redis_conn)
    first = wechat_refund(app, no)
    assert first["status"] == "PROCESSING"
    with app.app_context():  # the job runs again (a retry, the sweeper)
        assert send_refund(shop.id, aid) == "waiting"

    def lose_the_answer(s):  # WeChat took it but our side never stored its answer
        refund = s.scalars(select(Refund)).one()
        refund.refund_id = ""
    in_shop(app, factory, shop, lose_the_answer)
    clock.advance(timedelta(minutes=1))
    with app.app_context():
        assert send_refund(shop.id, aid) == "ignored"  # sent again: same out_refund_no
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        tx = sim.transaction(order["order_no"])
        assert sim.redis.smembers(keys.sim_refunds_of(tx["mchid"], order["order_no"])) == \
            {no.encode()}  # WeChat holds one refund
    assert wechat_refund(app, no)["refund_id"] == first["refund_id"]
    assert read(factory, shop, lambda s: s.scalars(select(Refund)).one().refund_id) == \
        first["refund_id"]
    assert notify_refund(app, no).status == 204
    assert aftersale(factory, shop, aid).status == "complete"


def test_refunds_of_one_payment_go_a_minute_apart(app, client, factory, shop, clock,
                                                  redis_conn):
    alice, order, made, _ = refund_requested(app, client, factory, shop, redis_conn, lines=2)
    ran = drain(app, redis_conn)
    assert sorted(result for _, result in ran) == ["ignored", "spaced"]
    assert [wechat_refund(app, no) is not None for _, no in made].count(True) == 1
    clock.advance(timedelta(seconds=59))
    drain(app, redis_conn)
    assert [wechat_refund(app, no) is not None for _, no in made].count(True) == 1
    clock.advance(timedelta(seconds=1))
    drain(app, redis_conn)
    assert all(wechat_refund(app, no) is not None for _, no in made)
    for _, no in made:
        assert notify_refund(app, no).status == 204
    detail = alice.order(order["id"])
    assert detail["refund_status"] == "ALL" and detail["status"] == "closed"
    assert detail["refunded_fen"] == order["paid_fen"]  # freight too: never shipped


def test_closed_goes_back_to_wait_refund_and_is_sent_again(app, client, factory, shop, clock,
                                                           redis_conn):
    _alice, _order, [(aid, no)], [sku] = refund_requested(app, client, factory, shop,
                                                          redis_conn)
    drain(app, redis_conn)
    assert notify_refund(app, no, "CLOSED").status == 204
    closed = aftersale(factory, shop, aid)
    assert (closed.status, closed.alert) == ("wait_refund", "refund_closed")
    assert stock_and_sales(factory, shop, sku.id) == (4, 1)  # nothing given back
    in_shop(app, factory, shop, service.retry_refund, aid, MERCHANT)
    again = aftersale(factory, shop, aid)
    assert (again.status, again.refund_no, again.alert) == ("refunding", f"{no}-2", "")
    clock.advance(timedelta(minutes=1))
    drain(app, redis_conn)
    assert notify_refund(app, f"{no}-2").status == 204
    assert aftersale(factory, shop, aid).status == "complete"
    assert [(n, s) for n, _, s in refunds(factory, shop)] == [
        (no, "closed"), (f"{no}-2", "succeeded")]
    assert stock_and_sales(factory, shop, sku.id) == (5, 0)


def test_abnormal_waits_for_the_merchant(app, client, factory, shop, clock, redis_conn):
    _alice, _order, [(aid, no)], [sku] = refund_requested(app, client, factory, shop,
                                                          redis_conn)
    drain(app, redis_conn)
    assert notify_refund(app, no, "ABNORMAL").status == 204
    waiting = aftersale(factory, shop, aid)
    assert (waiting.status, waiting.alert) == ("refunding", "refund_abnormal")
    assert stock_and_sales(factory, shop, sku.id) == (4, 1)
    in_shop(app, factory, shop, service.settle_by_hand, aid, MERCHANT, "已银行转账退回")
    done = aftersale(factory, shop, aid)
    assert done.status == "complete"
    assert stock_and_sales(factory, shop, sku.id) == (5, 0)


def snapshot(factory, shop) -> dict:
    def take(s):
        a = s.scalars(select(AfterSale)).one()
        return {"status": a.status, "alert": a.alert,
                "transitions": s.scalar(select(func.count())
                                        .select_from(AfterSaleTransition)),
                "points": s.scalar(select(func.count()).select_from(PointEntry)),
                "refunds": [(r.status, r.refund_id) for r in s.scalars(select(Refund))]}
    return read(factory, shop, take)


def test_replayed_tampered_or_mismatched_notifications_change_nothing(
        app, client, factory, shop, clock, redis_conn):
    _alice, _order, [(_aid, no)], [sku] = refund_requested(app, client, factory, shop,
                                                          redis_conn)
    drain(app, redis_conn)
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        sim.complete_refund(no)
        good = sim.refund_notification(no)
        entry = sim.refund_record(no)
    before = snapshot(factory, shop)
    body = json.loads(good.body)
    body["summary"] = "退款成功!"
    tampered = SignedNotification(good.url, good.headers, json.dumps(
        body, ensure_ascii=False, separators=(",", ":")).encode(), good.event_id,
        good.event_type)
    with app.app_context():
        assert sim.deliver(tampered, AppTransport(app)).status == 401
        resource = {"mchid": entry["_mchid"], "out_trade_no": entry["out_trade_no"],
                    "transaction_id": entry["transaction_id"], "refund_id": entry["refund_id"],
                    "out_refund_no": no, "refund_status": "SUCCESS",
                    "user_received_account": "支付用户零钱",
                    "amount": {"total": entry["amount"]["total"], "refund": 1,
                               "payer_total": entry["amount"]["total"], "payer_refund": 1}}
        wrong = sim.build_notification(mchid=entry["_mchid"], url=good.url,
                                       event_id="forged-amount", event_type="REFUND.SUCCESS",
                                       summary="退款成功", original_type="refund",
                                       resource=resource)
        assert sim.deliver(wrong, AppTransport(app)).status == 400
    assert snapshot(factory, shop) == before
    with app.app_context():
        assert sim.deliver(good, AppTransport(app)).status == 204
    after = snapshot(factory, shop)
    assert after["status"] == "complete" and after != before
    with app.app_context():
        assert sim.deliver(good, AppTransport(app)).status == 204  # replay
    assert snapshot(factory, shop) == after
    assert stock_and_sales(factory, shop, sku.id) == (5, 0)
