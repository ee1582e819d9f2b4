"""The search bar's keyword lands on the category page, whose context grid shows the matches."""

from __future__ import annotations

from tests.blocks.conftest import block, page_config


def _category_page(publish, shop):
    publish(shop, page_config(block("results", "product-grid", source="context", limit=20),
                              kind="category", title="分类"), slug="category")


def test_keyword_on_the_category_page_shows_matching_products(client, factory, shop, publish):
    factory.product(shop, "法式碎花连衣裙")
    factory.product(shop, "纯棉白色衬衫")
    _category_page(publish, shop)

    html = client.get("/s/alpha/pages/category?keyword=连衣").get_data(as_text=True)
    assert "法式碎花连衣裙" in html and "纯棉白色衬衫" not in html

    layout = client.get("/api/v1/shops/alpha/layouts/category?keyword=连衣").json
    grid = next(n for n in layout["nodes"] if n["id"] == "results")
    assert [p["title"] for p in grid["data"]["products"]] == ["法式碎花连衣裙"]
    assert grid["data"]["context"] == {"kind": "search", "id": None, "name": "连衣"}

    other = client.get("/api/v1/shops/alpha/layouts/category?keyword=衬衫")
    assert other.headers["ETag"] != client.get(
        "/api/v1/shops/alpha/layouts/category?keyword=连衣").headers["ETag"]
    titles = [p["title"] for n in other.json["nodes"] if n["id"] == "results"
              for p in n["data"]["products"]]
    assert titles == ["纯棉白色衬衫"]


def test_keyword_is_limited_and_ignored_elsewhere(client, factory, shop, publish):
    factory.product(shop, "法式碎花连衣裙")
    _category_page(publish, shop)
    too_long = client.get("/api/v1/shops/alpha/layouts/category?keyword=" + "长" * 51)
    assert too_long.status_code == 422
    assert too_long.json["errors"][0]["pointer"] == "/keyword"
    home = client.get("/api/v1/shops/alpha/layouts/home?keyword=连衣")
    assert home.status_code == 200
