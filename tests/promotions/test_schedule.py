"""Start and end of an activity: timers released by the test clock and run by a real
``mallkit worker`` (a separate process on the real clock, so the windows are placed around
the real time: the test clock decides when a timer is released), each bumping the page
data; the sweeper applies what a lost timer missed; pricing follows the window itself."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from rq.job import Job
from rq.registry import ScheduledJobRegistry

from runtime import jobs
from runtime.db import use_shop
from runtime.modules.promotions.jobs import sweep_schedules
from runtime.modules.promotions.models import FullReduction, LimitedDiscount
from runtime.modules.promotions.service import timer_job_id
from runtime.pages.cache import current_stamp
from tests.orders.flow import shopper, sku_of
from tests.promotions.helpers import Console


def _status(factory, shop, model, rid):
    with factory._session() as s:
        use_shop(s, shop.id)
        return s.get(model, rid).status


def test_start_and_end_timers_fire_on_a_real_worker(app, client, factory, shop, clock,
                                                    redis_conn, worker_env):
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    clock.freeze(t0)
    factory.module_on(shop, "promotions")
    sku = sku_of(factory, shop, factory.product(shop, "茶", price_fen=1000, stock=9))
    console = Console(client, factory, shop)
    starting = console.discount([{"sku_id": sku.id, "mode": "price", "value": 600}],
                                starts_at=(t0 + timedelta(minutes=30)).isoformat(),
                                ends_at=(t0 + timedelta(days=3)).isoformat())
    ending = console.reduction([{"threshold": 100, "discount_fen": 10}],
                               starts_at=(t0 - timedelta(hours=1)).isoformat(),
                               ends_at=(t0 + timedelta(minutes=30)).isoformat())
    assert (starting["status"], ending["status"]) == ("scheduled", "active")
    start_jid = timer_job_id(shop.id, "discount", starting["id"], "start")
    end_jid = timer_job_id(shop.id, "full_reduction", ending["id"], "end")
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.DEFAULT, redis_conn))
    assert registry.get_scheduled_time(start_jid) == t0 + timedelta(minutes=30)
    assert registry.get_scheduled_time(end_jid) == t0 + timedelta(minutes=30)

    alice = shopper(app, client, factory, shop)
    alice.add_address()
    before = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    assert [a["source"] for a in before["adjustments"]] == [f"full_reduction:{ending['id']}"]

    clock.advance(timedelta(minutes=30) - timedelta(seconds=1))
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(seconds=1))
    assert sorted(jobs.release_due_jobs(redis_conn)) == sorted([start_jid, end_jid])
    stamp = current_stamp(redis_conn, shop.id)
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for jid in (start_jid, end_jid):
        assert Job.fetch(jid, connection=redis_conn).get_status() == "finished"
    assert _status(factory, shop, LimitedDiscount, starting["id"]) == "active"
    assert _status(factory, shop, FullReduction, ending["id"]) == "ended"
    assert current_stamp(redis_conn, shop.id) != stamp  # cached layouts are rebuilt
    after = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    assert [a["source"] for a in after["adjustments"]] == [
        f"limited_discount:{starting['id']}"]
    # an ended activity never reopens
    console.call("POST", f"/full-reductions/{ending['id']}", {"name": "再来"}, 409)


def test_the_sweeper_applies_a_lost_timer(app, client, factory, shop, clock, redis_conn):
    factory.module_on(shop, "promotions")
    sku = sku_of(factory, shop, factory.product(shop, "茶", price_fen=1000, stock=9))
    console = Console(client, factory, shop)
    now = clock.now()
    d = console.discount([{"sku_id": sku.id, "mode": "percent", "value": 50}],
                         starts_at=(now + timedelta(hours=2)).isoformat(),
                         ends_at=(now + timedelta(hours=4)).isoformat())
    jid = timer_job_id(shop.id, "discount", d["id"], "start")
    assert jobs.cancel(redis_conn, jid)  # the timer is lost
    clock.advance(timedelta(hours=2))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    # pricing follows the window even before the sweeper ran
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    assert quote["discount_total_fen"] == 500
    assert _status(factory, shop, LimitedDiscount, d["id"]) == "scheduled"
    stamp = current_stamp(redis_conn, shop.id)
    with app.app_context():
        assert sweep_schedules() == 1
        assert sweep_schedules() == 0  # once
    assert _status(factory, shop, LimitedDiscount, d["id"]) == "active"
    assert current_stamp(redis_conn, shop.id) != stamp
    clock.advance(timedelta(hours=2))
    with app.app_context():
        assert sweep_schedules() == 1
    assert _status(factory, shop, LimitedDiscount, d["id"]) == "ended"
    assert alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])[
        "discount_total_fen"] == 0
