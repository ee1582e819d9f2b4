"""Background work of catalog import/export: the import job, its image follow-up, the export
job, and a sweeper that re-queues runs whose job was lost or whose worker died (once), and
fails them after that.

A worker that dies (SIGKILL, out of memory, a lost machine) leaves its job "started" in Redis;
RQ's worker beats the job's ``last_heartbeat`` every 30 s, so a started job whose heartbeat is
older than :data:`HEARTBEAT_LOST` is dead. The sweeper runs every minute: a killed import is
queued again (an import re-run updates what the first attempt wrote, never duplicates it)
within about three minutes, and a second death fails it.

The jobs go on the ``bulk`` queue with a long timeout of their own (a 10 000-product
import outlives RQ's default three minutes on a slow machine). Job ids are deterministic
(``catalog-import-<shop>-<run>``) and a finished run ignores a repeated job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis
from rq.job import Job
from sqlalchemy import select

from runtime.clock import utcnow
from runtime.db import platform_access, use_shop
from runtime.jobs import BULK, fetch_job, get_queue, job_died, job_id, job_is_live, job_session
from runtime.modules.catalog.importing.messages import Msg, render
from runtime.modules.catalog.importing.models import CatalogExport, CatalogImport, RunStatus

log = logging.getLogger(__name__)

JOB_TIMEOUT = 2 * 3600
SWEEP_EVERY = timedelta(minutes=1)
QUEUED_GRACE = timedelta(minutes=5)
HEARTBEAT_LOST = timedelta(minutes=2)
STALLED_AFTER = timedelta(minutes=30)  # a run with no job at all (Redis lost it)
ATTEMPTS = 2
STALLED_IMPORT = Msg("the import stopped before it finished (the worker was lost); start it "
                     "again: products already imported are updated, not duplicated")
STALLED_EXPORT = Msg("the export stopped before it finished (the worker was lost); start it "
                     "again")


def import_job_id(shop_id: int, import_id: int) -> str:
    return job_id("catalog-import", shop_id, import_id)


def export_job_id(shop_id: int, export_id: int) -> str:
    return job_id("catalog-export", shop_id, export_id)


def images_job_id(shop_id: int, import_id: int) -> str:
    return job_id("catalog-import-images", shop_id, import_id)


def _fetch(connection: redis.Redis, jid: str) -> Job | None:
    return fetch_job(connection, jid)


def _live(connection: redis.Redis, jid: str) -> bool:
    return job_is_live(connection, jid)


def _dead(job: Job, now: datetime) -> bool:
    """A job that ended without finishing its run, or whose worker stopped beating."""
    return job_died(job, now, HEARTBEAT_LOST)


def _enqueue(connection: redis.Redis, func: object, shop_id: int, run_id: int,
             jid: str, attempt: int = 1) -> None:
    if _live(connection, jid):
        return
    get_queue(BULK, connection).enqueue_call(
        func, args=(shop_id, run_id), job_id=jid, timeout=JOB_TIMEOUT,
        result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600, meta={"attempt": attempt})


def enqueue_import(connection: redis.Redis, shop_id: int, import_id: int,
                   attempt: int = 1) -> None:
    _enqueue(connection, run_catalog_import, shop_id, import_id,
             import_job_id(shop_id, import_id), attempt)


def enqueue_export(connection: redis.Redis, shop_id: int, export_id: int,
                   attempt: int = 1) -> None:
    _enqueue(connection, run_catalog_export, shop_id, export_id,
             export_job_id(shop_id, export_id), attempt)


def enqueue_import_images(connection: redis.Redis, shop_id: int, import_id: int) -> None:
    _enqueue(connection, run_import_images, shop_id, import_id,
             images_job_id(shop_id, import_id))


def run_catalog_import(shop_id: int, import_id: int) -> str:
    """The import job: carries out the run in chunks (see ``importer.run_import``)."""
    from runtime.extension import state
    from runtime.modules.catalog.importing.importer import run_import

    mk = state()
    session = mk.session_factory()
    try:
        use_shop(session, shop_id)
        session.info["redis"] = mk.redis
        return run_import(session, import_id, mk.settings.data_dir).status
    finally:
        session.close()


def run_import_images(shop_id: int, import_id: int) -> int:
    """The follow-up of an import: adopt its image URLs into the media library."""
    from runtime.extension import state
    from runtime.modules.catalog.importing.images import adopt_import_images

    mk = state()
    session = mk.session_factory()
    try:
        use_shop(session, shop_id)
        session.info["redis"] = mk.redis
        return adopt_import_images(session, import_id)
    finally:
        session.close()


def run_catalog_export(shop_id: int, export_id: int) -> str:
    """The export job: writes the filtered product list to .xlsx."""
    from runtime.extension import state
    from runtime.modules.catalog.exporting import run_export

    mk = state()
    session = mk.session_factory()
    try:
        use_shop(session, shop_id)
        return run_export(session, export_id, mk.settings.data_dir).status
    finally:
        session.close()


def sweep_catalog_runs() -> int:
    """Re-queue runs whose job was lost (after a grace period) or died (once); fail a run
    that died again, or that has had no job and no progress for a long time. Returns how
    many runs it touched."""
    from runtime.extension import state

    connection = state().redis
    now = utcnow()
    touched = 0
    with job_session() as session, platform_access(session, "catalog: sweep import runs"):
        for model, enqueue, make_id in ((CatalogImport, enqueue_import, import_job_id),
                                        (CatalogExport, enqueue_export, export_job_id)):
            runs = session.scalars(select(model).where(
                model.status.in_([RunStatus.QUEUED, RunStatus.RUNNING])))
            for run in runs:
                job = _fetch(connection, make_id(run.shop_id, run.id))
                if job is None:
                    lost = (run.created_at < now - QUEUED_GRACE
                            if run.status == RunStatus.QUEUED
                            else run.updated_at < now - STALLED_AFTER)
                    attempt = ATTEMPTS if run.status == RunStatus.RUNNING else 0
                elif _dead(job, now):
                    lost, attempt = True, int(job.meta.get("attempt", 1))
                    job.delete()
                else:
                    continue
                if not lost:
                    continue
                touched += 1
                if attempt < ATTEMPTS:
                    log.warning("catalog %s run %s of shop %s lost its job; queued again",
                                model.__tablename__, run.id, run.shop_id)
                    enqueue(connection, run.shop_id, run.id, attempt + 1)
                    continue
                run.status = RunStatus.FAILED.value
                run.finished_at = now
                message = (STALLED_IMPORT if model is CatalogImport else STALLED_EXPORT)
                run.error = render(message, getattr(run, "locale", "en"))[:500]
                log.warning("catalog %s run %s of shop %s stalled; marked failed",
                            model.__tablename__, run.id, run.shop_id)
        waiting = list(session.scalars(select(CatalogImport).where(
            CatalogImport.status == RunStatus.DONE, CatalogImport.images_status == "queued",
            CatalogImport.updated_at < now - QUEUED_GRACE)))
        for run in waiting:
            if not _live(connection, images_job_id(run.shop_id, run.id)):
                touched += 1
                enqueue_import_images(connection, run.shop_id, run.id)
    return touched
