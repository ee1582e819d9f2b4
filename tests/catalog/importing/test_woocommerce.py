"""WooCommerce product CSV (tests/catalog/importing/data/woocommerce_products.csv, written to
WooCommerce's exporter column set): variable products and their variations (found by
``id:`` or SKU, attributes in any column order) become products with a spec matrix, simple
products one SKU; sale and regular prices, stock, weight, categories, tags and images map;
grouped products, 'any' attributes and orphan variations are reported."""

from __future__ import annotations

from runtime.modules.catalog.importing.reader import read_csv
from runtime.modules.catalog.importing.woocommerce import is_woocommerce, split_escaped
from tests.catalog.importing.helpers import DATA, import_file, products_by_code, report_rows
from tests.catalog.importing.test_shopify import _category_paths

CSV = DATA / "woocommerce_products.csv"
UPLOADS = "https://shop.example.com/wp-content/uploads/2024/05/"


def test_the_export_is_recognised_and_lists_split():
    assert is_woocommerce(read_csv(CSV).headers)
    assert split_escaped("winter, wool\\, merino") == ["winter", "wool, merino"]


def test_woocommerce_products_are_imported(app, shop, shop_session, clock):
    run = import_file(app, shop, CSV, "wc-product-export.csv", locale="en")
    assert (run.status, run.source_format) == ("done", "woocommerce")
    assert (run.total_products, run.created_count, run.failed_count) == (6, 3, 3)
    found = products_by_code(app, shop)
    assert set(found) == {"HOODIE", "BEANIE", "woo-130"}
    categories = _category_paths(shop_session)

    hoodie = found["HOODIE"]
    product = hoodie["product"]
    assert (product.title, product.subtitle, product.status) == (
        "Fleece Hoodie", "Warm fleece hoodie", "on_sale")
    assert product.description_html == "<p>Brushed fleece inside.</p>\n<p>Machine wash.</p>"
    assert categories[product.category_id] == "Clothing > Hoodies"  # the first of two
    assert hoodie["tags"] == ["winter", "fleece"]
    assert product.images == [{"url": UPLOADS + "hoodie-blue.jpg"},
                              {"url": UPLOADS + "hoodie-red.jpg"}]
    assert product.specs == [{"name": "Color", "values": ["Blue", "Red"]},
                             {"name": "Size", "values": ["S", "M"]}]
    rows = {key: (s.code, s.price_fen, s.original_price_fen, s.stock, s.weight_g,
                  s.low_stock_threshold) for key, s in hoodie["skus"].items()}
    assert rows == {
        ("Blue", "S"): ("HOODIE-BLUE-S", 3900, 4500, 7, 500, None),  # on sale
        ("Blue", "M"): ("HOODIE-BLUE-M", 4500, None, 3, 500, 2),
        ("Red", "S"): ("HOODIE-RED-S", 4500, None, 0, 550, None),  # the sale has ended
        ("Red", "M"): ("HOODIE-RED-M", 4550, None, 0, 500, None),  # stock not managed
    }
    assert hoodie["skus"][("Blue", "S")].image == {"url": UPLOADS + "hoodie-blue.jpg"}
    assert hoodie["skus"][("Blue", "M")].image is None

    beanie = found["BEANIE"]
    assert beanie["product"].specs == []  # a simple product's attributes are not variants
    assert beanie["product"].subtitle == ""
    assert beanie["product"].description_html.startswith("<p>Soft <em>merino</em> knit")
    assert beanie["tags"] == ["winter", "wool, merino"]
    [hat] = beanie["skus"].values()
    assert (hat.code, hat.price_fen, hat.stock, hat.low_stock_threshold, hat.weight_g) == (
        "BEANIE", 1800, 25, 5, 100)
    assert categories[beanie["product"].category_id] == "Accessories"

    poster = found["woo-130"]["product"]  # no SKU: the WooCommerce ID keeps it findable
    assert (poster.status, poster.min_price_fen) == ("draft", 2990)
    assert categories[poster.category_id] == "Home > Wall Art"

    report = {(r["ID"], r["SKU"]): r for r in report_rows(app, run)}
    assert report[("120", "WINTER-SET")]["_bad"] == {
        "Type": "unsupported WooCommerce product type grouped"}
    assert report[("131", "CANDLE")]["_bad"] == {"Regular price": "is required"}
    assert report[("140", "LOST-1")]["_bad"] == {
        "Parent": "variation of an unknown parent id:999"}
    assert report[("152", "TOTE-ANY")]["_bad"] == {
        "Attribute 1 value(s)": "attribute Color is 'any' on this variation; mallkit needs "
                                "one SKU per value"}
    assert report[("150", "TOTE")]["_bad"] == {}
    assert report[("151", "TOTE-NAT")]["_bad"] == {}
    assert len(report) == 6


def test_importing_the_woocommerce_export_again_updates_nothing(app, shop, clock):
    import_file(app, shop, CSV, "wc-product-export.csv")
    run = import_file(app, shop, CSV, "wc-product-export.csv")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 3)
