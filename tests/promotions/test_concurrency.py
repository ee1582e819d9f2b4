"""Ten orders of one member racing for a discount with a limit of two units: two are
created at the discount price, the others refused (409 discount_limit_reached), and the
counter says two."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.errors import Conflict
from runtime.modules.orders import checkout
from runtime.modules.orders.models import Order
from runtime.modules.promotions.models import DiscountCounter, DiscountUse
from tests.concurrency import run_in_threads
from tests.orders.flow import shopper, sku_of
from tests.promotions.helpers import Console

THREADS = 10


def test_racing_orders_never_pass_the_per_member_limit(app, client, factory, shop, session,
                                                       clock):
    factory.module_on(shop, "promotions")
    sku = sku_of(factory, shop, factory.product(shop, "限购", price_fen=1000, stock=50))
    d = Console(client, factory, shop).discount(
        [{"sku_id": sku.id, "mode": "price", "value": 100}], per_member_limit=2)
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    quotes = [alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
              for _ in range(THREADS)]
    assert all(q["lines"][0]["adjustments"] == {f"limited_discount:{d['id']}": 900}
               for q in quotes)  # quoted before any order: each at the discount price

    def submit(s, i):
        return checkout.submit(s, alice.member.id, quotes[i]["quote_id"], f"race-key-{i:04d}")

    with app.app_context():
        outcomes = run_in_threads(app, shop.id, submit, THREADS)
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == THREADS - 2, outcomes
    assert {o.code for o in refused} == {"discount_limit_reached"}
    use_shop(session, shop.id)
    assert session.scalar(select(func.count()).select_from(Order)) == 2
    assert session.scalar(select(DiscountCounter.used)) == 2
    assert session.scalar(select(func.sum(DiscountUse.qty))) == 2
