"""Expiry: the shop's day job (scheduled when a coupon is issued) reminds the day before and
expires at the end, on a real ``mallkit worker`` with the timers released by the test clock;
the hourly sweeper catches what a lost job missed; a used coupon is never expired."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from runtime import jobs
from runtime.db import use_shop
from runtime.modules.coupons.jobs import sweep_job
from runtime.modules.coupons.service import day_job_id
from runtime.modules.members.models import Notice
from tests.coupons.flow import claim, events, member_coupon, template
from tests.orders.flow import shopper

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 on the 20th in Shanghai


def _notices(factory, shop):
    with factory._session() as s:
        use_shop(s, shop.id)
        return [(n.kind, n.member_id) for n in s.scalars(select(Notice).order_by(Notice.id))]


def test_day_jobs_remind_then_expire_on_a_real_worker(app, client, factory, shop, clock,
                                                      redis_conn, worker_env):
    clock.freeze(NOW)
    factory.module_on(shop, "coupons")
    alice = shopper(app, client, factory, shop)
    coupon = claim(alice, template(app, factory, shop, valid_days=2))
    assert coupon["valid_until"] == "2026-11-21T16:00:00+00:00"  # midnight 22nd, Shanghai
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.DEFAULT, redis_conn))
    remind_id = day_job_id(shop.id, datetime(2026, 11, 21).date())
    expire_id = day_job_id(shop.id, datetime(2026, 11, 22).date())
    assert registry.get_scheduled_time(remind_id) == datetime(2026, 11, 20, 16, tzinfo=UTC)
    assert registry.get_scheduled_time(expire_id) == datetime(2026, 11, 21, 16, tzinfo=UTC)

    clock.freeze(datetime(2026, 11, 20, 16, 0, tzinfo=UTC))
    assert jobs.release_due_jobs(redis_conn) == [remind_id]
    with app.app_context():  # the reminder day, run as the worker runs it
        job = Job.fetch(remind_id, connection=redis_conn)
        jobs.get_queue(jobs.DEFAULT, redis_conn).remove(remind_id)
        assert job.func(*job.args) == {"expired": 0, "reminded": 1}
    assert _notices(factory, shop) == [("coupon_expiring", alice.member.id)]

    clock.freeze(datetime(2026, 11, 21, 16, 0, tzinfo=UTC))
    assert jobs.release_due_jobs(redis_conn) == [expire_id]
    # The worker runs on the real clock, past this test's frozen instant (and the coupon's end).
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert Job.fetch(expire_id, connection=redis_conn).get_status() == "finished"
    assert member_coupon(factory, shop, coupon["id"]).status == "expired"
    assert events(factory, shop, coupon["id"]) == ["issue", "expire"]
    assert alice.call("GET", "/me/coupons?status=expired").json["items"][0]["id"] == coupon["id"]
    assert _notices(factory, shop) == [("coupon_expiring", alice.member.id)]  # once


def test_the_sweeper_expires_what_a_lost_job_missed(app, client, factory, shop, clock,
                                                   redis_conn):
    clock.freeze(NOW)
    factory.module_on(shop, "coupons")
    alice = shopper(app, client, factory, shop)
    short = claim(alice, template(app, factory, shop, name="短", valid_days=1))
    long = claim(alice, template(app, factory, shop, name="长", valid_days=5))
    used = claim(alice, template(app, factory, shop, name="已用", valid_days=1))
    with factory._session() as s:
        use_shop(s, shop.id)
        from runtime.modules.coupons.models import MemberCoupon

        s.scalar(select(MemberCoupon).where(MemberCoupon.id == used["id"])).status = "used"
        s.commit()
    redis_conn.flushdb()  # Redis lost the day jobs
    clock.advance(timedelta(days=1))
    with app.app_context():
        assert sweep_job() == {shop.id: {"expired": 1, "reminded": 0}}
        assert sweep_job() == {shop.id: {"expired": 0, "reminded": 0}}
    assert [member_coupon(factory, shop, c["id"]).status for c in (short, long, used)] == [
        "expired", "unused", "used"]
    clock.advance(timedelta(days=3))  # 12 hours before the long one ends
    with app.app_context():
        assert sweep_job() == {shop.id: {"expired": 0, "reminded": 1}}
