"""The content module as a switchable module and a tenant: off -> its API (problem+json),
H5 pages, block and console screens are gone, its settings and articles kept; another shop's
articles are answered like ones that exist nowhere."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.modules import switches
from runtime.modules.content.models import Article
from tests.content.conftest import merchant_of, publish_home
from tests.tenancy_helpers import two_shops


def _switch(app, shop, on):
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        (switches.enable if on else switches.disable)(s, "content")
        s.commit()


def test_off_everything_is_gone_and_on_again_it_is_all_back(app, client, factory, shop):
    factory.module_on(shop, "content", {"show_views": False})
    merchant = merchant_of(app, factory, shop)
    article = merchant.article(title="会员权益说明")
    publish_home(app, shop, {"id": "t", "type": "title", "settings": {"title": "欢迎"}},
                 {"id": "al", "type": "article-list", "settings": {}})
    assert "会员权益说明" in client.get(f"/s/{shop.slug}/").get_data(as_text=True)

    _switch(app, shop, False)
    for path in ("/articles", f"/articles/{article['id']}", "/article-categories"):
        response = client.get(f"/api/v1/shops/{shop.slug}{path}")
        assert response.status_code == 404 and response.json["code"] == "module_disabled"
        assert response.mimetype == "application/problem+json"
    for path in ("/articles", f"/articles/{article['id']}", f"/pages/article?id={article['id']}"):
        assert client.get(f"/s/{shop.slug}{path}").status_code == 404
    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json
    assert [n["id"] for n in layout["nodes"]] == ["t"]
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "欢迎" in html and "mk-articles" not in html
    assert merchant.get("/articles").status_code == 404
    assert merchant.get("/articles/categories").status_code == 404
    choices = merchant.get("/editor/choices?source=article-categories")
    assert choices.status_code == 404 and choices.json["code"] == "unknown_choice_source"
    home = merchant.get("/").get_data(as_text=True)
    assert "/articles" not in home

    _switch(app, shop, True)
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert switches.settings_of(s, "content") == {"show_views": False}
    page = client.get(f"/s/{shop.slug}/articles/{article['id']}", follow_redirects=True)
    assert "会员权益说明" in page.get_data(as_text=True)
    assert "次阅读" not in page.get_data(as_text=True)
    assert merchant.get("/articles").status_code == 200


def test_another_shops_articles_are_not_found(app, client, factory):
    shops = two_shops(app, client, factory)
    for s in (shops.a, shops.b):
        factory.module_on(s, "content")
    a = merchant_of(app, factory, shops.a)
    b = merchant_of(app, factory, shops.b)
    category = a.category("甲店分类")
    article = a.article(title="只属于甲店", category_id=category)

    assert client.get(f"/api/v1/shops/{shops.b.slug}/articles").json["total"] == 0
    assert client.get(f"/api/v1/shops/{shops.b.slug}/article-categories").json["items"] == []
    foreign = client.get(f"/api/v1/shops/{shops.b.slug}/articles/{article['id']}")
    nowhere = client.get(f"/api/v1/shops/{shops.b.slug}/articles/987654")
    assert foreign.status_code == nowhere.status_code == 404
    assert foreign.json["code"] == nowhere.json["code"] == "article_not_found"
    assert client.get(f"/s/{shops.b.slug}/articles/{article['id']}",
                      follow_redirects=True).status_code == 404
    layout = client.get(f"/api/v1/shops/{shops.b.slug}/layouts/article?id={article['id']}")
    assert layout.status_code == 404 and layout.json["errors"][0]["pointer"] == "/id"
    source = "/editor/choices?source=article-categories"
    assert a.get(source).json["items"] == [{"value": "甲店分类", "label": "甲店分类"}]
    assert b.get(source).json["items"] == []

    for path, body in ((f"/articles/{article['id']}", {"title": "改掉"}),
                       (f"/articles/{article['id']}/delete", None),
                       (f"/articles/categories/{category}", {"name": "改掉"}),
                       (f"/articles/categories/{category}/delete", None)):
        assert b.post(path, body).status_code == 404, path
    assert b.post("/articles", {"title": "t", "category_id": category}).status_code == 422
    assert b.get(f"/articles/{article['id']}",
                 headers={"Accept": "application/json"}).status_code == 404
    assert shops.count(shops.a, Article) == 1
    again = client.get(f"/api/v1/shops/{shops.a.slug}/articles/{article['id']}").json
    assert (again["title"], again["category_id"]) == ("只属于甲店", category)
