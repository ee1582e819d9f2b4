"""Expiry: each launch's job (id ``bargain-expire-<shop>-<launch>``) due at ``expire_at`` on
the test clock and run by a real ``mallkit worker``; the sweeper expires a launch whose job
was lost; an expired launch can be neither cut nor bought."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from rq.registry import ScheduledJobRegistry

from runtime import jobs
from runtime.modules.bargain import jobs as bargain_jobs
from runtime.modules.bargain.launches import expiry_job_id
from tests.aftersales.flow import drain
from tests.bargain.flow import help_cut, launch, launch_row, people, quote_launch, setup


def test_the_expiry_job_runs_on_a_real_worker(app, client, factory, shop, clock, redis_conn,
                                             worker_env):
    activity, sku = setup(app, factory, shop, valid_hours=6)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    made = launch(alice, activity).json
    jid = expiry_job_id(shop.id, made["id"])
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.DEFAULT, redis_conn))
    due = clock.now() + timedelta(hours=6)
    assert registry.get_scheduled_time(jid) == due.replace(microsecond=0)
    clock.advance(timedelta(hours=5, minutes=59))
    assert jid not in jobs.release_due_jobs(redis_conn)
    clock.advance(timedelta(minutes=1))
    assert jid in jobs.release_due_jobs(redis_conn)
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert launch_row(factory, shop, made["id"]).status == "expired"
    refused = help_cut(bob, made["id"], expect=409)
    assert refused.json["code"] == "bargain_expired"
    quote = quote_launch(alice, sku, made["id"])
    assert quote.status_code == 409 and quote.json["code"] == "bargain_expired"


def test_the_sweeper_expires_a_launch_whose_job_was_lost(app, client, factory, shop, clock,
                                                        redis_conn):
    activity, _sku = setup(app, factory, shop, valid_hours=1)
    [alice] = people(app, client, factory, shop, "alice")
    made = launch(alice, activity).json
    assert jobs.cancel(redis_conn, expiry_job_id(shop.id, made["id"]))
    with app.app_context():
        assert bargain_jobs.sweep() == {"expired": 0, "nothing to do": 0}  # not due yet
        clock.advance(timedelta(hours=1))
        assert bargain_jobs.sweep() == {"expired": 1, "nothing to do": 0}
        assert bargain_jobs.sweep() == {"expired": 0, "nothing to do": 0}
    assert drain(app, redis_conn) == []
    assert launch_row(factory, shop, made["id"]).status == "expired"


def test_a_job_run_early_or_twice_changes_nothing(app, client, factory, shop, clock):
    activity, _sku = setup(app, factory, shop, valid_hours=1)
    [alice] = people(app, client, factory, shop, "alice")
    made = launch(alice, activity).json
    with app.app_context():
        assert bargain_jobs.expire_job(shop.id, made["id"]) == "nothing to do"
        clock.advance(timedelta(hours=1))
        assert bargain_jobs.expire_job(shop.id, made["id"]) == "expired"
        assert bargain_jobs.expire_job(shop.id, made["id"]) == "nothing to do"
