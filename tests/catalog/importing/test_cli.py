"""``mallkit catalog import --shop SLUG FILE`` in a real subprocess: the format is detected
from the file, the counts and the report path are printed, and the exit status is 1 when any
row failed (or the file could not be read), 0 otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.catalog.importing.helpers import DATA, products_by_code, workbook_bytes


def _mallkit(worker_env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "runtime.cli", "catalog", "import", *args],
                          env=worker_env, capture_output=True, text=True, timeout=300)


def test_a_clean_file_exits_zero(app, shop, worker_env, tmp_path: Path):
    path = tmp_path / "goods.xlsx"
    path.write_bytes(workbook_bytes([{"product_code": "CLI-1", "title": "命令行", "price": "5",
                                      "stock": 2}]))
    result = _mallkit(worker_env, "--shop", "alpha", str(path))
    assert result.returncode == 0, result.stderr
    assert "(mallkit): 1 products in 1 rows" in result.stdout
    assert "created: 1  updated: 0  unchanged: 0  failed: 0 (0 rows)" in result.stdout
    assert "error report" not in result.stdout
    assert list(products_by_code(app, shop)) == ["CLI-1"]
    again = _mallkit(worker_env, "--shop", "alpha", str(path))
    assert again.returncode == 0
    assert "created: 0  updated: 0  unchanged: 1  failed: 0 (0 rows)" in again.stdout


def test_failed_rows_exit_one_and_name_the_report(app, shop, worker_env):
    result = _mallkit(worker_env, "--shop", "alpha", "--lang", "en",
                      str(DATA / "shopify_products.csv"))
    assert result.returncode == 1
    assert "(shopify): 5 products in 10 rows" in result.stdout
    assert "created: 4  updated: 0  unchanged: 0  failed: 1 (2 rows)" in result.stdout
    report = Path(result.stdout.split("error report: ")[1].strip())
    assert report.is_file() and report.name == "report.xlsx"
    assert report.parent.parent.name == str(shop.id)


def test_woocommerce_is_detected_too(app, shop, worker_env):
    result = _mallkit(worker_env, "--shop", "alpha", str(DATA / "woocommerce_products.csv"))
    assert result.returncode == 1  # the export has rows mallkit cannot take
    assert "(woocommerce)" in result.stdout and "created: 4" in result.stdout


def test_unreadable_files_and_unknown_shops(app, shop, worker_env, tmp_path: Path):
    garbage = tmp_path / "junk.xlsx"
    garbage.write_bytes(b"not a workbook at all" * 100)
    result = _mallkit(worker_env, "--shop", "alpha", "--lang", "en", str(garbage))
    assert result.returncode == 1
    assert "failed: not a readable .xlsx workbook" in result.stderr
    result = _mallkit(worker_env, "--shop", "nope", str(garbage))
    assert result.returncode == 1 and "no shop 'nope'" in result.stderr
