"""The editor's JSON endpoints: draft autosave with its revision check, rendering an unsaved
draft, publishing with a note, history, version preview, rollback, palette, theme tokens and
the pickers' look-ups."""

from __future__ import annotations

import re

from runtime.accounts.models import Role
from tests.editor.conftest import BASE, Console, block, config


def draft_of(console: Console, slug: str = "home") -> dict:
    response = console.get(f"/editor/pages/{slug}")
    assert response.status_code == 200
    return response.json


def test_state_creates_the_home_page_from_the_theme_preset(console):
    state = draft_of(console)
    assert state["slug"] == "home" and state["kind"] == "home"
    assert state["revision"] == 1 and state["live_version"] == 1
    assert state["config"]["blocks"], "the theme's home preset has blocks"


def test_autosave_bumps_the_revision_and_refuses_a_stale_one(console):
    state = draft_of(console)
    first = console.put("/editor/pages/home/draft", json={
        "config": config(block("t1", "title", title="第一版")), "revision": state["revision"]})
    assert first.status_code == 200, first.json
    assert first.json["revision"] == state["revision"] + 1
    # a second tab still holds the old revision: refused, nothing overwritten
    stale = console.put("/editor/pages/home/draft", json={
        "config": config(block("t1", "title", title="另一个窗口")), "revision": state["revision"]})
    assert stale.status_code == 409
    assert stale.json["code"] == "draft_conflict"
    assert stale.json["current_revision"] == first.json["revision"]
    again = draft_of(console)
    assert again["config"]["blocks"][0]["settings"]["title"] == "第一版"


def test_autosave_names_the_field_of_each_problem(console):
    state = draft_of(console)
    response = console.put("/editor/pages/home/draft", json={
        "config": config(block("t1", "title", title="x" * 41), block("s1", "spacer", height=2)),
        "revision": state["revision"]})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    pointers = {e["pointer"]: e["code"] for e in response.json["errors"]}
    assert pointers == {"/blocks/0/settings/title": "maxLength",
                        "/blocks/1/settings/height": "minimum"}
    assert draft_of(console)["revision"] == state["revision"]


def test_bad_bodies_are_4xx_problems(console):
    assert console.put("/editor/pages/home/draft", data="x",
                       headers={"Content-Type": "text/plain"}).status_code == 415
    response = console.put("/editor/pages/home/draft", json={"config": config()})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/revision"
    response = console.post("/editor/pages/home/render", json={"config": "nope"})
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/config"
    response = console.post("/editor/pages/home/render",
                            json={"config": config(), "only": "t1"})
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/only"
    assert console.get("/editor/products?ids=1,x").status_code == 422
    assert console.get("/editor/pages/nope").status_code == 404


def test_render_shows_an_unsaved_draft_without_saving_it(console):
    state = draft_of(console)
    draft = config(block("t1", "title", title="还没保存的标题"), block("s1", "spacer"),
                   {**block("h1", "title", title="隐藏"), "hidden": True})
    response = console.post("/editor/pages/home/render", json={"config": draft})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.json["html"]
    assert re.findall(r'data-block-id="([^"]+)"', html) == ["t1", "s1"]
    assert "还没保存的标题" in html and "<!doctype html>" in html.lower()
    assert draft_of(console)["revision"] == state["revision"]

    only = console.post("/editor/pages/home/render",
                        json={"config": draft, "only": ["t1"]}).json
    assert list(only["blocks"]) == ["t1"]
    assert only["blocks"]["t1"].startswith('<div class="mk-block" data-block-id="t1"')


def test_render_leaves_out_blocks_whose_settings_are_not_valid_yet(console):
    draft = config(block("t1", "title", title="x" * 41), block("t2", "title", title="好的"))
    data = console.post("/editor/pages/home/render",
                        json={"config": draft, "only": ["t1", "t2"]}).json
    assert list(data["blocks"]) == ["t2"]
    assert [e["pointer"] for e in data["invalid"]["t1"]] == ["/blocks/0/settings/title"]


def test_publish_with_a_note_then_history_preview_and_rollback(console, client):
    state = draft_of(console)
    saved = console.put("/editor/pages/home/draft", json={
        "config": config(block("t1", "title", title="双十一大促")), "revision": state["revision"]})
    published = console.post("/editor/pages/home/publish",
                             json={"revision": saved.json["revision"], "note": "活动上线"})
    assert published.status_code == 201
    assert published.json["number"] == 2 and published.json["note"] == "活动上线"
    assert "双十一大促" in client.get("/s/alpha/").get_data(as_text=True)

    history = console.get("/editor/pages/home/versions").json
    assert history["live_version"] == 2
    assert [(v["number"], v["source"]) for v in history["versions"]] == [(2, "publish"),
                                                                        (1, "preset")]
    old = console.get("/editor/pages/home/versions/1/preview",
                      headers={"Accept": "text/html"})
    assert old.status_code == 200 and "双十一大促" not in old.get_data(as_text=True)
    assert console.get("/editor/pages/home/versions/9/preview").status_code == 404

    rolled = console.post("/editor/pages/home/versions/1/rollback", json={})
    assert rolled.status_code == 201 and rolled.json["source"] == "rollback"
    assert "双十一大促" not in client.get("/s/alpha/").get_data(as_text=True)
    # the draft is untouched by a rollback
    assert draft_of(console)["config"]["blocks"][0]["settings"]["title"] == "双十一大促"


def test_publish_refuses_a_stale_revision_and_a_long_note(console):
    state = draft_of(console)
    stale = console.post("/editor/pages/home/publish", json={"revision": state["revision"] - 1})
    assert stale.status_code == 409 and stale.json["code"] == "draft_conflict"
    long_note = console.post("/editor/pages/home/publish",
                             json={"revision": state["revision"], "note": "长" * 201})
    assert long_note.status_code == 422 and long_note.json["errors"][0]["pointer"] == "/note"
    missing = console.post("/editor/pages/home/publish", json={})
    assert missing.status_code == 422 and missing.json["errors"][0]["pointer"] == "/revision"


def test_palette_offers_blocks_of_the_page_kind_whose_modules_are_on(console):
    home = console.get("/editor/palette?kind=home").json
    assert "title" in home["palette"] and "banner" in home["palette"]
    for type_ in home["palette"]:
        entry = home["blocks"][type_]
        assert entry["name"]["zh-CN"] and entry["settings_schema"]["type"] == "object"
    # coupon-strip needs the coupons module, which this shop does not have on
    if "coupon-strip" in home["blocks"]:
        assert "coupon-strip" not in home["palette"]
    assert console.get("/editor/palette?kind=nope").status_code == 422


def test_theme_tokens_apply_to_the_shop(console, client):
    theme = console.get("/editor/theme").json
    assert theme["tokens"]["color_primary"] == theme["defaults"]["color_primary"]
    changed = console.put("/editor/theme", json={"tokens": {"color_primary": "#123456",
                                                           "radius": 12}})
    assert changed.status_code == 200 and changed.json["tokens"]["color_primary"] == "#123456"
    assert "--mk-color-primary:#123456" in client.get("/s/alpha/").get_data(as_text=True)
    bad = console.put("/editor/theme", json={"tokens": {"radius": 99, "nope": 1}})
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json["errors"]} == {"/tokens/radius", "/tokens/nope"}


def test_product_picker_searches_the_catalog_and_keeps_id_order(console, factory, shop):
    a = factory.product(shop, "有机苹果", price_fen=1290)
    b = factory.product(shop, "赣南脐橙", price_fen=2590)
    found = console.get("/editor/products?q=苹果").json
    assert [p["title"] for p in found["items"]] == ["有机苹果"]
    assert found["items"][0]["price_fen"] == 1290
    ordered = console.get(f"/editor/products?ids={b.id},{a.id},999999").json
    assert [p["id"] for p in ordered["items"]] == [b.id, a.id]


def test_groups_categories_and_images_for_the_pickers(console, factory, shop):
    asset = factory.media_image(shop, name="hero.png")
    images = console.get(f"/editor/images?ids={asset.id},424242").json
    assert images[str(asset.id)].startswith("/media/") and images["424242"] is None
    assert console.get("/editor/groups").json == {"items": []}
    assert console.get("/editor/categories").json == {"items": []}


def test_editor_endpoints_need_the_pages_area(app, client, factory, shop):
    url = BASE + "/editor/pages/home"
    assert client.get(url, headers={"Accept": "application/json"}).status_code == 401
    staff = factory.merchant(shop, role=Role.STAFF, areas=["orders"])
    token = factory.console_login(client, staff)
    assert client.get(url, headers={"Accept": "application/json"}).status_code == 403
    assert client.put(BASE + "/editor/pages/home/draft", json={},
                      headers={"X-CSRF-Token": token}).status_code == 403
    stranger = factory.merchant(factory.shop(slug="beta"))
    other = app.test_client()
    factory.console_login(other, stranger)
    assert other.get(url, headers={"Accept": "application/json"}).status_code == 404


def test_writes_need_the_csrf_token(console):
    state = draft_of(console)
    response = console.client.put(BASE + "/editor/pages/home/draft",
                                  json={"config": config(), "revision": state["revision"]})
    assert response.status_code == 403 and response.json["code"] == "csrf_failed"


def test_history_notes_in_chinese_and_times_in_the_shops_zone(console, clock, factory, shop):
    from datetime import UTC, datetime

    clock.freeze(datetime(2026, 3, 1, 16, 30, tzinfo=UTC))  # 00:30 the next day in Shanghai
    state = draft_of(console)
    console.post("/editor/pages/home/publish", json={"revision": state["revision"]})
    console.post("/editor/pages/home/versions/1/rollback", json={})
    versions = console.get("/editor/pages/home/versions").json["versions"]
    assert [(v["number"], v["note"]) for v in versions] == [
        (3, "回滚到 v1"), (2, ""), (1, "由主题预设创建")]
    assert versions[0]["published_local"] == "2026-03-02 00:30"
    reserved = console.post("/pages", json={"slug": "cart", "title": "购物车"})
    assert reserved.status_code == 422
    assert reserved.json["errors"][0]["message"] == "this address is reserved"
    html = console.post("/pages", data={"slug": "cart", "title": "购物车",
                                        "csrf_token": console.token},
                        headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "该地址为系统保留" in html and "reserved" not in html


def test_a_version_with_its_config(console):
    draft_of(console)  # the home page and its first version are made on first need
    first = console.get("/editor/pages/home/versions/1").json
    assert first["number"] == 1 and first["source"] == "preset"
    assert first["config"]["kind"] == "home" and isinstance(first["config"]["blocks"], list)
    missing = console.get("/editor/pages/home/versions/9")
    assert missing.status_code == 404 and missing.json["code"] == "version_not_found"


def test_schedule_publish_checks_time_and_revision(console, clock):
    state = draft_of(console)
    bad = console.post("/editor/pages/home/schedule",
                       json={"revision": state["revision"], "run_at": "明天"})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/run_at"
    past = console.post("/editor/pages/home/schedule",
                        json={"revision": state["revision"], "run_at": "2026-11-25T11:59"})
    assert past.status_code == 422 and past.json["errors"][0]["code"] == "minimum"
    stale = console.post("/editor/pages/home/schedule",
                         json={"revision": state["revision"] - 1, "run_at": "2026-11-26T09:00"})
    assert stale.status_code == 409 and stale.json["code"] == "draft_conflict"
    planned = console.post("/editor/pages/home/schedule",
                           json={"revision": state["revision"], "run_at": "2026-11-26T09:00"})
    assert planned.status_code == 201
    assert planned.json["run_at"].startswith("2026-11-26T01:00")  # 09:00 in Shanghai, in UTC
    assert planned.json["run_local"] == "2026-11-26 09:00"
