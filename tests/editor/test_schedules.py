"""Pending scheduled publications: the editor lists a page's and cancels one, the pages list
shows the shop's and cancels one with a plain form; a cancelled one never publishes and its
timed job is gone; another page's or shop's publication is out of reach."""

from __future__ import annotations

from datetime import timedelta

from rq.job import Job

from runtime.db import use_shop
from runtime.jobs import job_id
from runtime.pages import store
from runtime.pages.jobs import sweep_scheduled_pages
from tests.accounts.helpers import HTML
from tests.editor.conftest import BASE, block, config


def plan(console, slug: str, when: str, title: str = "定时标题") -> dict:
    state = console.get(f"/editor/pages/{slug}").json
    saved = console.put(f"/editor/pages/{slug}/draft", json={
        "config": config(block("t1", "title", title=title), kind=state["kind"],
                         title=state["config"]["title"]),
        "revision": state["revision"]})
    assert saved.status_code == 200, saved.json
    planned = console.post(f"/editor/pages/{slug}/schedule",
                           json={"revision": saved.json["revision"], "run_at": when})
    assert planned.status_code == 201, planned.json
    return planned.json


def test_the_editor_lists_and_cancels_a_pages_scheduled_publications(app, console, clock,
                                                                   redis_conn, shop):
    later = plan(console, "home", "2026-11-27T09:00", "后天")
    sooner = plan(console, "home", "2026-11-26T09:00", "明天")
    assert console.post("/pages", json={"slug": "sale", "title": "促销"}).status_code == 201
    elsewhere = plan(console, "sale", "2026-11-26T10:00")

    listed = console.get("/editor/pages/home/schedules").json["items"]
    assert [(i["id"], i["run_local"]) for i in listed] == [
        (sooner["id"], "2026-11-26 09:00"), (later["id"], "2026-11-27 09:00")]
    assert listed[0]["page"] == "home" and listed[0]["status"] == "pending"
    jid = job_id("page-publish", shop.id, sooner["id"])
    assert Job.exists(jid, connection=redis_conn)

    # another page's publication is not this page's to cancel
    wrong = console.post(f"/editor/pages/home/schedules/{elsewhere['id']}/cancel", json={})
    assert wrong.status_code == 404 and wrong.json["code"] == "schedule_not_found"
    done = console.post(f"/editor/pages/home/schedules/{sooner['id']}/cancel", json={})
    assert done.status_code == 200 and done.json["status"] == "cancelled"
    assert not Job.exists(jid, connection=redis_conn)  # the timed job went with it
    again = console.post(f"/editor/pages/home/schedules/{sooner['id']}/cancel", json={})
    assert again.status_code == 409 and again.json["code"] == "schedule_closed"
    assert [i["id"] for i in console.get("/editor/pages/home/schedules").json["items"]] == [
        later["id"]]

    clock.advance(timedelta(days=1, hours=1))  # past the cancelled one, before the other
    with app.app_context():
        assert sweep_scheduled_pages() == 1  # only the sale page's
    versions = console.get("/editor/pages/home/versions").json["versions"]
    assert [v["source"] for v in versions] == ["preset"]
    clock.advance(timedelta(days=1))
    with app.app_context():
        assert sweep_scheduled_pages() == 1
    newest = console.get("/editor/pages/home/versions").json["versions"][0]
    assert newest["source"] == "schedule"
    assert newest["note"] == "定时发布（计划于 2026-11-27 09:00）"


def test_the_pages_list_shows_the_shops_publications_and_cancels_with_a_form(console, clock):
    planned = plan(console, "home", "2026-11-26T09:00")
    html = console.client.get(BASE + "/pages", headers=HTML).get_data(as_text=True)
    assert f'data-schedule="{planned["id"]}"' in html and "2026-11-26 09:00" in html
    assert [s["id"] for s in console.get("/pages").json["schedules"]] == [planned["id"]]
    answer = console.client.post(
        f"{BASE}/editor/pages/home/schedules/{planned['id']}/cancel",
        data={"csrf_token": console.token}, headers=HTML)
    assert answer.status_code == 302 and answer.location.endswith("/pages")
    html = console.client.get(BASE + "/pages", headers=HTML).get_data(as_text=True)
    assert "已取消「首页」计划于 2026-11-26 09:00 的定时发布。" in html
    assert "没有待执行的定时发布" in html
    assert console.get("/pages").json["schedules"] == []


def test_another_shops_publication_is_out_of_reach(app, console, factory, clock):
    other = factory.shop(slug="beta")
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, other.id)
        regs = app.extensions["mallkit"].registries["pages"]
        store.ensure_page(session, "home", regs)
        theirs = store.schedule_publish(session, "home", clock.now() + timedelta(hours=1),
                                        registries=regs)
        session.commit()
        theirs_id = theirs.id
    assert console.get("/editor/pages/home/schedules").json["items"] == []
    assert console.get("/pages").json["schedules"] == []
    stolen = console.post(f"/editor/pages/home/schedules/{theirs_id}/cancel", json={})
    assert stolen.status_code == 404
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, other.id)
        assert [s.status for s, _page in store.pending_schedules(session)] == ["pending"]
