"""After-sale timers: a refund-only request left 48 h is approved (below the cap) on a real
``mallkit worker``; a return not shipped back 7 days after agreement is cancelled; returned
goods count as received 10 days after the buyer shipped them (a return's refund is sent; an
exchange waits for the reship, its goods no longer refusable); and the sweeper does all of
it when Redis lost the jobs."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from rq.registry import ScheduledJobRegistry

from runtime import jobs
from runtime.modules.aftersales import service
from runtime.modules.aftersales.effects import send_job_id, timer_job_id
from runtime.modules.aftersales.errors import InvalidTransition
from runtime.modules.aftersales.jobs import run_timer, sweep
from tests.aftersales.flow import (
    MERCHANT,
    aftersale,
    buyer,
    history,
    in_shop,
    ship_order,
    sku_of,
    wechat_paid,
    wechat_refund,
)


def requested(app, client, factory, shop, kind="refund", amount=None, shipped=False,
              name="alice"):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=5))
    alice = buyer(app, client, factory, shop, name)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    if shipped:
        ship_order(app, factory, shop, order["id"])
    line = order["lines"][0]
    made = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": kind,
        "amount_fen": line["payable_fen"] if amount is None else amount,
        "reason": "超时测试"}, 201).json
    return alice, order, made


def worker_burst(worker_env) -> str:
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_refund_only_is_approved_after_48_hours_on_a_real_worker(
        app, client, factory, shop, clock, redis_conn, worker_env):
    _alice, _order, made = requested(app, client, factory, shop)
    jid = timer_job_id(shop.id, made["id"])
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.CRITICAL, redis_conn))
    due = clock.now() + timedelta(hours=48)
    assert registry.get_scheduled_time(jid) == due.replace(microsecond=0)
    clock.advance(timedelta(hours=47, minutes=59))
    assert jid not in jobs.release_due_jobs(redis_conn)
    clock.advance(timedelta(minutes=1))
    assert jid in jobs.release_due_jobs(redis_conn)
    worker_burst(worker_env)  # the timer: approved, the refund recorded and its send queued
    approved = aftersale(factory, shop, made["id"])
    assert approved.status == "refunding"
    assert approved.refund_no == made["no"]
    # the worker's own clock scheduled the send; release it at the worker's time and run it
    released = jobs.release_due_jobs(redis_conn, datetime.now(UTC) + timedelta(seconds=5))
    assert released == [send_job_id(shop.id, made["id"])]
    worker_burst(worker_env)
    assert wechat_refund(app, made["no"])["status"] == "PROCESSING"


def test_above_the_cap_a_refund_waits_for_the_merchant(app, client, factory, shop, clock,
                                                      redis_conn):
    factory_settings = {"auto_approve_max_fen": 1000}
    from runtime.modules.switches import update_settings

    in_shop(app, factory, shop, update_settings, "aftersales", factory_settings)
    _alice, _order, made = requested(app, client, factory, shop, amount=2000)
    assert made["due_at"] is None
    clock.advance(timedelta(days=30))
    with app.app_context():
        assert sweep()["timers"] == 0
    assert aftersale(factory, shop, made["id"]).status == "apply"


def test_the_sweeper_runs_timers_whose_jobs_were_lost(app, client, factory, shop, clock,
                                                      redis_conn):
    _a, _o, refund = requested(app, client, factory, shop)
    _b, _p, unsent = requested(app, client, factory, shop, kind="return", shipped=True,
                               name="bob")
    _c, _q, sent = requested(app, client, factory, shop, kind="return", shipped=True,
                             name="carol")
    for made in (unsent, sent):
        in_shop(app, factory, shop, service.agree, made["id"], MERCHANT)
    in_shop(app, factory, shop, service.ship_back, sent["id"], sent_by(factory, shop, sent),
            {"carrier": "顺丰", "tracking_no": "SF1"})
    for key in redis_conn.scan_iter("rq:*"):  # Redis lost every job (WeChat's state stays)
        redis_conn.delete(key)
    clock.advance(timedelta(days=6, hours=23))
    with app.app_context():
        assert sweep()["timers"] == 1  # only the 48 h approval is due
    assert aftersale(factory, shop, refund["id"]).status == "refunding"
    assert history(factory, shop, refund["id"]) == [  # approved in bulk, then refunded
        (None, "apply", "member"), ("apply", "wait_refund", "system"),
        ("wait_refund", "refunding", "system")]
    assert aftersale(factory, shop, unsent["id"]).status == "seller_agree"
    clock.advance(timedelta(hours=1))
    with app.app_context():
        assert sweep()["timers"] == 1
        assert run_timer(shop.id, unsent["id"]) == "not due"  # already done: harmless
    cancelled = aftersale(factory, shop, unsent["id"])
    assert (cancelled.status, cancelled.due_at) == ("buyer_cancel", None)
    clock.advance(timedelta(days=3))
    with app.app_context():
        assert sweep()["timers"] == 1
    received = aftersale(factory, shop, sent["id"])
    assert received.status == "refunding"
    assert wechat_refund(app, refund["no"]) is not None  # the sweeper also sent the refunds


def sent_by(factory, shop, made) -> int:
    return aftersale(factory, shop, made["id"]).member_id


def _exchange_shipped_back(app, client, factory, shop, name):
    _buyer, _order, made = requested(app, client, factory, shop, kind="exchange", amount=0,
                                     shipped=True, name=name)
    in_shop(app, factory, shop, service.agree, made["id"], MERCHANT)
    in_shop(app, factory, shop, service.ship_back, made["id"], sent_by(factory, shop, made),
            {"carrier": "顺丰", "tracking_no": "SF2"})
    return made


def _counts_as_received(app, factory, shop, made) -> None:
    """The exchange still waits for the reship, flagged; its goods can no longer be
    refused; the merchant's reship clears the flag."""
    received = aftersale(factory, shop, made["id"])
    assert (received.status, received.alert, received.due_at) == (
        "buyer_delivery", "goods_received", None)
    assert history(factory, shop, made["id"])[-1] == ("buyer_delivery", "buyer_delivery",
                                                      "system")
    with pytest.raises(InvalidTransition):
        in_shop(app, factory, shop, service.refuse_goods, made["id"], MERCHANT, "破损")
    in_shop(app, factory, shop, service.reship, made["id"], MERCHANT,
            {"carrier": "顺丰", "tracking_no": "SF3"})
    reshipped = aftersale(factory, shop, made["id"])
    assert (reshipped.status, reshipped.alert) == ("seller_reship", "")


def test_an_exchanges_goods_count_as_received_after_10_days_on_a_real_worker(
        app, client, factory, shop, clock, redis_conn, worker_env):
    made = _exchange_shipped_back(app, client, factory, shop, "dave")
    jid = timer_job_id(shop.id, made["id"])
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.CRITICAL, redis_conn))
    due = clock.now() + timedelta(days=10)
    assert registry.get_scheduled_time(jid) == due.replace(microsecond=0)
    clock.advance(timedelta(days=9, hours=23, minutes=59))
    assert jid not in jobs.release_due_jobs(redis_conn)
    clock.advance(timedelta(minutes=1))
    assert jid in jobs.release_due_jobs(redis_conn)
    worker_burst(worker_env)
    _counts_as_received(app, factory, shop, made)


def test_the_sweeper_receives_an_exchange_whose_job_was_lost(app, client, factory, shop,
                                                             clock, redis_conn):
    made = _exchange_shipped_back(app, client, factory, shop, "erin")
    for key in redis_conn.scan_iter("rq:*"):
        redis_conn.delete(key)
    clock.advance(timedelta(days=9, hours=23))
    with app.app_context():
        assert sweep()["timers"] == 0
    assert aftersale(factory, shop, made["id"]).alert == ""
    clock.advance(timedelta(hours=1))
    with app.app_context():
        assert sweep()["timers"] == 1
        assert run_timer(shop.id, made["id"]) == "not due"  # already done: harmless
    _counts_as_received(app, factory, shop, made)
