"""Export of the product list to .xlsx: the list's filters, one row per SKU in the import
template's columns (so it imports back unchanged), text kept as text, only the shop's own
products, and a finished export is not written twice."""

from __future__ import annotations

from openpyxl import load_workbook

from runtime.modules.catalog import exporting
from runtime.modules.catalog.importing.columns import COLUMNS
from runtime.modules.catalog.importing.jobs import run_catalog_export
from runtime.modules.catalog.importing.models import CatalogExport
from runtime.modules.catalog.products import delete_products
from tests.catalog.importing.helpers import import_file, products_by_code, workbook_bytes

ROWS = [
    {"product_code": "DRESS-1", "title": "碎花连衣裙", "category": "女装 > 连衣裙",
     "tags": "新品, 夏季", "status": "上架", "images": "https://img.example.com/d1.jpg",
     "description": "<p>棉</p>",
     "spec1_name": "颜色", "spec1_value": "红", "sku_code": "D-R", "price": "159.00",
     "original_price": "199", "cost": "60.5", "stock": 20, "weight_g": 300, "low_stock": 2},
    {"product_code": "DRESS-1", "spec1_value": "蓝", "sku_code": "D-B", "price": "169.9",
     "stock": 0, "sku_image": "https://img.example.com/blue.jpg"},
    {"product_code": "MUG-1", "title": "=马克杯", "category": "家居", "status": "草稿",
     "sku_code": "MUG-1", "price": "39.90", "stock": 100},
]


def _export(app, shop, shop_session, filters=None, locale="zh") -> tuple[CatalogExport, list]:
    export = exporting.create_export(shop_session, filters or {}, requested_by="t",
                                     locale=locale)
    shop_session.commit()
    with app.app_context():
        assert run_catalog_export(shop.id, export.id) == "done"
    shop_session.expire_all()
    export = exporting.get_export(shop_session, export.id)
    shop_session.commit()  # SQLite: an open transaction would hold the write lock
    path = exporting.export_file(app.extensions["mallkit"].settings.data_dir, export)
    sheet = load_workbook(path).worksheets[0]
    return export, [[c for c in row] for row in sheet.iter_rows()]


def test_the_export_has_the_template_columns_and_one_row_per_sku(
        app, shop, shop_session, categories, factory):
    asset = factory.media_image(shop)
    import_file(app, shop, workbook_bytes(ROWS))
    factory.product(shop, "图库图片", code="LIB-1", images=[{"media_id": asset.id}],
                    skus=[{"price_fen": 500, "stock": 1, "code": "LIB-1"}])
    export, rows = _export(app, shop, shop_session)
    assert (export.status, export.product_count, export.sku_count) == ("done", 3, 4)
    headers = [c.value for c in rows[0]]
    assert headers == [c.zh for c in COLUMNS]
    data = [{h: c.value for h, c in zip(headers, row, strict=True)} for row in rows[1:]]
    red, blue, mug, library = data
    assert red["商品编码"] == "DRESS-1" and red["分类"] == "女装 > 连衣裙"
    assert (red["标签"], red["状态"], red["商品图片"]) == ("新品, 夏季", "上架",
                                                     "https://img.example.com/d1.jpg")
    assert (red["规格1名称"], red["规格1值"], red["SKU编码"]) == ("颜色", "红", "D-R")
    assert (red["售价(元)"], red["划线价(元)"], red["成本价(元)"]) == (159, 199, 60.5)
    assert (red["库存"], red["重量(克)"], red["库存预警"]) == (20, 300, 2)
    assert blue["商品名称"] == "碎花连衣裙"  # product cells are on every row
    assert (blue["售价(元)"], blue["SKU图片"]) == (169.9, "https://img.example.com/blue.jpg")
    assert rows[1][COLUMNS.index(next(c for c in COLUMNS if c.key == "price"))].number_format \
        == "0.00"
    assert (mug["商品名称"], mug["状态"]) == ("=马克杯", "草稿")
    mug_cell = rows[3][[c.key for c in COLUMNS].index("title")]
    assert mug_cell.data_type == "s"  # a title that looks like a formula stays text
    assert library["商品图片"] == f"media:{asset.id}"

    again = import_file(app, shop, exporting.export_file(
        app.extensions["mallkit"].settings.data_dir, export), "export.xlsx")
    assert (again.unchanged_count, again.updated_count, again.created_count,
            again.failed_count) == (3, 0, 0, 0)


def test_filters_and_deleted_products(app, shop, shop_session, categories):
    import_file(app, shop, workbook_bytes(ROWS))
    _export_run, rows = _export(app, shop, shop_session, {"status": "on_sale"})
    assert [r[0].value for r in rows[1:]] == ["DRESS-1", "DRESS-1"]
    _export_run, rows = _export(app, shop, shop_session,
                                {"category_id": categories["家居"], "keyword": "马克杯"})
    assert [r[0].value for r in rows[1:]] == ["MUG-1"]
    mug = products_by_code(app, shop)["MUG-1"]["product"]
    delete_products(shop_session, [mug.id])
    shop_session.commit()
    export, rows = _export(app, shop, shop_session, locale="en")
    assert export.product_count == 1 and rows[0][1].value == "Title"
    assert rows[1][[c.key for c in COLUMNS].index("status")].value == "on_sale"


def test_only_the_shops_own_products_are_exported(app, shop, shop_session, factory):
    other = factory.shop(slug="beta")
    factory.product(other, "别家的商品", code="THEIRS")
    factory.product(shop, "自家的商品", code="OURS")
    _export_run, rows = _export(app, shop, shop_session)
    assert [r[0].value for r in rows[1:]] == ["OURS"]


def test_bad_filters_are_refused(shop_session):
    import pytest

    from runtime.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        exporting.create_export(shop_session, {"status": "gone", "category_id": "x",
                                               "colour": "red"})
    assert sorted(e.pointer for e in caught.value.errors) == ["/category_id", "/colour",
                                                              "/status"]


def test_a_finished_export_is_not_written_twice(app, shop, shop_session):
    export, _rows = _export(app, shop, shop_session)
    path = exporting.export_file(app.extensions["mallkit"].settings.data_dir, export)
    stamp = path.stat().st_mtime_ns
    with app.app_context():
        assert run_catalog_export(shop.id, export.id) == "done"
    assert path.stat().st_mtime_ns == stamp
