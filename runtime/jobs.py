"""Background work on RQ: three queues, deterministic job ids, timers and periodic sweepers.

Nothing is enqueued inside an open transaction: :func:`enqueue_after_commit` holds the
job until the session commits (and drops it on rollback), so a worker never sees a row
that was rolled back. Timers are scheduled jobs *plus* a periodic sweeper that catches
whatever was lost while Redis was down.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from sqlalchemy import event
from sqlalchemy.orm import Session

from runtime import logs
from runtime.clock import utcnow
from runtime.db import session_scope

log = logging.getLogger(__name__)

CRITICAL, DEFAULT, BULK = "critical", "default", "bulk"
QUEUE_NAMES = (CRITICAL, DEFAULT, BULK)
JOB_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
#: how long RQ keeps a failed job (to look into) and a finished one's result
_KEEP = {"failure_ttl": 7 * 24 * 3600, "result_ttl": 24 * 3600}
_LIVE = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}


class JobIdError(ValueError):
    """A job id must be built from ``[A-Za-z0-9_-]`` (RQ rejects ``:``)."""


def job_id(*parts: object) -> str:
    """A deterministic job id such as ``cancel-unpaid-3-1207``."""
    value = "-".join(str(p) for p in parts)
    if not JOB_ID_RE.match(value):
        raise JobIdError(f"invalid job id {value!r}: use letters, digits, '_' and '-'")
    return value


def get_queue(name: str, connection: redis.Redis) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; use one of {', '.join(QUEUE_NAMES)}")
    return Queue(name, connection=connection)


def fetch_job(connection: redis.Redis, jid: str) -> Job | None:
    """The job ``jid``, or None when there is none."""
    try:
        return Job.fetch(jid, connection=connection)
    except Exception:  # rq raises NoSuchJobError; a half-written hash is as good as none
        return None


def _existing_live_job(connection: redis.Redis, jid: str | None) -> Job | None:
    job = fetch_job(connection, jid) if jid is not None else None
    return job if job is not None and job.get_status(refresh=False) in _LIVE else None


def job_is_live(connection: redis.Redis, jid: str) -> bool:
    return _existing_live_job(connection, jid) is not None


def job_died(job: Job, now: datetime, heartbeat_lost: timedelta) -> bool:
    """A job that ended without finishing its work (failed, stopped, cancelled), or whose
    worker stopped beating (RQ beats ``last_heartbeat`` every few seconds while it runs;
    a SIGKILLed or lost worker leaves the job "started" for ever)."""
    status = job.get_status(refresh=False)
    if status == JobStatus.STARTED:
        beat = job.last_heartbeat or job.started_at
        return beat is None or beat.replace(tzinfo=UTC) < now - heartbeat_lost
    return status not in _LIVE


def enqueue(connection: redis.Redis, func: Callable[..., Any], *args: Any,
            queue: str = DEFAULT, jid: str | None = None, at: datetime | None = None,
            delay: timedelta | None = None, replace: bool = False, new: bool = False,
            **kwargs: Any) -> Job:
    """Enqueue ``func`` now, after ``delay`` or ``at`` a time.

    With a ``jid``, a job that is still queued or scheduled is kept (not enqueued twice)
    unless ``replace`` is set, in which case it is cancelled and scheduled anew. ``new``
    says no job can have that id yet (it names a row just created, or a fresh random
    ticket), so it is not looked up and RQ's writes go in one pipeline (one round trip).
    """
    if jid is not None:
        job_id(jid)
    if jid is not None and not new:
        existing = _existing_live_job(connection, jid)
        if existing is not None:
            if not replace:
                return existing
            existing.cancel()
            existing.delete()
    q = get_queue(queue, connection)
    if delay is not None:
        at = utcnow() + delay
    if at is not None and at.tzinfo is None:
        raise ValueError("enqueue(at=...) needs an aware datetime")
    pipe = connection.pipeline() if new else None
    options = {"job_id": jid, "args": args, "kwargs": kwargs, "pipeline": pipe, **_KEEP}
    job = (q.enqueue_at(at.astimezone(UTC), func, **options) if at is not None
           else q.enqueue_call(func, **options))
    if pipe is not None:
        pipe.execute()
    return job


def cancel(connection: redis.Redis, jid: str) -> bool:
    """Cancel a queued or scheduled job; True when there was one."""
    job = _existing_live_job(connection, jid)
    if job is None:
        return False
    job.cancel()
    job.delete()
    return True


# --- after-commit --------------------------------------------------------------------------


def on_commit(session: Session, callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the session's transaction commits; drop it on rollback.

    Register a ``functools.partial`` rather than a lambda over a loop variable.
    """
    session.info.setdefault("after_commit", []).append(callback)


def enqueue_after_commit(session: Session, connection: redis.Redis,
                         func: Callable[..., Any], *args: Any, **options: Any) -> None:
    on_commit(session, functools.partial(enqueue, connection, func, *args, **options))


def _current_app_redis() -> redis.Redis | None:
    """The current app's Redis; None outside an app context."""
    from runtime.extension import state

    try:
        return state().redis
    except RuntimeError:
        return None


def app_redis() -> redis.Redis | None:
    """The current app's Redis; None outside an app context (what would have been enqueued
    is left to the sweepers)."""
    connection = _current_app_redis()
    if connection is None:
        log.warning("a change outside an app context; its jobs are left to the sweepers")
    return connection


def session_redis(session: Session) -> redis.Redis | None:
    """The Redis of a session's after-commit work and caches: the one it carries
    (``session.info["redis"]``: jobs, imports, tests) or the current app's; None outside an
    app context."""
    connection = session.info.get("redis")
    return connection if connection is not None else _current_app_redis()


def enqueue_for_app_after_commit(session: Session, func: Callable[..., Any], *args: Any,
                                 **options: Any) -> None:
    """:func:`enqueue_after_commit` on the current app's Redis (domain code passes no
    connection around)."""
    connection = app_redis()
    if connection is not None:
        enqueue_after_commit(session, connection, func, *args, **options)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: Any) -> None:
    """Remember where a savepoint's callbacks start, so rolling it back drops only those."""
    if transaction.nested:
        marks = session.info.setdefault("after_commit_marks", {})
        marks[transaction] = len(session.info.get("after_commit", []))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: its callbacks wait for the real commit
    session.info.pop("after_commit_marks", None)
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        try:
            callback()
        except Exception:
            # The data is committed; a lost enqueue is caught by the module's sweeper.
            log.exception("after-commit callback %r failed", callback)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous: Any) -> None:
    marks = session.info.get("after_commit_marks", {})
    if previous.nested and previous in marks:
        del session.info.setdefault("after_commit", [])[marks.pop(previous):]
    elif not session.in_transaction():
        session.info.pop("after_commit", None)
        session.info.pop("after_commit_marks", None)


# --- scheduling with the injectable clock ---------------------------------------------------


def release_due_jobs(connection: redis.Redis, now: datetime | None = None) -> list[str]:
    """Move scheduled jobs that are due at ``now`` onto their queues (what RQ's scheduler does,
    but against mallkit's clock so tests can advance time instead of sleeping)."""
    timestamp = int((now or utcnow()).timestamp())
    released: list[str] = []
    for name in QUEUE_NAMES:
        q = get_queue(name, connection)
        registry = ScheduledJobRegistry(queue=q)
        for jid in registry.get_jobs_to_schedule(timestamp):
            if not connection.zrem(registry.key, jid):
                continue  # another worker's ticker took it
            try:
                job = Job.fetch(jid, connection=connection)
            except Exception:
                continue
            q.enqueue_job(job)
            released.append(jid)
    return released


# --- periodic sweepers ----------------------------------------------------------------------


def enqueue_periodic(connection: redis.Redis, periodic: Iterable[Any],
                     now: datetime | None = None) -> list[str]:
    """Enqueue each periodic job (the app's ``modules.periodic`` values) once per slot, across
    any number of workers."""
    now = now or utcnow()
    started: list[str] = []
    for item in periodic:
        seconds = max(int(item.every.total_seconds()), 1)
        slot = int(now.timestamp()) // seconds
        jid = job_id("periodic", item.name, slot)
        if connection.set(f"mallkit:periodic:{jid}", "1", nx=True, ex=seconds * 2):
            enqueue(connection, item.func, queue=item.queue, jid=jid)
            started.append(jid)
    return started


class _Ticker(threading.Thread):
    """Beside the worker: releases due scheduled jobs and enqueues periodic sweepers."""

    def __init__(self, connection: redis.Redis, periodic: Iterable[Any],
                 interval: float = 1.0) -> None:
        super().__init__(name="mallkit-ticker", daemon=True)
        self.connection = connection
        self.periodic = tuple(periodic)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                release_due_jobs(self.connection)
                enqueue_periodic(self.connection, self.periodic)
            except redis.RedisError:
                log.warning("ticker could not reach Redis; retrying", exc_info=True)


#: How long the worker's command listener (RQ's pub/sub thread) waits per poll. RQ's own 60
#: seconds is also how long stopping that thread can take once it has unsubscribed (redis-py
#: waits out the poll), so a burst run or a shutdown took up to a minute to end.
COMMAND_POLL_SECONDS = 0.5


class _InAppContext:
    """Runs each job inside the Flask app context; listens for RQ's commands in short polls."""

    app: Any = None

    def perform_job(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> bool:
        from runtime.extension import Mallkit

        with self.app.app_context():
            logs.bind(job_id=job.id, job=job.func_name)
            mk: Mallkit = self.app.extensions["mallkit"]
            if getattr(mk, "_pid", None) != os.getpid():
                mk.engine.dispose(close=False)  # pooled connections were the parent's
                mk._pid = os.getpid()  # type: ignore[attr-defined]
            return super().perform_job(job, queue, *args, **kwargs)  # type: ignore[misc]

    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()  # type: ignore[attr-defined]
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})  # type: ignore[attr-defined]
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=COMMAND_POLL_SECONDS, daemon=True,
            exception_handler=self._pubsub_exception_handler)  # type: ignore[attr-defined]


class AppWorker(_InAppContext, Worker):
    """An RQ worker that forks a work horse per job (a job that crashes or leaks takes only
    its horse with it; each horse starts with the parent's cold caches)."""


class InProcessAppWorker(_InAppContext, SimpleWorker):
    """An RQ worker that runs each job in its own process: no fork per job, so SQLAlchemy's
    compiled statements and the app's caches outlive a job (a seckill order job took about a
    third of its forked time: 65-98 ms against 230-290 ms). A job's timeout still holds (RQ's
    signal death penalty); a job that kills the interpreter takes the worker with it (its
    supervisor restarts it)."""


WORKER_REDIS_TIMEOUT = 30


def run_worker(app: Any, queues: tuple[str, ...] = QUEUE_NAMES, *, burst: bool = False,
               with_ticker: bool = True, fork: bool = True) -> bool:
    """Run a worker for ``app`` until stopped (or until the queues are empty with ``burst``),
    forking a work horse per job unless ``fork`` is off (:class:`InProcessAppWorker`)."""
    connection = app.extensions["mallkit"].redis
    # a worker may wait on a busy Redis; the web's fail-fast timeouts are not meant for it
    pool = connection.connection_pool
    pool.connection_kwargs.update(socket_timeout=WORKER_REDIS_TIMEOUT,
                                  socket_connect_timeout=WORKER_REDIS_TIMEOUT)
    pool.disconnect()
    worker_class = type("BoundAppWorker", (AppWorker if fork else InProcessAppWorker,),
                        {"app": app})
    worker = worker_class([get_queue(q, connection) for q in queues], connection=connection)
    periodic = app.extensions["mallkit"].modules.periodic.values()
    ticker = _Ticker(connection, periodic) if with_ticker and not burst else None
    if ticker:
        ticker.start()
    try:
        return worker.work(burst=burst, logging_level="INFO")
    finally:
        if ticker:
            ticker.stopped.set()


@contextmanager
def job_session(shop_id: int | None = None) -> Iterator[Session]:
    """The unit of work of a job: one transaction, committed at the end."""
    from runtime.extension import state

    with session_scope(state().session_factory, shop_id) as session:
        yield session


def active_shop_ids() -> list[int]:
    """Every active shop, by id (for sweeps that visit each shop)."""
    from sqlalchemy import select

    from runtime.db import platform_access
    from runtime.shops.models import Shop

    with job_session() as session, platform_access(session, "list the shops for a sweep"):
        return list(session.scalars(select(Shop.id).where(Shop.status == "active")
                                    .order_by(Shop.id)))


def for_each_shop(work: Callable[[Session], Any], what: str,
                  shop_ids: Iterable[int] | None = None) -> dict[int, Any]:
    """Run ``work`` once per shop (default: every active shop), each in its own shop-scoped
    transaction; returns its results by shop id. One shop failing does not stop the others:
    it is logged (and left for the next run) and has no result."""
    results: dict[int, Any] = {}
    for shop_id in shop_ids if shop_ids is not None else active_shop_ids():
        try:
            with job_session(shop_id) as session:
                results[shop_id] = work(session)
        except Exception:
            log.exception("%s failed for shop %s", what, shop_id)
    return results
