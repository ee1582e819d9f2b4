"""The theme studio and the theme gallery over HTTP: the report by file and pointer, versions,
fixture previews, install / switch from the gallery; agencies never reach a shop's data."""

from __future__ import annotations

import io
import json

import pytest

from runtime.pages import store
from runtime.themes.registry import THEMES_DIR
from tests.page_helpers import block, page_config
from tests.themes.conftest import in_shop, theme_zip

JSON = {"Accept": "application/json"}


@pytest.fixture
def designer(factory, agency):
    return factory.user(email="designer@acme.test", agency_id=agency.id)


def factory_agency(factory):
    from runtime.accounts import service as accounts

    with factory.state.session_factory() as s:
        found = accounts.create_agency(s, slug="rival", name="Rival")
        s.commit()
        return found


def post_zip(client, csrf, data, accept=JSON):
    return client.post("/console/agency/themes/", headers={"X-CSRF-Token": csrf, **accept},
                       data={"package": (io.BytesIO(data), "acme.zip")},
                       content_type="multipart/form-data")


def publish(client, csrf, version="1.0.0", changelog="first", visibility="listed"):
    done = client.post(f"/console/agency/themes/acme/versions/{version}/publish",
                       headers={"X-CSRF-Token": csrf, **JSON}, json={"changelog": changelog})
    assert done.status_code == 200, done.get_data(as_text=True)
    done = client.post("/console/agency/themes/acme/visibility",
                       headers={"X-CSRF-Token": csrf, **JSON},
                       json={"visibility": visibility, "shops": ""})
    assert done.status_code == 200, done.get_data(as_text=True)


def test_upload_report_names_file_and_pointer(client, factory, designer):
    csrf = factory.console_login(client, designer)
    bad = theme_zip(extra={"blocks/title.html": b"{{ block.__class__ }}"})
    answer = post_zip(client, csrf, bad)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.json["errors"] == [{"file": "blocks/title.html", "pointer": "line 1",
                                      "message": "'__class__': names starting with '_' are "
                                                 "not allowed"}]
    page = post_zip(client, csrf, bad, accept={"Accept": "text/html"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="validation-report"' in html and "blocks/title.html" in html
    assert post_zip(client, csrf, b"not a zip").json["errors"][0]["message"].startswith(
        "not a zip file")


def test_upload_publish_versions_and_fixture_preview(client, factory, designer):
    csrf = factory.console_login(client, designer)
    created = post_zip(client, csrf, theme_zip(marker="FIXTURE"))
    assert created.status_code == 201 and created.json["status"] == "draft"
    preview = client.get("/console/agency/themes/acme/versions/1.0.0/preview?kind=home")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and preview.headers["Cache-Control"] == "no-store"
    sheet = "/console/agency/themes/acme/versions/1.0.0/files/theme.css"
    assert "示例小店" in html and sheet in html
    assert client.get(sheet).headers["Cache-Control"] == "private, no-cache"
    assert client.get("/themes/acme/1.0.0/theme.css").status_code == 404  # a draft
    publish(client, csrf)
    assert post_zip(client, csrf, theme_zip()).status_code == 422
    assert post_zip(client, csrf, theme_zip("1.0.1")).status_code == 201
    missing = client.post("/console/agency/themes/acme/versions/1.0.1/publish",
                          headers={"X-CSRF-Token": csrf, **JSON}, json={"changelog": ""})
    assert missing.status_code == 422 and missing.json["errors"][0]["pointer"] == "/changelog"
    listing = client.get("/console/agency/themes/acme", headers=JSON).json
    assert [(v["version"], v["status"], v["installs"]) for v in listing["versions"]] == [
        ("1.0.1", "draft", 0), ("1.0.0", "published", 0)]
    studio = client.get("/console/agency/themes/acme").get_data(as_text=True)
    assert "1.0.1" in studio and "/acme/versions/1.0.1/files/shot.png" in studio
    assert client.get("/console/agency/themes/acme/versions/1.0.1/files/shot.png").mimetype \
        == "image/png"
    factory.console_login(client, factory.user(email="rival@else.test",
                                               agency_id=factory_agency(factory).id))
    assert client.get("/console/agency/themes/acme/versions/1.0.1/files/shot.png",
                      headers=JSON).status_code == 404


def test_merchant_previews_installs_and_switches_back(client, app, factory, designer, shop):
    factory.publish_page(shop, page_config(block("t1", "title", title="我的首页")))
    csrf = factory.console_login(client, designer)
    post_zip(client, csrf, theme_zip(marker="ACME"))
    publish(client, csrf)
    merchant = factory.merchant(shop)
    csrf = factory.console_login(client, merchant)
    gallery = client.get("/console/shops/alpha/themes", headers=JSON).json["themes"]
    assert [g["id"] for g in gallery] == ["default", "fresh", "acme"]
    assert [g["min_client"] for g in gallery] == [None, None, "2.1.0"]
    warning = client.get("/console/shops/alpha/themes").get_data(as_text=True)
    assert 'data-min-client="2.1.0"' in warning and "会看到默认主题并收到更新提示" in warning
    preview = client.get("/console/shops/alpha/themes/acme/preview?version=1.0.0")
    assert "ACME 我的首页" in preview.get_data(as_text=True)
    user_page = client.get("/console/shops/alpha/themes/fresh/preview?page=user")
    assert user_page.status_code == 200 and "fresh-tabbar" in user_page.get_data(as_text=True)
    assert client.get("/console/shops/alpha/themes/acme/preview?page=nope",
                      headers=JSON).status_code == 404
    assert client.get("/console/shops/alpha/themes/acme/preview?version=9.0.0",
                      headers=JSON).status_code == 404
    assert "ACME" not in client.get("/s/alpha/").get_data(as_text=True)
    done = client.post("/console/shops/alpha/themes/acme/activate",
                       headers={"X-CSRF-Token": csrf, **JSON}, json={"version": "1.0.0"})
    assert done.json == {"id": "acme", "version": "1.0.0", "active": True,
                         "drafts_migrated": {}, "drafts_invalid": [], "pages_to_review": []}
    assert "ACME 我的首页" in client.get("/s/alpha/").get_data(as_text=True)
    page = client.get("/console/shops/alpha/themes").get_data(as_text=True)
    assert 'data-theme="acme"' in page and "需小程序 2.1.0 及以上" in page
    client.post("/console/shops/alpha/themes/default/activate",
                headers={"X-CSRF-Token": csrf, **JSON})
    assert "ACME" not in client.get("/s/alpha/").get_data(as_text=True)


def test_agencies_never_reach_a_shops_data(client, factory, designer, shop):
    factory.console_login(client, designer)
    for path in ("/console/shops/alpha/themes", "/console/shops/alpha/orders",
                 "/console/shops/alpha/products", "/console/shops/alpha/members",
                 "/console/shops/alpha/pages"):
        assert client.get(path, headers=JSON).status_code == 404, path


def test_a_merchant_cannot_change_another_shops_theme(client, app, factory, shop):
    other = factory.shop(slug="beta")
    csrf = factory.console_login(client, factory.merchant(other))
    answer = client.post("/console/shops/alpha/themes/fresh/activate",
                         headers={"X-CSRF-Token": csrf, **JSON})
    assert answer.status_code == 404
    assert client.get("/console/shops/alpha/themes", headers=JSON).status_code == 404
    assert "fresh" not in client.get("/s/alpha/").get_data(as_text=True)


def test_studio_is_404_for_users_outside_an_agency(client, factory, shop):
    factory.console_login(client, factory.merchant(shop))
    assert client.get("/console/agency/themes/", headers=JSON).status_code == 404


def test_switching_can_start_drafts_from_the_presets(client, app, factory, designer, shop):
    factory.publish_page(shop, page_config(block("t1", "title", title="上线中")))
    factory.publish_page(shop, page_config(block("c1", "title", title="分类"), kind="category"),
                         slug="category")
    with in_shop(app, shop) as s:
        page = store.get_page(s, "category")
        store.save_draft(s, "category", page_config(block("c2", "title", title="未发布"),
                                                     kind="category"), page.draft_revision)
        s.commit()
    csrf = factory.console_login(client, designer)
    post_zip(client, csrf, theme_zip(marker="ACME"))
    publish(client, csrf)
    csrf = factory.console_login(client, factory.merchant(shop))
    done = client.post("/console/shops/alpha/themes/acme/activate",
                       headers={"X-CSRF-Token": csrf, **JSON},
                       json={"version": "1.0.0", "presets": "1"})
    assert done.json["drafts_from_presets"] == ["home"]
    assert done.json["drafts_kept"] == ["category"]
    with in_shop(app, shop) as s:
        home = store.get_page(s, "home")
        preset = json.loads((THEMES_DIR / "default" / "presets" / "home.json").read_text())
        assert [b["id"] for b in home.draft["blocks"]] == [b["id"] for b in preset["blocks"]]
        assert store.live_config(s, "home")[1].config["blocks"][0]["settings"]["title"] == "上线中"
        assert store.get_page(s, "category").draft["blocks"][0]["id"] == "c2"
    assert "ACME 上线中" in client.get("/s/alpha/").get_data(as_text=True)


def test_an_update_migrates_drafts_and_shows_the_changes_before_publishing(client, app, factory,
                                                                          designer, shop):
    factory.publish_page(shop, page_config(block("t1", "title", title="首页"),
                                           block("t2", "title", title="第二")))
    csrf = factory.console_login(client, designer)
    post_zip(client, csrf, theme_zip("1.0.0"))
    publish(client, csrf)
    post_zip(client, csrf, theme_zip("1.1.0"))
    publish(client, csrf, "1.1.0", changelog="better")
    csrf = factory.console_login(client, factory.merchant(shop))
    client.post("/console/shops/alpha/themes/acme/activate",
                headers={"X-CSRF-Token": csrf, **JSON}, json={"version": "1.0.0"})
    with in_shop(app, shop) as s:  # edits not yet published; t2 as stored by an old editor
        page = store.get_page(s, "home")
        page.draft = page_config(
            {"id": "t2", "type": "title", "version": 1, "settings": {"text": "第二"}},
            block("t1", "title", title="新首页"), block("t3", "title", title="第三"))
        s.commit()
    done = client.post("/console/shops/alpha/themes/acme/update",
                       headers={"X-CSRF-Token": csrf, **JSON}, json={"version": "1.1.0"})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert (done.json["version"], done.json["drafts_migrated"], done.json["pages_to_review"]) \
        == ("1.1.0", {"home": ["t2"]}, ["home"])
    with in_shop(app, shop) as s:
        migrated = store.get_page(s, "home").draft["blocks"][0]
        assert (migrated["version"], migrated["settings"]["title"]) == (2, "第二")
    pages = client.get("/console/shops/alpha/themes/review", headers=JSON).json["pages"]
    assert [p["slug"] for p in pages] == ["home"]
    changes = {(c["kind"], c["block"]): c for c in pages[0]["changes"]}
    assert set(changes) == {("added", "t3"), ("moved", "t2"), ("changed", "t1")}
    assert (changes[("changed", "t1")]["before"], changes[("changed", "t1")]["after"]) == (
        "首页", "新首页")
    html = client.get("/console/shops/alpha/themes/review").get_data(as_text=True)
    assert 'data-page="home"' in html and "标题: 首页 → 新首页" in html
    assert "新增 标题“第三”" in html and "移动 标题“第二”: 第 2 位 → 第 1 位" in html
    live = [n["props"]["title"] for n in
            client.get("/api/v1/shops/alpha/layouts/home").json["nodes"]]
    assert live == ["首页", "第二"]  # nothing live changed before publishing
    stale = client.post("/console/shops/alpha/themes/review/home/publish",
                        headers={"X-CSRF-Token": csrf, **JSON},
                        json={"revision": pages[0]["revision"] - 1})
    assert stale.status_code == 409
    published = client.post("/console/shops/alpha/themes/review/home/publish",
                            headers={"X-CSRF-Token": csrf, **JSON},
                            json={"revision": pages[0]["revision"]})
    assert published.status_code == 200, published.get_data(as_text=True)
    assert client.get("/console/shops/alpha/themes/review", headers=JSON).json["pages"] == []
    titles = [n["props"]["title"] for n in
              client.get("/api/v1/shops/alpha/layouts/home").json["nodes"]]
    assert titles == ["第二", "新首页", "第三"]
