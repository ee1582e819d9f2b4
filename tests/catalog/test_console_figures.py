"""The console list's figures (products in all and per status, products low on stock): exact
right after a create, a status change, a delete, an import or a stock change, each shop its
own, and on PostgreSQL read from the cache by a repeat view instead of counted again."""

from __future__ import annotations

import re

import pytest

from runtime.db import use_shop
from runtime.modules.catalog import products, stock
from runtime.modules.catalog.figures import product_count
from tests.catalog.importing.helpers import import_file, workbook_bytes
from tests.sqlcount import counting

BASE = "/console/shops/alpha/catalog/products"


@pytest.fixture
def owner_client(app, client, factory, shop):
    client.csrf = factory.console_login(client, factory.merchant(shop))
    return client


def _figures(client, query: str = "") -> tuple[int, int]:
    """The list's product count and its low-on-stock count, as the merchant reads them."""
    response = client.get(f"{BASE}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    total = re.search(r"共 (\d+) 件商品", html)
    low = re.search(r"(\d+) 件库存不足", html)
    assert total is not None, html[:2000]
    return int(total.group(1)), int(low.group(1)) if low else 0


def _bulk(client, action: str, *product_ids: int) -> None:
    response = client.post(f"{BASE}/bulk", data={"action": action, "csrf_token": client.csrf,
                                                  "product_ids": [str(i) for i in product_ids]})
    assert response.status_code == 302


def test_the_counts_follow_creates_status_changes_and_deletes(owner_client, factory, shop):
    assert _figures(owner_client) == (0, 0)
    dress = factory.product(shop, "连衣裙")
    hat = factory.product(shop, "帽子")
    assert _figures(owner_client) == (2, 0)
    assert _figures(owner_client, "?status=off_shelf") == (0, 0)
    _bulk(owner_client, "off_shelf", hat.id)
    assert _figures(owner_client, "?status=off_shelf") == (1, 0)
    assert _figures(owner_client, "?status=on_sale") == (1, 0)
    _bulk(owner_client, "delete", dress.id)
    assert _figures(owner_client) == (1, 0)
    assert _figures(owner_client, "?status=on_sale") == (0, 0)


def test_the_low_stock_count_follows_stock_changes(app, owner_client, factory, shop):
    cap = factory.product(shop, "帽子", skus=[{"price_fen": 2900, "stock": 2,
                                               "low_stock_threshold": 5}])
    assert _figures(owner_client) == (1, 1)
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        sku = products.product_skus(s, cap.id)[0]
        stock.adjust(s, sku, 10, reference="test:restock")
        s.commit()
    assert _figures(owner_client) == (1, 0)


def test_an_import_shows_in_the_counts_at_once(app, owner_client, shop):
    assert _figures(owner_client) == (0, 0)
    rows = [{"product_code": f"I-{i}", "title": f"导入商品{i}", "price": "9.90", "stock": 1,
             "low_stock": 3} for i in range(3)]
    assert import_file(app, shop, workbook_bytes(rows)).created_count == 3
    assert _figures(owner_client) == (3, 3)


def test_each_shop_sees_its_own_counts(app, factory, shop):
    beta = factory.shop(slug="beta")
    for _ in range(2):
        factory.product(beta)
    factory.product(shop)
    owner = factory.merchant(shop)
    factory.membership(owner, beta)
    client = app.test_client()
    factory.console_login(client, owner)
    assert _figures(client) == (1, 0)
    beta_page = client.get("/console/shops/beta/catalog/products").get_data(as_text=True)
    assert "共 2 件商品" in beta_page
    assert _figures(client) == (1, 0)


def test_a_transaction_that_changed_the_catalog_counts_its_own_change(app, shop_session,
                                                                       factory, shop):
    factory.product(shop)
    with app.app_context():
        assert (product_count(shop_session), product_count(shop_session, "draft")) == (1, 0)
        shop_session.rollback()
        products.create_product(shop_session, {"title": "未提交", "status": "draft",
                                               "skus": [{"price_fen": 100, "stock": 1}]})
        assert (product_count(shop_session), product_count(shop_session, "draft")) == (2, 1)
        shop_session.rollback()
        assert (product_count(shop_session), product_count(shop_session, "draft")) == (1, 0)


@pytest.mark.postgres
def test_a_repeat_view_counts_no_products(app, owner_client, factory, shop):
    factory.product(shop)
    with counting(app) as first:
        assert _figures(owner_client) == (1, 0)
    with counting(app) as repeat:
        assert _figures(owner_client) == (1, 0)
    assert [s for s in first.statements if "count(" in s.lower()]
    assert not [s for s in repeat.statements if "count(" in s.lower()], repeat.statements
