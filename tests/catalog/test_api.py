"""The mini-program catalog API: list filters, sorts, keyset pagination, detail, categories."""

from __future__ import annotations

import pytest

from runtime.db import use_shop
from runtime.modules.catalog import products, stock, taxonomy

API = "/api/v1/shops/alpha"


@pytest.fixture
def catalog(factory, shop, app):
    """Two categories (one nested), a group, products with distinct prices and sales."""
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        women = taxonomy.create_category(s, {"name": "女装", "icon": {"url": "https://img.example.com/w.png"}})
        dresses = taxonomy.create_category(s, {"name": "连衣裙", "parent_id": women.id})
        digital = taxonomy.create_category(s, {"name": "数码"})
        taxonomy.create_category(s, {"name": "隐藏分类", "is_visible": False})
        picks = taxonomy.create_group(s, {"name": "店长推荐"})
        cheap = taxonomy.create_group(s, {"name": "百元以下", "kind": "rule",
                                          "rule": {"max_price_fen": 10000}})
        s.commit()
        ids = {"women": women.id, "dresses": dresses.id, "digital": digital.id,
               "picks": picks.id, "cheap": cheap.id}
    made = {}
    for key, title, price, sales, cat, weight in [
        ("dress", "法式碎花连衣裙", 15900, 120, "dresses", 5),
        ("skirt", "高腰半身裙", 8900, 300, "women", 1),
        ("phone", "智能手机 Pro", 399900, 50, "digital", 9),
        ("cable", "Type-C 数据线", 1900, 800, "digital", 0),
    ]:
        made[key] = factory.product(shop, title, price_fen=price, sales_base=sales,
                                    category_id=ids[cat], sort_weight=weight,
                                    images=[{"url": f"https://img.example.com/{key}.jpg"}],
                                    group_ids=[ids["picks"]] if key in ("dress", "phone") else [])
    made["draft"] = factory.product(shop, "草稿连衣裙", status="draft")
    made["off"] = factory.product(shop, "下架连衣裙", status="off_shelf")
    return ids, made


def _titles(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.json["items"]]


def test_only_products_on_sale_are_listed(client, catalog):
    titles = _titles(client.get(f"{API}/products"))
    assert titles == ["智能手机 Pro", "法式碎花连衣裙", "高腰半身裙", "Type-C 数据线"]


def test_sorts(client, catalog):
    assert _titles(client.get(f"{API}/products?sort=price_asc")) == [
        "Type-C 数据线", "高腰半身裙", "法式碎花连衣裙", "智能手机 Pro"]
    assert _titles(client.get(f"{API}/products?sort=price_desc")) == [
        "智能手机 Pro", "法式碎花连衣裙", "高腰半身裙", "Type-C 数据线"]
    assert _titles(client.get(f"{API}/products?sort=sales")) == [
        "Type-C 数据线", "高腰半身裙", "法式碎花连衣裙", "智能手机 Pro"]
    assert _titles(client.get(f"{API}/products?sort=newest")) == [
        "Type-C 数据线", "智能手机 Pro", "高腰半身裙", "法式碎花连衣裙"]


def test_filters(client, catalog):
    ids, _made = catalog
    assert _titles(client.get(f"{API}/products?category={ids['women']}")) == [
        "法式碎花连衣裙", "高腰半身裙"]  # includes the sub-category
    assert _titles(client.get(f"{API}/products?category={ids['dresses']}")) == ["法式碎花连衣裙"]
    assert _titles(client.get(f"{API}/products?group={ids['picks']}")) == [
        "智能手机 Pro", "法式碎花连衣裙"]
    assert _titles(client.get(f"{API}/products?group={ids['cheap']}")) == [
        "高腰半身裙", "Type-C 数据线"]
    assert _titles(client.get(f"{API}/products?min_price_fen=5000&max_price_fen=20000")) == [
        "法式碎花连衣裙", "高腰半身裙"]
    assert _titles(client.get(f"{API}/products?keyword=连衣")) == ["法式碎花连衣裙"]
    assert _titles(client.get(f"{API}/products?keyword=type")) == ["Type-C 数据线"]
    assert _titles(client.get(f"{API}/products?keyword=裙&sort=price_asc")) == [
        "高腰半身裙", "法式碎花连衣裙"]
    assert _titles(client.get(f"{API}/products?category=99999")) == []
    assert _titles(client.get(f"{API}/products?group=99999")) == []


def test_keyset_pagination_walks_every_product_once(client, catalog, factory, shop):
    for i in range(7):
        factory.product(shop, f"袜子 {i}", price_fen=990, sales_base=10)
    for sort in ("default", "sales", "price_asc", "price_desc", "newest"):
        seen, cursor, pages = [], None, 0
        while True:
            url = f"{API}/products?sort={sort}&limit=3" + (f"&cursor={cursor}" if cursor else "")
            body = client.get(url).json
            seen += [item["id"] for item in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        full = [item["id"] for item in client.get(f"{API}/products?sort={sort}&limit=50")
                .json["items"]]
        assert seen == full and len(set(seen)) == 11 and pages == 4, sort


def test_list_items_carry_fen_prices_cover_and_sold_out(client, catalog, app, shop):
    _ids, made = catalog
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        sku = products.product_skus(s, made["cable"].id)[0]
        stock.adjust(s, sku.id, -10)
        s.commit()
    items = {i["title"]: i for i in client.get(f"{API}/products").json["items"]}
    cable = items["Type-C 数据线"]
    assert cable == {"id": made["cable"].id, "title": "Type-C 数据线", "subtitle": "",
                     "cover": "https://img.example.com/cable.jpg", "price_fen": 1900,
                     "max_price_fen": 1900, "original_price_fen": None, "sales": 800,
                     "sold_out": True}
    assert items["高腰半身裙"]["sold_out"] is False


@pytest.mark.parametrize("query, param", [
    ("min_price_fen=abc", "min_price_fen"), ("max_price_fen=-1", "max_price_fen"),
    ("sort=cheapest", "sort"), ("limit=0", "limit"), ("limit=500", "limit"),
    ("category=x", "category"), ("group=1.5", "group"), ("cursor=!!!", "cursor"),
    ("min_price_fen=500&max_price_fen=100", "max_price_fen"), ("keyword=" + "长" * 51, "keyword"),
])
def test_bad_query_parameters_are_422_naming_the_parameter(client, catalog, query, param):
    response = client.get(f"{API}/products?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["pointer"] for e in response.json["errors"]] == [f"/{param}"]


def test_a_cursor_from_another_sort_is_refused(client, catalog):
    cursor = client.get(f"{API}/products?sort=sales&limit=1").json["next_cursor"]
    response = client.get(f"{API}/products?sort=price_asc&cursor={cursor}")
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/cursor"


def test_product_detail_has_specs_and_skus(client, factory, shop):
    product = factory.product(shop, "撞色卫衣", specs=[
        {"name": "颜色", "values": ["黑", "白"]}, {"name": "尺码", "values": ["M", "L"]}],
        skus=[{"spec_values": [c, z], "price_fen": 12900 if z == "M" else 13900,
               "original_price_fen": 19900, "stock": 3,
               "image": {"url": f"https://img.example.com/{c}.jpg"}}
              for c in ("黑", "白") for z in ("M", "L")],
        description_html="<p>纯棉</p>", limit_per_order=2)
    body = client.get(f"{API}/products/{product.id}").json
    assert body["specs"] == [{"name": "颜色", "values": ["黑", "白"]},
                             {"name": "尺码", "values": ["M", "L"]}]
    assert [(s["spec_values"], s["price_fen"], s["original_price_fen"], s["stock"])
            for s in body["skus"]] == [
        (["黑", "M"], 12900, 19900, 3), (["黑", "L"], 13900, 19900, 3),
        (["白", "M"], 12900, 19900, 3), (["白", "L"], 13900, 19900, 3)]
    assert body["skus"][0]["image"] == "https://img.example.com/黑.jpg"
    assert set(body["skus"][0]) == {"id", "spec_values", "price_fen", "original_price_fen",
                                    "stock", "image"}
    assert (body["price_fen"], body["max_price_fen"], body["stock"]) == (12900, 13900, 12)
    assert body["description_html"] == "<p>纯棉</p>" and body["limit_per_order"] == 2


def test_hidden_products_are_404(client, catalog):
    _ids, made = catalog
    for key in ("draft", "off"):
        response = client.get(f"{API}/products/{made[key].id}")
        assert response.status_code == 404 and response.json["code"] == "product_not_found"
    assert client.get(f"{API}/products/999999").status_code == 404


def test_category_tree_shows_visible_categories(client, catalog):
    body = client.get(f"{API}/categories").json
    assert [(c["name"], [k["name"] for k in c["children"]]) for c in body["items"]] == [
        ("女装", ["连衣裙"]), ("数码", [])]
    assert body["items"][0]["icon"] == "https://img.example.com/w.png"


def test_unknown_shop_is_404(client):
    assert client.get("/api/v1/shops/nobody/products").status_code == 404
