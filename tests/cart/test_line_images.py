"""Cart lines carry ``image_url`` next to their image reference, resolved for every line with
one query: the API's query count does not grow with the number of lines."""

from __future__ import annotations

from sqlalchemy import event

from tests.orders.flow import shopper, sku_of
from tests.statements import sets_tenant_context


def test_cart_line_image_url_serves_the_library_image(app, client, factory, shop):
    asset = factory.media_image(shop, 800, 600, "cover.png")
    product = factory.product(shop, "有图款", images=[{"media_id": asset.id}])
    plain = factory.product(shop, "无图款")
    alice = shopper(app, client, factory, shop)
    alice.add_to_cart(sku_of(factory, shop, product).id)
    cart = alice.add_to_cart(sku_of(factory, shop, plain).id)

    lines = {li["title"]: li for li in cart["lines"]}
    assert lines["有图款"]["image"] == {"media_id": asset.id}
    url = lines["有图款"]["image_url"]
    assert url.startswith("/media/")
    served = client.get(url)
    assert served.status_code == 200
    assert served.mimetype.startswith("image/")
    assert lines["无图款"]["image"] is None and lines["无图款"]["image_url"] is None
    assert alice.call("GET", "/cart").json["lines"] == cart["lines"]


def test_cart_api_query_count_does_not_grow_with_lines(app, client, factory, shop):
    products = [factory.product(shop, f"款 {i}", images=[
        {"media_id": factory.media_image(shop, 400, 400, f"{i}.png",
                                         colour=(40 * i, 80, 60)).id}]) for i in range(5)]
    engine = app.extensions["mallkit"].engine
    counts = []
    for n in (1, 5):
        buyer = shopper(app, client, factory, shop)
        for product in products[:n]:
            buyer.add_to_cart(sku_of(factory, shop, product).id)
        statements: list[str] = []

        def watch(_conn, _cursor, statement, *_args, into=statements):
            if not sets_tenant_context(statement):
                into.append(statement)

        event.listen(engine, "before_cursor_execute", watch)
        try:
            cart = buyer.call("GET", "/cart").json
        finally:
            event.remove(engine, "before_cursor_execute", watch)
        assert len(cart["lines"]) == n
        assert all(li["image_url"].startswith("/media/") for li in cart["lines"])
        counts.append(len(statements))
    assert counts[0] == counts[1]
