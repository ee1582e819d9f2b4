"""Background work of the page store: scheduled publishing (a timed job plus a sweeper)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.jobs import job_session
from runtime.modules.loader import ModuleSet
from runtime.pages.models import PageSchedule

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)


def publish_scheduled(shop_id: int, schedule_id: int) -> int | None:
    """The timed job: publish one scheduled snapshot; returns the new version number."""
    from runtime.pages.store import run_schedule

    with job_session(shop_id) as session:
        version = run_schedule(session, schedule_id)
        return version.number if version else None


def sweep_scheduled_pages() -> int:
    """Publish every due schedule whose timed job was lost (e.g. Redis was down)."""
    with job_session() as session, platform_access(session, "sweep due page schedules"):
        due = session.execute(select(PageSchedule.shop_id, PageSchedule.id).where(
            PageSchedule.status == "pending", PageSchedule.run_at <= utcnow())
            .order_by(PageSchedule.run_at)).all()
    done = 0
    for shop_id, schedule_id in due:
        try:
            if publish_scheduled(shop_id, schedule_id) is not None:
                done += 1
        except Exception:
            log.exception("scheduled publication %s of shop %s failed", schedule_id, shop_id)
    return done


def register_jobs(modules: ModuleSet) -> None:
    modules.add_periodic("pages-publish-sweeper", sweep_scheduled_pages, SWEEP_EVERY)
