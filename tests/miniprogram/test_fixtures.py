"""The mini-program's jest fixtures are still what the server sends.

``miniprogram/scripts/capture_fixtures.py`` recorded them from the demo shop; this re-records
them against this run's database (SQLite or PostgreSQL) and compares, the random values
(tokens, quote ids, order numbers, payment signatures) aside. When it fails, the server's
answers changed: run ``.venv/bin/python miniprogram/scripts/capture_fixtures.py``, check the
diff and the jest tests (``cd miniprogram && npx jest``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from runtime.pages.blocks import BLOCKS_DIR, block_dirs_under
from runtime.pages.miniprogram import MINIPROGRAM_DIR, client_types, fixture_gaps, scan

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "miniprogram" / "scripts" / "capture_fixtures.py"


def _capture_module():
    spec = importlib.util.spec_from_file_location("capture_fixtures", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


capture_fixtures = _capture_module()
REGENERATE = "regenerate: .venv/bin/python miniprogram/scripts/capture_fixtures.py"


def _stored() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(capture_fixtures.FIXTURES.glob("*.json"))}


def test_the_stored_fixtures_are_what_the_server_sends(app):
    recaptured = capture_fixtures.capture(app)
    stored = _stored()
    assert sorted(stored) == sorted(recaptured), REGENERATE
    for name, fixture in recaptured.items():
        assert capture_fixtures.masked(json.loads(capture_fixtures.dump(fixture))) \
            == capture_fixtures.masked(stored[name]), f"{name}.json is stale; {REGENERATE}"


def test_the_fixtures_cover_what_the_jest_tests_rely_on():
    recaptured = _stored()
    nodes = recaptured["layout-all-blocks"]["body"]["nodes"]
    sent = {n["type"] for n in nodes}
    # Every type the mini-program renders, but those needing a module that is not installed
    # (coupon-strip: coupons) and those that cannot stand on a custom page (product-buybox
    # belongs on the product page).
    assert sent <= set(client_types(scan(block_dirs_under(BLOCKS_DIR.parent), MINIPROGRAM_DIR)))
    assert fixture_gaps(block_dirs_under(BLOCKS_DIR.parent), MINIPROGRAM_DIR) == []
    product = recaptured["layout-product"]["body"]["nodes"]
    assert product[0]["type"] == "product-buybox" and product[0]["data"]["product"]["skus"]
    assert "hidden-title" not in {n["id"] for n in nodes}

    home = recaptured["layout-home"]
    assert home["status"] == 200 and home["headers"]["ETag"]
    again = recaptured["layout-home-304"]
    assert again["request"]["headers"]["If-None-Match"] == home["headers"]["ETag"]
    assert again["status"] == 304

    pay = recaptured["pay"]["body"]["request_payment"]
    assert set(pay) >= {"timeStamp", "nonceStr", "package", "signType", "paySign"}
    invalid = recaptured["address-invalid"]
    assert invalid["status"] == 422
    assert all(e["pointer"].startswith("/") for e in invalid["body"]["errors"])
