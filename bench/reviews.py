"""The automatic good review sweep over 100 000 due slots, next to a bare bulk UPDATE of the
same rows, in one run.

A shop with the reviews module on gets 100 000 review slots (completed order lines, 500
products) due for their automatic review, written with one bulk INSERT (the bench's fixture;
the slots of real orders come from the ``order_completed`` hook). Then, timed:

- **baseline**: one bare ``UPDATE review_slots SET review_id = id`` over exactly those rows
  (no review written, no counter), committed; the rows are put back untimed;
- **sweep**: ``runtime.modules.reviews.jobs.review_shop_backlog`` — what the
  ``reviews-auto-sweeper`` runs for the shop: batches of 5 000, each one transaction with an
  ``INSERT ... SELECT`` of the reviews, the ``UPDATE`` of the slots and the per-product
  counters.

It prints both rates (rows/s), the ratio sweep / baseline (target >= 0.3) and the sweep's
peak Python memory (tracemalloc) and the process's peak resident set, then checks that every
slot has its review and the counters add up to 100 000.

Embedded SQLite unless MALLKIT_BENCH_DATABASE_URL names a scratch PostgreSQL database (it is
migrated and filled; MALLKIT_BENCH_REDIS_URL for its Redis).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROWS = int(os.environ.get("MALLKIT_BENCH_REVIEW_ROWS", "100000"))
PRODUCTS = 500
CHUNK = 10_000
SHOP = "bench-reviews"


def settings(data_dir: Path):
    from runtime.settings import Settings

    return Settings(data_dir=data_dir,
                    database_url=os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                                f"sqlite:///{data_dir / 'bench.sqlite3'}"),
                    redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                    secret_key="bench-secret", embedded_worker=False,
                    allow_privileged_database_role=True)  # a scratch database, warned


def make_app(data_dir: Path):
    from runtime.app import create_app
    from runtime.db import make_engine
    from runtime.migrate import upgrade

    config = settings(data_dir)
    engine = make_engine(config.database_url)
    upgrade(engine, secret_key=config.secret_key)
    engine.dispose()
    return create_app(config)


def seed(app, now) -> int:
    """The shop, the module on, and ROWS slots due at ``now``; returns the shop id."""
    from sqlalchemy import insert

    from runtime.db import use_shop
    from runtime.modules import switches
    from runtime.modules.reviews.models import ReviewSlot
    from runtime.shops.models import Shop

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=SHOP, name="评价压测", settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        switches.enable(session, "reviews")
        completed = now - timedelta(days=8)
        for start in range(0, ROWS, CHUNK):
            session.execute(insert(ReviewSlot.__table__), [
                {"shop_id": shop.id, "order_id": 1 + i // 2, "line_id": 1 + i,
                 "product_id": 1 + i % PRODUCTS, "member_id": 1 + i // 3,
                 "title": f"商品 {i % PRODUCTS}", "spec_text": "默认", "image": None,
                 "completed_at": completed, "auto_due_at": completed + timedelta(days=7),
                 "created_at": completed, "updated_at": completed}
                for i in range(start, min(start + CHUNK, ROWS))])
        session.commit()
        return shop.id


def bare_update(app, shop_id: int, now) -> float:
    """The baseline: one UPDATE of the same due rows, committed; returns seconds. The rows
    are set back afterwards (untimed)."""
    from sqlalchemy import update

    from runtime.db import use_shop
    from runtime.modules.reviews.models import ReviewSlot

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        use_shop(session, shop_id)
        due = (ReviewSlot.shop_id == shop_id, ReviewSlot.review_id.is_(None),
               ReviewSlot.auto_due_at <= now)
        started = time.perf_counter()
        done = session.execute(update(ReviewSlot).where(*due).values(
            review_id=ReviewSlot.id, updated_at=now).execution_options(
            synchronize_session=False)).rowcount
        session.commit()
        seconds = time.perf_counter() - started
        assert done == ROWS, done
        session.execute(update(ReviewSlot).where(ReviewSlot.shop_id == shop_id).values(
            review_id=None).execution_options(synchronize_session=False))
        session.commit()
    return seconds


def sweep(app, shop_id: int, now) -> tuple[float, int, int]:
    """The sweeper's work for the shop; returns (seconds, rows written, peak bytes)."""
    from runtime.modules.reviews.jobs import review_shop_backlog

    with app.app_context():
        tracemalloc.start()
        started = time.perf_counter()
        written = review_shop_backlog(shop_id, now)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, written, peak


def check(app, shop_id: int) -> None:
    from sqlalchemy import func, select

    from runtime.db import use_shop
    from runtime.modules.reviews.models import Review, ReviewProductStats, ReviewSlot

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        use_shop(session, shop_id)
        reviews = session.scalar(select(func.count(Review.id)))
        open_slots = session.scalar(select(func.count(ReviewSlot.id)).where(
            ReviewSlot.review_id.is_(None)))
        counted, stars = session.execute(select(func.sum(ReviewProductStats.review_count),
                                                func.sum(ReviewProductStats.stars_sum))).one()
    assert (reviews, open_slots, counted, stars) == (ROWS, 0, ROWS, 5 * ROWS), (
        reviews, open_slots, counted, stars)


def main() -> int:
    from runtime.clock import clock

    with tempfile.TemporaryDirectory(prefix="mallkit-bench-reviews-") as tmp:
        app = make_app(Path(tmp))
        app.extensions["mallkit"].redis.flushdb()
        now = clock.now()
        shop_id = seed(app, now)
        base_s = bare_update(app, shop_id, now)
        sweep_s, written, peak = sweep(app, shop_id, now)
        assert written == ROWS, written
        check(app, shop_id)
        backend = app.extensions["mallkit"].settings.database_url.split(":", 1)[0]
        base_rate, sweep_rate = ROWS / base_s, ROWS / sweep_s
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"backend: {backend}; {ROWS} due slots over {PRODUCTS} products")
        print(f"bare bulk UPDATE:     {base_s:7.2f} s  {base_rate:10.0f} rows/s")
        print(f"auto-review sweep:    {sweep_s:7.2f} s  {sweep_rate:10.0f} rows/s "
              f"(reviews written, slots claimed, counters kept)")
        print(f"ratio sweep / UPDATE: {sweep_rate / base_rate:.2f} (target >= 0.3)")
        print(f"sweep peak memory:    {peak / 2**20:.1f} MiB (tracemalloc); "
              f"process max RSS {rss_mb:.0f} MiB")
        app.extensions["mallkit"].engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
