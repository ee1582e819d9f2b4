"""The catalog console: list with search/filters/sort/bulk actions, the product form and its
JSON save with pointer errors, categories, groups, the stock log, permissions and tenancy."""

from __future__ import annotations

import re

import pytest

from runtime.accounts.models import Role
from runtime.db import use_shop
from runtime.modules.catalog import products, stock, taxonomy
from runtime.modules.catalog.models import Product
from tests.sqlcount import counting

BASE = "/console/shops/alpha/catalog"


@pytest.fixture
def owner_client(app, client, factory, shop):
    token = factory.console_login(client, factory.merchant(shop))
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token
    client.csrf = token
    return client


def _read(app, shop, product_id):
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        product = s.get(Product, product_id)
        skus = products.product_skus(s, product_id, include_retired=True)
        return product, skus


def _names(html: str) -> list[str]:
    return re.findall(r'data-product-title>([^<]+)<|<a href="/console/shops/alpha/catalog/'
                      r'products/\d+">([^<]+)</a>', html)


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [a or b for a, b in _names(response.get_data(as_text=True))]


def test_list_searches_filters_and_sorts(owner_client, factory, shop, app):
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        category = taxonomy.create_category(s, {"name": "裙装"})
        s.commit()
        category_id = category.id
    factory.product(shop, "碎花连衣裙", price_fen=15900, category_id=category_id)
    factory.product(shop, "草稿T恤", price_fen=4900, status="draft")
    factory.product(shop, "库存不多的帽子", price_fen=2900,
                    skus=[{"price_fen": 2900, "stock": 2, "low_stock_threshold": 5}])
    page = owner_client.get(f"{BASE}/products")
    assert set(_titles(page)) == {"碎花连衣裙", "草稿T恤", "库存不多的帽子"}
    html = page.get_data(as_text=True)
    assert "¥159.00" in html and "1 件库存不足" in html and "共 3 件商品" in html
    assert _titles(owner_client.get(f"{BASE}/products?q=连衣")) == ["碎花连衣裙"]
    assert _titles(owner_client.get(f"{BASE}/products?status=draft")) == ["草稿T恤"]
    assert _titles(owner_client.get(f"{BASE}/products?category={category_id}")) == ["碎花连衣裙"]
    assert _titles(owner_client.get(f"{BASE}/products?low_stock=1")) == ["库存不多的帽子"]
    assert _titles(owner_client.get(f"{BASE}/products?sort=price_asc")) == [
        "库存不多的帽子", "草稿T恤", "碎花连衣裙"]
    # nonsense parameters fall back to the plain list instead of failing
    assert len(_titles(owner_client.get(f"{BASE}/products?sort=x&status=y&page=z"))) == 3


def test_list_pages_by_keyset_to_the_last_page_and_back(owner_client, factory, shop, clock):
    from datetime import timedelta

    for i in range(45):  # updated one second apart: newest first is 商品44 ... 商品00
        factory.product(shop, f"商品{i:02d}")
        clock.advance(timedelta(seconds=1))
    first = owner_client.get(f"{BASE}/products")
    assert _titles(first) == [f"商品{i:02d}" for i in range(44, 24, -1)]
    html = first.get_data(as_text=True)
    assert "第 1 / 3 页" in html and "共 45 件商品" in html
    second = owner_client.get(_link(html, "下一页"))
    assert _titles(second) == [f"商品{i:02d}" for i in range(24, 4, -1)]
    last = owner_client.get(_link(html, "最后一页"))
    assert _titles(last) == [f"商品{i:02d}" for i in range(4, -1, -1)]
    assert "第 3 / 3 页" in last.get_data(as_text=True)
    back = owner_client.get(_link(last.get_data(as_text=True), "上一页"))
    assert _titles(back) == _titles(second)
    assert "第 2 / 3 页" in back.get_data(as_text=True)
    # a cursor made for another sort is a 422 naming the field, not a wrong page
    cursor = re.search(r"after=([\w-]+)", html).group(1)
    assert owner_client.get(f"{BASE}/products?sort=newest&after={cursor}").status_code == 422
    # the stock sort has no cursor: it pages by number
    by_stock = owner_client.get(f"{BASE}/products?sort=stock_asc&page=3")
    assert len(_titles(by_stock)) == 5


def _link(html: str, label: str) -> str:
    href = re.search(r'<a class="btn small" href="([^"]+)">' + label + "</a>", html).group(1)
    return href.replace("&amp;", "&")


def test_bulk_actions(owner_client, factory, shop, app):
    a = factory.product(shop, "商品A", status="draft")
    b = factory.product(shop, "商品B", status="draft")
    c = factory.product(shop, "商品C")
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        group = taxonomy.create_group(s, {"name": "新品"})
        s.commit()
        group_id = group.id

    def bulk(action, ids, **extra):
        return owner_client.post(f"{BASE}/products/bulk", data={
            "csrf_token": owner_client.csrf, "action": action,
            "product_ids": [str(i) for i in ids], **extra})

    response = bulk("on_sale", [a.id, b.id])
    assert response.status_code == 302
    assert [_read(app, shop, p.id)[0].status for p in (a, b)] == ["on_sale", "on_sale"]
    bulk("off_shelf", [c.id])
    assert _read(app, shop, c.id)[0].status == "off_shelf"
    bulk("group_add", [a.id, c.id], group_id=str(group_id))
    assert _titles(owner_client.get(f"{BASE}/products?group={group_id}&sort=newest")) == [
        "商品C", "商品A"]
    bulk("delete", [b.id])
    assert _read(app, shop, b.id)[0].deleted_at is not None
    assert "商品B" not in _titles(owner_client.get(f"{BASE}/products"))

    response = bulk("on_sale", [])
    follow = owner_client.get(response.headers["Location"])
    assert "请至少选择一件商品" in follow.get_data(as_text=True)
    # the form needs its CSRF token
    no_token = owner_client.post(f"{BASE}/products/bulk", data={
        "action": "delete", "product_ids": [str(a.id)]},
        headers={"X-CSRF-Token": ""}, environ_base={"HTTP_X_CSRF_TOKEN": ""})
    assert no_token.status_code == 403
    assert _read(app, shop, a.id)[0].deleted_at is None


def test_product_form_creates_and_edits_through_json(owner_client, shop, app):
    page = owner_client.get(f"{BASE}/products/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="product-form-config"' in html and "product-form.js" in html
    assert 'type="module"' in html

    payload = {
        "title": "<b>撞色</b>卫衣", "code": "HD-1", "unit": "件", "tags": ["新品"],
        "status": "on_sale", "on_sale_at": "", "off_sale_at": "2030-01-01T20:00",
        "specs": [{"name": "颜色", "values": ["黑", "白"]}, {"name": "尺码", "values": ["M"]}],
        "skus": [{"spec_values": ["黑", "M"], "price_fen": 12900, "stock": 5},
                 {"spec_values": ["白", "M"], "price_fen": 13900, "stock": 3}],
        "images": [{"url": "https://img.example.com/hd.jpg"}],
    }
    response = owner_client.post(f"{BASE}/products", json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    product_id = response.json["id"]
    assert response.json["url"] == f"{BASE}/products/{product_id}"
    product, skus = _read(app, shop, product_id)
    assert product.title == "<b>撞色</b>卫衣"  # titles are text, escaped on output
    assert [(s.spec_values, s.price_fen, s.stock) for s in skus] == [
        (["黑", "M"], 12900, 5), (["白", "M"], 13900, 3)]
    # the wall-clock time in the form is the shop's (Asia/Shanghai, UTC+8)
    assert product.off_sale_at.isoformat() == "2030-01-01T12:00:00+00:00"

    edit = owner_client.get(f"{BASE}/products/{product_id}")
    html = edit.get_data(as_text=True)
    assert "&lt;b&gt;撞色&lt;/b&gt;卫衣" in html and "<b>撞色" not in html
    assert "2030-01-01T20:00" in html  # shown back in shop time
    data = owner_client.get(f"{BASE}/products/{product_id}",
                            headers={"Accept": "application/json"}).json
    assert data["skus"][0]["price_fen"] == 12900 and data["tags"] == ["新品"]

    black = skus[0]
    update = {"specs": [{"name": "颜色", "values": ["黑"]}, {"name": "尺码", "values": ["M"]}],
              "skus": [{"id": black.id, "spec_values": ["黑", "M"], "price_fen": 11900}]}
    response = owner_client.post(f"{BASE}/products/{product_id}", json=update)
    assert response.status_code == 200
    product, skus = _read(app, shop, product_id)
    active = [s for s in skus if s.retired_at is None]
    assert [(s.id, s.price_fen, s.stock) for s in active] == [(black.id, 11900, 5)]
    assert product.min_price_fen == 11900


def test_product_form_errors_name_their_fields(owner_client, shop):
    response = owner_client.post(f"{BASE}/products", json={
        "title": "", "specs": [{"name": "颜色", "values": ["红"]}],
        "skus": [{"spec_values": ["红"], "price_fen": -5}]})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert {e["pointer"] for e in response.json["errors"]} == {"/title", "/skus/0/price_fen"}
    assert owner_client.post(f"{BASE}/products", data="not json",
                             content_type="text/plain").status_code == 415
    assert owner_client.post(f"{BASE}/products/999999", json={"title": "x"}).status_code == 404


def test_categories_and_groups_screens(owner_client, shop, app, factory):
    token = owner_client.csrf
    owner_client.post(f"{BASE}/categories", data={"csrf_token": token, "name": "女装",
                                                  "position": "1", "is_visible": "1",
                                                  "icon_url": "https://img.example.com/w.png"})
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        women = taxonomy.category_tree(s)[0].category
    owner_client.post(f"{BASE}/categories", data={"csrf_token": token, "name": "连衣裙",
                                                  "parent_id": str(women.id), "position": "0"})
    html = owner_client.get(f"{BASE}/categories").get_data(as_text=True)
    assert "女装" in html and "连衣裙" in html and "已隐藏" in html  # 连衣裙 was not ticked
    response = owner_client.post(f"{BASE}/categories/{women.id}/delete",
                                 data={"csrf_token": token})
    assert response.status_code == 302
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert [n.category.name for n in taxonomy.category_tree(s)] == ["女装"]

    owner_client.post(f"{BASE}/groups", data={"csrf_token": token, "name": "百元内",
                                              "kind": "rule", "rule_tags": "",
                                              "rule_max_price": "100.00"})
    factory.product(shop, "小物", price_fen=990)
    factory.product(shop, "大件", price_fen=99900)
    html = owner_client.get(f"{BASE}/groups").get_data(as_text=True)
    assert "百元内" in html and "≤ ¥100.00" in html
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        group = taxonomy.list_groups(s)[0]
        assert group.rule == {"max_price_fen": 10000}
        assert taxonomy.group_product_counts(s) == {group.id: 1}
    bad = owner_client.post(f"{BASE}/groups", data={"csrf_token": token, "name": "x",
                                                    "kind": "rule", "rule_min_price": "1.234"})
    assert "请输入以元为单位的金额" in owner_client.get(bad.headers["Location"]) \
        .get_data(as_text=True)


def test_stock_log_page(owner_client, factory, shop, app):
    product = factory.product(shop, "袜子", stock=4)
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        sku = products.product_skus(s, product.id)[0]
        stock.reserve(s, sku.id, 1, "order-77")
        s.commit()
    html = owner_client.get(f"{BASE}/products/{product.id}/stock").get_data(as_text=True)
    assert "下单占用" in html and "order-77" in html and "初始库存" in html


def test_staff_needs_the_catalog_area_and_other_shops_are_404(app, factory, shop):
    staff = factory.merchant(shop, role=Role.STAFF, areas=["orders"])
    client = app.test_client()
    factory.console_login(client, staff)
    assert client.get(f"{BASE}/products").status_code == 403
    catalog_staff = factory.merchant(shop, role=Role.STAFF, areas=["catalog"])
    client = app.test_client()
    factory.console_login(client, catalog_staff)
    assert client.get(f"{BASE}/products").status_code == 200

    other = factory.shop(slug="beta")
    product_b = factory.product(other, "B 店商品")
    assert client.get(f"/console/shops/beta/catalog/products/{product_b.id}").status_code == 404
    assert client.get(f"{BASE}/products/{product_b.id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"{BASE}/products", headers={"Accept": "application/json"}) \
        .status_code == 401


def test_nav_lists_the_catalog_screens(owner_client):
    html = owner_client.get(f"{BASE}/products").get_data(as_text=True)
    for path in ("catalog/products", "catalog/categories", "catalog/groups"):
        assert f"/console/shops/alpha/{path}" in html


#: A warm console list page on PostgreSQL: the session with its user, the shop, its tenant
#: context, the membership, the page of products, their stock and the modules on (the counts,
#: the pickers and the shop switcher come from Redis). SQLite reads those four from the
#: database: the group-by-status and low-stock counts, categories, groups, the switcher.
LIST_STATEMENTS = {"postgresql": 7, "sqlite": 11}


@pytest.mark.parametrize("query", ["", "?last=1"])
def test_a_console_list_page_is_one_transaction_of_few_statements(app, clock, owner_client,
                                                                  factory, shop, query):
    """(The clock stands still: no touch of the session's last_seen_at, which commits.)"""
    for i in range(25):
        factory.product(shop, f"商品{i:02d}")
    assert owner_client.get(f"{BASE}/products{query}").status_code == 200  # fills the caches
    with counting(app) as counted:
        page = owner_client.get(f"{BASE}/products{query}")
    assert len(_titles(page)) == (20 if not query else 5)
    dialect = app.extensions["mallkit"].engine.dialect.name
    assert counted.transactions == 1, counted.statements
    assert len(counted.statements) == LIST_STATEMENTS[dialect], "\n".join(counted.statements)
