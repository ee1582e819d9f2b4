"""Checks of the workbook: every bad cell is reported with its reason in the error report,
a product with any bad row is not written at all (no product, SKU, stock, tag, category or
image left behind), and a file that cannot be read fails as a whole with a reason."""

from __future__ import annotations

import io
import os
import random

import pytest
from openpyxl import Workbook

from runtime.media.models import MediaAsset
from runtime.modules.catalog.importing.drafts import CellValueError, money_fen
from runtime.modules.catalog.models import (
    Category,
    Product,
    ProductTag,
    SearchDocument,
    Sku,
    StockLedgerEntry,
    Tag,
)
from tests.catalog.importing.helpers import (
    count_rows,
    import_file,
    products_by_code,
    report_rows,
    workbook_bytes,
)

GOOD = {"product_code": "OK-1", "title": "好商品", "price": "10.00", "stock": 1}


def _nothing_written(app, shop, *, products: int = 0) -> None:
    assert count_rows(app, shop, Product) == products
    if products == 0:
        for model in (Sku, StockLedgerEntry, ProductTag, SearchDocument, MediaAsset):
            assert count_rows(app, shop, model) == 0, model.__name__


@pytest.mark.parametrize("value, fen", [
    ("12.90", 1290), ("12.9", 1290), ("12", 1200), (12, 1200), (12.9, 1290), (19.99, 1999),
    ("¥1,299.00", 129900), ("￥0.5", 50), ("0", 0), (0.1 + 0.2, 30), ("99 元", 9900),
])
def test_prices_in_yuan_become_exact_fen(value, fen):
    assert money_fen(value) == fen


@pytest.mark.parametrize("value", [
    "12.999", "abc", "-5", "1e3", "12,90", "1,29", "NaN", "Infinity", "12.9.1", "$9.99",
    -1, 12.345, float("nan"), True, "20000001", "99999999999",
])
def test_wrong_price_formats_are_refused(value):
    with pytest.raises(CellValueError):
        money_fen(value)


def test_wrong_price_formats_are_reported_per_cell(app, shop):
    rows = [
        GOOD,
        {"product_code": "P-A", "title": "三位小数", "price": "12.999", "stock": 1},
        {"product_code": "P-B", "title": "文字", "price": "十二元", "stock": 1},
        {"product_code": "P-C", "title": "负数", "price": "-3", "original_price": "abc",
         "stock": "两个"},
        {"product_code": "P-D", "title": "划线价低于售价", "price": "20", "original_price": "10",
         "stock": 1},
    ]
    run = import_file(app, shop, workbook_bytes(rows), locale="zh")
    assert (run.created_count, run.failed_count, run.failed_rows) == (1, 4, 4)
    report = {r["商品编码"]: r for r in report_rows(app, run)}
    assert set(report) == {"P-A", "P-B", "P-C", "P-D"}
    money = "不是有效的金额（元，最多两位小数，例如 12.90）"
    assert report["P-A"]["_bad"] == {"售价(元)": money}
    assert report["P-B"]["_bad"] == {"售价(元)": money}
    assert report["P-C"]["_bad"] == {"售价(元)": money, "划线价(元)": money, "库存": "不是整数"}
    assert report["P-D"]["_bad"] == {"划线价(元)": "the original (strike-through) price must "
                                                 "not be below the price"}
    assert report["P-C"]["错误原因"].count("\n") == 2  # the reasons column lists all three
    _nothing_written(app, shop, products=1)


def test_unknown_category_is_reported_and_nothing_is_created(app, shop, categories):
    rows = [GOOD | {"category": "女装 > 连衣裙"},
            {"product_code": "P-X", "title": "没有的分类", "category": "男装 > 衬衫",
             "price": "1"}]
    run = import_file(app, shop, workbook_bytes(rows), locale="en")
    assert (run.created_count, run.failed_count) == (1, 1)
    [row] = report_rows(app, run)
    assert row["_bad"] == {"分类": "no category 男装 > 衬衫; create it first"}
    assert count_rows(app, shop, Category) == 4
    # a category named by its last part alone is found when that name is unique
    assert products_by_code(app, shop)["OK-1"]["product"].category_id == categories[
        "女装 > 连衣裙"]
    run = import_file(app, shop, workbook_bytes([GOOD | {"category": "T恤"}]))
    assert products_by_code(app, shop)["OK-1"]["product"].category_id == categories["女装 > T恤"]


def test_the_import_can_create_missing_categories(app, shop, categories):
    rows = [GOOD | {"category": "男装 > 衬衫 > 长袖"}]
    run = import_file(app, shop, workbook_bytes(rows), create_categories=True)
    assert run.created_count == 1
    assert count_rows(app, shop, Category) == 7
    too_deep = [GOOD | {"product_code": "OK-2", "category": "A > B > C > D"}]
    run = import_file(app, shop, workbook_bytes(too_deep), create_categories=True, locale="en")
    assert run.failed_count == 1
    assert report_rows(app, run)[0]["_bad"] == {"分类": "categories nest at most 3 levels"}
    assert count_rows(app, shop, Category) == 7


def test_duplicate_sku_codes_fail_every_product_that_uses_them(app, shop, factory):
    factory.product(shop, "别人的商品", code="OTHER",
                    skus=[{"price_fen": 100, "stock": 1, "code": "TAKEN"}])
    rows = [
        {"product_code": "A", "title": "甲", "spec1_name": "色", "spec1_value": "红",
         "sku_code": "DUP", "price": "1"},
        {"product_code": "A", "spec1_value": "蓝", "sku_code": "A-2", "price": "1"},
        {"product_code": "B", "title": "乙", "sku_code": "DUP", "price": "1"},
        {"product_code": "C", "title": "丙", "spec1_name": "色", "spec1_value": "红",
         "sku_code": "C-1", "price": "1"},
        {"product_code": "C", "spec1_value": "蓝", "sku_code": "C-1", "price": "1"},
        {"product_code": "D", "title": "丁", "sku_code": "TAKEN", "price": "1"},
        GOOD,
    ]
    run = import_file(app, shop, workbook_bytes(rows), locale="en")
    assert (run.created_count, run.failed_count, run.failed_rows) == (1, 4, 6)
    report = report_rows(app, run)
    bad = [(r["商品编码"], r["SKU编码"], r["_bad"].get("SKU编码")) for r in report]
    assert bad == [
        ("A", "DUP", "SKU code DUP appears more than once in the file"),
        ("A", "A-2", None),
        ("B", "DUP", "SKU code DUP appears more than once in the file"),
        ("C", "C-1", "SKU code C-1 appears more than once in the file"),
        ("C", "C-1", "SKU code C-1 appears more than once in the file"),
        ("D", "TAKEN", "SKU code TAKEN belongs to another product (OTHER)"),
    ]
    # the clean row of a failed product says why it was not imported either
    assert report[1]["Errors"] == "not imported: another row of this product has an error"
    assert set(products_by_code(app, shop)) == {"OTHER", "OK-1"}


def test_empty_required_cells(app, shop):
    rows = [
        {"product_code": "N-1", "title": "", "price": "5"},
        {"product_code": "N-2", "title": "没价格", "price": None, "stock": 3},
        {"product_code": "N-3", "title": "缺规格值", "spec1_name": "颜色", "spec1_value": "红",
         "price": "1"},
        {"product_code": "N-3", "spec1_value": "  ", "price": "1"},
        {"product_code": "N-4", "title": "规格无名", "spec1_value": "红", "price": "1"},
        GOOD,
    ]
    run = import_file(app, shop, workbook_bytes(rows), locale="en")
    assert (run.created_count, run.failed_count, run.failed_rows) == (1, 4, 5)
    report = report_rows(app, run)
    assert [r["_bad"] for r in report] == [
        {"商品名称": "is required"},
        {"售价(元)": "is required"},
        {},
        {"规格1值": "is required"},
        {"规格1值": "give the spec a name in 规格1名称"},
    ]
    _nothing_written(app, shop, products=1)


def test_missing_columns_fail_the_file(app, shop):
    run = import_file(app, shop, workbook_bytes([{"商品名称": "x"}], headers=["商品名称", "库存"]),
                      locale="en")
    assert (run.status, run.error) == ("failed", "missing column(s): 售价(元)")
    _nothing_written(app, shop)


def test_formula_cells_are_refused(app, shop):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "商品"
    sheet.append(["商品编码", "商品名称", "售价(元)", "库存"])
    sheet.append(["F-1", "公式价", "=10*2", 5])
    sheet.append(["F-2", "公式库存", "12.50", "=SUM(1,2)"])
    sheet.append(["F-3", '=CONCAT("A","B")', "1", 1])
    sheet.append(["OK-1", "好商品", "9.90", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = import_file(app, shop, buffer.getvalue(), locale="zh")
    assert (run.created_count, run.failed_count) == (1, 3)
    report = report_rows(app, run)
    formula = "不接受公式，请粘贴为数值"
    assert [r["_bad"] for r in report] == [{"售价(元)": formula}, {"库存": formula},
                                            {"商品名称": formula}]
    assert report[0]["售价(元)"] == "=10*2"  # shown as text, not re-evaluated
    _nothing_written(app, shop, products=1)


def test_a_megabyte_of_garbage_named_xlsx_fails_cleanly(app, shop):
    garbage = random.Random(7).randbytes(1024 * 1024)
    run = import_file(app, shop, garbage, "products.xlsx", locale="en")
    assert run.status == "failed" and run.has_report is False
    assert run.error == "not a readable .xlsx workbook (save it from Excel or WPS as .xlsx)"
    _nothing_written(app, shop)


@pytest.mark.parametrize("data, filename, error", [
    (b"PK\x03\x04" + os.urandom(5000), "x.xlsx",
     "not a readable .xlsx workbook (save it from Excel or WPS as .xlsx)"),
    (b"\x00\x01\x02garbage\xff\xfe" * 1000, "x.csv", "the file is not UTF-8 or GB18030 text"),
    ("名字,产地\n苹果,烟台\n".encode(), "x.csv",
     "unknown file format: expected the mallkit .xlsx template, a Shopify product CSV or a "
     "WooCommerce product CSV"),
    (b"\n\n\n", "x.csv", "the file has no header row"),
])
def test_unreadable_files_fail_with_a_reason(app, shop, data, filename, error):
    run = import_file(app, shop, data, filename, locale="en")
    assert (run.status, run.error) == ("failed", error)
    _nothing_written(app, shop)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, shop, monkeypatch):
    from runtime.modules.catalog.importing import reader

    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1024)
    run = import_file(app, shop, workbook_bytes([GOOD]), locale="en")
    assert (run.status, run.error) == ("failed", "the workbook unpacks to more than 0 MB")


def test_the_spec_matrix_must_be_complete_and_unique(app, shop):
    rows = [
        {"product_code": "M-1", "title": "缺组合", "spec1_name": "颜色", "spec1_value": "红",
         "spec2_name": "尺码", "spec2_value": "S", "price": "1"},
        {"product_code": "M-1", "spec1_value": "蓝", "spec2_value": "M", "price": "1"},
        {"product_code": "M-2", "title": "重复组合", "spec1_name": "颜色", "spec1_value": "红",
         "price": "1"},
        {"product_code": "M-2", "spec1_value": "红", "price": "2"},
        {"product_code": "M-3", "title": "无规格两行", "price": "1"},
        {"product_code": "M-3", "price": "2"},
        {"product_code": "M-4", "title": "规格名不同", "spec1_name": "颜色", "spec1_value": "红",
         "price": "1"},
        {"product_code": "M-4", "spec1_name": "色彩", "spec1_value": "蓝", "price": "1"},
    ]
    run = import_file(app, shop, workbook_bytes(rows), locale="en")
    assert run.failed_count == 4 and run.created_count == 0
    report = report_rows(app, run)
    assert report[0]["Errors"] == ("rows missing for the spec combinations 红/M, 蓝/S; every "
                                "combination needs one row")
    assert report[3]["_bad"] == {"规格1值": "the same spec combination 红 appears twice"}
    assert report[5]["Errors"] == ("a product without specs has exactly one SKU row; add spec "
                                "columns for variants")
    assert report[7]["_bad"] == {"规格1名称": "differs from the first row of this product (颜色)"}
    _nothing_written(app, shop)


def test_catalog_limits_apply(app, shop):
    rows = [
        {"product_code": "L-1", "title": "长" * 121, "price": "1"},
        {"product_code": "L-2", "title": "标签多", "tags": ",".join(f"t{i}" for i in range(31)),
         "price": "1"},
        {"product_code": "L-3", "title": "图片坏", "images": "ftp://x/y.jpg", "price": "1"},
        {"product_code": "L-4", "title": "库存太大", "price": "1", "stock": 100_000_001},
        {"product_code": "L-5", "title": "图片太多", "price": "1",
         "images": "\n".join(f"https://img.example.com/{i}.jpg" for i in range(16))},
        {"product_code": "L-6", "title": "没有的素材", "price": "1", "images": "media:999"},
        {"product_code": "L-7", "title": "状态错", "price": "1", "status": "热卖"},
    ]
    run = import_file(app, shop, workbook_bytes(rows), locale="en")
    assert run.failed_count == 7
    bad = [r["_bad"] for r in report_rows(app, run)]
    assert bad == [
        {"商品名称": "at most 120 characters"},
        {"标签": "must be a list of at most 30 tag names"},
        {"商品图片": "not an image URL (http:// or https://) or media:<id>"},
        {"库存": "must be at most 100000000"},
        {"商品图片": "at most 15 images"},
        {"商品图片": "no image 999 in the media library"},
        {"状态": "unknown status 热卖; use 上架, 下架 or 草稿"},
    ]
    _nothing_written(app, shop)


def test_a_bad_row_never_half_writes_its_product_or_touches_an_existing_one(app, shop):
    first = [{"product_code": "E-1", "title": "原来的", "tags": "旧", "spec1_name": "色",
              "spec1_value": "红", "sku_code": "E-R", "price": "10", "stock": 5},
             {"product_code": "E-1", "spec1_value": "蓝", "sku_code": "E-B", "price": "10",
              "stock": 5}]
    import_file(app, shop, workbook_bytes(first))
    before = products_by_code(app, shop)["E-1"]
    edited = [dict(first[0], title="改过的", tags="新", price="12", stock=9),
              dict(first[1], price="十二")]
    run = import_file(app, shop, workbook_bytes(edited))
    assert (run.updated_count, run.failed_count) == (0, 1)
    after = products_by_code(app, shop)["E-1"]
    assert after["product"].title == "原来的" and after["tags"] == ["旧"]
    assert {k: (s.price_fen, s.stock) for k, s in after["skus"].items()} == {
        k: (s.price_fen, s.stock) for k, s in before["skus"].items()}
    assert len(after["ledger"]) == len(before["ledger"])
    assert [t.name for t in _tags(app, shop)] == ["旧"]


def _tags(app, shop):
    from sqlalchemy import select

    from runtime.db import use_shop

    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        return list(session.scalars(select(Tag).order_by(Tag.id)))


def test_a_product_the_database_refuses_is_reported_and_the_rest_go_in(app, shop, factory,
                                                                        shop_session):
    """Codes taken after the checks (another request won the race): the bulk insert fails,
    the chunk's products go one by one and only the clashing one is refused."""
    from runtime.modules.catalog.importing.detect import parse_file
    from runtime.modules.catalog.importing.validate import Lookups, validate_drafts
    from runtime.modules.catalog.importing.writer import CatalogWriter

    rows = [{"product_code": f"R-{i}", "title": f"商品{i}", "sku_code": f"R-{i}",
             "price": "1", "stock": 2} for i in range(3)]
    path = factory.app.extensions["mallkit"].settings.data_dir / "race.xlsx"
    path.write_bytes(workbook_bytes(rows))
    parsed = parse_file(path)
    lookups = Lookups()
    matched = validate_drafts(shop_session, parsed.products, lookups)
    assert matched == {} and not any(d.failed for d in parsed.products)
    factory.product(shop, "抢先", skus=[{"price_fen": 5, "stock": 1, "code": "R-1"}])
    result = CatalogWriter(shop_session, lookups).write_chunk(
        [(d, None) for d in parsed.products])
    shop_session.commit()
    assert (result.created, [d.code for d in result.failed]) == (2, ["R-1"])
    [failed] = result.failed
    assert [(p.cell.column, p.message.text) for p in failed.problems] == [
        (parsed.headers.index("SKU编码"), "code 'R-1' is used by SKU 1")]
    found = products_by_code(app, shop)
    assert set(found) == {"R-0", "R-2", "抢先"}
    assert all(len(found[c]["ledger"]) == 1 for c in ("R-0", "R-2"))
