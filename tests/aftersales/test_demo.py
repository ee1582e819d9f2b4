"""``mallkit demo`` on a fresh database: the reviews demo's completed orders are made before
the after-sales seeder runs, so the demo shop shows its reviews and one real after-sale."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.aftersales.models import AfterSale
from runtime.modules.reviews.models import Review
from runtime.shops.models import Shop


def test_a_fresh_demo_shows_reviews_and_an_after_sale(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    seeded = [line for line in result.output.splitlines() if line.startswith("seeded ")]
    assert seeded.index("seeded reviews") < seeded.index("seeded aftersales")
    assert runner.invoke(args=["demo"]).exit_code == 0  # twice: nothing more
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        shop = s.scalar(select(Shop).where(Shop.slug == "demo"))
        use_shop(s, shop.id)
        [after_sale] = s.scalars(select(AfterSale)).all()
        assert (after_sale.amount_fen, after_sale.reason) == (500, "拍错规格，退差价")
        assert after_sale.status == "complete"  # cash on delivery: settled by hand
        assert len(s.scalars(select(Review)).all()) == 5
