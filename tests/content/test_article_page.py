"""The ``article`` page kind the content module adds: it exists only while the module is on,
the merchant decorates it around the fixed ``article-body`` block, and H5 and the layout API
serve it by ``?id=`` — 404 naming ``id`` for an article that is not published here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.modules.registry import MODULES_DIR
from runtime.pages.manifests import ManifestError
from runtime.pages.registries import load_registries
from tests.content.conftest import merchant_of
from tests.content.test_module import _switch

BLOCK = Path(__file__).parents[2] / "runtime/modules/content/blocks/article-body/block.json"


def _layout(client, shop, query="", **headers):
    return client.get(f"/api/v1/shops/{shop.slug}/layouts/article{query}",
                      headers={"X-Client-Version": "1.3.0", **headers})


def _editor(merchant, path, method="get", body=None):
    call = getattr(merchant.client, method)
    kw = {"json": body} if body is not None else {}
    return call(merchant.base + path, headers={"X-CSRF-Token": merchant.csrf,
                                               "Accept": "application/json"}, **kw)


def _save_and_publish(merchant, config):
    state = _editor(merchant, "/editor/pages/article").json
    saved = _editor(merchant, "/editor/pages/article/draft", "put",
                    {"config": config, "revision": state["revision"]})
    if saved.status_code != 200:
        return saved
    return _editor(merchant, "/editor/pages/article/publish", "post",
                   {"revision": saved.json["revision"]})


def test_the_kind_comes_and_goes_with_the_module(app, client, factory, shop, merchant):
    kinds = app.extensions["mallkit"].registries["pages"].kinds
    assert kinds["article"].module == "content" and kinds["article"].params == ("id",)
    listed = _editor(merchant, "/pages").json["pages"]
    assert "article" in [p["slug"] for p in listed]
    palette = _editor(merchant, "/editor/palette?kind=article").json
    assert "article-body" in palette["palette"] and "article-list" in palette["palette"]
    assert "product-buybox" not in palette["palette"]
    article = merchant.article(title="会员权益说明")
    assert _layout(client, shop, f"?id={article['id']}").status_code == 200

    _switch(app, shop, on=False)
    assert "article" not in [p["slug"] for p in _editor(merchant, "/pages").json["pages"]]
    for path in ("/editor/palette?kind=article", "/editor/pages/article"):
        off = _editor(merchant, path)
        assert off.status_code == 404 and off.json["code"] == "module_disabled", path
    assert _editor(merchant, "/pages/article/edit").status_code == 404
    gone = _layout(client, shop, f"?id={article['id']}")
    assert gone.status_code == 404 and gone.mimetype == "application/problem+json"
    assert gone.json["code"] == "module_disabled"
    assert client.get(f"/s/{shop.slug}/pages/article?id={article['id']}").status_code == 404
    # another shop without the module never had the kind
    other = factory.shop()
    assert _editor(merchant_of(app, factory, other), "/editor/palette?kind=article") \
        .status_code == 404
    _switch(app, shop, on=True)
    assert _layout(client, shop, f"?id={article['id']}").status_code == 200
    assert "article" in [p["slug"] for p in _editor(merchant, "/pages").json["pages"]]


def test_the_layout_serves_the_article_by_id(client, shop, merchant):
    news = merchant.category("新品资讯")
    article = merchant.article(title="新品上市指南", category_id=news, summary="怎么选",
                               body_html="<h2>本季主打</h2><table><tr><td>S</td></tr></table>",
                               cover={"url": "https://img.example.com/a.png"})
    merchant.article(title="会员权益说明")
    layout = _layout(client, shop, f"?id={article['id']}")
    assert layout.status_code == 200 and layout.headers["ETag"]
    body = layout.json
    assert body["page"]["kind"] == "article" and body["page"]["title"] == "文章详情"
    types = [n["type"] for n in body["nodes"]]
    assert types == ["article-body", "title", "article-list"]  # the kind's default page
    data = body["nodes"][0]["data"]
    assert data["article"]["title"] == "新品上市指南" and data["article"]["category"] == "新品资讯"
    assert "<table>" in data["article"]["body_html"] and data["article"]["day"]
    assert data["article"]["cover"] == "https://img.example.com/a.png"
    assert data["author"] == shop.name and data["show_views"] is True and not data["preview"]
    assert data["views_url"] == f"/api/v1/shops/{shop.slug}/articles/{article['id']}/views"
    assert body["nodes"][1]["props"]["title"] == "相关文章"
    again = _layout(client, shop, f"?id={article['id']}",
                    **{"If-None-Match": layout.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("case", ["unknown", "draft", "scheduled", "other_shop", "missing"])
def test_an_article_not_published_here_is_a_404_naming_id(app, client, factory, shop,
                                                          merchant, case):
    ids = {"unknown": 987654, "missing": None}
    if case == "draft":
        ids[case] = merchant.article(title="草稿", status="draft")["id"]
    elif case == "scheduled":
        ids[case] = merchant.article(title="定时", status="scheduled",
                                     publish_at="2099-01-01T09:00:00+08:00")["id"]
    elif case == "other_shop":
        other = factory.shop()
        factory.module_on(other, "content")
        ids[case] = merchant_of(app, factory, other).article(title="别家的")["id"]
    query = "" if ids[case] is None else f"?id={ids[case]}"
    answer = _layout(client, shop, query)
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert answer.json["errors"][0]["pointer"] == "/id"
    html = client.get(f"/s/{shop.slug}/pages/article{query}", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.mimetype == "text/html"


def test_a_bad_id_is_a_422_naming_it(client, shop, merchant):
    answer = _layout(client, shop, "?id=abc")
    assert answer.status_code == 422 and answer.json["errors"][0]["pointer"] == "/id"


def test_h5_page_old_address_and_article_list_links(client, shop, merchant):
    article = merchant.article(title="会员权益说明", body_html="<h2>会员等级</h2><p>金卡</p>")
    page = client.get(f"/s/{shop.slug}/pages/article?id={article['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h2>会员等级</h2><p>金卡</p>" in html
    assert f'data-mk-article="{article["id"]}"' in html and "0</b> 次阅读" in html
    assert f"/api/v1/shops/{shop.slug}/articles/{article['id']}/views" in html
    assert f'href="/s/{shop.slug}/pages/article?id={article["id"]}"' in html  # 相关文章
    old = client.get(f"/s/{shop.slug}/articles/{article['id']}")
    assert old.status_code == 301
    assert old.headers["Location"].endswith(f"/s/{shop.slug}/pages/article?id={article['id']}")
    listing = client.get(f"/s/{shop.slug}/articles").get_data(as_text=True)
    assert f"/s/{shop.slug}/pages/article?id={article['id']}" in listing


def test_views_count_once_per_view_not_per_render(client, shop, merchant):
    article = merchant.article(title="会员权益说明")
    url = f"/api/v1/shops/{shop.slug}/articles/{article['id']}/views"
    for _ in range(2):
        assert _layout(client, shop, f"?id={article['id']}").status_code == 200
        client.get(f"/s/{shop.slug}/pages/article?id={article['id']}")
    assert client.post(url).json == {"id": article["id"], "views": 1}
    assert client.post(url).json["views"] == 2
    assert client.get(f"/api/v1/shops/{shop.slug}/articles/{article['id']}").json["views"] == 3
    draft = merchant.article(title="草稿", status="draft")
    assert client.post(f"/api/v1/shops/{shop.slug}/articles/{draft['id']}/views") \
        .status_code == 404


def test_the_module_setting_hides_views(client, factory, shop, merchant):
    factory.module_on(shop, "content", {"show_views": False})
    article = merchant.article(title="会员权益说明")
    data = _layout(client, shop, f"?id={article['id']}").json["nodes"][0]["data"]
    assert data["show_views"] is False
    html = client.get(f"/s/{shop.slug}/pages/article?id={article['id']}").get_data(as_text=True)
    assert "次阅读" not in html


def test_the_fixed_block_cannot_be_removed_hidden_or_duplicated(merchant):
    body = {"id": "article-body", "type": "article-body", "settings": {}}
    base = {"schema": 1, "title": "文章详情", "kind": "article"}
    without = _save_and_publish(merchant, {**base, "blocks": [
        {"id": "t", "type": "title", "settings": {"title": "x"}}]})
    assert without.status_code == 422
    assert without.json["errors"][0]["code"] == "fixed"
    hidden = _save_and_publish(merchant, {**base, "blocks": [{**body, "hidden": True}]})
    assert hidden.status_code == 422 and hidden.json["errors"][0]["pointer"] == \
        "/blocks/0/hidden"
    twice = _save_and_publish(merchant, {**base, "blocks": [body, {**body, "id": "again"}]})
    assert twice.status_code == 422 and twice.json["errors"][0]["code"] == "limit"
    buybox = _save_and_publish(merchant, {**base, "blocks": [
        body, {"id": "bb", "type": "product-buybox", "settings": {}}]})
    assert buybox.status_code == 422 and buybox.json["errors"][0]["code"] == "page_kind"


def test_a_decorated_article_page_is_served_with_its_blocks(client, shop, merchant):
    article = merchant.article(title="会员权益说明")
    presets = json.loads(BLOCK.read_text())["presets"]
    published = _save_and_publish(merchant, {
        "schema": 1, "title": "资讯", "kind": "article", "blocks": [
            {"id": "notice", "type": "notice-bar", "settings": {"text": "会员日 8 折"}},
            {"id": "article-body", "type": "article-body", "settings": presets[1]["settings"]},
            {"id": "grid", "type": "product-grid", "settings": {}}]})
    assert published.status_code == 201, published.json
    nodes = _layout(client, shop, f"?id={article['id']}").json["nodes"]
    assert [n["type"] for n in nodes] == ["notice-bar", "article-body", "product-grid"]
    assert nodes[1]["props"]["show_cover"] is False
    html = client.get(f"/s/{shop.slug}/pages/article?id={article['id']}").get_data(as_text=True)
    assert html.index("会员日 8 折") < html.index("会员权益说明</h1>")
    assert "次阅读" not in html and "mk-article--medium" in html


def test_the_editor_previews_the_newest_article(merchant):
    merchant.article(title="较早的")
    merchant.article(title="最新的文章", body_html="<p>正文</p>")
    preview = merchant.get("/pages/article/preview")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "最新的文章" in html and "data-mk-views" in html
    assert "/views" not in html  # a preview counts no view


def test_a_slug_named_like_a_module_kind_is_reserved(merchant):
    taken = _editor(merchant, "/pages", "post", {"slug": "article", "title": "文章"})
    assert taken.status_code == 422 and taken.json["errors"][0]["pointer"] == "/slug"


def _module_with(tmp_path: Path, kind: dict, preset: dict) -> Path:
    folder = tmp_path / "mods" / "pagey"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages" / "p.json").write_text(json.dumps(preset))
    (folder / "module.json").write_text(json.dumps({
        "id": "pagey", "name": {"zh-CN": "页"}, "page_kinds": [
            {"name": {"zh-CN": "页"}, "preset": "pages/p.json", **kind}]}))
    return tmp_path / "mods"


@pytest.mark.parametrize(("kind", "preset_kind", "message"), [
    ({"kind": "poster", "fixed_block": "nope"}, "poster", "unknown block 'nope'"),
    ({"kind": "poster", "fixed_block": "product-buybox"}, "poster", "must be fixed"),
    ({"kind": "poster", "fixed_block": "title"}, "poster", "must be fixed"),
    ({"kind": "poster", "fixed_block": "article-body"}, "home", "has kind 'poster'"),
    ({"kind": "product", "fixed_block": "article-body"}, "product", "exists already"),
])
def test_the_module_contract_checks_page_kinds(tmp_path, kind, preset_kind, message):
    folder = _module_with(tmp_path, kind, {"schema": 1, "title": "x", "kind": preset_kind,
                                           "blocks": []})
    with pytest.raises(ManifestError, match=message):
        load_registries(module_dirs=(MODULES_DIR, folder))


def test_the_module_schema_checks_page_kinds(tmp_path):
    folder = _module_with(tmp_path, {"kind": "Bad Kind", "fixed_block": "x"},
                          {"schema": 1, "title": "x", "kind": "home", "blocks": []})
    with pytest.raises(ManifestError, match="/page_kinds/0/kind"):
        load_registries(module_dirs=(MODULES_DIR, folder))


def test_a_cold_article_page_reads_the_article_and_the_categories_once(app, client, shop,
                                                                       merchant):
    from tests.sqlcount import counting

    first = merchant.article(title="第一篇", cover={"url": "https://img.example.com/a.png"})
    second = merchant.article(title="第二篇")
    assert _layout(client, shop, f"?id={first['id']}").status_code == 200  # page made
    with counting(app) as counted:
        assert _layout(client, shop, f"?id={second['id']}").status_code == 200  # cold
    tables = [" ".join(s.split()).split(" FROM ", 1)[-1].split(" ")[0]
              for s in counted.statements if s.lstrip().upper().startswith("SELECT")]
    # article-body's article, article-list's articles; the category names shared by both
    assert tables.count("content_categories") == 1
    assert tables.count("content_articles") == 2


def test_a_theme_that_styles_the_article_page_becomes_its_draft(app, factory, shop, tmp_path):
    """Switching to a theme that has an ``article`` preset puts it in the article page's
    draft like the core kinds' (a theme without one leaves the module's page alone)."""
    import shutil

    from runtime.db import use_shop
    from runtime.pages import store
    from runtime.themes.presets import presets_as_drafts
    from runtime.themes.registry import THEMES_DIR

    styled = tmp_path / "default"
    shutil.copytree(THEMES_DIR / "default", styled)
    preset = json.loads((MODULES_DIR / "content" / "pages" / "article.json").read_text())
    preset["blocks"].insert(0, {"id": "styled", "type": "title", "version": 2,
                                "settings": {"title": "主题的文章页"}})
    (styled / "presets" / "article.json").write_text(json.dumps(preset, ensure_ascii=False))
    manifest = json.loads((styled / "theme.json").read_text())
    manifest["presets"]["article"] = "presets/article.json"
    (styled / "theme.json").write_text(json.dumps(manifest, ensure_ascii=False))

    plain, themed = load_registries(), load_registries(theme_dirs=(tmp_path,))
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        store.ensure_page(s, "article", plain)  # from the module's own default page
        assert presets_as_drafts(s, plain).copied.count("article") == 0
        assert "article" in presets_as_drafts(s, themed).copied
        draft = store.find_page(s, "article").draft
        assert [b["id"] for b in draft["blocks"]][:2] == ["styled", "article-body"]
