"""Quote and order lines carry ``image_url`` next to their image reference; the URL serves
the library image. A thumbnail is not part of what a quote promises."""

from __future__ import annotations

from tests.orders.flow import shopper, sku_of


def assert_serves_image(client, url):
    assert url.startswith("/media/")
    served = client.get(url)
    assert served.status_code == 200
    assert served.mimetype.startswith("image/")


def test_quote_and_order_lines_carry_a_served_image_url(app, client, factory, shop):
    cover = factory.media_image(shop, 800, 800, "cover.png")
    swatch = factory.media_image(shop, 600, 600, "red.png", colour=(200, 0, 0))
    product = factory.product(shop, "红色卫衣", images=[{"media_id": cover.id}],
                              skus=[{"price_fen": 1000, "stock": 5,
                                     "image": {"media_id": swatch.id}}])
    plain = factory.product(shop, "无图款", price_fen=500)
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    alice.add_to_cart(sku_of(factory, shop, product).id, 2)
    alice.add_to_cart(sku_of(factory, shop, plain).id)

    quote = alice.quote()
    lines = {li["title"]: li for li in quote["lines"]}
    assert lines["红色卫衣"]["image"] == {"media_id": swatch.id}  # the SKU's own image
    assert_serves_image(client, lines["红色卫衣"]["image_url"])
    assert lines["无图款"]["image"] is None and lines["无图款"]["image_url"] is None

    order = alice.submit(quote["quote_id"]).json
    ordered = {li["title"]: li for li in order["lines"]}
    assert ordered["红色卫衣"]["image"] == {"media_id": swatch.id}
    assert ordered["红色卫衣"]["image_url"] == lines["红色卫衣"]["image_url"]
    assert_serves_image(client, ordered["红色卫衣"]["image_url"])
    assert ordered["无图款"]["image_url"] is None

    detail = alice.order(order["id"])
    assert [li["image_url"] for li in detail["lines"]] == [li["image_url"]
                                                          for li in order["lines"]]
    listed = alice.call("GET", "/orders").json["items"][0]
    assert listed["id"] == order["id"]
    assert [li["image_url"] for li in listed["lines"]] == [li["image_url"]
                                                          for li in order["lines"]]


def test_unavailable_quote_lines_carry_image_url_too(app, client, factory, shop):
    asset = factory.media_image(shop, 400, 400, "gone.png")
    scarce = factory.product(shop, "紧俏款", stock=1, images=[{"media_id": asset.id}])
    fine = factory.product(shop, "现货款")
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    alice.add_to_cart(sku_of(factory, shop, fine).id)
    alice.add_to_cart(sku_of(factory, shop, scarce).id)
    bob = shopper(app, client, factory, shop)
    bob.add_address()
    bob.buy(sku_of(factory, shop, scarce).id)  # takes the last one

    quote = alice.quote()
    assert [li["title"] for li in quote["unavailable_lines"]] == ["紧俏款"]
    assert_serves_image(client, quote["unavailable_lines"][0]["image_url"])


def test_the_console_order_list_shows_line_thumbnails(app, client, factory, shop):
    cover = factory.media_image(shop, 800, 800, "cover.png")
    product = factory.product(shop, "红色卫衣", images=[{"media_id": cover.id}])
    plain = factory.product(shop, "无图款", price_fen=500)
    alice = shopper(app, app.test_client(), factory, shop)
    alice.add_address()
    alice.add_to_cart(sku_of(factory, shop, product).id)
    alice.add_to_cart(sku_of(factory, shop, plain).id)
    order = alice.submit(alice.quote()["quote_id"]).json
    factory.console_login(client, factory.merchant(shop))
    html = client.get(f"/console/shops/{shop.slug}/orders",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    thumb = next(li["image_url"] for li in order["lines"] if li["title"] == "红色卫衣")
    assert f'<img class="line-thumb" src="{thumb}"' in html
    assert_serves_image(client, thumb)
    assert '<span class="line-thumb empty" aria-hidden="true">无</span>' in html
