"""Shopify product CSV (tests/catalog/importing/data/shopify_products.csv, written to
Shopify's documented column set): rows by Handle become products, options become specs,
variants SKUs, prices and compare-at prices fen, inventory stock, Type / Product Category a
category (created), tags, status, images as URLs; a bad variant fails its product only."""

from __future__ import annotations

from runtime.modules.catalog.importing.drafts import fit_code
from runtime.modules.catalog.importing.reader import read_csv
from runtime.modules.catalog.importing.shopify import is_shopify
from runtime.modules.catalog.taxonomy import category_tree
from tests.catalog.importing.helpers import DATA, import_file, products_by_code, report_rows

CSV = DATA / "shopify_products.csv"
CDN = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files/"
LONG = "organic-cotton-relaxed-fit-crew-neck-sweatshirt-with-embroidered-logo-limited"


def _category_paths(session) -> dict[int, str]:
    paths: dict[int, str] = {}

    def walk(nodes, prefix):
        for node in nodes:
            path = f"{prefix} > {node.category.name}" if prefix else node.category.name
            paths[node.id] = path
            walk(node.children, path)
    walk(category_tree(session), "")
    return paths


def test_the_export_is_recognised():
    assert is_shopify(read_csv(CSV).headers)


def test_shopify_products_are_imported(app, shop, shop_session):
    run = import_file(app, shop, CSV, "products_export_1.csv", locale="en")
    assert (run.status, run.source_format) == ("done", "shopify")
    assert (run.total_products, run.created_count, run.failed_count) == (5, 4, 1)
    found = products_by_code(app, shop)
    assert set(found) == {"classic-tee", "ceramic-mug", "wool-beanie", fit_code(LONG)}
    categories = _category_paths(shop_session)

    tee = found["classic-tee"]
    product = tee["product"]
    assert product.title == "Classic Tee" and product.status == "on_sale"
    assert product.description_html == "<p>Soft <strong>organic cotton</strong> tee.</p>"
    assert categories[product.category_id] == "T-Shirts"  # the Type comes first
    assert tee["tags"] == ["cotton", "summer", "bestseller"]
    assert product.specs == [{"name": "Color", "values": ["Black", "White"]},
                             {"name": "Size", "values": ["S", "M"]}]
    assert product.images == [{"url": CDN + "tee-black.jpg?v=1700000000"},
                              {"url": CDN + "tee-white.jpg?v=1700000001"},
                              {"url": CDN + "tee-back.jpg?v=1700000002"}]
    skus = tee["skus"]
    rows = {key: (s.code, s.price_fen, s.original_price_fen, s.cost_fen, s.stock, s.weight_g,
                  s.barcode) for key, s in skus.items()}
    assert rows == {
        ("Black", "S"): ("TEE-BLK-S", 2500, 3000, 850, 10, 180, None),
        ("Black", "M"): ("TEE-BLK-M", 2500, 3000, 850, 5, 190, None),
        # compare-at equal to the price shows no strike-through price on Shopify either
        ("White", "S"): ("TEE-WHT-S", 2750, None, 850, 0, 180, None),
        # oversold (-2) is nothing left to sell
        ("White", "M"): ("TEE-WHT-M", 2750, None, 850, 0, 190, "0850001234567"),
    }
    assert skus[("White", "S")].image == {"url": CDN + "tee-white.jpg?v=1700000001"}
    assert (product.min_price_fen, product.max_price_fen, product.original_price_fen) == (
        2500, 2750, 3000)

    mug = found["ceramic-mug"]
    assert mug["product"].specs == [] and mug["product"].status == "draft"
    assert categories[mug["product"].category_id] == ("Home & Garden > Kitchen & Dining > "
                                                      "Tableware")
    [cup] = mug["skus"].values()
    assert (cup.code, cup.price_fen, cup.cost_fen, cup.stock, cup.weight_g, cup.barcode) == (
        "MUG-350", 1250, 420, 40, 320, "0123456789012")
    assert mug["product"].images == [{"url": CDN + "mug.png"}]

    beanie = found["wool-beanie"]
    assert beanie["product"].status == "off_shelf"  # archived
    assert beanie["product"].specs == [{"name": "Size", "values": ["One Size"]}]
    [hat] = beanie["skus"].values()
    assert (hat.price_fen, hat.original_price_fen, hat.weight_g) == (1800, 2200, None)

    sweatshirt = found[fit_code(LONG)]["product"]
    assert len(sweatshirt.code) == 64 and sweatshirt.code.startswith(LONG[:55])

    [sock_s, sock_l] = report_rows(app, run)
    assert (sock_s["Handle"], sock_s["_bad"]) == ("striped-socks", {})
    assert sock_l["_bad"] == {
        "Variant Price": "not a price in yuan with at most 2 decimals, e.g. 12.90"}


def test_importing_the_shopify_export_again_updates_nothing(app, shop):
    import_file(app, shop, CSV, "products_export_1.csv")
    before = products_by_code(app, shop)
    run = import_file(app, shop, CSV, "products_export_1.csv")
    assert (run.created_count, run.updated_count, run.unchanged_count, run.failed_count) == (
        0, 0, 4, 1)
    after = products_by_code(app, shop)
    assert {k: v["product"].id for k, v in after.items()} == {
        k: v["product"].id for k, v in before.items()}


def test_a_fixed_report_imports_on_its_own(app, shop):
    """The error report keeps Shopify's columns, so the fixed report imports as Shopify."""
    from io import BytesIO

    from openpyxl import load_workbook

    from runtime.modules.catalog.importing import service

    run = import_file(app, shop, CSV, "products_export_1.csv")
    path = service.report_file(app.extensions["mallkit"].settings.data_dir, run)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    price = headers.index("Variant Price") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, price).value == "$9.99":
            sheet.cell(row, price).value = "9.99"
    buffer = BytesIO()
    workbook.save(buffer)
    fixed = import_file(app, shop, buffer.getvalue(), "report.xlsx")
    assert (fixed.source_format, fixed.created_count, fixed.failed_count) == ("shopify", 1, 0)
    socks = products_by_code(app, shop)["striped-socks"]
    assert {k: s.price_fen for k, s in socks["skus"].items()} == {("S",): 999, ("L",): 999}
