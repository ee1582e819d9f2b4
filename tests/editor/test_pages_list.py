"""The pages list: every fixed page plus custom ones; create, rename, duplicate, delete, set as
home; plain forms for browsers, JSON for scripts; Chinese by default, English per user."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.pages import store
from tests.editor.conftest import BASE, block, config


def form(console, path, **fields):
    return console.client.post(BASE + path, data={"csrf_token": console.token, **fields})


def test_the_list_shows_the_fixed_pages_in_chinese(console):
    response = console.client.get(BASE + "/pages")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for label in ("首页", "分类页", "商品详情页", "购物车页", "会员中心", "新建页面"):
        assert label in html
    pages = console.get("/pages").json["pages"]
    assert [p["slug"] for p in pages] == ["home", "category", "product", "cart", "user"]
    assert all(p["live_version"] == 1 and not p["unpublished_changes"] for p in pages)


def test_the_list_speaks_english_to_an_english_user(client, factory, shop):
    user = factory.merchant(shop, locale="en")
    factory.console_login(client, user)
    html = client.get(BASE + "/pages").get_data(as_text=True)
    assert "New page" in html and "Member centre" in html and "新建页面" not in html
    editor = client.get(BASE + "/pages/home/edit").get_data(as_text=True)
    assert '"locale": "en"' in editor and '"save.saved": "Saved"' in editor


def test_create_a_custom_page_then_edit_it(console):
    response = form(console, "/pages", title="春季促销", slug="Spring-Sale")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pages/spring-sale/edit")
    editor = console.client.get(BASE + "/pages/spring-sale/edit")
    assert editor.status_code == 200 and "春季促销" in editor.get_data(as_text=True)
    row = next(p for p in console.get("/pages").json["pages"] if p["slug"] == "spring-sale")
    assert row["kind"] == "custom" and row["live_version"] is None
    assert row["unpublished_changes"] is True


def test_the_boot_data_cannot_break_out_of_its_script_element(console):
    import json
    import re

    title = "</script><!--<script>'&"
    assert console.post("/pages", json={"title": title, "slug": "tricky"}).status_code == 201
    html = console.client.get(BASE + "/pages/tricky/edit").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="editor-boot">(.*?)</script>', html,
                      re.S)
    assert found is not None
    raw = found.group(1)
    assert not set("<>&'") & set(raw)
    assert json.loads(raw)["page"]["title"] == title


def test_create_names_the_field_that_is_wrong(console):
    bad = form(console, "/pages", title="", slug="ok")
    assert bad.status_code == 422 and "field-error" in bad.get_data(as_text=True)
    taken = console.post("/pages", json={"title": "首页二", "slug": "home"})
    assert taken.status_code == 422 and taken.json["errors"][0]["pointer"] == "/slug"
    console.post("/pages", json={"title": "活动", "slug": "event"})
    again = console.post("/pages", json={"title": "活动", "slug": "event"})
    assert again.status_code == 409 and again.json["errors"][0]["pointer"] == "/slug"
    assert console.post("/pages", json={"title": "x" * 61, "slug": "long"}).status_code == 422


def test_rename_changes_the_draft_title_and_its_revision(console):
    state = console.get("/editor/pages/home").json
    renamed = console.patch("/pages/home", json={"title": "  新首页  "})
    assert renamed.status_code == 200 and renamed.json["title"] == "新首页"
    assert renamed.json["revision"] == state["revision"] + 1
    assert renamed.json["config"]["title"] == "新首页"
    assert console.patch("/pages/home", json={"title": " "}).status_code == 422
    assert form(console, "/pages/home/rename", title="首页").status_code == 302
    assert console.get("/editor/pages/home").json["title"] == "首页"


def test_duplicate_copies_the_draft_as_a_custom_page(console):
    state = console.get("/editor/pages/home").json
    console.put("/editor/pages/home/draft", json={"revision": state["revision"], "config": config(
        block("t1", "title", title="复制我"), block("s1", "search-bar"))})
    copied = console.post("/pages/home/duplicate", json={})
    assert copied.status_code == 201
    assert copied.json["slug"] == "home-copy" and copied.json["kind"] == "custom"
    assert copied.json["config"]["blocks"][0]["id"] == "t1"
    again = console.post("/pages/home/duplicate", json={"slug": "", "title": "第二份"})
    assert again.json["slug"] == "home-copy-2" and again.json["title"] == "第二份"
    # the original is unchanged
    assert console.get("/editor/pages/home").json["config"]["blocks"][0]["id"] == "t1"


def test_only_custom_pages_can_be_deleted(console, client):
    console.post("/pages", json={"title": "活动", "slug": "event"})
    state = console.get("/editor/pages/event").json
    console.put("/editor/pages/event/draft", json={"revision": state["revision"], "config": config(
        block("t1", "title", title="活动页"), kind="custom", title="活动")})
    console.post("/editor/pages/event/publish", json={"revision": state["revision"] + 1})
    assert "活动页" in client.get("/s/alpha/pages/event").get_data(as_text=True)
    console.get("/pages")
    refused = console.delete("/pages/home")
    assert refused.status_code == 409 and refused.json["code"] == "page_required"
    assert console.delete("/pages/event").status_code == 204
    assert client.get("/s/alpha/pages/event").status_code == 404
    assert console.get("/editor/pages/event").status_code == 404
    assert console.delete("/pages/event").status_code == 404


def test_set_as_home_publishes_the_page_as_a_new_home_version(console, client):
    console.post("/pages", json={"title": "双十一", "slug": "double-11"})
    state = console.get("/editor/pages/double-11").json
    console.put("/editor/pages/double-11/draft", json={"revision": state["revision"],
                                                       "config": config(
        block("big", "title", title="双十一主会场"), kind="custom", title="双十一")})
    done = console.post("/pages/double-11/home", json={})
    assert done.status_code == 200, done.json
    assert done.json["version"]["number"] == 2 and done.json["left_out"] == []
    assert "双十一主会场" in client.get("/s/alpha/").get_data(as_text=True)
    home = console.get("/editor/pages/home").json
    assert home["config"]["kind"] == "home" and home["live_version"] == 2
    # the old home page is one rollback away
    console.post("/editor/pages/home/versions/1/rollback", json={})
    assert "双十一主会场" not in client.get("/s/alpha/").get_data(as_text=True)
    refused = console.post("/pages/home/home", json={})
    assert refused.status_code == 409 and refused.json["code"] == "not_custom"


def test_page_management_stays_in_its_shop(app, console, factory):
    other = factory.shop(slug="beta")
    session = app.extensions["mallkit"].session_factory()
    use_shop(session, other.id)
    store.create_page(session, "theirs", "他们的页面",
                      registries=app.extensions["mallkit"].registries["pages"])
    session.commit()
    session.close()
    assert console.patch("/pages/theirs", json={"title": "改掉"}).status_code == 404
    assert console.delete("/pages/theirs").status_code == 404
    assert console.post("/pages/theirs/duplicate", json={}).status_code == 404
    assert "theirs" not in [p["slug"] for p in console.get("/pages").json["pages"]]
