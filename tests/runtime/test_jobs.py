"""RQ queues, deterministic ids, after-commit enqueueing, timers on a real worker."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from runtime import jobs
from runtime.accounts.models import Membership
from runtime.db import use_shop
from runtime.modules.loader import Periodic
from tests.runtime.jobfuncs import count_call, record_pid, record_shop_name


def _run_worker_burst(worker_env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                          env=worker_env, capture_output=True, text=True, timeout=120)


def test_job_ids_are_deterministic_and_checked():
    assert jobs.job_id("cancel-unpaid", 3, 1207) == "cancel-unpaid-3-1207"
    with pytest.raises(jobs.JobIdError):
        jobs.job_id("bad:id", 1)


def test_unknown_queue_is_refused(redis_conn):
    with pytest.raises(ValueError, match="unknown queue"):
        jobs.enqueue(redis_conn, count_call, "k", queue="urgent")


def test_same_id_is_enqueued_once_unless_replaced(redis_conn):
    first = jobs.enqueue(redis_conn, count_call, "k", jid="once-1")
    second = jobs.enqueue(redis_conn, count_call, "k", jid="once-1")
    assert first.id == second.id == "once-1"
    assert Queue("default", connection=redis_conn).job_ids == ["once-1"]
    jobs.enqueue(redis_conn, count_call, "k2", jid="once-1", replace=True)
    assert Queue("default", connection=redis_conn).job_ids == ["once-1"]
    assert Job.fetch("once-1", connection=redis_conn).args == ("k2",)


def test_enqueue_after_commit_waits_for_commit_and_drops_on_rollback(
        redis_conn, session, shop, factory):
    queue = Queue("default", connection=redis_conn)
    use_shop(session, shop.id)
    user = factory.user()
    session.add(Membership(user_id=user.id, role="staff", areas=[]))
    jobs.enqueue_after_commit(session, redis_conn, count_call, "rolled", jid="rolled-back")
    session.flush()
    assert queue.job_ids == []
    session.rollback()
    assert queue.job_ids == []

    session.add(Membership(user_id=user.id, role="staff", areas=[]))
    jobs.enqueue_after_commit(session, redis_conn, count_call, "kept", jid="committed")
    assert queue.job_ids == []
    session.commit()
    assert queue.job_ids == ["committed"]


def test_after_commit_waits_for_the_outer_commit_and_honours_savepoints(
        redis_conn, session, shop, factory):
    queue = Queue("default", connection=redis_conn)
    use_shop(session, shop.id)
    user = factory.user()
    session.add(Membership(user_id=user.id, role="staff", areas=[]))
    jobs.enqueue_after_commit(session, redis_conn, count_call, "outer", jid="outer")

    with session.begin_nested():
        jobs.enqueue_after_commit(session, redis_conn, count_call, "kept", jid="released")
    assert queue.job_ids == []  # a released savepoint is not a commit

    savepoint = session.begin_nested()
    jobs.enqueue_after_commit(session, redis_conn, count_call, "dropped", jid="rolled-back-sp")
    savepoint.rollback()
    assert queue.job_ids == []

    session.commit()
    assert sorted(queue.job_ids) == ["outer", "released"]


def test_scheduled_job_fires_on_a_real_worker(app, redis_conn, shop, clock, worker_env):
    jid = jobs.job_id("record-name", shop.id)
    jobs.enqueue(redis_conn, record_shop_name, shop.id, "shop-name", jid=jid,
                 delay=timedelta(minutes=30))
    registry = ScheduledJobRegistry(queue=Queue("default", connection=redis_conn))
    assert registry.get_job_ids() == [jid]

    clock.advance(timedelta(minutes=29))
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(minutes=2))
    assert jobs.release_due_jobs(redis_conn) == [jid]
    assert registry.get_job_ids() == []

    result = _run_worker_burst(worker_env)
    assert result.returncode == 0, result.stderr
    assert redis_conn.get("shop-name").decode() == shop.name
    assert Job.fetch(jid, connection=redis_conn).get_status() == "finished"


def test_cancelled_timer_never_runs(redis_conn, clock):
    jobs.enqueue(redis_conn, count_call, "never", jid="timer-x", delay=timedelta(minutes=5))
    assert jobs.cancel(redis_conn, "timer-x") is True
    clock.advance(timedelta(minutes=10))
    assert jobs.release_due_jobs(redis_conn) == []
    assert jobs.cancel(redis_conn, "timer-x") is False


def test_periodic_job_is_enqueued_once_per_slot(redis_conn, clock):
    periodic = [Periodic("sweep-test", count_call, timedelta(minutes=1))]
    first = jobs.enqueue_periodic(redis_conn, periodic)
    again = jobs.enqueue_periodic(redis_conn, periodic)
    clock.advance(timedelta(minutes=1))
    next_slot = jobs.enqueue_periodic(redis_conn, periodic)
    assert len(first) == 1 and again == [] and len(next_slot) == 1
    assert first != next_slot
    assert len(Queue("default", connection=redis_conn).job_ids) == 2


def test_the_worker_listens_for_commands_in_short_polls(app, redis_conn):
    """RQ polls its command channel for 60 s at a time, and stopping the listener waits the
    poll out: a burst run or a shutdown could take a minute to end."""
    worker = type("Bound", (jobs.AppWorker,), {"app": app})(
        [jobs.get_queue("default", redis_conn)], connection=redis_conn)
    worker.subscribe()
    try:
        assert worker.pubsub_thread.sleep_time == jobs.COMMAND_POLL_SECONDS <= 1
    finally:
        worker.unsubscribe()
    assert not worker.pubsub_thread.is_alive()


@pytest.mark.parametrize("no_fork", [False, True])
def test_a_worker_without_fork_runs_jobs_in_its_own_process(redis_conn, worker_env, no_fork):
    jobs.enqueue(redis_conn, record_pid, "job-pid", jid="record-pid")
    command = [sys.executable, "-m", "runtime.cli", "worker", "--burst"]
    worker = subprocess.Popen(command + ["--no-fork"] * no_fork, env=worker_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _out, errors = worker.communicate(timeout=120)
    assert worker.returncode == 0, errors
    assert Job.fetch("record-pid", connection=redis_conn).get_status() == "finished"
    ran_in = int(redis_conn.get("job-pid"))
    assert (ran_in == worker.pid) is no_fork
