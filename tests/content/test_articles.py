"""Articles through the console and the shopper API: what the merchant writes, what
shoppers may read (published, its time come), the view count, pages, categories, and the
422s naming their fields."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runtime.db import use_shop
from runtime.modules.content.jobs import publish_due


def api(shop, path=""):
    return f"/api/v1/shops/{shop.slug}{path}"


def test_published_articles_are_listed_by_sort_then_newest(client, shop, merchant, clock):
    news = merchant.category("新品资讯", sort=5)
    guide = merchant.category("会员指南", sort=9)
    first = merchant.article(title="旧文", category_id=news, summary="先发")
    clock.advance(timedelta(minutes=1))
    second = merchant.article(title="新文", category_id=news)
    clock.advance(timedelta(minutes=1))
    pinned = merchant.article(title="置顶", category_id=guide, sort=10)
    merchant.article(title="草稿", status="draft")

    body = client.get(api(shop, "/articles")).json
    assert [a["title"] for a in body["items"]] == ["置顶", "新文", "旧文"]
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 10)
    assert body["items"][2] == {"id": first["id"], "title": "旧文", "summary": "先发",
                                "cover": None, "category_id": news, "category": "新品资讯",
                                "published_at": first["published_at"], "views": 0}
    by_category = client.get(api(shop, f"/articles?category={news}&per_page=1&page=2")).json
    assert [a["id"] for a in by_category["items"]] == [first["id"]]
    assert by_category["total"] == 2
    assert [c["name"] for c in client.get(api(shop, "/article-categories")).json["items"]] == \
        ["会员指南", "新品资讯"]
    assert second["state"] == "published" and pinned["sort"] == 10


def test_reading_an_article_counts_a_view_and_drafts_stay_hidden(client, shop, merchant):
    shown = merchant.article(title="会员权益说明", body_html="<p>权益</p>")
    draft = merchant.article(title="草稿", status="draft")
    for expected in (1, 2):
        body = client.get(api(shop, f"/articles/{shown['id']}")).json
        assert body["views"] == expected and body["body_html"] == "<p>权益</p>"
    missing = client.get(api(shop, f"/articles/{draft['id']}"))
    assert missing.status_code == 404
    assert missing.json["code"] == "article_not_found"
    assert missing.mimetype == "application/problem+json"
    assert merchant.get(f"/articles/{shown['id']}",
                        headers={"Accept": "application/json"}).json["views"] == 2


def test_a_scheduled_article_appears_when_its_time_comes(app, client, shop, merchant, clock):
    at = (clock.now() + timedelta(hours=2)).isoformat()
    article = merchant.article(title="明日上新", status="scheduled", publish_at=at)
    assert article["state"] == "scheduled"
    assert client.get(api(shop, "/articles")).json["total"] == 0
    assert client.get(api(shop, f"/articles/{article['id']}")).status_code == 404
    clock.advance(timedelta(hours=2))
    assert client.get(api(shop, "/articles")).json["total"] == 1
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert publish_due(s) == 1
        assert publish_due(s) == 0
        s.commit()
    listed = merchant.get("/articles?state=published",
                          headers={"Accept": "application/json"}).json
    assert [r["status"] for r in listed["items"]] == ["published"]


def test_console_filters(merchant):
    news = merchant.category("新品资讯")
    merchant.article(title="新品上市指南", category_id=news)
    merchant.article(title="会员权益说明", status="draft")
    merchant.article(title="上新预告", status="scheduled",
                     publish_at="2030-01-01T08:00:00+08:00")

    def titles(query):
        body = merchant.get(f"/articles{query}", headers={"Accept": "application/json"}).json
        return sorted(r["title"] for r in body["items"])

    assert titles("") == ["上新预告", "会员权益说明", "新品上市指南"]
    assert titles("?q=指南") == ["新品上市指南"]
    assert titles(f"?category={news}") == ["新品上市指南"]
    assert titles("?category=0") == ["上新预告", "会员权益说明"]
    assert titles("?state=draft") == ["会员权益说明"]
    assert titles("?state=scheduled") == ["上新预告"]


@pytest.mark.parametrize(("body", "pointer"), [
    ({"title": ""}, "/title"),
    ({"title": "x" * 81}, "/title"),
    ({"title": "t", "summary": "x" * 201}, "/summary"),
    ({"title": "t", "status": "live"}, "/status"),
    ({"title": "t", "status": "scheduled"}, "/publish_at"),
    ({"title": "t", "status": "scheduled", "publish_at": "2030-01-01T08:00"}, "/publish_at"),
    ({"title": "t", "sort": "many"}, "/sort"),
    ({"title": "t", "category_id": 999999}, "/category_id"),
    ({"title": "t", "cover": {"media_id": 999999}}, "/cover/media_id"),
    ({"title": "t", "cover": "cat.png"}, "/cover"),
    ({"title": "t", "body_html": 5}, "/body_html"),
])
def test_bad_input_is_a_422_naming_the_field(merchant, body, pointer):
    response = merchant.post("/articles", body)
    assert response.status_code == 422, response.json
    assert pointer in [e["pointer"] for e in response.json["errors"]]


def test_shopper_query_arguments_are_checked(client, shop, merchant):
    for query, pointer in (("?page=0", "/page"), ("?per_page=51", "/per_page"),
                           ("?category=x", "/category"), ("?page=abc", "/page")):
        response = client.get(api(shop, "/articles" + query))
        assert response.status_code == 422 and response.json["errors"][0]["pointer"] == pointer


def test_categories_are_unique_and_deleting_one_keeps_its_articles(client, shop, merchant):
    news = merchant.category("新品资讯")
    clash = merchant.post("/articles/categories", {"name": "新品资讯"})
    assert clash.status_code == 422 and clash.json["errors"][0]["pointer"] == "/name"
    article = merchant.article(title="新品上市指南", category_id=news)
    renamed = merchant.post(f"/articles/categories/{news}", {"name": "上新", "sort": 3})
    assert renamed.json == {"id": news, "name": "上新", "sort": 3}
    assert merchant.post(f"/articles/categories/{news}/delete").json == {"ok": True}
    body = client.get(api(shop, f"/articles/{article['id']}")).json
    assert (body["category_id"], body["category"]) == (None, None)


def test_updating_changes_only_the_fields_sent_and_delete_removes(client, shop, merchant):
    article = merchant.article(title="旧标题", summary="摘要", sort=3)
    changed = merchant.post(f"/articles/{article['id']}", {"title": "新标题"}).json
    assert (changed["title"], changed["summary"], changed["sort"]) == ("新标题", "摘要", 3)
    assert changed["published_at"] == article["published_at"]
    unpublished = merchant.post(f"/articles/{article['id']}", {"status": "draft"}).json
    assert unpublished["state"] == "draft" and unpublished["published_at"] is None
    assert merchant.post(f"/articles/{article['id']}/delete").json == {"ok": True}
    assert merchant.get(f"/articles/{article['id']}",
                        headers={"Accept": "application/json"}).status_code == 404


def test_the_article_list_block_picks_its_category_from_the_shops_categories(merchant):
    """The editor's ``choice`` widget lists the shop's article categories by name, in the
    categories' order; an unknown source is a 404 problem naming it."""
    merchant.category("新闻", sort=1)
    merchant.category("攻略", sort=5)
    listed = merchant.get("/editor/choices?source=article-categories")
    assert listed.status_code == 200
    assert listed.json["items"] == [{"value": "攻略", "label": "攻略"},
                                    {"value": "新闻", "label": "新闻"}]
    unknown = merchant.get("/editor/choices?source=nothing-here")
    assert unknown.status_code == 404 and unknown.json["code"] == "unknown_choice_source"
    assert unknown.mimetype == "application/problem+json"
