"""Importing the mallkit workbook: products spanning rows become products with their spec
matrix, prices in fen, stock with its ledger, tags, category and images; importing the same
file again changes nothing; an edited file updates in place (matched by product or SKU code);
chunks commit with progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.catalog import queries, search
from runtime.modules.catalog.importing import importer
from runtime.modules.catalog.importing.models import CatalogImport
from runtime.modules.catalog.models import Product, SearchDocument, Sku, Tag
from runtime.modules.catalog.products import create_product
from runtime.modules.catalog.taxonomy import product_tag_names
from tests.catalog.importing.helpers import (
    count_rows,
    import_file,
    products_by_code,
    workbook_bytes,
)

DRESS = [
    {"product_code": "DRESS-1", "title": "法式碎花连衣裙", "subtitle": "夏季新款",
     "category": "女装 > 连衣裙", "tags": "新品, 夏季", "status": "上架", "unit": "件",
     "images": "https://img.example.com/d1.jpg\nhttps://img.example.com/d2.jpg",
     "description": "<p>100% 棉</p><script>x()</script>", "spec1_name": "颜色",
     "spec1_value": "红色", "spec2_name": "尺码", "spec2_value": "S", "sku_code": "D1-R-S",
     "price": "159.00", "original_price": "199", "cost": "60.5", "stock": 20, "weight_g": 300,
     "barcode": "6901234567890", "low_stock": 3},
    {"product_code": "DRESS-1", "spec1_value": "红色", "spec2_value": "M", "sku_code": "D1-R-M",
     "price": 159, "original_price": 199.0, "stock": "15"},
    {"product_code": "DRESS-1", "spec1_value": "蓝色", "spec2_value": "S", "sku_code": "D1-B-S",
     "price": "¥169.90", "stock": 8, "sku_image": "https://img.example.com/d-blue.jpg"},
    {"product_code": "DRESS-1", "spec1_value": "蓝色", "spec2_value": "M", "sku_code": "D1-B-M",
     "price": 169.9, "stock": 0},
]
MUG = [{"product_code": "MUG-1", "title": "陶瓷马克杯", "category": "家居", "status": "草稿",
        "sku_code": "MUG-1", "price": "39.90", "stock": 100}]


def test_a_product_spanning_rows_becomes_a_product_with_its_matrix(app, shop, categories):
    run = import_file(app, shop, workbook_bytes(DRESS + MUG))
    assert (run.status, run.source_format, run.total_rows, run.total_products) == (
        "done", "mallkit", 5, 2)
    assert (run.created_count, run.updated_count, run.failed_count, run.has_report) == (
        2, 0, 0, False)
    found = products_by_code(app, shop)
    dress = found["DRESS-1"]
    product = dress["product"]
    assert product.title == "法式碎花连衣裙" and product.subtitle == "夏季新款"
    assert product.category_id == categories["女装 > 连衣裙"]
    assert product.status == "on_sale" and product.unit == "件"
    assert product.description_html == "<p>100% 棉</p>"  # sanitised like the console's
    assert product.specs == [{"name": "颜色", "values": ["红色", "蓝色"]},
                             {"name": "尺码", "values": ["S", "M"]}]
    assert product.images == [{"url": "https://img.example.com/d1.jpg"},
                              {"url": "https://img.example.com/d2.jpg"}]
    assert (product.min_price_fen, product.max_price_fen, product.original_price_fen) == (
        15900, 16990, 19900)
    assert dress["tags"] == ["新品", "夏季"]
    skus = dress["skus"]
    assert [(s.code, s.position) for s in skus.values()] == [
        ("D1-R-S", 0), ("D1-R-M", 1), ("D1-B-S", 2), ("D1-B-M", 3)]
    red_s = skus[("红色", "S")]
    assert (red_s.price_fen, red_s.original_price_fen, red_s.cost_fen, red_s.stock) == (
        15900, 19900, 6050, 20)
    assert (red_s.weight_g, red_s.barcode, red_s.low_stock_threshold) == (300, "6901234567890", 3)
    assert skus[("红色", "M")].stock == 15
    assert skus[("蓝色", "S")].price_fen == 16990
    assert skus[("蓝色", "S")].image == {"url": "https://img.example.com/d-blue.jpg"}
    assert skus[("蓝色", "M")].stock == 0
    # opening stock is in the ledger, as create_product writes it
    assert sorted((e.sku_id, e.delta, e.balance, e.reason) for e in dress["ledger"]) == sorted(
        (s.id, s.stock, s.stock, "initial") for s in skus.values() if s.stock)
    mug = found["MUG-1"]["product"]
    assert (mug.status, mug.category_id, mug.specs) == ("draft", categories["家居"], [])
    assert [(s.code, s.price_fen, s.stock) for s in found["MUG-1"]["skus"].values()] == [
        ("MUG-1", 3990, 100)]


def test_bulk_written_products_match_what_the_catalog_service_writes(app, shop, shop_session,
                                                                      categories):
    """The import writes new products in bulk; the rows must be what create_product makes."""
    import_file(app, shop, workbook_bytes(DRESS))
    imported = products_by_code(app, shop)["DRESS-1"]
    twin = create_product(shop_session, {
        "code": "TWIN", "title": "法式碎花连衣裙", "subtitle": "夏季新款",
        "category_id": categories["女装 > 连衣裙"], "tags": ["新品", "夏季"], "status": "on_sale",
        "images": imported["product"].images,
        "description_html": "<p>100% 棉</p><script>x()</script>",
        "specs": imported["product"].specs,
        "skus": [{"spec_values": list(s.spec_values), "price_fen": s.price_fen,
                  "original_price_fen": s.original_price_fen, "cost_fen": s.cost_fen,
                  "stock": s.stock, "code": f"T-{s.code}", "barcode": s.barcode,
                  "weight_g": s.weight_g, "image": s.image,
                  "low_stock_threshold": s.low_stock_threshold}
                 for s in imported["skus"].values()]})
    shop_session.commit()
    product = imported["product"]
    columns = [c.key for c in Product.__table__.columns
               if c.key not in ("id", "code", "created_at", "updated_at")]
    assert {c: getattr(product, c) for c in columns} == {c: getattr(twin, c) for c in columns}
    twin_skus = {tuple(s.spec_values): s for s in shop_session.scalars(
        select(Sku).where(Sku.product_id == twin.id))}
    sku_columns = [c.key for c in Sku.__table__.columns
                   if c.key not in ("id", "code", "product_id", "created_at", "updated_at")]
    for key, sku in imported["skus"].items():
        assert {c: getattr(sku, c) for c in sku_columns} == {
            c: getattr(twin_skus[key], c) for c in sku_columns}
    # the search document is the one the catalog would index (with its own code)
    doc = shop_session.scalar(select(SearchDocument).where(
        SearchDocument.product_id == product.id))
    search.index_product(shop_session, shop_session.get(Product, product.id),
                         product_tag_names(shop_session, [product.id])[product.id])
    assert shop_session.scalar(select(SearchDocument.tokens).where(
        SearchDocument.product_id == product.id)) == doc.tokens
    shop_session.rollback()
    page = queries.list_products(shop_session, queries.ProductFilter(keyword="碎花"))
    assert {p.code for p in page.items} == {"DRESS-1", "TWIN"}


def test_importing_the_same_file_again_changes_nothing(app, shop, categories):
    data = workbook_bytes(DRESS + MUG)
    import_file(app, shop, data)
    before = products_by_code(app, shop)
    run = import_file(app, shop, data)
    assert (run.created_count, run.updated_count, run.unchanged_count, run.failed_count) == (
        0, 0, 2, 0)
    after = products_by_code(app, shop)
    assert set(after) == {"DRESS-1", "MUG-1"}
    assert count_rows(app, shop, Product) == 2 and count_rows(app, shop, Sku) == 5
    assert count_rows(app, shop, Tag) == 2
    for code, item in after.items():
        assert item["product"].updated_at == before[code]["product"].updated_at
        assert len(item["ledger"]) == len(before[code]["ledger"])


def test_an_edited_file_updates_the_products_in_place(app, shop, categories):
    import_file(app, shop, workbook_bytes(DRESS + MUG))
    before = products_by_code(app, shop)
    edited = [dict(row) for row in DRESS]
    edited[0].update(title="法式碎花连衣裙（新）", price="149.00", stock=12, tags="夏季")
    edited[3].update(stock=None)  # blank stock keeps the SKU's stock
    edited.append({"product_code": "DRESS-1", "spec1_value": "红色", "spec2_value": "L",
                   "sku_code": "D1-R-L", "price": "159", "stock": 4})
    edited.append({"product_code": "DRESS-1", "spec1_value": "蓝色", "spec2_value": "L",
                   "sku_code": "D1-B-L", "price": "169.9", "stock": 6})
    run = import_file(app, shop, workbook_bytes(edited + MUG))
    assert (run.created_count, run.updated_count, run.unchanged_count, run.failed_count) == (
        0, 1, 1, 0)
    dress = products_by_code(app, shop)["DRESS-1"]
    product = dress["product"]
    assert product.id == before["DRESS-1"]["product"].id
    assert product.title == "法式碎花连衣裙（新）" and dress["tags"] == ["夏季"]
    assert product.specs[1] == {"name": "尺码", "values": ["S", "M", "L"]}
    skus = dress["skus"]
    assert skus[("红色", "S")].id == before["DRESS-1"]["skus"][("红色", "S")].id
    assert (skus[("红色", "S")].price_fen, skus[("红色", "S")].stock) == (14900, 12)
    assert skus[("蓝色", "M")].stock == 0
    assert (skus[("红色", "L")].stock, skus[("蓝色", "L")].stock) == (4, 6)
    reasons = [(e.sku_id, e.delta, e.reason) for e in dress["ledger"]]
    assert (skus[("红色", "S")].id, -8, "set") in reasons  # a stock take: 20 -> 12


def test_rows_without_a_product_code_match_on_sku_codes(app, shop, categories):
    rows = [{k: v for k, v in row.items() if k != "product_code"} for row in DRESS]
    first = import_file(app, shop, workbook_bytes(rows))
    assert first.created_count == 1
    product_id = products_by_code(app, shop)["法式碎花连衣裙"]["product"].id
    rows[1]["price"] = "155"
    again = import_file(app, shop, workbook_bytes(rows))
    assert (again.created_count, again.updated_count) == (0, 1)
    found = products_by_code(app, shop)
    assert list(found) == ["法式碎花连衣裙"] and found["法式碎花连衣裙"]["product"].id == product_id
    assert found["法式碎花连衣裙"]["skus"][("红色", "M")].price_fen == 15500


def test_a_product_code_can_be_given_to_a_product_found_by_its_sku_codes(app, shop, categories):
    rows = [{k: v for k, v in row.items() if k != "product_code"} for row in DRESS]
    import_file(app, shop, workbook_bytes(rows))
    run = import_file(app, shop, workbook_bytes(DRESS))
    assert run.updated_count == 1 and list(products_by_code(app, shop)) == ["DRESS-1"]


def test_english_headers_and_status_words_are_read(app, shop, categories):
    from runtime.modules.catalog.importing.columns import COLUMNS

    headers = [c.en for c in COLUMNS]
    rows = [{"Product code": "EN-1", "Title": "Linen shirt", "Category": "女装",
             "Status": "on_sale", "Price (yuan)": "88", "Stock": 2}]
    run = import_file(app, shop, workbook_bytes(rows, headers=headers, sheet="Products"))
    assert run.created_count == 1
    product = products_by_code(app, shop)["EN-1"]["product"]
    assert (product.status, product.category_id) == ("on_sale", categories["女装"])


def test_library_images_are_referenced_by_media_id(app, shop, factory, categories):
    asset = factory.media_image(shop)
    rows = [{"product_code": "IMG-1", "title": "图", "images": f"media:{asset.id}",
             "price": "1", "stock": 1}]
    run = import_file(app, shop, workbook_bytes(rows))
    assert run.created_count == 1 and run.image_products == []
    assert products_by_code(app, shop)["IMG-1"]["product"].images == [{"media_id": asset.id}]


def test_chunks_commit_one_by_one_and_report_progress(app, shop, categories, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_SIZE", 7)
    rows = [{"product_code": f"P{i:03d}", "title": f"商品{i}", "price": f"{i}.5",
             "stock": i, "tags": f"t{i % 3}"} for i in range(30)]
    seen: list[tuple[int, int]] = []
    mk = app.extensions["mallkit"]
    from runtime.modules.catalog.importing import service

    with app.app_context(), mk.session_factory() as session:
        use_shop(session, shop.id)
        session.info["redis"] = mk.redis
        run = service.create_import(session, mk.settings.data_dir, "p.xlsx",
                                    workbook_bytes(rows))
        session.commit()

        def progress(current: CatalogImport) -> None:
            # what the console polls is committed: another session sees it
            with mk.session_factory() as other:
                use_shop(other, shop.id)
                row = other.get(CatalogImport, current.id)
                seen.append((row.processed_products, row.created_count))

        run = importer.run_import(session, run.id, mk.settings.data_dir, progress=progress)
    assert seen == [(7, 7), (14, 14), (21, 21), (28, 28), (30, 30)]
    assert run.created_count == 30 and run.progress == 1.0
    assert count_rows(app, shop, Tag) == 3


def test_a_finished_run_is_not_run_twice(app, shop, categories):
    run = import_file(app, shop, workbook_bytes(MUG))
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as session:
        use_shop(session, shop.id)
        again = importer.run_import(session, run.id, mk.settings.data_dir)
    assert (again.status, again.created_count) == ("done", 1)
    assert count_rows(app, shop, Product) == 1


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_template_reads_back_empty(app, shop, locale):
    from runtime.modules.catalog.importing.template import template_bytes

    run = import_file(app, shop, template_bytes(locale), "template.xlsx")
    assert (run.status, run.total_products, run.failed_count) == ("done", 0, 0)
