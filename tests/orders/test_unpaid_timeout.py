"""The unpaid timeout: a scheduled job per order closes it and returns the stock; a sweeper
does the same for orders whose job was lost while Redis was down."""

from __future__ import annotations

from datetime import timedelta

from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from runtime import jobs
from runtime.db import use_shop
from runtime.modules.catalog.models import StockReservation
from runtime.modules.orders.effects import close_job_id
from runtime.modules.orders.jobs import close_unpaid_order, sweep_unpaid_orders
from runtime.modules.orders.models import OrderTransition
from runtime.modules.orders.settings import update_settings
from runtime.wechat.pay.simulator import WechatPaySimulator
from tests.orders.flow import shopper, sku_of, stock_of


def reservation_status(factory, shop) -> list[str]:
    with factory._session() as s:
        use_shop(s, shop.id)
        return [r.status for r in s.scalars(select(StockReservation))]


def test_timer_job_is_scheduled_at_the_deadline_and_closes_the_order(
        app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=3))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 2)
    assert stock_of(factory, shop, sku.id) == 1

    jid = close_job_id(shop.id, order["id"])
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.CRITICAL, redis_conn))
    assert jid in registry.get_job_ids()
    deadline = clock.now() + timedelta(minutes=30)
    assert registry.get_scheduled_time(jid) == deadline.replace(microsecond=0)

    clock.advance(timedelta(minutes=29, seconds=59))
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(seconds=1))
    assert jobs.release_due_jobs(redis_conn) == [jid]
    job = Job.fetch(jid, connection=redis_conn)
    with app.app_context():
        assert job.func(*job.args) == "closed"

    closed = alice.order(order["id"])
    assert closed["status"] == "closed" and closed["close_reason"] == "unpaid_timeout"
    assert closed["timeline"][-1]["event"] == "timed_out"
    assert stock_of(factory, shop, sku.id) == 3
    assert reservation_status(factory, shop) == ["released"]
    with app.app_context():  # running it again is harmless
        assert close_unpaid_order(shop.id, order["id"]) == "not pending"
    assert stock_of(factory, shop, sku.id) == 3


def test_timer_before_the_deadline_does_nothing(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=3))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 1)
    clock.advance(timedelta(minutes=10))
    with app.app_context():
        assert close_unpaid_order(shop.id, order["id"]) == "not due"
    assert alice.order(order["id"])["status"] == "pending_payment"


def test_sweeper_closes_orders_whose_job_was_lost(app, client, factory, shop, clock, redis_conn):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 2)
    redis_conn.flushdb()  # Redis lost everything: the timer is gone
    clock.advance(timedelta(minutes=31))
    with app.app_context():
        assert sweep_unpaid_orders() == 1
        assert sweep_unpaid_orders() == 0
    assert alice.order(order["id"])["status"] == "closed"
    assert stock_of(factory, shop, sku.id) == 5
    with factory._session() as s:
        use_shop(s, shop.id)
        row = s.scalars(select(OrderTransition).where(
            OrderTransition.to_status == "closed")).one()
        assert row.actor_type == "system" and row.actor_name == "unpaid-timeout"


def test_shop_setting_changes_the_deadline(app, client, factory, shop, clock):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, {"unpaid_timeout_minutes": 5})
        s.commit()
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 1)
    assert order["pay_deadline_at"] == (clock.now() + timedelta(minutes=5)).isoformat()


def test_a_late_notification_is_applied_instead_of_closing(app, client, factory, shop, clock):
    """The buyer paid just before the deadline but the notification is late: the timer asks
    WeChat Pay first and applies the payment."""
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-late")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    alice.pay(order["id"])
    with app.app_context():
        WechatPaySimulator.for_app(app).mark_paid(order["order_no"])
    clock.advance(timedelta(minutes=31))
    with app.app_context():
        assert close_unpaid_order(shop.id, order["id"]) == "paid"
    assert alice.order(order["id"])["status"] == "paid"
    assert stock_of(factory, shop, sku.id) == 4


def test_unpaid_wechat_order_is_closed_at_wechat_too(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=5))
    alice = shopper(app, client, factory, shop, openid="o-gone")
    alice.add_address()
    order = alice.buy(sku.id, 1)
    alice.pay(order["id"])
    clock.advance(timedelta(minutes=31))
    with app.app_context():
        assert close_unpaid_order(shop.id, order["id"]) == "closed"
        sim = WechatPaySimulator.for_app(app)
        assert sim.transaction(order["order_no"])["trade_state"] == "CLOSED"
    detail = alice.order(order["id"])
    assert detail["status"] == "closed" and detail["payments"][0]["status"] == "closed"
