"""``mallkit demo``: the distribution seeder runs after after-sales and shows a chain of two
distributors earning on the demo buyer's paid orders, with the ledger in step."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.distribution import ledger
from runtime.modules.distribution.models import Commission, Distributor
from runtime.shops.models import Shop


def test_the_demo_shows_distributors_earning(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    seeded = [line for line in result.output.splitlines() if line.startswith("seeded ")]
    assert seeded.index("seeded aftersales") < seeded.index("seeded distribution")
    assert runner.invoke(args=["demo"]).exit_code == 0  # twice: nothing more
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        shop = s.scalar(select(Shop).where(Shop.slug == "demo"))
        use_shop(s, shop.id)
        assert len(s.scalars(select(Distributor)).all()) == 2
        rows = s.scalars(select(Commission)).all()
        assert {c.level for c in rows} == {1, 2} and all(c.amount_fen > 0 for c in rows)
        assert ledger.reconcile(s).ok
