"""The sweeper of import/export runs: a run whose job was lost is queued again after a grace
period (never twice), a run whose worker died is failed with a reason saying a re-run is
safe, and an import whose image follow-up was lost gets it again."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from rq.job import Job, JobStatus

from runtime.db import use_shop
from runtime.modules.catalog import exporting
from runtime.modules.catalog.importing import service
from runtime.modules.catalog.importing.jobs import (
    HEARTBEAT_LOST,
    enqueue_import,
    export_job_id,
    images_job_id,
    import_job_id,
    sweep_catalog_runs,
)
from runtime.modules.catalog.importing.models import CatalogImport
from runtime.modules.catalog.models import Product
from tests.catalog.importing.helpers import count_rows, import_file, workbook_bytes
from tests.processes import kill_with_children, wait_while_running


def _queued_ids(redis_conn) -> list[str]:
    from runtime.jobs import get_queue

    return get_queue("bulk", redis_conn).job_ids


def test_lost_jobs_are_queued_again_once(app, shop, shop_session, redis_conn, clock):
    run = service.create_import(shop_session, app.extensions["mallkit"].settings.data_dir,
                                "a.xlsx", workbook_bytes([{"title": "x", "price": "1"}]))
    export = exporting.create_export(shop_session, {})
    shop_session.commit()  # the enqueue after commit was never registered: the job is lost
    assert sweep_catalog_runs() == 0  # within the grace period
    clock.advance(timedelta(minutes=6))
    assert sweep_catalog_runs() == 2
    assert sorted(_queued_ids(redis_conn)) == sorted([import_job_id(shop.id, run.id),
                                                      export_job_id(shop.id, export.id)])
    assert sweep_catalog_runs() == 0  # queued now: not doubled
    assert len(_queued_ids(redis_conn)) == 2
    job = Job.fetch(import_job_id(shop.id, run.id), connection=redis_conn)
    assert job.func(*job.args) == "done"


def test_a_run_whose_worker_died_is_failed(app, shop, shop_session, clock):
    run = service.create_import(shop_session, app.extensions["mallkit"].settings.data_dir,
                                "a.xlsx", workbook_bytes([{"title": "x", "price": "1"}]),
                                locale="en")
    run.status = "running"
    shop_session.commit()
    clock.advance(timedelta(minutes=20))
    assert sweep_catalog_runs() == 0  # still within the time a chunk may take
    clock.advance(timedelta(minutes=11))
    assert sweep_catalog_runs() == 1
    shop_session.expire_all()
    run = shop_session.get(CatalogImport, run.id)
    assert run.status == "failed" and run.finished_at is not None
    assert run.error.startswith("the import stopped before it finished")
    shop_session.commit()


def test_a_lost_image_follow_up_is_queued_again(app, shop, shop_session, redis_conn, clock):
    run = import_file(app, shop, workbook_bytes([
        {"product_code": "I-1", "title": "x", "price": "1",
         "images": "https://img.example.com/a.jpg"}]))
    redis_conn.flushdb()  # Redis lost its queue
    clock.advance(timedelta(minutes=6))
    assert sweep_catalog_runs() == 1
    assert _queued_ids(redis_conn) == [images_job_id(shop.id, run.id)]
    job = Job.fetch(images_job_id(shop.id, run.id), connection=redis_conn)
    assert job.func(*job.args) == 1
    assert sweep_catalog_runs() == 0
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        assert session.get(CatalogImport, run.id).images_status == "done"


def _started_job(redis_conn, shop, run, beat: datetime, attempt: int = 1) -> None:
    """The job of ``run`` as a worker killed mid-run leaves it: started, last beat at
    ``beat``."""
    enqueue_import(redis_conn, shop.id, run.id, attempt)
    job = Job.fetch(import_job_id(shop.id, run.id), connection=redis_conn)
    job.set_status(JobStatus.STARTED)
    job.heartbeat(beat, 90)


def test_a_killed_worker_is_retried_once_then_failed(app, shop, shop_session, redis_conn,
                                                     clock):
    run = service.create_import(shop_session, app.extensions["mallkit"].settings.data_dir,
                                "a.xlsx", workbook_bytes([{"title": "x", "price": "1"}]),
                                locale="en")
    run.status = "running"
    shop_session.commit()
    _started_job(redis_conn, shop, run, clock.now())
    clock.advance(HEARTBEAT_LOST - timedelta(seconds=1))
    assert sweep_catalog_runs() == 0  # the worker may still be beating
    clock.advance(timedelta(seconds=2))
    assert sweep_catalog_runs() == 1  # dead: queued again, second attempt
    job = Job.fetch(import_job_id(shop.id, run.id), connection=redis_conn)
    assert job.get_status() == JobStatus.QUEUED and job.meta == {"attempt": 2}
    assert sweep_catalog_runs() == 0

    _started_job(redis_conn, shop, run, clock.now(), attempt=2)  # ... and killed again
    clock.advance(HEARTBEAT_LOST + timedelta(seconds=1))
    assert sweep_catalog_runs() == 1
    shop_session.expire_all()
    run = shop_session.get(CatalogImport, run.id)
    assert run.status == "failed" and run.error.startswith("the import stopped")
    shop_session.commit()


def test_an_import_whose_worker_was_sigkilled_is_resumed(app, shop, shop_session, redis_conn,
                                                          worker_env, clock):
    rows = [{"product_code": f"K-{i}", "title": f"商品 {i}", "price": "9.9", "stock": 3}
            for i in range(1000)]
    run = service.create_import(shop_session, app.extensions["mallkit"].settings.data_dir,
                                "big.xlsx", workbook_bytes(rows), locale="en")
    service.queue_import(shop_session, run, redis_conn)
    shop_session.commit()
    worker = subprocess.Popen([sys.executable, "-m", "runtime.cli", "worker", "-q", "bulk"],
                              env=worker_env, text=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)

    def importing() -> bool:
        # a reader (SQLite: BEGIN DEFERRED): a writer's BEGIN IMMEDIATE would queue behind
        # the worker's chunks and get the lock only once the import is done
        state = app.extensions["mallkit"]
        with state.session_factory(bind=state.reader) as session:
            use_shop(session, shop.id)
            run_now = session.get(CatalogImport, run.id)
            return run_now.status == "running" and run_now.processed_products > 0

    try:
        wait_while_running(worker, importing, timeout=120)
    finally:
        kill_with_children(worker)  # the worker and its work horse
    assert importing()  # killed mid-import

    clock.freeze(datetime.now(UTC) + timedelta(minutes=3))  # the worker beat in real time
    assert sweep_catalog_runs() == 1
    assert Job.fetch(import_job_id(shop.id, run.id), connection=redis_conn).meta == {
        "attempt": 2}
    done = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst",
                           "-q", "bulk"], env=worker_env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    shop_session.expire_all()
    run = shop_session.get(CatalogImport, run.id)
    assert run.status == "done" and run.failed_count == 0
    assert run.created_count + run.updated_count + run.unchanged_count == 1000
    shop_session.commit()
    assert count_rows(app, shop, Product) == 1000  # nothing written twice
