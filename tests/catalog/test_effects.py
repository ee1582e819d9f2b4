"""What the catalog tells others: page data version bumps after commit, OpenAPI paths,
media references (an image a product shows cannot be deleted) and media URLs in the API."""

from __future__ import annotations

import pytest

from runtime.errors import Conflict, ValidationFailed
from runtime.media.service import delete_asset
from runtime.modules.catalog import products, stock, taxonomy
from runtime.pages.cache import versions_key


def _catalog_version(redis_conn, shop) -> int:
    return int(redis_conn.hget(versions_key(shop.id), "data:catalog") or 0)


def test_a_catalog_change_bumps_the_page_data_version_once_after_commit(shop_session,
                                                                        redis_conn, shop):
    product = products.create_product(shop_session, {"title": "围巾",
                                                     "skus": [{"price_fen": 100, "stock": 3}]})
    products.update_product(shop_session, product.id, {"subtitle": "羊毛"})
    assert _catalog_version(redis_conn, shop) == 0
    shop_session.commit()
    assert _catalog_version(redis_conn, shop) == 1

    products.update_product(shop_session, product.id, {"title": "不会保存"})
    shop_session.rollback()
    assert _catalog_version(redis_conn, shop) == 1

    sku = products.product_skus(shop_session, product.id)[0]
    products.update_product(shop_session, product.id, {"skus": [{"id": sku.id,
                                                                 "price_fen": 90}]})
    shop_session.commit()
    stock.reserve(shop_session, sku.id, 1, "order-1")
    shop_session.commit()
    taxonomy.create_category(shop_session, {"name": "配饰"})
    shop_session.commit()
    assert _catalog_version(redis_conn, shop) == 4


def test_other_shops_versions_do_not_move(shop_session, redis_conn, factory):
    other = factory.shop()
    products.create_product(shop_session, {"title": "x", "skus": [{"price_fen": 1}]})
    shop_session.commit()
    assert _catalog_version(redis_conn, other) == 0


def test_openapi_documents_the_catalog_paths(client):
    document = client.get("/api/v1/openapi.json").json
    paths = document["paths"]
    listing = paths["/api/v1/shops/{shop_slug}/products"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "keyword", "category", "group", "min_price_fen", "max_price_fen", "sort", "cursor",
        "limit"}
    assert "/api/v1/shops/{shop_slug}/products/{product_id}" in paths
    assert "/api/v1/shops/{shop_slug}/categories" in paths
    assert "skus" in document["components"]["schemas"]["ProductDetail"]["properties"]


def test_media_images_are_served_as_urls_and_protected_from_deletion(
        client, factory, shop, shop_session):
    cover = factory.media_image(shop, 800, 800, "cover.png")
    swatch = factory.media_image(shop, 200, 200, "red.png", colour=(200, 0, 0))
    product = factory.product(shop, "红色卫衣", images=[{"media_id": cover.id},
                                                        {"url": "https://cdn.example.com/2.jpg"}],
                              skus=[{"price_fen": 100, "image": {"media_id": swatch.id}}])
    detail = client.get(f"/api/v1/shops/alpha/products/{product.id}").json
    assert detail["images"][0].startswith("/media/") and detail["images"][1] == \
        "https://cdn.example.com/2.jpg"
    assert detail["skus"][0]["image"].startswith("/media/")
    card = client.get("/api/v1/shops/alpha/products").json["items"][0]
    assert card["cover"].startswith("/media/") and card["cover"] != detail["images"][0]

    with pytest.raises(Conflict) as info:
        delete_asset(shop_session, cover.id)
    assert info.value.extra["references"][0]["kind"] == "product"
    with pytest.raises(Conflict) as info:
        delete_asset(shop_session, swatch.id)
    assert info.value.extra["references"][0]["kind"] == "sku"


def test_an_image_must_exist_in_the_shops_library(shop_session, factory):
    other = factory.shop()
    foreign = factory.media_image(other)
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "x", "images": [{"media_id": foreign.id}, {"media_id": 987654}],
            "skus": [{"price_fen": 1, "image": {"url": "ftp://x"}}]})
    assert {e.pointer for e in info.value.errors} == {
        "/images/0/media_id", "/images/1/media_id", "/skus/0/image/url"}
