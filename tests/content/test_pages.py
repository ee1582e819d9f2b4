"""What shoppers and merchants see: the ``article-list`` block (defaults and presets, by
category, list or cards) on H5 and in the layout, the H5 article pages, the console screens
in Chinese, and the demo's articles linked from its home page."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.content.models import Article
from runtime.shops.models import Shop
from tests.content.conftest import publish_home

BLOCK = Path(__file__).parents[2] / "runtime/modules/content/blocks/article-list/block.json"


def _layout_node(client, shop, block_id):
    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home",
                        headers={"X-Client-Version": "1.3.0"}).json
    return next(n for n in layout["nodes"] if n["id"] == block_id)


def test_block_defaults_and_presets_on_h5_and_in_the_layout(client, shop, merchant):
    news = merchant.category("新品资讯")
    merchant.article(title="新品上市指南", category_id=news, summary="怎么选",
                     cover={"url": "https://img.example.com/a.png"})
    merchant.article(title="会员权益说明", summary="权益一览")
    presets = json.loads(BLOCK.read_text())["presets"]
    blocks = [{"id": f"p{i}", "type": "article-list", "settings": p["settings"]}
              for i, p in enumerate(presets)]
    blocks.append({"id": "news", "type": "article-list",
                   "settings": {"category": "新品资讯", "title": "上新"}})
    publish_home(app := merchant.client.application, shop, *blocks)

    default = _layout_node(client, shop, "p0")
    assert [a["title"] for a in default["data"]["items"]] == ["会员权益说明", "新品上市指南"]
    assert default["props"]["layout"] == "list" and default["props"]["count"] == 4
    assert default["data"]["more"] == f"/s/{shop.slug}/articles"
    cards = _layout_node(client, shop, "p1")
    assert cards["props"]["layout"] == "cards" and len(cards["data"]["items"]) == 2
    only_news = _layout_node(client, shop, "news")
    assert [a["title"] for a in only_news["data"]["items"]] == ["新品上市指南"]
    assert only_news["data"]["items"][0]["cover"] == "https://img.example.com/a.png"
    assert only_news["data"]["more"] == f"/s/{shop.slug}/articles?category={news}"

    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "mk-articles--list" in html and "mk-articles--cards" in html
    assert "权益一览" in html and html.count("新品上市指南") == 3
    assert "精选文章" in html and "上新" in html
    assert app is not None


def test_an_older_client_does_not_get_the_block(client, shop, merchant):
    merchant.article(title="会员权益说明")
    publish_home(merchant.client.application, shop,
                 {"id": "al", "type": "article-list", "settings": {}})
    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home",
                        headers={"X-Client-Version": "1.2.0"}).json
    assert layout["nodes"] == []


def test_a_new_article_shows_on_the_cached_home_page(client, shop, merchant):
    publish_home(merchant.client.application, shop,
                 {"id": "al", "type": "article-list", "settings": {}})
    assert "暂无文章" in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    merchant.article(title="刚刚发布")
    assert "刚刚发布" in client.get(f"/s/{shop.slug}/").get_data(as_text=True)


def test_h5_list_and_article_pages(client, shop, merchant):
    news = merchant.category("新品资讯")
    merchant.article(title="会员权益说明")
    shown = merchant.article(title="新品上市指南", category_id=news,
                             body_html="<h2>本季主打</h2><p>棉麻</p>")
    listing = client.get(f"/s/{shop.slug}/articles").get_data(as_text=True)
    assert "会员权益说明" in listing and "新品上市指南" in listing and "新品资讯" in listing
    filtered = client.get(f"/s/{shop.slug}/articles?category={news}").get_data(as_text=True)
    assert "新品上市指南" in filtered and "会员权益说明" not in filtered
    page = client.get(f"/s/{shop.slug}/articles/{shown['id']}", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h2>本季主打</h2><p>棉麻</p>" in html
    assert "0</b> 次阅读" in html and "新品资讯" in html
    assert client.get(f"/s/{shop.slug}/articles?page=x").status_code == 422


def test_console_screens_in_chinese(merchant):
    news = merchant.category("新品资讯")
    article = merchant.article(title="新品上市指南", category_id=news)
    for path, words in (("/articles", ("文章管理", "新建文章", "已发布", "新品资讯")),
                        (f"/articles/{article['id']}", ("正文", "定时发布", "返回文章列表")),
                        ("/articles/new", ("新建文章", "封面")),
                        ("/articles/categories", ("文章分类", "新建分类"))):
        html = merchant.get(path, headers={"Accept": "text/html",
                                           "Accept-Language": "zh-CN"}).get_data(as_text=True)
        assert all(w in html for w in words), (path, [w for w in words if w not in html])


def test_the_console_form_saves_and_shows_errors_on_their_fields(merchant):
    form = {"csrf_token": merchant.csrf, "title": "", "status": "scheduled", "sort": "0",
            "summary": "", "body_html": "<p>x</p>", "category_id": "", "cover": "",
            "publish_at": ""}
    bad = merchant.client.post(merchant.base + "/articles", data=form,
                               headers={"Accept": "text/html"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "必填" in html and "定时发布需要填写发布时间" in html
    good = merchant.client.post(merchant.base + "/articles", data={
        **form, "title": "会员权益说明", "publish_at": "2030-01-01T09:00"})
    assert good.status_code == 302
    saved = merchant.get(good.headers["Location"].split(merchant.base)[-1],
                         headers={"Accept": "application/json"}).json
    assert saved["state"] == "scheduled"
    assert saved["published_at"] == "2030-01-01T01:00:00+00:00"  # 09:00 in Asia/Shanghai


def test_the_demo_links_its_articles_from_the_home_page(app, client, clock):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # twice: nothing more
    with app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        shop = s.scalar(select(Shop).where(Shop.slug == "demo"))
        use_shop(s, shop.id)
        titles = sorted(a.title for a in s.scalars(select(Article)))
        assert len(titles) == 3 and "会员权益说明" in titles
        assert all(a.cover for a in s.scalars(select(Article)))
        article_id = s.scalar(select(Article.id).where(Article.title == "会员权益说明"))
    home = client.get("/s/demo/").get_data(as_text=True)
    assert "会员权益说明" in home and "新品上市指南：春夏系列怎么选" in home
    assert "金卡" in client.get(f"/s/demo/pages/article?id={article_id}").get_data(as_text=True)
