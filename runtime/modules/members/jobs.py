"""Periodic work of the members module, one transaction per shop: segments (rule tags and
lifecycle stages), expiry of paid cards, the member export and the member import runs with
their sweeper (birthday gift points are the points module's job)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import redis
from sqlalchemy import select

from runtime.clock import utcnow
from runtime.db import platform_access, use_shop
from runtime.jobs import (
    BULK,
    fetch_job,
    for_each_shop,
    get_queue,
    job_died,
    job_id,
    job_is_live,
    job_session,
)
from runtime.modules.members.cards import expire_cards
from runtime.modules.members.models import ImportStatus, MemberImport
from runtime.modules.members.tags import recompute_segments

log = logging.getLogger(__name__)


def recompute_segments_job() -> dict[int, Any]:
    return for_each_shop(lambda s: recompute_segments(s), "members segments")


def expire_cards_job() -> dict[int, Any]:
    return for_each_shop(lambda s: expire_cards(s), "members card expiry")


def run_export(shop_id: int, export_id: int) -> str:
    from runtime.extension import state
    from runtime.modules.members.export import mark_failed, write_export

    try:
        with job_session(shop_id) as session:
            return write_export(session, export_id, state().settings.data_dir)
    except Exception as exc:
        with job_session(shop_id) as session:
            mark_failed(session, export_id, f"{type(exc).__name__}: {exc}")
        raise


# --- member imports (会员数据导入) ----------------------------------------------------------

IMPORT_TIMEOUT = 3600
IMPORT_SWEEP_GRACE = timedelta(minutes=5)  # a queued run with no job: Redis lost it
IMPORT_HEARTBEAT_LOST = timedelta(minutes=2)
IMPORT_ATTEMPTS = 2
IMPORT_STALLED = "导入没有完成（处理它的后台进程中断了两次）；请重新上传：已导入的会员不会重复"


def member_import_job_id(shop_id: int, run_id: int) -> str:
    return job_id("member-import", shop_id, run_id)


def enqueue_member_import(connection: redis.Redis, shop_id: int, run_id: int,
                          attempt: int = 1) -> None:
    """Queue the run's job on ``bulk`` (once: a live job with its id is kept)."""
    jid = member_import_job_id(shop_id, run_id)
    if job_is_live(connection, jid):
        return
    get_queue(BULK, connection).enqueue_call(
        run_member_import, args=(shop_id, run_id), job_id=jid, timeout=IMPORT_TIMEOUT,
        result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600, meta={"attempt": attempt})


def run_member_import(shop_id: int, run_id: int) -> str:
    """The import job: carries out (or resumes) the run a chunk at a time."""
    from runtime.extension import state
    from runtime.modules.members.import_runs import run_import

    mk = state()
    session = mk.session_factory()
    try:
        use_shop(session, shop_id)
        return run_import(session, run_id, mk.settings.data_dir).status
    finally:
        session.close()


def sweep_member_imports() -> int:
    """Queue again a run whose job was lost or whose worker died (it resumes after its last
    committed chunk), once; fail it on the second loss. Returns how many runs it touched."""
    from runtime.extension import state

    connection = state().redis
    now = utcnow()
    touched = 0
    with job_session() as session, platform_access(session, "members: sweep import runs"):
        runs = session.scalars(select(MemberImport).where(
            MemberImport.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING])))
        for run in runs:
            job = fetch_job(connection, member_import_job_id(run.shop_id, run.id))
            if job is None:
                if run.updated_at > now - IMPORT_SWEEP_GRACE:
                    continue
                attempt = max(run.attempts, 1) if run.status == ImportStatus.RUNNING else 0
            elif job_died(job, now, IMPORT_HEARTBEAT_LOST):
                attempt = int(job.meta.get("attempt", 1))
                job.delete()
            else:
                continue
            touched += 1
            if attempt < IMPORT_ATTEMPTS:
                log.warning("member import %s of shop %s lost its job; queued again", run.id,
                            run.shop_id)
                enqueue_member_import(connection, run.shop_id, run.id, attempt + 1)
            else:
                run.status, run.error, run.finished_at = (ImportStatus.FAILED.value,
                                                          IMPORT_STALLED, now)
                log.warning("member import %s of shop %s stalled; marked failed", run.id,
                            run.shop_id)
        session.flush()  # inside the platform escape: row-level security sees it as such
    return touched
