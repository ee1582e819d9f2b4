"""The sweeper of import/export runs: a run whose job was lost is queued again after a grace
period (never twice), a run whose worker died is failed with a reason saying a re-run is
safe, and an import whose image follow-up was lost gets it again."""

from __future__ import annotations

from datetime import timedelta

from rq.job import Job

from runtime.db import use_shop
from runtime.modules.catalog import exporting
from runtime.modules.catalog.importing import service
from runtime.modules.catalog.importing.jobs import (
    export_job_id,
    images_job_id,
    import_job_id,
    sweep_catalog_runs,
)
from runtime.modules.catalog.importing.models import CatalogImport
from tests.catalog.importing.helpers import import_file, workbook_bytes


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
