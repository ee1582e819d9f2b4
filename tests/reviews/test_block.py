"""The product-reviews block on the product page: the rating and the latest shown reviews
in H5 (escaped) and in the layout, one resolver call per page, gone while the module is off
and for a mini-program older than its ``min_client``."""

from __future__ import annotations

from runtime.modules.reviews import service
from tests.orders.flow import shopper
from tests.reviews.flow import completed_order, products, review_body, run


def product_layout(client, shop, product_id, version="1.1.0"):
    return client.get(f"/api/v1/shops/{shop.slug}/layouts/product?id={product_id}",
                      headers={"X-Client-Version": version}).json


def reviews_node(layout):
    return next((n for n in layout["nodes"] if n["type"] == "product-reviews"), None)


def test_the_product_page_shows_rating_and_latest_reviews(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, = products(factory, shop, 1000)
    texts = ["<img src=x onerror=alert(1)>好", "一般般", "很好很好"]
    ids = []
    for i, (stars, text) in enumerate(zip((5, 3, 4), texts, strict=True)):
        buyer = shopper(app, app.test_client(), factory, shop, openid=f"o-{i}")
        order = completed_order(app, factory, shop, buyer, [a])
        ids.append(buyer.call("POST", "/reviews", review_body(
            order, stars=stars, content=text, anonymous=i == 1), 201).json["id"])
    run(app, factory, shop, service.set_pinned, ids[0], True)

    node = reviews_node(product_layout(client, shop, a.product_id))
    assert node["data"]["rating"]["average"] == 4.0 and node["data"]["rating"]["count"] == 3
    assert [x["id"] for x in node["data"]["items"]] == [ids[0], ids[2], ids[1]]
    html = client.get(f"/s/{shop.slug}/pages/product?id={a.product_id}").get_data(as_text=True)
    assert 'data-rating="4.0"' in html and "好评率 67%" in html
    assert "onerror" not in html and "一般般" in html and "精选" in html
    assert f'href="/s/{shop.slug}/products/{a.product_id}/reviews"' in html

    assert reviews_node(product_layout(client, shop, a.product_id, "1.0.9")) is None
    factory.module_on(shop, "reviews")
    with app.app_context(), factory._session() as s:
        from runtime.db import use_shop
        from runtime.modules import switches

        use_shop(s, shop.id)
        switches.disable(s, "reviews")
        s.commit()
    assert reviews_node(product_layout(client, shop, a.product_id)) is None
    html = client.get(f"/s/{shop.slug}/pages/product?id={a.product_id}").get_data(as_text=True)
    assert "mk-reviews" not in html


def test_a_new_review_rebuilds_the_cached_page(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, = products(factory, shop, 1000)
    assert reviews_node(product_layout(client, shop, a.product_id))["data"]["items"] == []
    buyer = shopper(app, client, factory, shop)
    buyer.call("POST", "/reviews", review_body(completed_order(app, factory, shop, buyer, [a])),
               201)
    assert len(reviews_node(product_layout(client, shop, a.product_id))["data"]["items"]) == 1
