"""Seckill orders through the normal order path: the worked example of
docs/modules/seckill.md (price, time to pay, both stores), the order job's refusals giving
units back, and the release exactly once across the unpaid timer, a late cancel and a late
payment (refunded by payments)."""

from __future__ import annotations

from datetime import timedelta

from rq.job import Job
from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.orders import service as orders
from runtime.modules.orders.jobs import close_unpaid_order
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments.models import Payment
from runtime.modules.seckill.models import SeckillOrder
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.transport import AppTransport
from tests.orders.flow import shopper
from tests.seckill.helpers import at, example, place, run_order_job, state_of


def test_worked_example_of_the_docs(app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    at(clock, 2026, 12, 5, 10, 0, 0)
    ticket = place(buyer, ids).json
    assert ticket["status"] == "queued"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 99
    assert run_order_job(app, shop, ticket["ticket"]) == "created"
    polled = buyer.call("GET", f"/seckill/tickets/{ticket['ticket']}").json
    assert polled["status"] == "created"
    order = buyer.order(polled["order_id"])
    assert (order["goods_total_fen"], order["discount_fen"]) == (9900, 4000)
    assert order["payable_fen"] == 5900 + order["shipping_fen"]
    assert [a["source"] for a in order["pricing"]["adjustments"]] \
        == [f"seckill:{ids['activity_id']}"]
    assert order["pay_deadline_at"] == (clock.now() + timedelta(minutes=10)).isoformat()
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 99, "gate": 99, "held": 1, "orders": 1, "catalog": 119}

    clock.advance(timedelta(minutes=10))
    with app.app_context():
        assert close_unpaid_order(shop.id, order["id"]) == "closed"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 100, "gate": 100, "held": 0, "orders": 1, "catalog": 120}
    buyer.call("POST", f"/orders/{order['id']}/cancel", {}, expect=409)
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["db"] == 100


def test_a_payment_after_the_close_is_refunded_and_releases_nothing_again(
        app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    at(clock, 2026, 12, 5, 10, 0, 0)
    ticket = place(buyer, ids).json
    run_order_job(app, shop, ticket["ticket"])
    order_id = buyer.call("GET", f"/seckill/tickets/{ticket['ticket']}").json["order_id"]
    order = buyer.order(order_id)
    buyer.pay(order_id)
    clock.advance(timedelta(minutes=10))
    mk = app.extensions["mallkit"]
    # the timer closed it while WeChat Pay could not be asked (the prepay still open there)
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        orders.close_order(s, order_id, OrderEvent.TIMED_OUT, Actor.system("unpaid-timeout"))
        s.commit()
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["db"] == 100
    clock.advance(timedelta(seconds=-30))  # the buyer paid at WeChat just before its expiry
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        sim.mark_paid(order["order_no"])
        notification = sim.payment_notification(order["order_no"])
        assert sim.deliver(notification, AppTransport(app)).status == 204
        assert sim.deliver(notification, AppTransport(app)).status == 204  # a replay
    clock.advance(timedelta(seconds=30))
    with mk.session_factory() as s:
        use_shop(s, shop.id)
        payment = s.scalars(select(Payment).where(Payment.order_id == order_id)).one()
        claim = s.scalars(select(SeckillOrder)).one()
        assert (claim.stock_released, claim.released_reason) == (True, "closed")
    job = Job.fetch(f"refund-late-{shop.id}-{payment.id}", connection=mk.redis)
    with app.app_context():
        job.func(*job.args)
    assert buyer.order(order_id)["status"] == "closed"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 100, "gate": 100, "held": 0, "orders": 1, "catalog": 120}


def test_order_job_refusal_gives_the_units_back(app, client, factory, shop, clock):
    """No address for an express order: the quote cannot be submitted, the ticket fails
    with the reason and the gate gets its unit back."""
    ids = example(app, factory, shop)
    buyer = shopper(app, client, factory, shop)
    at(clock, 2026, 12, 5, 10, 0, 0)
    ticket = place(buyer, ids).json
    assert run_order_job(app, shop, ticket["ticket"]) == "failed"
    polled = buyer.call("GET", f"/seckill/tickets/{ticket['ticket']}").json
    assert polled["status"] == "failed" and polled["reason"]
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 100, "gate": 100, "held": 0, "orders": 0, "catalog": 120}
    assert run_order_job(app, shop, ticket["ticket"]) == "failed"  # settled once
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 100


def test_checkout_straight_to_orders_needs_the_gate(app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    buyer = shopper(app, client, factory, shop)
    buyer.add_address()
    at(clock, 2026, 12, 5, 10, 0, 0)
    quote = buyer.quote(source="items", items=[{"sku_id": ids["sku_id"], "qty": 1}],
                        activity={"kind": "seckill", "id": ids["activity_id"]})
    assert quote["payable_fen"] == 5900 + quote["shipping_fen"]
    refused = buyer.submit(quote["quote_id"], expect=409)
    assert refused.json["code"] == "seckill_ticket_required"
    at(clock, 2026, 12, 5, 9, 0, 0)
    early = buyer.quote(expect=409, source="items", items=[{"sku_id": ids["sku_id"], "qty": 1}],
                        activity={"kind": "seckill", "id": ids["activity_id"]})
    assert early["code"] == "seckill_not_started"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["db"] == 100
