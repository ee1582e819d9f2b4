"""The demo seeder: demo shoppers buy demo products through checkout, cash on delivery and
pickup, the orders complete, and their reviews (written through the service) show on the
product page; running the demo twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.orders.models import Order
from runtime.modules.reviews import service
from runtime.modules.reviews.models import Review


def seed_all(app, shop):
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        for seeder in app.extensions["mallkit"].modules.seeders.values():
            use_shop(s, shop.id)
            seeder.func(s, shop)
            s.commit()


def test_demo_reviews_come_from_completed_demo_orders(app, client, shop, clock):
    seed_all(app, shop)
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)  # other modules' demos (group buy ...) place orders of their own
        orders_once = s.scalar(select(func.count()).select_from(Order))
    seed_all(app, shop)
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        reviews = list(s.scalars(select(Review).order_by(Review.id)))
        orders = {o.id: o.status for o in s.scalars(select(Order))}
        assert len(reviews) == 5 and len(orders) == orders_once
        assert len({r.order_id for r in reviews}) == 3  # three completed demo orders
        assert len(service.lines_to_review(s, reviews[2].member_id)) == 1
        assert {orders[r.order_id] for r in reviews} == {"completed"}
        product_id = reviews[0].product_id
        assert service.ratings(s, [product_id])[product_id] == service.recount(s, product_id)
    shown = client.get(f"/api/v1/shops/{shop.slug}/products/{product_id}/reviews").json
    assert shown["items"][0]["pinned"] is True
    assert any(x["nickname"] == "陈***一" for x in shown["items"])
    page = client.get(f"/s/{shop.slug}/pages/product?id={product_id}").get_data(as_text=True)
    assert 'class="mk-reviews"' in page and "林小夏" in page
