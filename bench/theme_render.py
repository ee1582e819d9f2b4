"""H5 home page requests/s with an agency's uploaded theme next to the bundled default theme,
in one run, and the number of compiled templates over 1,000 renders.

Two shops publish the same 20-block home page; one uses the bundled default theme, the other an
uploaded, published agency theme (the fresh theme's templates and block overrides, through the
whole upload path). Rendering is measured cold (the shop's page cache is bumped before every
request) in alternating batches, so the ratio compares the theme machinery itself.
Warm (cached) rates are printed too. Target: agency / bundled >= 0.8, and no template compiled
again after the first renders.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout import bench_app, interleaved, twenty_blocks

from runtime.accounts import service as accounts
from runtime.db import use_shop
from runtime.pages import cache, render, store
from runtime.shops.models import Shop
from runtime.themes import catalog
from runtime.themes import service as themes
from runtime.themes.package import read_folder, write_zip
from runtime.themes.registry import THEMES_DIR

BATCH = 50
ROUNDS = 8
RENDERS = 1000
WARM_REQUESTS = 2000


def agency_zip() -> bytes:
    files = read_folder(THEMES_DIR / "fresh")
    manifest = json.loads(files["theme.json"])
    manifest.update(id="bench-agency", version="1.0.0", author="Bench Agency")
    files["theme.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    return write_zip(files)


def setup(data_dir: Path):
    app = bench_app(data_dir)
    mk = app.extensions["mallkit"]
    mk.redis.flushdb()
    regs = mk.registries["pages"]
    shops = {}
    with mk.session_factory() as s:
        s.info["shop_id"] = None
        agency = accounts.create_agency(s, slug="bench", name="Bench Agency")
        catalog.upload(s, agency.id, agency_zip(), regs.blocks, regs.themes)
        catalog.publish(s, agency.id, "bench-agency", "1.0.0", "")
        catalog.set_visibility(s, agency.id, "bench-agency", "listed")
        for slug in ("bundled", "agency"):
            shop = Shop(slug=slug, name="压测商店", settings={})
            s.add(shop)
            s.commit()
            use_shop(s, shop.id)
            s.info["redis"] = mk.redis
            page = store.ensure_page(s, "home", regs)
            store.save_draft(s, "home", twenty_blocks(), page.draft_revision, regs)
            store.publish(s, "home", registries=regs)
            if slug == "agency":
                themes.activate_theme(s, "bench-agency", regs.themes)
            s.commit()
            shops[slug] = shop.id
            use_shop(s, None)
    return app, shops


def compiled() -> int:
    """Templates compiled so far: every sandbox's compiled-template cache, summed."""
    return sum(len(t.env.cache or ()) for t in render._environments.values())


def cold_rates(app, shops: dict[str, int]) -> dict[str, float]:
    client = app.test_client()
    redis = app.extensions["mallkit"].redis
    spent = dict.fromkeys(shops, 0.0)
    for _ in range(ROUNDS):
        for slug, shop_id in shops.items():
            start = time.perf_counter()
            for _ in range(BATCH):
                cache.bump_config_version(redis, shop_id)
                response = client.get(f"/s/{slug}/")
                if response.status_code != 200:
                    raise SystemExit(f"/s/{slug}/ answered {response.status_code}")
            spent[slug] += time.perf_counter() - start
    return {slug: BATCH * ROUNDS / t for slug, t in spent.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, shops = setup(Path(tmp))
        client = app.test_client()
        agency_html = client.get("/s/agency/").get_data(as_text=True)
        assert "fresh-tabbar" in agency_html, "the agency theme's frame is not in use"
        cold_rates(app, shops)  # warm-up: every template compiled once
        before = compiled()
        redis = app.extensions["mallkit"].redis
        for i in range(RENDERS):
            cache.bump_config_version(redis, shops["agency" if i % 2 else "bundled"])
            client.get(f"/s/{'agency' if i % 2 else 'bundled'}/")
        after = compiled()
        rates = cold_rates(app, shops)
        warm = interleaved(client, ["/s/bundled/", "/s/agency/"], WARM_REQUESTS)
        backend = app.extensions["mallkit"].engine.dialect.name
        print(f"backend: {backend}; H5 home, 20 blocks, rendered cold "
              f"({BATCH * ROUNDS} requests each, alternating batches)")
        print(f"bundled default theme : {rates['bundled']:8.1f} req/s")
        print(f"uploaded agency theme : {rates['agency']:8.1f} req/s")
        print(f"ratio agency / bundled: {rates['agency'] / rates['bundled']:8.2f}   "
              "(target >= 0.80)")
        print(f"warm (cached) bundled : {warm[0]:8.1f} req/s, agency {warm[1]:.1f} req/s, "
              f"ratio {warm[1] / warm[0]:.2f}")
        print(f"compiled templates    : {before} before, {after} after {RENDERS} renders "
              "(target: unchanged)")
        app.extensions["mallkit"].engine.dispose()


if __name__ == "__main__":
    main()
