"""Shop B's catalog is invisible and unwritable from shop A: API, services and stock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.errors import NotFound, ValidationFailed
from runtime.modules.catalog import products, queries, stock, taxonomy
from runtime.modules.catalog.models import Product, Sku, StockLedgerEntry


@pytest.fixture
def beta(factory, app):
    """Shop B with a category, a group and a product; returns their ids."""
    shop_b = factory.shop(slug="beta")
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop_b.id)
        category = taxonomy.create_category(s, {"name": "B 的分类"})
        group = taxonomy.create_group(s, {"name": "B 的分组"})
        tag = taxonomy.tags_by_name(s, ["B 标签"])[0]
        s.commit()
        ids = {"category": category.id, "group": group.id, "tag": tag.id}
    product = factory.product(shop_b, "B 店连衣裙", category_id=ids["category"],
                              group_ids=[ids["group"]], code="B-1",
                              skus=[{"price_fen": 100, "stock": 5, "code": "B-SKU"}])
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop_b.id)
        ids["sku"] = products.product_skus(s, product.id)[0].id
    ids.update(shop=shop_b, product=product.id)
    return ids


def _beta_state(app, beta):
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, beta["shop"].id)
        product = s.get(Product, beta["product"])
        sku = s.get(Sku, beta["sku"])
        return (product.title, product.status, product.deleted_at, sku.stock, sku.price_fen,
                len(s.scalars(select(StockLedgerEntry)).all()))


def test_api_of_shop_a_never_shows_shop_b(client, shop, beta, factory):
    factory.product(shop, "A 店连衣裙")
    items = client.get("/api/v1/shops/alpha/products?keyword=连衣裙").json["items"]
    assert [i["title"] for i in items] == ["A 店连衣裙"]
    assert client.get(f"/api/v1/shops/alpha/products/{beta['product']}").status_code == 404
    assert client.get(f"/api/v1/shops/alpha/products?category={beta['category']}") \
        .json["items"] == []
    assert client.get(f"/api/v1/shops/alpha/products?group={beta['group']}").json["items"] == []
    assert client.get("/api/v1/shops/alpha/categories").json["items"] == []
    assert client.get(f"/api/v1/shops/beta/products/{beta['product']}").status_code == 200


def test_services_of_shop_a_cannot_read_or_write_shop_b(app, shop_session, beta):
    before = _beta_state(app, beta)
    with pytest.raises(NotFound):
        products.get_product(shop_session, beta["product"])
    with pytest.raises(NotFound):
        products.update_product(shop_session, beta["product"], {"title": "hijacked"})
    shop_session.rollback()
    with pytest.raises(ValidationFailed):
        products.set_status(shop_session, [beta["product"]], "off_shelf")
    shop_session.rollback()
    with pytest.raises(ValidationFailed):
        products.delete_products(shop_session, [beta["product"]])
    shop_session.rollback()
    with pytest.raises(NotFound):
        stock.reserve(shop_session, beta["sku"], 1, "order-steal")
    shop_session.rollback()
    with pytest.raises(NotFound):
        stock.adjust(shop_session, beta["sku"], -5)
    shop_session.rollback()
    with pytest.raises(NotFound):
        stock.set_level(shop_session, beta["sku"], 0)
    shop_session.rollback()
    with pytest.raises(NotFound):
        taxonomy.update_category(shop_session, beta["category"], {"name": "x"})
    shop_session.rollback()
    with pytest.raises(NotFound):
        taxonomy.delete_group(shop_session, beta["group"])
    shop_session.rollback()
    with pytest.raises(NotFound):
        taxonomy.rename_tag(shop_session, beta["tag"], "x")
    shop_session.rollback()
    # references to shop B's rows are refused field by field
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "A", "category_id": beta["category"], "group_ids": [beta["group"]],
            "skus": [{"price_fen": 1}]})
    assert {e.pointer for e in info.value.errors} == {"/category_id"}
    shop_session.rollback()
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {"title": "A", "group_ids": [beta["group"]],
                                               "skus": [{"price_fen": 1}]})
    assert {e.pointer for e in info.value.errors} == {"/group_ids/0"}
    shop_session.rollback()
    # codes are per shop: shop A may use shop B's codes
    products.create_product(shop_session, {"title": "A", "code": "B-1",
                                           "skus": [{"price_fen": 1, "code": "B-SKU"}]})
    shop_session.commit()
    assert products.find_sku_by_code(shop_session, "B-SKU").shop_id != beta["shop"].id
    assert queries.products_by_ids(shop_session, [beta["product"]]) == []
    assert stock.low_stock_skus(shop_session) == []
    shop_session.rollback()
    assert _beta_state(app, beta) == before
