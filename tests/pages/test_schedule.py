"""Scheduled publishing: a snapshot of the draft goes live at a set time through an RQ job,
and the periodic sweeper publishes it if the job was lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq.job import Job

from runtime import jobs
from runtime.errors import Conflict, ValidationFailed
from runtime.pages import store
from runtime.pages.jobs import sweep_scheduled_pages
from tests.pages.conftest import block, in_shop, page_config

API = "/api/v1/shops/alpha/layouts/home"


def schedule(app, shop, regs, title: str, at):
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        store.save_draft(s, "home", page_config(block("t", "title", title=title)),
                         page.draft_revision, regs)
        planned = store.schedule_publish(s, "home", at, registries=regs)
        s.commit()
        return planned


def perform(app, redis_conn, released):
    with app.app_context():
        for jid in released:
            Job.fetch(jid, connection=redis_conn).perform()


def titles(client):
    return [n["props"].get("title") for n in client.get(API).json["nodes"]]


def test_scheduled_publication_goes_live_at_its_time(app, client, shop, regs, clock,
                                                     redis_conn):
    start = clock.now()
    planned = schedule(app, shop, regs, "双十二", start + timedelta(hours=2))
    before = titles(client)
    assert "双十二" not in before

    # Later draft edits do not sneak into the scheduled snapshot.
    with in_shop(app, shop) as s:
        page = store.get_page(s, "home")
        store.save_draft(s, "home", page_config(block("t", "title", title="草稿")),
                         page.draft_revision, regs)
        s.commit()

    clock.advance(timedelta(hours=1, minutes=59))
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(minutes=2))
    released = jobs.release_due_jobs(redis_conn)
    assert released == [f"page-publish-{shop.id}-{planned.id}"]
    perform(app, redis_conn, released)
    assert titles(client) == ["双十二"]
    with in_shop(app, shop) as s:
        latest = store.history(s, "home")[0]
        assert latest.source == "schedule" and latest.number == 2
        assert store.pending_schedules(s, "home") == []
    # the sweeper finds nothing left to do, and running the job again changes nothing
    with app.app_context():
        assert sweep_scheduled_pages() == 0
    perform(app, redis_conn, released)
    with in_shop(app, shop) as s:
        assert len(store.history(s, "home")) == 2


def test_sweeper_publishes_when_the_job_was_lost(app, client, shop, regs, clock, redis_conn):
    planned = schedule(app, shop, regs, "补发", clock.now() + timedelta(minutes=30))
    assert jobs.cancel(redis_conn, f"page-publish-{shop.id}-{planned.id}")  # lost
    with app.app_context():
        assert sweep_scheduled_pages() == 0  # not due yet
    clock.advance(timedelta(minutes=31))
    with app.app_context():
        assert sweep_scheduled_pages() == 1
        assert sweep_scheduled_pages() == 0
    assert titles(client) == ["补发"]


def test_cancelled_schedule_never_publishes(app, client, shop, regs, clock, redis_conn):
    planned = schedule(app, shop, regs, "取消", clock.now() + timedelta(minutes=5))
    with in_shop(app, shop) as s:
        store.cancel_schedule(s, planned.id)
        s.commit()
        with pytest.raises(Conflict):
            store.cancel_schedule(s, planned.id)
    clock.advance(timedelta(minutes=6))
    perform(app, redis_conn, jobs.release_due_jobs(redis_conn))
    with app.app_context():
        assert sweep_scheduled_pages() == 0
    assert "取消" not in titles(client)


def test_schedule_time_must_be_in_the_future(app, shop, regs, clock):
    with in_shop(app, shop) as s:
        store.ensure_page(s, "home", regs)
        with pytest.raises(ValidationFailed) as caught:
            store.schedule_publish(s, "home", clock.now() - timedelta(minutes=1), registries=regs)
        assert caught.value.errors[0].pointer == "/run_at"


def test_sweeper_is_registered_as_periodic(app):
    assert "pages-publish-sweeper" in set(app.extensions["mallkit"].modules.periodic)
