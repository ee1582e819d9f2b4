"""The expiry job on a real ``mallkit worker``: due only at ``expire_at`` on the test's
clock, then the worker fails the short group and records its refund."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from rq.registry import ScheduledJobRegistry

from runtime import jobs
from runtime.modules.groupbuy.groups import expiry_job_id, refund_no
from tests.groupbuy.flow import activity_stock, group, group_of, paid, people, read, setup


def worker_burst(worker_env) -> str:
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_a_short_group_fails_on_a_real_worker(app, client, factory, shop, clock, redis_conn,
                                              worker_env):
    from runtime.modules.aftersales.models import AfterSale

    activity, sku = setup(app, factory, shop)
    [alice] = people(app, client, factory, shop, "alice")
    order = paid(app, alice, activity, sku)
    gid = group_of(factory, shop, order["id"]).id
    jid = expiry_job_id(shop.id, gid)
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.CRITICAL, redis_conn))
    due = clock.now() + timedelta(hours=24)
    assert registry.get_scheduled_time(jid) == due.replace(microsecond=0)
    clock.advance(timedelta(hours=23, minutes=59))
    assert jid not in jobs.release_due_jobs(redis_conn)
    clock.advance(timedelta(minutes=1))
    assert jid in jobs.release_due_jobs(redis_conn)
    worker_burst(worker_env)
    assert group(factory, shop, gid).status == "failed"
    assert activity_stock(factory, shop, activity, sku) == 5
    request = read(factory, shop, lambda s: s.query(AfterSale).filter_by(
        no=refund_no(order["id"])).one())
    assert (request.initiator, request.amount_fen, request.status) == ("groupbuy", 4900,
                                                                        "refunding")
